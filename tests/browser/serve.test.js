// `irbook serve` in Chromium: an open page reloads by itself after an edit on
// disk, shows an overlay with file:line:column and the message while the
// content has an error (keeping the last good page), and drops the overlay
// once the error is fixed. The page stays free of CSP violations throughout.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawn } = require('node:child_process');
const { launch, guard, OUT } = require('./lib');

const BIN = process.env.IRBOOK_BIN;
const REPO = path.resolve(__dirname, '..', '..');

/// Starts `irbook serve` on a copy of the default handbook (after `prepare`
/// changed the copy, if given); resolves with the server's address, its
/// process and the copy's folder.
function startServer(prepare) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irbook-serve-'));
  const root = path.join(dir, 'content');
  fs.cpSync(path.join(REPO, 'content'), root, { recursive: true });
  if (prepare) { prepare(root); }
  const child = spawn(BIN, ['serve', root, '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1], child, root, dir, stderr: () => err, stdout: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)));
  });
}

function replaceIn(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

test('a served page reloads after an edit and shows content errors in an overlay', async (t) => {
  assert.ok(BIN && fs.existsSync(BIN), 'IRBOOK_BIN points at the irbook binary');
  const server = await startServer();
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, server.base);
    await page.goto(server.base + 'en/phases/first-response.html', { waitUntil: 'load' });
    assert.match(await page.textContent('h1'), /First response/);
    // The built page has no live-reload script; the server adds it.
    assert.strictEqual(await page.locator('script[src="/__irbook/live.js"]').count(), 1);

    // 1. Edit the page's source: the page reloads by itself and shows the edit.
    await page.evaluate(() => { window.irbookBeforeEdit = true; });
    const file = path.join(server.root, 'phases', '01-first-response.en.md');
    replaceIn(file, '## What this phase is for', '## What this phase is for, edited in the browser test');
    await page.getByRole('heading', { name: 'What this phase is for, edited in the browser test' })
      .waitFor({ timeout: 15000 });
    assert.strictEqual(await page.evaluate(() => window.irbookBeforeEdit), undefined, 'the page was reloaded');

    // 2. Break a reference: the overlay names the place and the problem; the page is the last good one.
    await page.evaluate(() => { window.irbookBeforeError = true; });
    replaceIn(file, '(source:ap-meldplicht)', '(source:ap-meldplich)');
    const overlay = page.locator('#irbook-live-overlay');
    await overlay.waitFor({ state: 'visible', timeout: 15000 });
    const text = await overlay.textContent();
    t.diagnostic(`overlay: ${text}`);
    await page.screenshot({ path: path.join(OUT, 'serve-overlay.png') });
    assert.match(text, /The handbook has 1 error\./);
    assert.match(text, /phases\/01-first-response\.en\.md:\d+:\d+/);
    assert.match(text, /ap-meldplich/);
    assert.match(text, /did you mean `ap-meldplicht`\?/);
    assert.strictEqual(await overlay.getAttribute('role'), 'alert');
    assert.strictEqual(await page.evaluate(() => window.irbookBeforeError), true, 'the page was not reloaded');
    assert.ok(await page.getByRole('heading', { name: 'What this phase is for, edited in the browser test' }).isVisible());
    assert.match(server.stderr(), /error: phases\/01-first-response\.en\.md:\d+:\d+: /);

    // 3. Fix it: the overlay goes away. The output equals the last good build, so no reload is needed.
    replaceIn(file, '(source:ap-meldplich)', '(source:ap-meldplicht)');
    await overlay.waitFor({ state: 'detached', timeout: 15000 });
    assert.strictEqual(await page.evaluate(() => window.irbookBeforeError), true);

    // 4. A stylesheet override would reload every page; a second, untouched page stays put.
    const other = await context.newPage();
    const otherProblems = guard(other, server.base);
    await other.goto(server.base + 'en/faq.html', { waitUntil: 'load' });
    await other.evaluate(() => { window.irbookUntouched = true; });
    replaceIn(file, 'edited in the browser test', 'edited twice');
    await page.getByRole('heading', { name: 'What this phase is for, edited twice' }).waitFor({ timeout: 15000 });
    assert.strictEqual(await other.evaluate(() => window.irbookUntouched), true, 'the FAQ page did not reload');

    assert.deepStrictEqual(problems, [], 'no console errors, CSP violations or failed requests');
    assert.deepStrictEqual(otherProblems, []);
  } finally {
    await context.close();
    server.child.kill();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});

test('the server starts on broken content and shows the page once it is fixed', async () => {
  const phase = (root) => path.join(root, 'phases', '01-first-response.en.md');
  const server = await startServer((root) => replaceIn(phase(root), '(source:ap-meldplicht)', '(source:ap-meldplich)'));
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = guard(page, server.base);
    const response = await page.goto(server.base + 'en/phases/first-response.html', { waitUntil: 'load' });
    assert.strictEqual(response.status(), 503);
    const overlay = page.locator('#irbook-live-overlay');
    await overlay.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await overlay.textContent(), /phases\/01-first-response\.en\.md:\d+:\d+/);
    assert.match(await overlay.textContent(), /the handbook appears here by itself/);
    replaceIn(phase(server.root), '(source:ap-meldplich)', '(source:ap-meldplicht)');
    await page.getByRole('heading', { name: 'First response', level: 1 }).waitFor({ timeout: 15000 });
    assert.strictEqual(await overlay.count(), 0);
    // Chromium logs the first answer's 503 status as a console error; nothing else may appear.
    assert.deepStrictEqual(problems.filter((p) => !/status of 503/.test(p)), []);
  } finally {
    await context.close();
    server.child.kill();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
