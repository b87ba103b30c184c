/* irbook search: finds pages in the index that `irbook build` wrote to
   assets/<lang>/search-index.js. The index is a classic script, added on
   first use, so search works from file:// with no fetch and costs nothing on
   pages where nobody searches. Words are matched through the word forms the
   index lists for each stem, so no stemmer runs here. Results are built as
   DOM nodes; no page text ever becomes markup. A document may hold a search
   box per language (the single file, which carries the indexes inline). */
(function () {
  'use strict';

  var MAX_RESULTS = 20;
  var SNIPPET = 180;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.search[data-index]'));
  if (!boxes.length) { return; }

  // Accents of Latin letters folded away, as the index builder does (U+00C0..U+017F).
  function fold(word) {
    return word.replace(/[\u00C0-\u017F]/g, function (c) {
      var base = c.normalize('NFD').charAt(0);
      return base.charCodeAt(0) < 128 ? base : c;
    });
  }

  function words(text) {
    return text.toLowerCase().match(WORD) || [];
  }

  function editable(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
  }

  var setups = boxes.map(setup);

  // `/` focuses the search box of the language being read.
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !editable(e.target)) {
      var i = boxes.findIndex(function (b) { return b.getClientRects().length > 0; });
      if (i < 0) { return; }
      e.preventDefault();
      setups[i].focus();
    }
  });

  function setup(box) {
    var input = box.querySelector('.search-input');
    var panel = box.querySelector('.search-panel');
    var status = box.querySelector('.search-status');
    var live = box.querySelector('.search-live');
    var list = box.querySelector('.search-results');
    var lroot = box.getAttribute('data-lroot') || '';
    var lang = box.getAttribute('data-lang') || '';

    // This language's index, once its script ran. A box without data-lang
    // (an older template override) takes the only index there is.
    function loaded() {
      var all = window.IRBOOK_SEARCH || {};
      if (lang) { return all[lang]; }
      var langs = Object.keys(all);
      return langs.length === 1 ? all[langs[0]] : null;
    }

    // Where a result goes: the page beside this one, or (single file) its section.
    function href(url) {
      return typeof window.IRBOOK_PAGE_LINK === 'function' ? window.IRBOOK_PAGE_LINK(lang + '/' + url) : lroot + url;
    }

    var index = null; // the prepared index, once loaded
    var state = 'idle'; // idle | loading | ready | failed

    function say(key, vars) {
      var s = box.getAttribute('data-' + key) || '';
      Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
      return s;
    }

    // ---------- loading and preparing the index ----------

    function load() {
      if (state !== 'idle') { return; }
      if (loaded()) { prepare(); return; }
      state = 'loading';
      var s = document.createElement('script');
      s.src = box.getAttribute('data-index');
      s.onload = function () { prepare(); search(); };
      s.onerror = function () { state = 'failed'; search(); };
      document.head.appendChild(s);
    }

    function prepare() {
      var data = loaded();
      if (!data || !data.terms) { state = 'failed'; return; }
      var forms = new Map(); // folded word form -> stems
      var stemForms = new Map(); // stem -> its forms
      Object.keys(data.terms).forEach(function (stem) {
        var list = data.terms[stem][0].split('|').map(function (p) {
          return p.charAt(0) === '>' ? p.slice(1) : stem + p;
        });
        stemForms.set(stem, list);
        list.forEach(function (f) {
          if (!forms.has(f)) { forms.set(f, []); }
          forms.get(f).push(stem);
        });
      });
      index = {
        data: data,
        forms: forms,
        sortedForms: Array.from(forms.keys()).sort(),
        stemForms: stemForms,
        stop: new Set(data.stop || []),
        postings: new Map(),
      };
      state = 'ready';
    }

    // "4c" -> page 3 with weight 3; pages as gaps from the previous one, weights as letters.
    function postings(stem) {
      var cached = index.postings.get(stem);
      if (cached) { return cached; }
      var s = index.data.terms[stem][1];
      var out = [];
      var doc = -1;
      var gap = 0;
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          gap = gap * 10 + (c - 48);
        } else {
          doc += gap || 1;
          out.push(doc, c - 96);
          gap = 0;
        }
      }
      index.postings.set(stem, out);
      return out;
    }

    // Forms that start with `prefix`, from the sorted list (binary search).
    function formsStartingWith(prefix, limit) {
      var a = index.sortedForms;
      var lo = 0;
      var hi = a.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (a[mid] < prefix) { lo = mid + 1; } else { hi = mid; }
      }
      var out = [];
      for (var i = lo; i < a.length && out.length < limit && a[i].lastIndexOf(prefix, 0) === 0; i++) { out.push(a[i]); }
      return out;
    }

    // For one query word: stem -> how much a match counts (1 for the word's own stem).
    function candidates(word, typing) {
      var c = new Map();
      (index.forms.get(word) || []).forEach(function (stem) { c.set(stem, 1); });
      if (typing && word.length >= 2 && c.size === 0) {
        // The word being typed may be the start of a longer one; not when it is
        // a whole word of the handbook already ("AP", "aangifte"): rare longer
        // words would outrank the pages about the word itself.
        formsStartingWith(word, 40).forEach(function (f) {
          index.forms.get(f).forEach(function (stem) { if (!c.has(stem)) { c.set(stem, 0.6); } });
        });
      }
      // A form the handbook never uses ("isolating" where it says "isolated"):
      // the forms that share the longest start with it, at most four letters shorter.
      for (var k = word.length - 1; c.size === 0 && k >= Math.max(4, word.length - 4); k--) {
        formsStartingWith(word.slice(0, k), 20).forEach(function (f) {
          index.forms.get(f).forEach(function (stem) { c.set(stem, 0.7); });
        });
      }
      return c;
    }

    function query(text) {
      var typing = !/\s$/.test(text);
      var qwords = words(text).map(fold).filter(function (w) { return w.length >= 2 && !index.stop.has(w); });
      var ndocs = index.data.docs.length;
      var scores = new Map(); // doc -> [matched words, score]
      var highlight = new Set();
      qwords.forEach(function (w, i) {
        var best = new Map(); // doc -> best score for this word
        candidates(w, typing && i === qwords.length - 1).forEach(function (factor, stem) {
          var p = postings(stem);
          var df = p.length / 2;
          var idf = Math.log(1 + (ndocs - df + 0.5) / (df + 0.5));
          for (var j = 0; j < p.length; j += 2) {
            var s = p[j + 1] * idf * factor;
            if (s > (best.get(p[j]) || 0)) { best.set(p[j], s); }
          }
          index.stemForms.get(stem).forEach(function (f) { highlight.add(f); });
        });
        best.forEach(function (s, doc) {
          var e = scores.get(doc) || [0, 0];
          scores.set(doc, [e[0] + 1, e[1] + s]);
        });
      });
      var ranked = Array.from(scores.keys()).sort(function (a, b) {
        var x = scores.get(a);
        var y = scores.get(b);
        return (y[0] - x[0]) || (y[1] - x[1]) || (a - b);
      });
      // Pages that match every word first; pages that match only some only when none match all.
      if (ranked.length && scores.get(ranked[0])[0] === qwords.length) {
        ranked = ranked.filter(function (d) { return scores.get(d)[0] === qwords.length; });
      }
      return { docs: ranked, highlight: highlight, words: qwords.length };
    }

    // ---------- drawing results ----------

    // Text with the matched words wrapped in <mark>, as nodes.
    function marked(parent, text, highlight) {
      var last = 0;
      var m;
      WORD.lastIndex = 0;
      while ((m = WORD.exec(text)) !== null) {
        if (highlight.has(fold(m[0].toLowerCase()))) {
          if (m.index > last) { parent.appendChild(document.createTextNode(text.slice(last, m.index))); }
          var mark = document.createElement('mark');
          mark.textContent = m[0];
          parent.appendChild(mark);
          last = m.index + m[0].length;
        }
      }
      if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
    }

    // A piece of the page's text around its first match (or its start).
    function snippet(text, highlight) {
      var at = -1;
      var m;
      WORD.lastIndex = 0;
      while ((m = WORD.exec(text)) !== null) {
        if (highlight.has(fold(m[0].toLowerCase()))) { at = m.index; break; }
      }
      var start = at > 60 ? text.lastIndexOf(' ', at - 50) + 1 : 0;
      var end = Math.min(text.length, start + SNIPPET);
      if (end < text.length) {
        var space = text.lastIndexOf(' ', end);
        if (space > start + SNIPPET / 2) { end = space; }
      }
      var piece = text.slice(start, end);
      if (start > 0) { piece = '… ' + piece; }
      if (end < text.length && piece.slice(-1) !== '…') { piece += ' …'; }
      return piece;
    }

    function clear(node) {
      while (node.firstChild) { node.removeChild(node.firstChild); }
    }

    function open(show) {
      panel.hidden = !show;
      box.classList.toggle('is-open', show);
    }

    function announce(text) {
      status.textContent = text;
      live.textContent = text;
    }

    function search() {
      var text = input.value;
      if (!text.trim()) {
        clear(list);
        announce('');
        open(false);
        return;
      }
      open(true);
      if (state === 'failed') { clear(list); announce(say('error')); return; }
      if (state !== 'ready') { announce(say('loading')); load(); return; }
      var r = query(text);
      clear(list);
      var docs = r.words ? r.docs : [];
      if (!docs.length) { announce(say('none', { q: text.trim() })); return; }
      announce(docs.length === 1 ? say('one') : say('many', { n: docs.length }));
      docs.slice(0, MAX_RESULTS).forEach(function (d) {
        var doc = index.data.docs[d];
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.className = 'search-result';
        a.href = href(doc[0]);
        var title = document.createElement('span');
        title.className = 'search-title';
        marked(title, doc[1], r.highlight);
        a.appendChild(title);
        var group = index.data.groups[doc[2]];
        if (group) {
          var g = document.createElement('span');
          g.className = 'search-group';
          g.textContent = group;
          a.appendChild(g);
        }
        var snip = document.createElement('span');
        snip.className = 'search-snippet';
        marked(snip, snippet(doc[3], r.highlight), r.highlight);
        a.appendChild(snip);
        li.appendChild(a);
        list.appendChild(li);
      });
    }

    // ---------- keyboard and focus ----------

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll('a'));
    }


    input.addEventListener('focus', load);
    input.addEventListener('input', search);
    input.addEventListener('keydown', function (e) {
      var l = links();
      if (e.key === 'ArrowDown' && l.length) {
        e.preventDefault();
        if (panel.hidden) { open(true); }
        l[0].focus();
      } else if (e.key === 'Enter' && l.length) {
        e.preventDefault();
        window.location.href = l[0].href;
      } else if (e.key === 'Escape') {
        if (!panel.hidden) { open(false); } else { input.value = ''; }
        e.preventDefault();
      }
    });

    list.addEventListener('keydown', function (e) {
      var l = links();
      var i = l.indexOf(document.activeElement);
      if (i < 0) { return; }
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        l[Math.min(i + 1, l.length - 1)].focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (i === 0) { input.focus(); } else { l[i - 1].focus(); }
      } else if (e.key === 'Home') {
        e.preventDefault();
        l[0].focus();
      } else if (e.key === 'End') {
        e.preventDefault();
        l[l.length - 1].focus();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        open(false);
        input.focus();
      }
    });

    // Closes when focus or a click goes elsewhere on the page.
    box.addEventListener('focusout', function (e) {
      if (e.relatedTarget && !box.contains(e.relatedTarget)) { open(false); }
    });
    document.addEventListener('pointerdown', function (e) {
      if (!box.contains(e.target)) { open(false); }
    });
    input.addEventListener('click', function () { if (input.value.trim() && panel.hidden) { search(); } });
    // In the single file a result switches the page without loading a new one.
    window.addEventListener('hashchange', function () { open(false); });

    box.hidden = false;
    return {
      focus: function () {
        load();
        input.focus();
        input.select();
      },
    };
  }
}());
