// Issue 15: every page at 320, 390, 1024 and 1366 px wide: no horizontal
// scrolling, and no text running out of its box (long Dutch words such as
// "Gegevensbeschermingsautoriteit", phone numbers, e-mail addresses).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { launch, htmlFiles, fileUrl, SITE, OUT } = require('./lib');

const WIDTHS = [320, 390, 1024, 1366];

test('no text overflows its box on any page at 320, 390, 1024 and 1366 px', async (t) => {
  const pages = htmlFiles(SITE).filter((p) => p !== 'index.html');
  const context = await launch({ viewport: { width: 1366, height: 900 } });
  const found = [];
  try {
    const page = await context.newPage();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const rel of pages) {
        await page.goto(fileUrl(rel), { waitUntil: 'load' });
        if (rel.includes('/assessments/') && !rel.endsWith('index.html')) {
          await page.waitForSelector('#irbook-app[data-ready="true"]');
        }
        const problems = await page.evaluate(() => {
          const out = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > window.innerWidth + 1) { out.push(`the page scrolls sideways (${doc.scrollWidth} px)`); }
          const sel = 'main p, main li, main h1, main h2, main h3, main h4, main dd, main dt, main label, main legend, main summary, main .button, header p, header a, .site-footer p';
          for (const el of document.querySelectorAll(sel)) {
            if (el.closest('table, pre, svg, .visually-hidden')) { continue; }
            const cs = getComputedStyle(el);
            if (cs.display === 'inline' || cs.display === 'none' || cs.overflowX !== 'visible') { continue; }
            if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
              out.push(`<${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 60)}" is ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
            }
          }
          // Phone numbers stay on one line.
          for (const a of document.querySelectorAll('a[href^="tel:"]')) {
            const rects = a.getClientRects();
            if (rects.length > 1 && Math.abs(rects[0].top - rects[rects.length - 1].top) > 2) { out.push(`phone number "${a.textContent}" wraps`); }
          }
          return out;
        });
        for (const p of problems) { found.push(`${width} px ${rel}: ${p}`); }
      }
      await page.goto(fileUrl('nl/contacts.html'));
      await page.screenshot({ path: path.join(OUT, `layout-contacts-${width}.png`), fullPage: false });
    }
  } finally {
    await context.close();
  }
  for (const f of found.slice(0, 40)) { t.diagnostic(f); }
  assert.deepStrictEqual(found, [], `${found.length} overflows`);
});
