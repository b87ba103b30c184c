/* The crisis binder's contents page: the page each section starts on.

   Chromium has no target-counter(), so the numbers are read from the print
   layout itself. When Chromium prints (Ctrl+P, or a PDF) it switches the
   document to print media and lays it out in pages before it paints them;
   the `print` media query's change listener runs inside that layout, where
   an element's position counts every page above it. A page number worked out
   there is the page it is printed on, at whatever paper size, margins and
   scale the reader chose. Where the layout is not paginated (a browser that
   prints a copy of the page, print media emulated on screen) the contents
   page keeps its titles and gets no numbers: none rather than wrong ones. */
(function () {
  'use strict';

  var toc = document.querySelector('.binder-toc');
  if (!toc || typeof window.matchMedia !== 'function') { return; }
  var entries = Array.prototype.slice.call(toc.querySelectorAll('.toc-page[data-target]'));
  var pageWord = toc.getAttribute('data-page-word') || '';

  function top(el) { return el.getBoundingClientRect().top; }

  // The distance between the tops of two pages in the current layout (the
  // binder's pages all have one size): two empty probes, each forced onto a
  // page of its own. Zero when the layout is one long screen.
  function pageStep() {
    var a = document.createElement('div');
    var b = document.createElement('div');
    a.className = 'binder-probe';
    b.className = 'binder-probe';
    document.body.appendChild(a);
    document.body.appendChild(b);
    var step = top(b) - top(a);
    document.body.removeChild(a);
    document.body.removeChild(b);
    return step;
  }

  // The page (from 1) each entry's section starts on, or null.
  function measure() {
    var step = pageStep();
    if (!(step > 100)) { return null; }
    var origin = top(document.documentElement);
    return entries.map(function (span) {
      // The entry's link names the section; the single-file handbook
      // rewrites links and ids together, so the link finds it there too.
      // A section missing or not shown gets no number.
      var link = span.parentNode.querySelector('a[href^="#"]');
      var id = link ? decodeURIComponent(link.getAttribute('href').slice(1)) : span.getAttribute('data-target');
      var target = document.getElementById(id);
      if (!target || target.getClientRects().length === 0) { return null; }
      // Layout units are 1/64 px: a section at the top of a page sits on an
      // exact multiple of the step; the small margin absorbs rounding.
      return Math.floor((top(target) - origin + 0.5) / step) + 1;
    });
  }

  function write(pages) {
    entries.forEach(function (span, i) {
      var n = pages ? pages[i] : null;
      if (n === null || n === undefined) { span.textContent = ''; return; }
      var word = document.createElement('span');
      word.className = 'visually-hidden';
      word.textContent = pageWord + ' ';
      span.textContent = '';
      span.appendChild(word);
      span.appendChild(document.createTextNode(String(n)));
    });
  }

  function same(a, b) {
    return a !== null && b !== null && a.length === b.length && a.every(function (n, i) { return n !== null && n === b[i]; });
  }

  // Writing the numbers can rewrap a long title and, if the contents fill
  // their page, push what follows: the layout is measured again until it
  // holds still, and if it never does the page prints without numbers.
  function fill() {
    var pages = measure();
    for (var i = 0; i < 3 && pages; i++) {
      write(pages);
      var again = measure();
      if (same(pages, again)) { return; }
      pages = again;
    }
    write(null);
  }

  var print = window.matchMedia('print');
  function onChange() { if (print.matches) { fill(); } }
  if (typeof print.addEventListener === 'function') {
    print.addEventListener('change', onChange);
  } else if (typeof print.addListener === 'function') {
    print.addListener(onChange);
  }
}());
