// Live reload for `irbook serve`. The server adds this script to the pages it
// serves; a built site never contains it. It long-polls the server, reloads
// the page when its content (or a shared file such as the stylesheet)
// changed, and while the content has errors shows them in an overlay over the
// last version that built. The overlay is made of DOM nodes with textContent
// only: messages quote content, which must never become markup.
(function () {
  'use strict';
  var script = document.currentScript;
  var version = script.getAttribute('data-version') || '0';
  var instance = script.getAttribute('data-instance') || '';
  var path = location.pathname;
  var scrollKey = 'irbook-live-scroll:' + path;
  var generation = 0;
  var polling = false;
  var dismissed = -1;
  var overlay = null;

  // Come back to the same place after a reload caused by an edit.
  window.addEventListener('load', function () {
    try {
      var y = sessionStorage.getItem(scrollKey);
      if (y !== null) {
        sessionStorage.removeItem(scrollKey);
        window.scrollTo(0, Number(y) || 0);
      }
    } catch (e) { /* storage may be off; the page still works */ }
  });

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* see above */ }
    location.reload();
  }

  function el(tag, text, css) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (css) { Object.assign(node.style, css); }
    return node;
  }

  function where(p) {
    var s = p.file;
    if (p.line > 0) { s += ':' + p.line + ':' + p.column; }
    if (p.layer) { s += ' (in layer ' + p.layer + ')'; }
    return s;
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(status) {
    hide();
    if (dismissed === status.generation) { return; }
    var errors = status.problems.filter(function (p) { return p.severity === 'error'; });
    overlay = el('div', '', {
      position: 'fixed', left: '0', right: '0', bottom: '0', maxHeight: '60vh', overflow: 'auto',
      zIndex: '2147483647', background: '#fff', color: '#1a1a1a', borderTop: '4px solid #b3261e',
      boxShadow: '0 -4px 16px rgba(0,0,0,.25)', padding: '1rem 1.25rem', font: '15px/1.45 system-ui, sans-serif',
      textAlign: 'left'
    });
    overlay.id = 'irbook-live-overlay';
    overlay.setAttribute('role', 'alert');
    var n = errors.length;
    overlay.appendChild(el('strong', 'The handbook has ' + n + (n === 1 ? ' error' : ' errors') + '.',
      { display: 'block', fontSize: '1.1em', color: '#b3261e' }));
    overlay.appendChild(el('p', status.has_site
      ? 'You are looking at the last version that built. Fix the problem and save; this page updates by itself.'
      : 'Fix the problem and save; the handbook appears here by itself.', { margin: '.25rem 0 .75rem' }));
    var list = el('ul', '', { margin: '0', padding: '0', listStyle: 'none' });
    errors.forEach(function (p) {
      var item = el('li', '', { margin: '0 0 .6rem' });
      item.appendChild(el('code', where(p), { fontWeight: '600', font: '600 14px ui-monospace, monospace' }));
      item.appendChild(el('div', p.message));
      if (p.hint) { item.appendChild(el('div', 'Hint: ' + p.hint, { color: '#4a4a4a' })); }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = el('button', 'Hide until the next change', {
      font: 'inherit', padding: '.3rem .7rem', border: '1px solid #1a1a1a', borderRadius: '4px',
      background: '#f2f2f2', color: '#1a1a1a', cursor: 'pointer'
    });
    close.type = 'button';
    close.addEventListener('click', function () { dismissed = status.generation; hide(); });
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function poll() {
    // Hidden tabs do not poll: browsers allow only a few open connections to
    // one server, and a tab checks again as soon as it is shown.
    if (polling || document.visibilityState === 'hidden') { return; }
    polling = true;
    var url = '/__irbook/wait?g=' + generation + '&v=' + encodeURIComponent(version) +
      '&p=' + encodeURIComponent(path);
    fetch(url, { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        polling = false;
        if (status.instance !== instance || status.stale) { reload(); return; }
        generation = status.generation;
        if (status.ok) { hide(); } else { show(status); }
        poll();
      }, function () {
        // The server is stopped or restarting: try again shortly.
        polling = false;
        setTimeout(poll, 1000);
      });
  }

  document.addEventListener('visibilitychange', poll);
  poll();
}());
