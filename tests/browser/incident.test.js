// Issue 16, "the incident record", from file://: two incidents; answer,
// tick, log, record a decision and notifications with reference numbers;
// save the incident files; clear the browser's storage; open the files and
// find every entry, tick, decision and reference back with the right
// follow-up deadlines; a corrupt file, a newer version and another
// handbook's file each give their message and change nothing; a browser
// that cannot store gets a warning; the register entry prints on A4.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { launch, openAssessment, reloadReady, assertNoProblems, answer, OUT } = require('./lib');

function pdfPages(buf) {
  return (buf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

// Answers every shown question that has an answer here, until none is left.
async function answerAll(page, answers) {
  for (let round = 0; round < 4; round++) {
    for (const [id, v] of Object.entries(answers)) {
      if (await page.locator(`#question-${id}`).count() === 0) { continue; }
      if (Array.isArray(v)) {
        for (const x of v) { if (!(await page.isChecked(`#q-${id}-${x}`))) { await page.check(`#q-${id}-${x}`); } }
        continue;
      }
      if (typeof v === 'number') {
        if ((await page.inputValue(`#q-${id}-input`)) === String(v)) { continue; }
      } else if (await page.isChecked(`#q-${id}-${v}`)) { continue; }
      await answer(page, id, v);
    }
  }
}

async function notify(page, party, stage, sent, channel, reference) {
  await page.selectOption('#notify-party', party);
  if (stage) { await page.selectOption('#notify-stage', stage); }
  await page.fill('#notify-sent', sent);
  await page.fill('#notify-channel', channel);
  await page.fill('#notify-reference', reference);
  await page.click('#notify-record');
}

async function saveFile(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#file-save')]);
  const file = path.join(OUT, name);
  fs.copyFileSync(await dl.path(), file);
  return file;
}

// What the record shows of the incident on screen: everything a bad file must leave alone.
async function snapshot(page) {
  return {
    storage: await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage))),
    record: await page.locator('#timeline').innerText() + await page.locator('#incidents').innerText() + await page.locator('#notifications').innerText(),
    answers: await page.locator('#answers').innerText(),
  };
}

