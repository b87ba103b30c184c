// Shared helpers for the browser tests: launching Debian's Chromium through
// playwright-core, a loopback static server, and a guard that fails a page on
// console errors, CSP violations and requests to any other host.
'use strict';
const assert = require('node:assert');
const { chromium } = require('playwright-core');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

const SITE = process.env.IRBOOK_SITE;
const OUT = process.env.IRBOOK_OUT || path.join(__dirname, 'out');

/// A fresh browser context (own profile: cookies and localStorage start empty).
/// `options` go to newContext, e.g. { javaScriptEnabled: false }.
async function launch(options) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'irbook-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, Object.assign({
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }, options || {}));
  return context;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function serve(root) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = path.join(root, url.endsWith('/') ? url + 'index.html' : url);
      if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404); res.end('not found'); return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/// Watches a page: every console error, page error, CSP violation and request
/// that leaves the allowed origin is collected in `problems`.
function guard(page, allowedPrefix) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!(url.startsWith(allowedPrefix) || url.startsWith('data:') || url.startsWith('blob:'))) {
      problems.push(`request to another origin: ${url}`);
    }
  });
  page.on('requestfailed', (req) => {
    const url = req.url();
    const why = req.failure() && req.failure().errorText;
    // A navigation cut short by the next one (the root page's redirect) is not a fault.
    if (why === 'net::ERR_ABORTED' && req.isNavigationRequest()) { return; }
    if (!url.startsWith('blob:')) { problems.push(`failed request: ${url} (${why})`); }
  });
  return problems;
}

function htmlFiles(root) {
  const out = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); } else if (e.name.endsWith('.html')) { out.push(path.relative(root, p)); }
    }
  }(root));
  return out.sort();
}

function fileUrl(rel) { return 'file://' + path.join(SITE, rel); }

// What a questionnaire page shows once its app has started.
const READY = '#irbook-app[data-ready="true"]';

// Waits until the page's questionnaire has started.
async function ready(page) { await page.waitForSelector(READY); }

// Reloads the page and waits until its questionnaire has started again.
async function reloadReady(page) { await page.reload(); await ready(page); }

// Goes to questionnaire `<lang>/assessments/<id>.html` (of the built site from
// file://, or under `base`, a served site's URL ending in /) and waits until it is ready.
async function gotoAssessment(page, lang, id, { base } = {}) {
  const rel = `${lang}/assessments/${id}.html`;
  await page.goto(base ? base + rel : fileUrl(rel));
  await ready(page);
}

// A new guarded page of `context` on a ready questionnaire: { page, problems }.
// `base` as for gotoAssessment (the guard then allows that origin instead of
// file://); `before(page)` runs before the page loads (e.g. an init script).
async function openAssessment(context, lang, id, { base, before } = {}) {
  const page = await context.newPage();
  const problems = guard(page, base || 'file://');
  if (before) { await before(page); }
  await gotoAssessment(page, lang, id, { base });
  return { page, problems };
}

// Fails the test if the guard saw anything, listing each problem first.
function assertNoProblems(t, problems, message) {
  for (const p of problems) { t.diagnostic(p); }
  assert.deepStrictEqual(problems, [], message);
}

// Answers one questionnaire question the way a reader does: ticks each choice
// of a list, types a number and leaves the field, or picks the one choice.
// `prefix` is the questionnaire's id prefix (the single file has one per page).
async function answer(page, id, value, prefix = '') {
  const q = `#${prefix}q-${id}`;
  if (Array.isArray(value)) {
    for (const v of value) { await page.check(`${q}-${v}`); }
  } else if (typeof value === 'number') {
    await page.fill(`${q}-input`, String(value));
    await page.press(`${q}-input`, 'Tab');
  } else {
    await page.check(`${q}-${value}`);
  }
}

module.exports = {
  launch, serve, guard, htmlFiles, fileUrl, answer, READY, ready, reloadReady, gotoAssessment, openAssessment,
  assertNoProblems, SITE, OUT,
};
