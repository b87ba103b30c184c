// Issue 15, "the worst hour": the misdirected e-mail scenario (a Dutch
// organisation mails a spreadsheet with names, addresses and health
// insurance numbers of 300 clients to a wrong external address) run as a
// reader does, counting every click, typed value and key press; the first
// screen at a desktop and a phone size; one deadline per duty on the page
// and in the Markdown, JSON and .ics exports; the printed plan and
// playbooks counted in A4 pages.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { launch, guard, fileUrl, ready, gotoAssessment, openAssessment, assertNoProblems, SITE, OUT } = require('./lib');

// The answers a responder following the help texts gives; the preset fills
// in the rest (a mistake, seen by someone else, not encrypted, over).
const SCENARIO = {
  jurisdiction: 'nl',
  cyber_insurance: 'no',
  org_role: 'controller',
  data_categories: ['contact', 'health'],
  subjects: 300,
  vulnerable_subjects: 'no',
  recipient: 'unidentified',
  customers_affected: 'no',
  nis2_entity: 'no',
};

function pdfPages(buf) {
  return (buf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

function words(s) { return s.split(/\s+/).filter(Boolean).length; }

// The text on each page of a PDF, as poppler's pdftotext reads it.
function pdfPageTexts(file) {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
}

// Letters and digits only: line breaks, hyphenation, spacing and ligatures
// differ between a heading in the HTML and the same heading in the PDF.
function squash(s) { return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, ''); }

async function inView(page, selector) {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize();
  return box !== null && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

// Answers the question on screen (one at a time) and returns the number of
// interactions it took.
async function answerCurrent(page) {
  const box = page.locator('.questions .question').first();
  const id = (await box.getAttribute('id')).replace(/^question-/, '');
  const value = SCENARIO[id];
  assert.notStrictEqual(value, undefined, `the scenario has no answer for question ${id}`);
  if (Array.isArray(value)) {
    for (const v of value) { await page.check(`#q-${id}-${v}`); }
    await page.click('#next');
    return { id, n: value.length + 1 };
  }
  if (typeof value === 'number') {
    await page.fill(`#q-${id}-input`, String(value));
    await page.press(`#q-${id}-input`, 'Enter');
    return { id, n: 2 };
  }
  await page.click(`#q-${id}-${value}`); // a click answers and moves on
  return { id, n: 1 };
}

async function runScenario(page, shots) {
  let interactions = 0;
  let shown = '';
  const seen = new Set();
  const note = async () => {
    const text = await page.locator('#start').innerText() + '\n' + await page.locator('.questions').innerText();
    for (const line of text.split('\n')) { if (!seen.has(line)) { seen.add(line); shown += line + '\n'; } }
  };
  await note();
  await page.click('#discovered-now'); interactions++;
  await note();
  await page.click('#preset-misdirected'); interactions++;
  await note();
  const first = await answerCurrent(page); interactions += first.n;
  assert.strictEqual(first.id, 'jurisdiction', 'the country is the first question after the preset');
  const authority = page.locator('#summary-verdict-notify_authority');
  assert.strictEqual(await authority.getAttribute('data-decision'), 'yes');
  assert.ok(await authority.locator('time').count() === 1, 'the authority verdict has its clock time');
  const afterVerdict = interactions;
  if (shots) { await shots(); }
  for (let guardN = 0; guardN < 30; guardN++) {
    await note();
    if (await page.locator('.open-questions').count() === 0) { break; }
    const r = await answerCurrent(page);
    interactions += r.n;
  }
  assert.strictEqual(await page.locator('.open-questions').count(), 0, 'every question is answered');
  return { afterVerdict, interactions, words: words(shown) };
}

test('misdirected e-mail: verdict after 3 interactions, full plan within 15, first screen at two sizes', async (t) => {
  for (const [label, viewport] of [['desktop', { width: 1366, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB', viewport });
    try {
      const { page, problems } = await openAssessment(context, 'en', 'triage');
      // Nothing is assumed about the moment of discovery.
      assert.strictEqual(await page.locator('#discovered-time').count(), 0);
      assert.ok(await inView(page, '#discovered-now'), `${label}: the first question is on the first screen`);
      const result = await runScenario(page, async () => {
        // The first screen: the page as it opens, not scrolled.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(OUT, `worst-hour-first-screen-${label}.png`) });
        for (const sel of ['#summary-verdict-notify_authority', '#summary-verdict-notify_data_subjects']) {
          assert.ok(await inView(page, sel), `${label}: ${sel} is visible without scrolling`);
        }
        const next = page.locator('.summary-actions li');
        assert.strictEqual(await next.count(), 3, 'three next actions');
        for (let i = 0; i < 3; i++) {
          const box = await next.nth(i).boundingBox();
          assert.ok(box.y + box.height <= viewport.height, `${label}: next action ${i + 1} is visible without scrolling`);
        }
      });
      t.diagnostic(`${label}: authority verdict with its time after ${result.afterVerdict} interactions; complete plan after ${result.interactions}; ${result.words} words of questions and help shown`);
      assert.ok(result.afterVerdict <= 3, `authority verdict after ${result.afterVerdict} interactions`);
      assert.ok(result.interactions <= 15, `complete plan after ${result.interactions} interactions`);
      // Only what applies: no forensic imaging or ransom notes for a mistake.
      assert.strictEqual(await page.locator('#action-preserve-evidence').count(), 0);
      assert.strictEqual(await page.locator('#action-contain-source').count(), 0);
      assert.ok(await page.locator('#action-md-recover-data').count() === 1);
      // In deadline order.
      const dues = await page.locator('ol.actions > li > .action').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-due'))));
      assert.deepStrictEqual(dues, [...dues].sort((a, b) => a - b), 'actions are listed by deadline');
      await page.screenshot({ path: path.join(OUT, `worst-hour-plan-${label}.png`), fullPage: true });
      assertNoProblems(t, problems);
    } finally {
      await context.close();
    }
  }
});

test('one deadline per duty on the page, in Markdown, JSON and .ics; the plan prints on at most 3 A4 pages', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'nl-NL', viewport: { width: 1366, height: 900 } });
  try {
    const { page, problems } = await openAssessment(context, 'nl', 'triage');
    // Found two hours ago: "as soon as possible" is now, not then.
    const found = await page.evaluate(() => {
      const d = new Date(Date.now() - 2 * 3600 * 1000);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    });
    await page.fill('#discovered', found);
    await page.waitForSelector('#discovered-time');
    await page.click('#preset-misdirected');
    await page.click('#mode-toggle');
    for (const [id, v] of Object.entries(SCENARIO)) {
      if (Array.isArray(v)) { for (const x of v) { await page.check(`#q-${id}-${x}`); } } else if (typeof v === 'number') { await page.fill(`#q-${id}-input`, String(v)); await page.press(`#q-${id}-input`, 'Tab'); } else { await page.check(`#q-${id}-${v}`); }
    }
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const data = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
    const plan = data.plan;
    const byId = Object.fromEntries(plan.actions.map((a) => [a.id, a]));
    const verdict = Object.fromEntries(plan.verdicts.map((v) => [v.id, v]));
    assert.strictEqual(verdict.notify_authority.decision, 'yes');
    assert.strictEqual(verdict.notify_data_subjects.decision, 'yes');
    // The step carries the verdict's own deadline.
    assert.strictEqual(byId['notify-ap'].due_ms, verdict.notify_authority.due_ms);
    assert.strictEqual(byId['inform-data-subjects'].due_ms, verdict.notify_data_subjects.due_ms);
    assert.strictEqual(byId['inform-data-subjects'].due_offset, 'asap');
    assert.ok(byId['inform-data-subjects'].due_ms >= plan.now_ms - 1000, 'as soon as possible is now, not the moment of discovery');
    assert.strictEqual(verdict.notify_authority.due_ms - plan.discovered_ms, 72 * 3600 * 1000);
    // Labels in the reader's language, and the moment of the decision.
    assert.ok(data.decided_at);
    const shown = Object.fromEntries(data.answers_shown.map((a) => [a.question, a.answer]));
    assert.strictEqual(shown.jurisdiction, 'Nederland');
    assert.strictEqual(shown.recipient, 'Bij onbekenden of kwaadwillenden');

    // The page shows the same moments.
    const pageAp = await page.locator('#action-notify-ap time').getAttribute('datetime');
    assert.strictEqual(pageAp, new Date(byId['notify-ap'].due_ms).toISOString());
    const summaryAp = await page.locator('#summary-verdict-notify_authority time').getAttribute('datetime');
    assert.strictEqual(summaryAp, pageAp);
    assert.match(await page.locator('#summary-verdict-notify_data_subjects').innerText(), /\bnu\b/);

    // Markdown: the same clock time, "now" for as soon as possible, labels not codes.
    const [md] = await Promise.all([page.waitForEvent('download'), page.click('#export-md')]);
    const mdText = fs.readFileSync(await md.path(), 'utf8');
    fs.writeFileSync(path.join(OUT, 'worst-hour-plan.md'), mdText);
    const apTime = await page.locator('#action-notify-ap time').innerText();
    assert.ok(mdText.includes(apTime), `Markdown has ${apTime}`);
    assert.match(mdText, /De betrokkenen informeren: Ja\*\* — Uiterlijk nu/);
    assert.match(mdText, /Nederland/);
    assert.doesNotMatch(mdText, /: (nl|yes|no|human_error|unidentified)$/m, 'no raw codes');

    // .ics: one event per duty, at the engine's deadline, reminders that fit.
    const [ics] = await Promise.all([page.waitForEvent('download'), page.click('#export-ics')]);
    const icsText = fs.readFileSync(await ics.path(), 'utf8');
    fs.writeFileSync(path.join(OUT, 'worst-hour.ics'), icsText);
    const events = icsText.split('BEGIN:VEVENT').slice(1);
    const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const apEvents = events.filter((e) => e.includes(`DTSTART:${stamp(byId['notify-ap'].due_ms)}`));
    assert.strictEqual(apEvents.length, 1, 'the authority duty is one event');
    assert.strictEqual(events.filter((e) => /UID:[^\r\n]*verdict-notify_authority/.test(e)).length, 0);
    const now = plan.now_ms;
    const asap = events.filter((e) => /action-(inform-data-subjects|start-incident-log)@/.test(e));
    assert.strictEqual(asap.length, 2);
    for (const e of asap) { assert.ok(e.includes(`DTSTART:${stamp(now)}`), 'as soon as possible is the moment of export, not the discovery'); assert.doesNotMatch(e, /TRIGGER/); }
    for (const e of events) {
      const start = e.match(/DTSTART:(\d{8}T\d{6}Z)/)[1];
      const ms = Date.parse(start.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
      if (ms < now) { assert.doesNotMatch(e, /TRIGGER/, `an overdue duty (${start}) gets no reminder`); }
      const trig = e.match(/TRIGGER:-P(T?)(\d+)([DHM])/);
      if (trig) {
        const unit = { D: 86400000, H: 3600000, M: 60000 }[trig[3]];
        assert.ok(ms - Number(trig[2]) * unit >= now - 1000, `the reminder of ${start} is not before the export`);
      }
    }
    assert.ok(!/TRIGGER/.test(apEvents[0]) || /TRIGGER:-P1D/.test(apEvents[0]), 'a 70-hour deadline gets a reminder a day ahead');

    // Print: verdicts, actions and the answers, on at most 3 A4 pages.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(OUT, 'worst-hour-plan.pdf'), pdf);
    const pages = pdfPages(pdf);
    assert.ok(pages <= 3, `the printed plan has ${pages} pages`);
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('playbooks print as checklists: misdirected e-mail on at most 4 A4 pages', async (t) => {
  const context = await launch({ locale: 'en-GB' });
  try {
    const page = await context.newPage();
    for (const [slug, most] of [['misdirected', 4], ['ransomware', 12]]) {
      await page.goto(fileUrl(`en/playbooks/${slug}.html`));
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' });
      fs.writeFileSync(path.join(OUT, `playbook-${slug}.pdf`), pdf);
      const pages = pdfPages(pdf);
      t.diagnostic(`${slug}: ${pages} A4 pages`);
      assert.ok(pages <= most, `${slug} prints on ${pages} pages`);
    }
  } finally {
    await context.close();
  }
});

// Reads a printed binder back: `file` is the PDF just printed from `page`;
// `scope` selects the binder where a document holds several (the single file).
async function checkContents(page, file, lang, playbooks, scope = '') {
  const texts = pdfPageTexts(file);
  const pages = texts.length;
  // Every contents entry names the page its section starts on: the
  // section's heading (after the playbook's eyebrow) is the first text
  // on that page of the PDF, and the page's own number says the same.
  const entries = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((li) => {
    const target = document.querySelector(li.querySelector('a').getAttribute('href'));
    const lead = [];
    for (const el of target.tagName === 'H2' ? [target] : target.children) {
      lead.push(el.textContent);
      if (el.tagName === 'H2') { break; }
    }
    return { title: li.querySelector('a').textContent, lead: lead.join(' '), page: li.querySelector('.toc-page').textContent };
  }), `${scope} .binder-toc li`.trim());
  assert.strictEqual(entries.length, playbooks + 1, 'the contents list the contacts and every playbook');
  let previous = 0;
  for (const e of entries) {
    const m = /^\D*(\d+)$/.exec(e.page.trim());
    assert.ok(m, `${lang}: "${e.title}" has a page number in the contents (${JSON.stringify(e.page)})`);
    const n = Number(m[1]);
    assert.ok(n > previous && n <= pages, `${lang}: "${e.title}" on page ${n}, after page ${previous}, of ${pages}`);
    previous = n;
    const text = texts[n - 1];
    assert.ok(squash(text).startsWith(squash(e.lead)), `${lang}: the contents say "${e.title}" starts on page ${n}, which begins: ${text.trim().slice(0, 120)}`);
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.strictEqual(lines[lines.length - 1], String(n), `${lang}: page ${n} is numbered ${n} at its foot`);
  }
  // The contents page of the PDF shows those numbers next to the titles
  // (the word "page" before each is for screen readers, not printed).
  const contents = await page.locator(`${scope} .binder-toc h2`.trim()).textContent();
  const tocText = texts.find((text) => squash(text).startsWith(squash(contents)));
  assert.ok(tocText, `${lang}: a page begins with "${contents}"`);
  const tocFlat = squash(tocText);
  for (const e of entries) {
    const n = e.page.replace(/\D/g, '');
    assert.ok(tocFlat.includes(squash(e.title) + n), `${lang}: the printed contents show "${e.title}" on page ${n}`);
  }
}

test('the whole handbook prints as a binder: cover, contacts, contents, each playbook on its own pages', async (t) => {
  const context = await launch({ locale: 'nl-NL' });
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    for (const lang of ['nl', 'en', 'fr']) {
      await page.goto(fileUrl(`${lang}/playbooks/binder.html`));
      // Every playbook page of the site is in the binder.
      const expected = fs.readdirSync(path.join(SITE, lang, 'playbooks')).filter((f) => f.endsWith('.html') && !['index.html', 'binder.html'].includes(f)).length;
      const order = await page.evaluate(() => [...document.querySelectorAll('.binder-cover, .binder-contacts, .binder-toc, .binder-playbook')].map((e) => e.className));
      assert.deepStrictEqual(order.slice(0, 3), ['binder-cover', 'binder-contacts', 'binder-toc']);
      const playbooks = order.filter((c) => c === 'binder-playbook').length;
      assert.ok(expected >= 6, `${expected} playbooks`);
      assert.strictEqual(playbooks, expected);
      assert.ok(await page.locator('.binder-playbook .tickbox').count() > 30, 'every step has a tick box');
      // Printed as Ctrl+P does (no print media emulated beforehand): the
      // contents page's numbers are taken from the print layout itself.
      const pdf = await page.pdf({ format: 'A4' });
      const file = path.join(OUT, `binder-${lang}.pdf`);
      fs.writeFileSync(file, pdf);
      const pages = pdfPages(pdf);
      t.diagnostic(`binder ${lang}: ${pages} A4 pages`);
      // Cover, contacts and contents, then each playbook on a page of its own.
      assert.ok(pages >= 3 + playbooks && pages <= 40, `${pages} pages`);
      assert.strictEqual(pdfPageTexts(file).length, pages);
      await checkContents(page, file, lang, playbooks);
      // Printed smaller (the print dialog's scale), the sections move to
      // other pages and the contents follow them.
      if (lang === 'en') {
        const small = path.join(OUT, 'binder-en-70.pdf');
        fs.writeFileSync(small, await page.pdf({ format: 'A4', scale: 0.7 }));
        const fewer = pdfPages(fs.readFileSync(small));
        assert.ok(fewer < pages, `${fewer} pages at 70%, ${pages} at 100%`);
        await checkContents(page, small, lang, playbooks);
      }
    }
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('the single-file handbook prints its binder with the same page numbers', async (t) => {
  // The single file renames ids and rewrites links to them; the contents
  // find their sections through the links.
  const single = path.join(OUT, 'binder-single.html');
  execFileSync(process.env.IRBOOK_BIN, ['build', path.join(__dirname, '..', '..', 'content'), '--single-file', single, '--quiet'], { cwd: OUT, stdio: ['ignore', 'inherit', 'ignore'] });
  const context = await launch({ locale: 'nl-NL' });
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    const scope = '#p-nl-playbooks-binder';
    await page.goto(`file://${single}${scope}`);
    const playbooks = await page.locator(`${scope} .binder-playbook`).count();
    assert.ok(playbooks >= 6, `${playbooks} playbooks in the single file's binder`);
    const file = path.join(OUT, 'binder-single-nl.pdf');
    fs.writeFileSync(file, await page.pdf({ format: 'A4' }));
    await checkContents(page, file, 'nl (single file)', playbooks, scope);
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('without scripts the binder prints its contents without page numbers', async () => {
  const context = await launch({ locale: 'en-GB', javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(fileUrl('en/playbooks/binder.html'));
    const file = path.join(OUT, 'binder-en-noscript.pdf');
    fs.writeFileSync(file, await page.pdf({ format: 'A4' }));
    const contents = await page.locator('#binder-toc').textContent();
    const texts = pdfPageTexts(file);
    const at = texts.findIndex((text) => squash(text).startsWith(squash(contents)));
    assert.ok(at > 0, `a page begins with "${contents}"`);
    const titles = await page.locator('.binder-toc li a').allTextContents();
    assert.ok(titles.length > 6);
    // The page's own number at its foot aside, no number follows a title.
    const lines = texts[at].split('\n').map((l) => l.trim()).filter(Boolean);
    assert.strictEqual(lines.pop(), String(at + 1), 'the contents page is numbered at its foot');
    const flat = squash(lines.join(' '));
    for (const title of titles) {
      const at = flat.indexOf(squash(title));
      assert.ok(at >= 0, `the contents list "${title}"`);
      assert.ok(!/^\d/.test(flat.slice(at + squash(title).length)), `no page number after "${title}"`);
    }
  } finally {
    await context.close();
  }
});

test('training and readiness have their own panels; improvements are due within days', async (t) => {
  const context = await launch({ locale: 'en-GB' });
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    const firstChoices = async () => {
      await ready(page);
      await page.click('#mode-toggle');
      for (let round = 0; round < 100; round++) {
        const id = await page.evaluate(() => {
          for (const q of document.querySelectorAll('#irbook-app .question[id^="question-"]')) {
            if (!q.querySelector('input:checked')) { const i = q.querySelector('input[type="radio"], input[type="checkbox"]'); if (i) { return i.id; } }
          }
          return null;
        });
        if (!id) { break; }
        await page.check('#' + id);
      }
    };
    await page.goto(fileUrl('en/assessments/training.html'));
    await firstChoices();
    assert.strictEqual(await page.locator('#plan-title').innerText(), 'Your result');
    const feedback = await page.locator('.feedback').allInnerTexts();
    assert.ok(feedback.length > 0);
    for (const f of feedback) { assert.doesNotMatch(f, /^(Right|Not quite)\.\s*(Right|Not quite)\b/, f); }
    assert.strictEqual(await page.locator('.summary, #export-ics').count(), 0, 'no triage summary or calendar in a training');

    await gotoAssessment(page, 'en', 'readiness');
    assert.strictEqual(await page.locator('#plan-title').innerText(), 'Your readiness');
    assert.strictEqual(await page.locator('h3', { hasText: 'Questions still open' }).count(), 0);
    await firstChoices();
    const dues = await page.locator('.action .deadline').allInnerTexts();
    assert.ok(dues.length > 0, 'improvements are listed');
    for (const d of dues) { assert.match(d, /within (\d+ days|a day)/, d); }
    assert.strictEqual(await page.locator('.action .deadline time').count(), 0, 'no clock times for improvements');
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});
