// Accessibility of the built site: axe-core (WCAG 2.x A and AA rules) on every
// page type of the default handbook and of a branded client variant, in light
// and dark mode, with each questionnaire showing its plan, score or feedback;
// and a keyboard-only run through the triage questionnaire to an exported plan.
//
// axe is injected with page.evaluate: that runs through the DevTools protocol,
// not as a page script, so the site's strict CSP stays on (no bypassCSP) and
// the guard below still fails the test on any CSP violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { launch, guard, fileUrl, answer, ready, openAssessment, assertNoProblems, SITE, OUT } = require('./lib');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const FAILING = new Set(['serious', 'critical']);

/// Runs axe on the page as it is now; logs every violation (WCAG rules and, for
/// information, axe's best-practice rules), returns the serious and critical WCAG ones.
async function audit(t, page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const violations = await page.evaluate(async (tags) => {
    // preload: false, or axe fetches the stylesheets itself, which the CSP's connect-src 'none' blocks.
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'], preload: false });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, tags: v.tags,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, WCAG_TAGS.concat(['best-practice']));
  const failing = [];
  for (const v of violations) {
    const wcag = v.tags.some((tag) => WCAG_TAGS.includes(tag));
    const where = v.nodes.slice(0, 5).map((n) => n.target).join(' | ') + (v.nodes.length > 5 ? ` (+${v.nodes.length - 5} more)` : '');
    t.diagnostic(`${label}: ${v.impact} ${v.id}${wcag ? '' : ' (best practice)'} (${v.help}) at ${where}`);
    if (wcag && FAILING.has(v.impact)) {
      for (const n of v.nodes.slice(0, 3)) { t.diagnostic(`  ${n.target}: ${n.summary.replace(/\s+/g, ' ')}`); }
      failing.push(`${label}: ${v.impact} ${v.id} at ${v.nodes.map((n) => n.target).join(' | ')}`);
    }
  }
  return failing;
}

/// Audits the page in light and dark mode; `prepare` runs after each (re)load.
async function auditBothModes(t, page, label, url, prepare) {
  const found = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(url);
    if (prepare) { await prepare(page); }
    found.push(...await audit(t, page, `${label} [${scheme}]`));
  }
  return found;
}

// The triage answers of questionnaire.test.js (EDPB case 04: ransomware with exfiltration).
const TRIAGE = {
  jurisdiction: 'nl', personal_data: 'yes', affected: ['confidentiality', 'availability'], cause: 'ransomware',
  malicious: 'yes', data_categories: ['contact', 'identity_numbers', 'financial'], subjects: 5000,
  vulnerable_subjects: 'no', unintelligible: 'no', data_left_control: 'yes', recipient: 'unknown',
  recipient_deleted: 'no', backup: 'no', unavailable_hours: 72, service_impact: 'minor',
};

async function showAll(page) {
  await ready(page);
  if (await page.locator('#prev').count() > 0) { await page.click('#mode-toggle'); } // one at a time → all
}

async function answerTriage(page) {
  await showAll(page);
  for (const [id, value] of Object.entries(TRIAGE)) {
    if (await page.locator(`#question-${id}`).count() === 0) { continue; }
    await answer(page, id, value);
  }
  await page.waitForSelector('#verdict-notify_authority[data-decision="yes"]');
}

/// Answers every shown question with its first choice (or a number), until none is left open.
async function answerAll(page) {
  await showAll(page);
  for (let round = 0; round < 200; round++) {
    const open = await page.evaluate(() => {
      for (const q of document.querySelectorAll('#irbook-app .question[id^="question-"]')) {
        const choices = q.querySelectorAll('input[type="radio"], input[type="checkbox"]');
        const field = q.querySelector('input[type="number"], textarea');
        if (field && field.value === '' && !q.querySelector('input:checked')) { return { field: '#' + field.id }; }
        if (!field && choices.length && !q.querySelector('input:checked')) { return { choice: '#' + choices[0].id }; }
      }
      return null;
    });
    if (!open) { return; }
    if (open.field) {
      await page.fill(open.field, '10');
      await page.press(open.field, 'Tab');
    } else {
      await page.check(open.choice);
    }
  }
  throw new Error('questions kept appearing');
}

test('axe: no serious or critical WCAG violations on any page type, light and dark', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  const failures = [];
  let checked = 0;
  try {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems = guard(page, 'file://');
    const pages = [
      ['nl/index.html'], ['en/index.html'], ['en/phases/first-response.html'], ['nl/phases/analysis.html'],
      ['en/playbooks/ransomware.html'], ['nl/playbooks/data-breach.html'], ['en/playbooks/index.html'],
      ['en/faq.html'], ['en/sources.html'], ['en/contacts.html'], ['nl/contacts.html'],
      ['en/parties/index.html'], ['en/parties/authorities-nl.html'], ['en/about.html'], ['en/templates/incident-log.html'],
      ['en/assessments/index.html'],
      ['en/assessments/triage.html', answerTriage], ['nl/assessments/triage.html', answerTriage],
      ['en/assessments/readiness.html', answerAll], ['en/assessments/training.html', answerAll],
      ['nl/assessments/training.html', answerAll],
    ];
    for (const [rel, prepare] of pages) {
      assert.ok(fs.existsSync(path.join(SITE, rel)), `${rel} is built`);
      failures.push(...await auditBothModes(t, page, rel, fileUrl(rel), prepare));
      checked += 2;
    }
    // The audit sees a fault when there is one: an image without a text alternative.
    await page.goto(fileUrl('en/index.html'));
    await page.evaluate(() => { document.querySelector('main').appendChild(document.createElement('img')).src = '../assets/favicon.svg'; });
    const planted = await audit({ diagnostic() {} }, page, 'planted fault');
    assert.ok(planted.some((f) => / image-alt /.test(f)), `axe reports the planted image without alt: ${planted}`);

    // What the questionnaires must show when audited.
    await page.goto(fileUrl('en/assessments/readiness.html'));
    await answerAll(page);
    assert.ok(await page.locator('.score-chart').count() === 1, 'the readiness score is shown');
    await page.goto(fileUrl('en/assessments/training.html'));
    await answerAll(page);
    assert.ok(await page.locator('.feedback').count() > 0, 'training feedback is shown');

    // Light and dark screenshots of the triage plan.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(fileUrl('en/assessments/triage.html'));
      await answerTriage(page);
      await page.screenshot({ path: path.join(OUT, `a11y-triage-${scheme}.png`), fullPage: true });
      // A number answer is readable: the field is not squeezed to a checkbox's size.
      const box = await page.locator('#q-subjects-input').boundingBox();
      assert.ok(box.width >= 80, `the number field is ${box.width}px wide`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(OUT, `a11y-triage-${scheme}-top.png`) });
      // The first action checkbox, focused from the keyboard so its focus ring shows.
      await page.focus('#irbook-app [id^="tick-"]');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Shift+Tab');
      await page.screenshot({ path: path.join(OUT, `a11y-triage-${scheme}-focus.png`) });
    }
    assertNoProblems(t, problems, 'no console errors or CSP violations, with axe injected');
  } finally {
    await context.close();
  }
  t.diagnostic(`${checked} page × mode combinations audited`);
  assert.deepStrictEqual(failures, []);
});