test('incident record: two incidents, saved, storage cleared, opened again; bad files change nothing', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB', viewport: { width: 1366, height: 900 } });
  try {
    const { page, problems } = await openAssessment(context, 'en', 'triage');

    // Incident 1: a misdirected e-mail, notified to the AP.
    await page.click('#discovered-now');
    await page.click('#preset-misdirected');
    await page.click('#mode-toggle');
    await answerAll(page, { jurisdiction: 'nl', cyber_insurance: 'no', org_role: 'controller', data_categories: ['contact', 'health'], subjects: 300, vulnerable_subjects: 'no', recipient: 'unidentified', customers_affected: 'no', nis2_entity: 'no' });
    await page.fill('#incident-name', 'Client list to the wrong address');
    await page.press('#incident-name', 'Tab');
    await page.fill('#record-who', 'Anna');
    await page.press('#record-who', 'Tab');
    await page.check('#tick-md-recover-data');
    await page.click('#skip-md-fix-process');
    assert.strictEqual(await page.locator('#skipped-actions #action-md-fix-process').count(), 1, 'a step that does not apply folds away');
    await page.fill('#log-text', 'Called the recipient');
    await page.fill('#log-note', 'voicemail');
    await page.click('#log-add');
    await page.fill('#reg-description', 'A spreadsheet with 300 clients went to a wrong address.');
    await page.press('#reg-description', 'Tab');
    await page.fill('#decision-reason', 'Health data with an unknown recipient');
    await page.click('#decision-record');
    await notify(page, 'notify_authority', null, '2026-11-30T10:00', 'AP form', 'M-2026-000777');
    // The step that carries out the duty is done with the notification.
    assert.ok(await page.isChecked('#tick-notify-ap'));
    const completeAp = page.locator('#follow-ups .action').filter({ hasText: 'Complete, change or withdraw' });
    assert.strictEqual(await completeAp.count(), 1, 'the AP follow-up is in the plan');
    assert.match(await completeAp.innerText(), /no fixed deadline/);
    const kinds1 = await page.locator('#timeline li').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    for (const k of ['discovered', 'preset', 'answer', 'done', 'not-applicable', 'note', 'decision', 'notification']) {
      assert.ok(kinds1.includes(k), `the timeline has a ${k} entry`);
    }
    const file1 = await saveFile(page, 'incident-1.json');

    // Incident 2: ransomware in Belgium, told to the CCB in stages.
    await page.click('#incident-new');
    await page.click('#discovered-now');
    await page.click('#preset-ransomware');
    await answerAll(page, { personal_data: 'yes', ongoing: 'no', malicious: 'yes', jurisdiction: 'be', be_supervisor: 'gba', cyber_insurance: 'yes', org_role: 'controller', data_categories: ['contact', 'financial'], subjects: 1200, vulnerable_subjects: 'no', nis2_entity: 'yes', significant_incident: 'yes', customers_affected: 'yes', backup: 'yes', money_lost: 'no' });
    await page.fill('#incident-name', 'Ransomware on the file server');
    await page.press('#incident-name', 'Tab');
    await page.fill('#decision-reason', 'Data probably copied');
    await page.click('#decision-record');
    await notify(page, 'notify_csirt', 'csirt-early-warning', '2026-11-30T08:00', 'CCB platform', 'CCB-42');
    await notify(page, 'notify_csirt', 'csirt-incident-notification', '2026-11-30T10:00', 'CCB platform', 'CCB-42');
    await notify(page, 'notify_insurer', null, '2026-11-30T09:00', 'hotline', 'CLM-5');
    // A calendar month after the incident notification of 30 November 10:00 (Amsterdam): 30 December 10:00.
    const finalReport = page.locator('#follow-ups .action').filter({ hasText: 'Final report to the CSIRT' });
    assert.strictEqual(await finalReport.count(), 1, 'one final report, after the incident notification only');
    assert.strictEqual(await finalReport.locator('time').getAttribute('datetime'), '2026-12-30T09:00:00.000Z');
    assert.match(await finalReport.innerText(), /CCB-42/);
    // The drafts follow the country: the GBA's form here, not the AP's; and the letter.
    assert.strictEqual(await page.locator('#draft-box-gba').count(), 1);
    assert.strictEqual(await page.locator('#draft-box-ap').count(), 0);
    assert.strictEqual(await page.locator('#draft-box-letter').count(), 1);
    const rows = page.locator('#incidents tbody tr');
    assert.strictEqual(await rows.count(), 2, 'two incidents in the list');
    assert.deepStrictEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), ['notified', 'notified']);
    assert.match(await rows.nth(1).locator('.incident-next').innerText(), /\S/, 'each incident shows its next deadline');
    const record = await page.evaluate(() => { const r = document.getElementById('record').getBoundingClientRect(); return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height }; });
    await page.screenshot({ path: path.join(OUT, 'incident-record.png'), fullPage: true, clip: record });
    const file2 = await saveFile(page, 'incident-2.json');
    const timeline2 = await page.locator('#timeline li').count();

    // The browser profile is wiped.
    await page.evaluate(() => localStorage.clear());
    await reloadReady(page);
    assert.strictEqual(await page.locator('#incidents tbody tr').count(), 1, 'a fresh, empty incident');
    assert.strictEqual(await page.locator('#discovered-time').count(), 0);

    // Open both files: everything is back.
    await page.setInputFiles('#file-open', file1);
    await page.waitForSelector('#file-message:has-text("Opened")');
    assert.strictEqual(await page.locator('#incidents tbody tr').count(), 1, 'the empty incident made way for the opened one');
    assert.strictEqual(await page.inputValue('#incident-name'), 'Client list to the wrong address');
    assert.ok(await page.isChecked('#tick-md-recover-data'));
    assert.ok(await page.isChecked('#tick-notify-ap'));
    assert.strictEqual(await page.locator('#skipped-actions #action-md-fix-process').count(), 1);
    assert.match(await page.locator('#timeline').innerText(), /Anna: Called the recipient — voicemail/);
    assert.strictEqual(await page.locator('#decisions > li').count(), 1);
    assert.match(await page.locator('#decisions').innerText(), /Health data with an unknown recipient/);
    assert.match(await page.locator('#notifications').innerText(), /M-2026-000777/);
    assert.strictEqual(await page.inputValue('#reg-description'), 'A spreadsheet with 300 clients went to a wrong address.');
    assert.strictEqual(await page.locator('#timeline li[data-kind="opened"]').count(), 1, 'opening is logged as a new entry');
    await page.setInputFiles('#file-open', file2);
    await page.waitForSelector('#file-message:has-text("Ransomware")');
    assert.strictEqual(await page.locator('#incidents tbody tr').count(), 2);
    assert.strictEqual(await page.locator('#timeline li').count(), timeline2 + 1);
    const back = page.locator('#follow-ups .action').filter({ hasText: 'Final report to the CSIRT' });
    assert.strictEqual(await back.locator('time').getAttribute('datetime'), '2026-12-30T09:00:00.000Z');
    assert.match(await page.locator('#notifications').innerText(), /CCB-42[\s\S]*CCB-42[\s\S]*CLM-5/);

    // Bad files: their own message, and nothing on screen or in storage changes.
    const good = JSON.parse(fs.readFileSync(file2, 'utf8'));
    const bad = {
      'corrupt.json': ['{"format": "irbook-incident", "version": 1, "incident": {', /could not be read as an incident file \(it is not JSON\)/],
      'newer.json': [JSON.stringify(Object.assign({}, good, { version: 2 })), /format version 2, made by a newer version/],
      'other-handbook.json': [JSON.stringify(Object.assign({}, good, { handbook: 'acme-handbook' })), /belongs to another handbook \(acme-handbook\)/],
      'damaged.json': [JSON.stringify(Object.assign({}, good, { incident: Object.assign({}, good.incident, { timeline: 'gone' }) })), /timeline entry is not a list/],
    };
    for (const [name, [text, message]] of Object.entries(bad)) {
      const file = path.join(OUT, name);
      fs.writeFileSync(file, text);
      const before = await snapshot(page);
      await page.setInputFiles('#file-open', file);
      await page.waitForFunction((m) => new RegExp(m).test(document.getElementById('file-message').textContent), message.source);
      assert.match(await page.locator('#file-message').innerText(), /Nothing was changed/);
      assert.deepStrictEqual(await snapshot(page), before, `${name} changes nothing`);
    }

    // The register entry as a CSV row: the same columns as `irbook register` writes.
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('#register-csv')]);
    const csv = fs.readFileSync(await csvDl.path(), 'utf8');
    assert.ok(csv.startsWith('id,name,discovered,state,description,data,consequences,measures,steps,decisions,not_notified,notifications\r\n'), csv.slice(0, 200));
    assert.match(csv, /CCB-42/);
    const { execFileSync } = require('node:child_process');
    const cli = execFileSync(process.env.IRBOOK_BIN, ['register', file2, '-o', path.join(OUT, 'register-2.csv')], { stdio: 'pipe' });
    assert.ok(cli !== null);
    assert.strictEqual(fs.readFileSync(path.join(OUT, 'register-2.csv'), 'utf8').split('\r\n')[0], csv.split('\r\n')[0]);

    // The register entry of incident 2, printed on its own.
    await page.evaluate(() => { window.print = () => {}; });
    await page.click('#register-print');
    const printed = await page.locator('.print-only').innerText();
    assert.match(printed, /Register entry: Ransomware on the file server/);
    assert.match(printed, /CCB-42/);
    assert.strictEqual(await page.locator('.print-only [id]').count(), 0, 'the printed copy repeats no ids');
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi, for the picture
    await page.screenshot({ path: path.join(OUT, 'register-entry-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(OUT, 'register-entry.pdf'), pdf);
    t.diagnostic(`register entry: ${pdfPages(pdf)} A4 page(s); incident file ${fs.statSync(file2).size} bytes`);
    assert.ok(pdfPages(pdf) >= 1 && pdfPages(pdf) <= 2, `the register entry prints on ${pdfPages(pdf)} pages`);
    // Once printed, the page is the page again.
    await page.waitForFunction(() => !document.documentElement.classList.contains('print-part'));
    assert.strictEqual(await page.locator('.print-only').count(), 0);

    // The AP draft of incident 1, filled from the record, printed on its own.
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.click('#incidents button[data-incident]');
    await page.click('#draft-box-ap > summary');
    const draft = await page.locator('#draft-ap').innerText();
    assert.match(draft, /A spreadsheet with 300 clients went to a wrong address\./);
    assert.match(draft, /M-2026-000777/, 'the report number, for an addition');
    assert.match(draft, /300/);
    assert.match(draft, /\[name, function, phone number, e-mail\]/, 'what only the team can write is marked');
    await page.click('#draft-print-ap');
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: path.join(OUT, 'ap-draft-print.png'), fullPage: true });
    const apPdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(OUT, 'ap-draft.pdf'), apPdf);
    t.diagnostic(`AP draft: ${pdfPages(apPdf)} A4 page(s)`);
    assert.ok(pdfPages(apPdf) >= 1 && pdfPages(apPdf) <= 3, `the AP draft prints on ${pdfPages(apPdf)} pages`);

    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('incident record: a browser that cannot store is told to keep the file', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'nl-NL' });
  try {
    const { page, problems } = await openAssessment(context, 'nl', 'triage', {
      before: (p) => p.addInitScript(() => {
        Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
      }),
    });
    await page.click('#discovered-now');
    const warning = page.locator('#storage-warning');
    assert.ok(await warning.isVisible());
    assert.match(await warning.innerText(), /opslag van de browser is vol/);
    // The page keeps working, and the file can be saved from the warning.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#storage-save-file')]);
    const saved = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    assert.strictEqual(saved.format, 'irbook-incident');
    assert.strictEqual(saved.lang, 'nl');
    assert.ok(saved.incident.discovered_at);
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('incident record: answers saved by the previous version become the first incident', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  try {
    const { page, problems } = await openAssessment(context, 'en', 'triage');
    const key = await page.evaluate(() => Object.keys(localStorage).find((k) => /:triage$/.test(k)) || null);
    const storageKey = key || await page.evaluate(() => {
      const app = document.getElementById('irbook-app');
      return 'irbook:' + app.getAttribute('data-handbook') + ':' + app.getAttribute('data-assessment');
    });
    await page.evaluate((k) => {
      const hash = window.IRBOOK_ASSESSMENTS['en/triage'].def.hash;
      localStorage.setItem(k, JSON.stringify({ version: 1, hash, answers: { jurisdiction: 'nl', personal_data: 'yes' }, discovered: Date.parse('2026-11-30T09:00:00Z'), ticks: { 'start-incident-log': Date.parse('2026-11-30T09:10:00Z') }, mode: 'all', index: 0, preset: null }));
    }, storageKey);
    await reloadReady(page);
    assert.ok(await page.isChecked('#q-jurisdiction-nl'));
    assert.ok(await page.isChecked('#tick-start-incident-log'));
    assert.strictEqual(await page.locator('#discovered-time').getAttribute('datetime'), '2026-11-30T09:00:00.000Z');
    assert.strictEqual(await page.locator('#incidents tbody tr').count(), 1);
    assert.strictEqual(await page.inputValue('#incident-name'), 'Incident 1');
    const saved = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)), storageKey);
    assert.strictEqual(saved.version, 2, 'stored again in the new shape');
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('incident record: a month after a notification keeps the local clock time across summer time', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  try {
    const { page, problems } = await openAssessment(context, 'en', 'triage');
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'incidents', 'ransomware.json'), 'utf8'));
    for (const n of file.incident.notifications) {
      // 15 March 09:30 in Amsterdam (winter time, UTC+1).
      if (n.stage === 'csirt-incident-notification') { n.sent_at = '2026-03-15T08:30:00.000Z'; }
    }
    const f = path.join(OUT, 'incident-march.json');
    fs.writeFileSync(f, JSON.stringify(file));
    await page.setInputFiles('#file-open', f);
    await page.waitForSelector('#file-message:has-text("Opened")');
    // 15 April 09:30 in Amsterdam is summer time (UTC+2): 07:30 UTC.
    const finalReport = page.locator('#follow-ups .action').filter({ hasText: 'Final report to the CSIRT' });
    assert.strictEqual(await finalReport.locator('time').getAttribute('datetime'), '2026-04-15T07:30:00.000Z');
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});
