// The single-file handbook (`irbook build --single-file`) opened from file://:
// pages switch within the one document, with scripts and without; the
// questionnaires run their wasm under the file's hash-based CSP; nothing is
// requested but the file itself; no console errors, no CSP violations.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { launch, guard, answer, OUT } = require('./lib');

const REPO = path.resolve(__dirname, '../..');
const FILE = path.join(OUT, 'handbook.html');
const URL_ = 'file://' + FILE;
const TRIAGE_EN = 'p-en-assessments-triage';
const TRIAGE_NL = 'p-nl-assessments-triage';

function built() {
  if (!fs.existsSync(FILE)) {
    execFileSync(process.env.IRBOOK_BIN, ['build', path.join(REPO, 'content'), '--single-file', FILE, '--quiet'], { cwd: OUT, stdio: ['ignore', 'inherit', 'ignore'] });
  }
  return URL_;
}

async function shown(page) {
  return page.$$eval('.sf-page', (all) => all.filter((s) => s.getClientRects().length > 0).map((s) => s.id));
}

// Part of EDPB 01/2021 case 04 (ransomware with exfiltration), for a Dutch organisation.
const ANSWERS = [
  ['jurisdiction', 'nl'],
  ['personal_data', 'yes'],
  ['cause', 'ransomware'],
  ['data_categories', ['contact', 'financial']],
  ['subjects', 5000],
];