test('axe: a branded client variant, light and dark', async (t) => {
  const bin = process.env.IRBOOK_BIN;
  assert.ok(bin, 'IRBOOK_BIN is set by run.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'irbook-a11y-'));
  const variant = path.join(dir, 'client');
  execFileSync(bin, ['new', variant, '--extends', 'irbook:default'], { stdio: 'pipe' });
  // A strong client colour in both modes, with header colours, as an adviser would set them.
  const yaml = fs.readFileSync(path.join(variant, 'handbook.yaml'), 'utf8')
    .replace(/organisation: .*/, 'organisation: "Acme Zorg BV"')
    .replace(/branding:[\s\S]*$/, [
      'branding:',
      '  logo: static/logo.svg',
      '  colors:',
      '    brand: "#8a1538"',
      '    brand_dark: "#f4a3bd"',
      '    header: "#8a1538"',
      '    header_dark: "#2a0a14"',
      '',
    ].join('\n'));
  fs.writeFileSync(path.join(variant, 'handbook.yaml'), yaml);
  fs.mkdirSync(path.join(variant, 'static'), { recursive: true });
  fs.writeFileSync(path.join(variant, 'static', 'logo.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#ffffff"/></svg>\n');
  const site = path.join(dir, 'site');
  execFileSync(bin, ['build', variant, '-o', site, '--quiet'], { stdio: 'pipe' });
  assert.ok(fs.existsSync(path.join(site, 'assets', 'brand.css')), 'the variant has its brand stylesheet');

  const context = await launch();
  const failures = [];
  try {
    const page = await context.newPage();
    const problems = guard(page, 'file://');
    for (const rel of ['nl/index.html', 'en/index.html', 'en/playbooks/ransomware.html']) {
      failures.push(...await auditBothModes(t, page, `variant ${rel}`, 'file://' + path.join(site, rel)));
    }
    failures.push(...await auditBothModes(t, page, 'variant en/assessments/triage.html',
      'file://' + path.join(site, 'en/assessments/triage.html'), answerTriage));
    assertNoProblems(t, problems);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepStrictEqual(failures, []);
});

// ---------- keyboard only ----------

/// What has focus, and whether it is visibly marked.
function focusState(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) { return { lost: true }; }
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const ring = s.boxShadow && s.boxShadow !== 'none';
    return {
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      lost: false, id: e.id, tag: e.tagName.toLowerCase(), type: e.type || '', value: e.value || '',
      checked: !!e.checked, disabled: !!e.disabled, text: (e.textContent || '').trim().slice(0, 60),
      visible: outline || !!ring, focusVisible: e.matches(':focus-visible'),
    };
  });
}

async function expectFocus(page, why) {
  const f = await focusState(page);
  assert.ok(!f.lost, `focus was lost to <body> ${why}`);
  assert.ok(f.visible, `focus on ${f.tag}#${f.id} is not visible ${why}: ${JSON.stringify(f)}`);
  return f;
}

