// Offline search from file://: `/` focuses the box, a Dutch word finds pages
// that use another inflection of it, the keyboard reaches and opens a result,
// and nothing breaks the CSP. Screenshots in light and dark mode go to out/.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const { launch, guard, fileUrl, SITE, OUT } = require('./lib');

// The visible words of a built page's <main>, lowercased.
function mainWords(rel) {
  const html = fs.readFileSync(path.join(SITE, rel), 'utf8');
  const main = html.slice(html.indexOf('<main'), html.lastIndexOf('</main>'));
  return new Set(main.replace(/<[^>]*>/g, ' ').toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) || []);
}

async function results(page) {
  await page.waitForSelector('#irbook-search .search-results a', { timeout: 10000 });
  return page.$$eval('#irbook-search .search-results a', (as) => as.map((a) => ({
    href: a.getAttribute('href'),
    title: a.querySelector('.search-title').textContent,
    group: (a.querySelector('.search-group') || {}).textContent || '',
    marks: Array.from(a.querySelectorAll('mark')).map((m) => m.textContent.toLowerCase()),
  })));
}

test('a Dutch word finds its other inflections, and the keyboard opens a result', async () => {
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(fileUrl('nl/phases/analysis.html'));
    assert.strictEqual(await page.isVisible('#irbook-search'), true, 'the search box is shown when scripts run');
    assert.strictEqual(await page.evaluate(() => typeof window.IRBOOK_SEARCH), 'undefined', 'the index loads only when needed');

    await page.locator('main').click();
    await page.keyboard.press('/');
    assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'irbook-search-input', '/ focuses the search box');
    await page.keyboard.type('meldingen');
    const found = await results(page);
    const status = await page.textContent('#irbook-search .search-live');
    assert.match(status, /\d+ resulta/, `the number of results is announced (${status})`);

    // A page that never says "meldingen", only "melding", is among the results.
    const pageDir = 'nl/phases/';
    const relOf = (href) => path.posix.normalize(pageDir + href);
    const other = found.findIndex((r) => {
      const words = mainWords(relOf(r.href));
      return words.has('melding') && !words.has('meldingen');
    });
    assert.ok(other >= 0, `a result uses only another inflection: ${JSON.stringify(found.map((r) => r.href))}`);
    assert.ok(found[other].marks.includes('melding'), 'the matched word is highlighted in the snippet');
    assert.ok(found.every((r) => r.href.endsWith('.html') && !r.href.startsWith('/')), 'result links are relative');
    await page.screenshot({ path: path.join(OUT, 'search-nl.png') });

    // Down the list with the arrow keys, then Enter.
    for (let i = 0; i <= other; i++) { await page.keyboard.press('ArrowDown'); }
    const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
    assert.strictEqual(focused, found[other].href, 'arrow keys move through the results');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.ok(page.url().endsWith(relOf(found[other].href)), `Enter opened the result (${page.url()})`);

    // Escape closes the list; typing in a field does not steal '/'.
    await page.keyboard.press('/');
    await page.keyboard.type('zzzqqq');
    await page.waitForSelector('#irbook-search .search-panel:not([hidden])');
    assert.match(await page.textContent('#irbook-search .search-status'), /Niets gevonden/);
    await page.keyboard.press('/');
    assert.strictEqual(await page.inputValue('#irbook-search-input'), 'zzzqqq/', '/ types itself inside the box');
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.isHidden('#irbook-search .search-panel'), true, 'Escape closes the results');

    assert.deepStrictEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});

// The queries a stressed reader types (issue 15), in each language of the
// default handbook, and the page the first result must be. Several pages
// are right for "AP": the authority's page or the playbook step that files with it.
const COMMON_QUERIES = [
  ['nl', 'losgeld', ['playbooks/ransomware.html']],
  ['nl', 'ransomware', ['playbooks/ransomware.html']],
  ['nl', 'AP', ['parties/authorities-nl.html', 'playbooks/data-breach.html']],
  ['nl', 'zorgverzekering', ['playbooks/data-breach.html']],
  ['nl', 'verkeerde ontvanger', ['playbooks/misdirected.html']],
  ['nl', 'laptop kwijt', ['playbooks/lost-device.html']],
  ['nl', 'phishing', ['playbooks/phishing-bec.html']],
  ['nl', 'aangifte', ['parties/police.html']],
  ['nl', 'leverancier', ['playbooks/supplier-breach.html']],
  ['en', 'ransom', ['playbooks/ransomware.html']],
  ['en', 'AP', ['parties/authorities-nl.html', 'playbooks/data-breach.html']],
  ['en', 'wrong recipient', ['playbooks/misdirected.html']],
  ['en', 'stolen laptop', ['playbooks/lost-device.html']],
  ['en', 'insurer', ['parties/insurer-and-partners.html']],
  ['fr', 'rançon', ['playbooks/ransomware.html']],
  ['fr', 'rancon', ['playbooks/ransomware.html']],
  ['fr', 'APD', ['parties/authorities-be.html', 'playbooks/data-breach.html']],
  ['fr', 'mauvais destinataire', ['playbooks/misdirected.html']],
  ['fr', 'plainte', ['parties/police.html']],
  ['fr', 'fournisseur', ['playbooks/supplier-breach.html']],
];

test('common queries put the right page first, in every language', async () => {
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    const misses = [];
    for (const [lang, query, expected] of COMMON_QUERIES) {
      await page.goto(fileUrl(`${lang}/index.html`));
      await page.fill('#irbook-search-input', query);
      const found = await results(page);
      // Result links are relative to the page, here the language's root.
      const first = path.posix.normalize(found[0].href).replace(/^pages\//, '');
      if (!expected.includes(first)) {
        misses.push(`${lang} "${query}": first ${first}, expected ${expected.join(' or ')} (then ${found.slice(1, 4).map((r) => r.href).join(', ')})`);
      }
    }
    assert.deepStrictEqual(misses, [], 'queries whose first result is wrong');
    assert.deepStrictEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});

test('an English word the handbook never uses finds the forms it does use', async () => {
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(fileUrl('en/index.html'));
    await page.keyboard.press('/');
    await page.keyboard.type('isolating ransomware ');
    const found = await results(page);
    assert.strictEqual(found[0].href, 'playbooks/ransomware.html', `the ransomware playbook comes first: ${JSON.stringify(found.slice(0, 3))}`);
    assert.strictEqual(found[0].group, 'Playbook', 'the result says what it belongs to');
    assert.ok(!mainWords('en/playbooks/ransomware.html').has('isolating'), 'the page itself never says "isolating"');
    assert.ok(found[0].marks.some((m) => m.startsWith('isolat')), `an inflection of "isolate" is highlighted: ${found[0].marks}`);

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(OUT, 'search-en-dark.png') });
    assert.deepStrictEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});

test('without scripts the search box is not shown', async () => {
  const context = await launch({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(fileUrl('nl/index.html'));
    assert.strictEqual(await page.isVisible('#irbook-search'), false);
  } finally {
    await context.close();
  }
});
