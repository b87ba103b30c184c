// The triage questionnaire in Chromium from file://: answer an EDPB case,
// check the verdicts and deadline times, reload, corrupt the saved data,
// export .ics and Markdown. No console errors, CSP violations or other hosts.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { launch, openAssessment, reloadReady, assertNoProblems, answer, OUT } = require('./lib');

// EDPB 01/2021 case 04 (ransomware with exfiltration), answered for a Dutch organisation.
const ANSWERS = {
  jurisdiction: 'nl',
  personal_data: 'yes',
  affected: ['confidentiality', 'availability'],
  cause: 'ransomware',
  malicious: 'yes',
  data_categories: ['contact', 'identity_numbers', 'financial'],
  subjects: 5000,
  vulnerable_subjects: 'no',
  unintelligible: 'no',
  data_left_control: 'yes',
  recipient: 'unknown',
  recipient_deleted: 'no',
  backup: 'no',
  unavailable_hours: 72,
  service_impact: 'minor',
};

test('triage questionnaire: plan, persistence, corrupt storage, exports', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });
  try {
    const { page, problems } = await openAssessment(context, 'en', 'triage');
    await page.click('#mode-toggle'); // all questions on one page
    await page.fill('#discovered', '2026-11-23T09:30');
    await page.waitForSelector('#discovered-time'); // asked first, then shown as one line
    for (const [id, value] of Object.entries(ANSWERS)) {
      if (await page.locator(`#question-${id}`).count() === 0) { continue; } // not asked for these answers
      await answer(page, id, value);
    }
    const authority = page.locator('#verdict-notify_authority');
    assert.strictEqual(await authority.getAttribute('data-decision'), 'yes');
    assert.strictEqual(await page.locator('#verdict-notify_data_subjects').getAttribute('data-decision'), 'yes');
    // 72 hours after 09:30 Amsterdam time on 23 November is 09:30 on 26 November (08:30 UTC).
    assert.strictEqual(await authority.locator('time').getAttribute('datetime'), '2026-11-26T08:30:00.000Z');
    assert.match(await authority.locator('time').textContent(), /26 Nov 2026.*09:30/);
    assert.ok(await page.locator('#action-notify-ap').count() === 1, 'the Dutch authority step is in the plan');
    assert.strictEqual(await page.locator('#action-notify-gba').count(), 0, 'the Belgian step is not');
    await page.check('#tick-notify-ap');

    // Reload: answers and ticks are kept.
    await reloadReady(page);
    assert.ok(await page.isChecked('#q-cause-ransomware'));
    assert.ok(await page.isChecked('#tick-notify-ap'));

    // Downloads: calendar and Markdown.
    const [ics] = await Promise.all([page.waitForEvent('download'), page.click('#export-ics')]);
    const icsText = fs.readFileSync(await ics.path(), 'utf8');
    assert.match(icsText, /BEGIN:VCALENDAR/);
    assert.match(icsText, /DTSTART:20261126T083000Z/);
    fs.writeFileSync(path.join(OUT, 'triage.ics'), icsText);
    const [md] = await Promise.all([page.waitForEvent('download'), page.click('#export-md')]);
    const mdText = fs.readFileSync(await md.path(), 'utf8');
    assert.match(mdText, /^# /);
    assert.match(mdText, /- \[x\] \*\*/, 'ticked action is checked in the Markdown');
    await page.screenshot({ path: path.join(OUT, 'triage-plan-en.png'), fullPage: true });

    // Corrupt saved data: a visible notice, a working page.
    await page.evaluate(() => { for (let i = 0; i < localStorage.length; i++) { localStorage.setItem(localStorage.key(i), '{not json'); } });
    await reloadReady(page);
    assert.ok(await page.isVisible('#storage-notice'));
    assert.strictEqual(await page.isChecked('#q-cause-ransomware').catch(() => false), false);

    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});

test('triage in Dutch: a plan screenshot', async (t) => {
  const context = await launch({ timezoneId: 'Europe/Amsterdam', locale: 'nl-NL' });
  try {
    const { page, problems } = await openAssessment(context, 'nl', 'triage');
    await page.click('#mode-toggle');
    for (const [id, value] of Object.entries(ANSWERS)) {
      if (await page.locator(`#question-${id}`).count() === 0) { continue; }
      await answer(page, id, value);
    }
    await page.screenshot({ path: path.join(OUT, 'triage-plan-nl.png'), fullPage: true });
    assertNoProblems(t, problems);
  } finally {
    await context.close();
  }
});
