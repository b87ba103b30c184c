// Every page of the built default handbook, from file:// and from
// http://127.0.0.1: no console errors, no CSP violations, no other hosts.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const { launch, serve, guard, htmlFiles, fileUrl, SITE, OUT } = require('./lib');

test('every page loads cleanly from file:// and from a local server', async (t) => {
  assert.ok(SITE && fs.existsSync(path.join(SITE, 'index.html')), 'the site was built');
  const pages = htmlFiles(SITE);
  assert.ok(pages.length > 20, `expected many pages, found ${pages.length}`);
  const context = await launch();
  const server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}/`;
  try {
    for (const [label, urlFor, prefix] of [
      ['file', fileUrl, 'file://'],
      ['http', (rel) => base + rel, base],
    ]) {
      const page = await context.newPage();
      const problems = guard(page, prefix);
      for (const rel of pages) {
        const before = problems.length;
        if (rel === 'index.html') {
          // The root page sends the reader on to the default language with a
          // meta refresh; let it arrive, or it interrupts the next page's load.
          await Promise.all([page.waitForURL(/\/nl\/index\.html$/), page.goto(urlFor(rel), { waitUntil: 'load' })]);
        } else {
          await page.goto(urlFor(rel), { waitUntil: 'load' });
        }
        if (rel.includes('/assessments/') && !rel.endsWith('index.html')) {
          await page.waitForSelector('#irbook-app[data-ready="true"], #irbook-app .notice', { timeout: 15000 });
          const ready = await page.getAttribute('#irbook-app', 'data-ready');
          assert.strictEqual(ready, 'true', `${label} ${rel}: the questionnaire started`);
        }
        for (const p of problems.slice(before)) { t.diagnostic(`${label} ${rel}: ${p}`); }
        assert.deepStrictEqual(problems.slice(before), [], `${label} ${rel} has no problems`);
      }
      await page.close();
    }
  } finally {
    server.close();
    await context.close();
  }
});

test('screenshots of home, a playbook and the triage plan', async () => {
  const context = await launch();
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const lang of ['nl', 'en']) {
      await page.goto(fileUrl(`${lang}/index.html`));
      await page.screenshot({ path: path.join(OUT, `home-${lang}.png`), fullPage: true });
      await page.goto(fileUrl(`${lang}/playbooks/ransomware.html`));
      await page.screenshot({ path: path.join(OUT, `playbook-${lang}.png`), fullPage: false });
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(fileUrl('en/index.html'));
    await page.screenshot({ path: path.join(OUT, 'home-en-dark.png') });
  } finally {
    await context.close();
  }
});

test('the handbook is readable with JavaScript off', async () => {
  const context = await launch({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(fileUrl('en/playbooks/ransomware.html'));
    const steps = await page.locator('.step').count();
    assert.ok(steps > 5, `playbook shows its steps without scripts (${steps})`);
    await page.goto(fileUrl('en/assessments/triage.html'));
    assert.ok(await page.locator('noscript').count() > 0, 'the questionnaire page says it needs JavaScript');
  } finally {
    await context.close();
  }
});