test('single file: pages, anchors, language switch and back, from file://', async (t) => {
  const url = built();
  const html = fs.readFileSync(FILE, 'utf8');
  assert.doesNotMatch(html, /\sstyle="/, 'no style attributes, which the CSP would block');
  assert.doesNotMatch(html, /<script[^>]*\ssrc=/, 'every script is inline');
  assert.doesNotMatch(html, /<link[^>]*rel="stylesheet"/, 'the stylesheet is inline');
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, url);
    await page.goto(url);
    assert.deepStrictEqual(await shown(page), ['p-nl-index'], 'the Dutch home page is shown first, alone');
    assert.strictEqual(await page.getAttribute('html', 'lang'), 'nl');
    assert.ok(await page.isVisible('.sf-lang[data-lang="nl"] .main-nav'));
    assert.ok(!(await page.isVisible('.sf-lang[data-lang="en"] .main-nav')));

    // The menu opens the playbooks, marks itself, and sets the title.
    const menu = '.sf-lang[data-lang="nl"] .main-nav a[href="#p-nl-playbooks-index"]';
    await page.click(menu);
    assert.deepStrictEqual(await shown(page), ['p-nl-playbooks-index']);
    assert.strictEqual(await page.getAttribute(menu, 'aria-current'), 'page');
    assert.match(await page.title(), /^Draaiboeken/);

    // A playbook, then the same page in English through the language switch.
    await page.click('#p-nl-playbooks-index .card-list a[href="#p-nl-playbooks-ransomware"]');
    assert.deepStrictEqual(await shown(page), ['p-nl-playbooks-ransomware']);
    assert.ok(await page.locator('#p-nl-playbooks-ransomware .step').count() > 5, 'the playbook shows its steps');
    await page.click('.sf-lang[data-lang="nl"] .lang-switch a[hreflang="en"]');
    assert.deepStrictEqual(await shown(page), ['p-en-playbooks-ransomware']);
    assert.strictEqual(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.isVisible('.sf-lang[data-lang="en"] .main-nav'), 'the English header is shown');
    assert.ok(!(await page.isVisible('.sf-lang[data-lang="nl"] .main-nav')));

    // From a phase page to a step anchor on a playbook page.
    await page.click('.sf-lang[data-lang="en"] .main-nav a[href^="#p-en-phases-"]');
    const phase = (await shown(page))[0];
    assert.match(phase, /^p-en-phases-/);
    const stepLink = page.locator(`#${phase} .phase-steps a`).first();
    const href = await stepLink.getAttribute('href');
    assert.match(href, /^#p-en-playbooks-[a-z-]+--step-[a-z0-9-]+$/);
    await stepLink.click();
    const step = page.locator(href);
    assert.ok(await step.isVisible(), 'the step is shown');
    assert.ok(await step.evaluate((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }), 'and scrolled into view');
    assert.deepStrictEqual(await shown(page), [href.slice(1).split('--')[0]]);

    // Back returns to the phase page.
    await page.goBack();
    assert.deepStrictEqual(await shown(page), [phase]);

    // Links inside Markdown (FAQ to other pages) lead to sections that exist.
    const targets = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')).filter((h) => h.length > 1));
    const missing = [...new Set(targets)].filter((h) => !html.includes(`id="${h.slice(1)}"`));
    assert.deepStrictEqual(missing, [], 'every in-document link has its target');

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url + '#p-en-playbooks-ransomware');
    await page.screenshot({ path: path.join(OUT, 'single-playbook-en.png') });
    for (const p of problems) { t.diagnostic(p); }
    assert.deepStrictEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('single file: the triage questionnaire runs under the hash CSP and shares answers across languages', async (t) => {
  const url = built();
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  try {
    const page = await context.newPage();
    const problems = guard(page, url);
    const started = Date.now();
    await page.goto(url);
    const loaded = Date.now() - started;
    // Questionnaires start when first shown, not on load.
    assert.strictEqual(await page.locator('.app[data-ready]').count(), 0, 'no questionnaire started on the home page');

    const t0 = Date.now();
    await page.click('.sf-lang[data-lang="nl"] .lang-switch a[hreflang="en"]');
    await page.click('.sf-lang[data-lang="en"] .main-nav a[href="#p-en-assessments-index"]');
    await page.click(`#p-en-assessments-index a[href="#${TRIAGE_EN}"]`);
    await page.waitForSelector(`#${TRIAGE_EN}--irbook-app[data-ready="true"]`);
    t.diagnostic(`single file: load ${loaded} ms; triage ready ${Date.now() - t0} ms after the first click`);
    assert.strictEqual(await page.locator('.app[data-ready]').count(), 1, 'only the questionnaire shown has started');

    await page.click(`#${TRIAGE_EN}--mode-toggle`);
    await page.fill(`#${TRIAGE_EN}--discovered`, '2026-11-23T09:30');
    await page.waitForSelector(`#${TRIAGE_EN}--discovered-time`); // asked first, then shown as one line
    for (const [id, value] of ANSWERS) { await answer(page, id, value, `${TRIAGE_EN}--`); }
    const authority = page.locator(`#${TRIAGE_EN}--verdict-notify_authority`);
    assert.strictEqual(await authority.getAttribute('data-decision'), 'yes');
    assert.strictEqual(await authority.locator('time').getAttribute('datetime'), '2026-11-26T08:30:00.000Z');
    assert.ok(await page.locator(`#${TRIAGE_EN}--action-notify-ap`).count() === 1, 'the Dutch authority step is in the plan');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(OUT, 'single-triage-en.png'), fullPage: true });

    // The plan's guidance links lead to sections of the same file.
    const guidance = page.locator(`#${TRIAGE_EN}--action-notify-ap a[href^="#p-en-playbooks-"]`).first();
    const href = await guidance.getAttribute('href');
    await guidance.click();
    assert.ok(await page.isVisible(href), `the guidance ${href} is shown`);

    // The Dutch copy starts with the same saved answers; a change there shows in English.
    await page.evaluate(() => { window.sameDocument = true; });
    await page.evaluate((id) => { location.hash = id; }, TRIAGE_NL);
    await page.waitForSelector(`#${TRIAGE_NL}--irbook-app[data-ready="true"]`);
    assert.ok(await page.isChecked(`#${TRIAGE_NL}--q-cause-ransomware`), 'answers carry over between languages');
    await page.check(`#${TRIAGE_NL}--q-personal_data-no`);
    await page.evaluate((id) => { location.hash = id; }, TRIAGE_EN);
    assert.ok(await page.evaluate(() => window.sameDocument), 'no reload in between');
    assert.ok(await page.isChecked(`#${TRIAGE_EN}--q-personal_data-no`), 'the English copy rereads the answers when shown again');
    assert.strictEqual(await page.locator(`#${TRIAGE_EN}--verdict-notify_authority`).getAttribute('data-decision'), 'no');

    // Opened straight at a questionnaire (a bookmark, a link in a mail), it starts too.
    const direct = await context.newPage();
    const directProblems = guard(direct, url);
    await direct.goto(`${url}#${TRIAGE_NL}`);
    await direct.waitForSelector(`#${TRIAGE_NL}--irbook-app[data-ready="true"]`);
    assert.deepStrictEqual(await shown(direct), [TRIAGE_NL]);
    problems.push(...directProblems);

    for (const p of problems) { t.diagnostic(p); }
    assert.deepStrictEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('single file: search works in each language and opens the result as a section', async () => {
  const url = built();
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, url);
    await page.goto(url);
    // The Dutch header's box: `/` focuses it, and the inline index answers at once.
    await page.locator('main').click();
    await page.keyboard.press('/');
    assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'sf-nl--irbook-search-input', '/ focuses the visible box');
    await page.keyboard.type('ransomware');
    const nlResults = '.sf-lang[data-lang="nl"] .search-results a';
    await page.waitForSelector(nlResults, { timeout: 10000 });
    const hrefs = await page.$$eval(nlResults, (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length > 0 && hrefs.every((h) => /^#p-nl-/.test(h)), `Dutch results point to Dutch sections: ${hrefs}`);
    assert.ok(hrefs.includes('#p-nl-playbooks-ransomware'), `the ransomware playbook is found: ${hrefs}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((h) => location.hash === h, hrefs[0]);
    assert.deepStrictEqual(await shown(page), [hrefs[0].slice(1)], 'Enter shows the first result');
    assert.ok(await page.isHidden('.sf-lang[data-lang="nl"] .search-panel'), 'the results close');

    // The English header has its own box and its own index.
    await page.goto(url + '#p-en-index');
    await page.fill('#sf-en--irbook-search-input', 'phishing');
    const enResults = '.sf-lang[data-lang="en"] .search-results a';
    await page.waitForSelector(enResults, { timeout: 10000 });
    const en = await page.$$eval(enResults, (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(en.length > 0 && en.every((h) => /^#p-en-/.test(h)), `English results point to English sections: ${en}`);
    await page.click(enResults);
    assert.deepStrictEqual(await shown(page), [en[0].slice(1)]);
    await page.screenshot({ path: path.join(OUT, 'single-search.png') });
    assert.deepStrictEqual(problems, [], 'no console errors, CSP violations or requests');
  } finally {
    await context.close();
  }
});

test('single file: readable with JavaScript off', async () => {
  const url = built();
  const context = await launch({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const problems = guard(page, url);
    await page.goto(url);
    assert.deepStrictEqual(await shown(page), ['p-nl-index']);
    await page.click('.sf-lang[data-lang="nl"] .main-nav a[href="#p-nl-playbooks-index"]');
    assert.deepStrictEqual(await shown(page), ['p-nl-playbooks-index']);
    await page.click('.sf-lang[data-lang="nl"] .lang-switch a[hreflang="en"]');
    assert.deepStrictEqual(await shown(page), ['p-en-index'], 'without scripts the language switch goes to the other home page');
    assert.ok(await page.isVisible('.sf-lang[data-lang="en"] .main-nav'));
    await page.goto(`${url}#${TRIAGE_EN}`);
    assert.deepStrictEqual(await shown(page), [TRIAGE_EN], 'opened at a page, that page is shown');
    assert.ok(await page.locator(`#${TRIAGE_EN} noscript`).count() > 0, 'the questionnaire says it needs JavaScript');
    assert.deepStrictEqual(problems, []);
  } finally {
    await context.close();
  }
});