/// Presses Tab (or Shift+Tab) until `want(focus)` holds, checking that every stop is visible.
async function tabUntil(page, want, why, back) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await expectFocus(page, `while tabbing to ${why}`);
    if (want(f)) { return f; }
  }
  throw new Error(`Tab never reached ${why}`);
}

test('keyboard only: through the triage questionnaire to an exported plan', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  try {
    const { page, problems } = await openAssessment(context, 'en', 'triage');

    // The skip link is the first stop and moves focus into the main content.
    await page.keyboard.press('Tab');
    const skip = await expectFocus(page, 'on the skip link');
    assert.strictEqual(skip.tag, 'a');
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains('skip-link')), 'first Tab stop is the skip link');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to <main>');

    let steps = 0;
    const answered = [];
    for (let n = 0; n < 40; n++) {
      // Into the current question: its first field.
      const f = await tabUntil(page, (s) => /^q-/.test(s.id), 'the question');
      const qid = await page.evaluate(() => document.activeElement.closest('.question').id.replace(/^question-/, ''));
      const want = TRIAGE[qid];
      if (f.type === 'radio') {
        // Space picks the focused option; arrows move to (and pick) the next.
        await page.keyboard.press('Space');
        await expectFocus(page, `after answering ${qid}`);
        const target = want === undefined ? null : String(want);
        for (let i = 0; i < 12 && target !== null; i++) {
          const now = await focusState(page);
          if (now.value === target) { break; }
          await page.keyboard.press('ArrowDown');
          await expectFocus(page, `after moving through ${qid}`);
        }
        if (target !== null) { assert.strictEqual((await focusState(page)).value, target, `${qid} answered ${target}`); }
      } else if (f.type === 'checkbox') {
        const wanted = Array.isArray(want) ? want : [];
        let cur = f;
        for (let i = 0; i < 20 && cur.type === 'checkbox'; i++) {
          if (wanted.includes(cur.value) || (!wanted.length && i === 0)) {
            await page.keyboard.press('Space');
            const after = await expectFocus(page, `after ticking ${cur.id}`);
            assert.ok(after.checked, `${cur.id} is ticked`);
          }
          await page.keyboard.press('Tab');
          cur = await expectFocus(page, `after moving on from ${cur.id}`);
        }
        // Back onto the last checkbox, so the next search for "Next" starts inside the question.
        await page.keyboard.press('Shift+Tab');
      } else if (f.type === 'number') {
        await page.keyboard.type(String(typeof want === 'number' ? want : 10));
        // Tab commits the number (change event); the plan re-renders and focus must stay put.
        await page.keyboard.press('Tab');
        await expectFocus(page, `after entering ${qid}`);
        await page.keyboard.press('Shift+Tab');
        await expectFocus(page, `after returning to ${qid}`);
      } else {
        await page.keyboard.type('Keyboard test');
        await page.keyboard.press('Tab');
        await expectFocus(page, `after typing ${qid}`);
      }
      answered.push(qid);
      // On to the next question, unless this was the last (a disabled Next button takes no focus).
      if (await page.isDisabled('#next')) { break; }
      await tabUntil(page, (s) => s.id === 'next', 'the Next button');
      await page.keyboard.press('Enter');
      const moved = await expectFocus(page, `after Next from ${qid}`);
      assert.match(moved.id, /^q-/, `Next moves focus into the next question (now on #${moved.id})`);
      // tabUntil starts with a Tab: step back so the question's first field is the next stop.
      await page.keyboard.press('Shift+Tab');
      steps += 1;
    }
    t.diagnostic(`answered by keyboard: ${answered.join(', ')} (${steps} × Next)`);
    assert.ok(answered.length >= 10, `went through the questionnaire (${answered.length} questions)`);
    assert.strictEqual(await page.getAttribute('#verdict-notify_authority', 'data-decision'), 'yes', 'the plan says: notify the authority');

    // On to the exports: Markdown by Enter, calendar by Space.
    await tabUntil(page, (s) => s.id === 'export-md', 'the Markdown export');
    const [md] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const mdText = fs.readFileSync(await md.path(), 'utf8');
    const verdict = (await page.textContent('#verdict-notify_authority h4')).trim();
    assert.ok(mdText.includes(verdict.replace(/:\s*/, ': ')), `the Markdown holds the verdict "${verdict}"`);
    await expectFocus(page, 'after the Markdown export');
    await tabUntil(page, (s) => s.id === 'export-ics', 'the calendar export');
    const [ics] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Space')]);
    assert.match(fs.readFileSync(await ics.path(), 'utf8'), /BEGIN:VEVENT/);
    fs.writeFileSync(path.join(OUT, 'keyboard-triage.md'), mdText);

    // Ticking off an action by keyboard keeps focus on its checkbox.
    const tick = await tabUntil(page, (s) => /^tick-/.test(s.id), 'an action checkbox');
    await page.keyboard.press('Space');
    const ticked = await expectFocus(page, 'after ticking an action');
    assert.strictEqual(ticked.id, tick.id);
    assert.ok(ticked.checked);

    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});
