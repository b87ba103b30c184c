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

// A radio or checkbox in a flex row shrinks when its label wraps unless the
// CSS forbids it: on a phone it turned into a narrow oval beside two-line
// answers. They are drawn square, so a box narrower than it is tall was
// squeezed. All questions are shown, so every answer of every question counts.
test('radios and checkboxes keep their size beside wrapping labels at 320 and 390 px', async (t) => {
  const pages = htmlFiles(SITE).filter((p) => p.includes('/assessments/') && !p.endsWith('index.html'));
  assert.ok(pages.length > 0, 'no questionnaire pages found');
  const context = await launch({ viewport: { width: 390, height: 900 } });
  const found = [];
  let seen = 0;
  try {
    const page = await context.newPage();
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const rel of pages) {
        await page.goto(fileUrl(rel), { waitUntil: 'load' });
        await page.waitForSelector('#irbook-app[data-ready="true"]');
        await page.click('#mode-toggle');
        const { squeezed, count } = await page.evaluate(() => {
          const out = [];
          let n = 0;
          for (const el of document.querySelectorAll('main input[type="radio"], main input[type="checkbox"]')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) { continue; }
            n += 1;
            if (r.width + 1 < r.height) {
              const label = (el.closest('label') || el.parentElement).textContent.trim().slice(0, 50);
              out.push(`${el.type} "${label}" is ${r.width.toFixed(1)} × ${r.height.toFixed(1)} px`);
            }
          }
          return { squeezed: out, count: n };
        });
        seen += count;
        for (const s of squeezed) { found.push(`${width} px ${rel}: ${s}`); }
      }
    }
  } finally {
    await context.close();
  }
  for (const f of found.slice(0, 40)) { t.diagnostic(f); }
  assert.ok(seen > 50, `only ${seen} radios and checkboxes were measured`);
  assert.deepStrictEqual(found, [], `${found.length} squeezed`);
});
