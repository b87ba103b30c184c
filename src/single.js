/* irbook single file. Pages are sections of one document and switch with CSS
   alone (:target), so reading works with scripts off. This script only keeps
   the rest in step with the page shown: the menu's current item, the language
   switch (to the same page in the other language), the document's language
   and title, and the scroll position. It also maps the questionnaire's links,
   which are relative to the questionnaire's page, and search results to sections. */
(function () {
  'use strict';

  var byPath = {};
  var pages = document.querySelectorAll('.sf-page');
  for (var i = 0; i < pages.length; i++) { byPath[pages[i].getAttribute('data-path')] = pages[i].id; }
  var home = document.getElementById(document.body.getAttribute('data-home'));

  // A link as written on the page `from` (e.g. ../playbooks/x.html#step-y) → #section--anchor.
  function toSection(url, from) {
    if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.charAt(0) === '#') { return url; }
    var base = 'http://irbook.invalid/' + from;
    var u;
    try { u = new URL(url, base); } catch (e) { return url; }
    var id = byPath[decodeURIComponent(u.pathname.slice(1))];
    if (!id) { return url; }
    var frag = decodeURIComponent(u.hash.slice(1));
    return '#' + id + (frag ? '--' + frag : '');
  }

  // A search result (a page path such as nl/phases/x.html) → its section.
  window.IRBOOK_PAGE_LINK = function (path) {
    var id = byPath[path];
    return id ? '#' + id : path;
  };

  window.IRBOOK_LINK = function (url, app) {
    var page = app.closest('.sf-page');
    return page ? toSection(url, page.getAttribute('data-path')) : url;
  };

  function target() {
    var id = location.hash.slice(1);
    if (!id) { return null; }
    try { id = decodeURIComponent(id); } catch (e) { /* keep it as written */ }
    return document.getElementById(id);
  }

  function current() {
    var t = target();
    return (t && t.closest('.sf-page')) || home;
  }

  function sync(scroll) {
    var page = current();
    if (!page) { return; }
    var lang = page.getAttribute('data-lang');
    document.documentElement.lang = lang;
    document.title = page.getAttribute('data-title');
    var nav = page.getAttribute('data-nav');
    var links = document.querySelectorAll('.sf-lang .main-nav a');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('href') === nav) {
        links[i].setAttribute('aria-current', 'page');
      } else {
        links[i].removeAttribute('aria-current');
      }
    }
    var alternates = document.querySelectorAll('.sf-lang .lang-switch a[hreflang]');
    for (var j = 0; j < alternates.length; j++) {
      var alt = page.getAttribute('data-alt-' + alternates[j].getAttribute('hreflang'));
      if (alt) { alternates[j].setAttribute('href', alt); }
    }
    // Opening a page starts at its top, header included; an anchor keeps its place.
    if (scroll && target() === page) { window.scrollTo(0, 0); }
  }

  // The skip link would make no page the target; move focus without navigating.
  var skips = document.querySelectorAll('.skip-link');
  for (var k = 0; k < skips.length; k++) {
    skips[k].addEventListener('click', function (ev) {
      var main = document.getElementById('main');
      if (main) { ev.preventDefault(); main.focus(); }
    });
  }

  window.addEventListener('hashchange', function () { sync(true); });
  sync(false);
  // Opened at a page (handbook.html#p-en-faq): show it from the top, header included.
  window.addEventListener('load', function () {
    var t = target();
    if (t && t.classList.contains('sf-page')) { window.scrollTo(0, 0); }
  });
}());
