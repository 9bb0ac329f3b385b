// An elderly check session in a real browser, from scheduling to coverage,
// on a 360 px phone, against the real server on the work-list fixture
// (tests/data/worklist/README.md), on 2026-06-30 with an ELC target of 80%
// for commune 26734.  Before: area 01 counts E1, E2 (checked in March) and
// E3 (60 since 20 May), area 02 E5 and E7 (checked before moving in).  The
// commune officer schedules a session for the day, invites E1, E3 and E5,
// records E1 and E5 as checked: E3 is left to follow up, and coverage is
// 2/3 in area 01, 2/2 in area 02, 4/5 = 80% (reached) in the commune.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ART, e2eFixture, fits, loggedIn, worklistDb } from './fixture.mjs';

const fx = e2eFixture({
  name: 'elderly', today: '2026-06-30',
  users: [['ctv', 'collaborator', '2673400101'], ['xa', 'commune', '26734']],
  setup: (run, dir) => {
    const db = worklistDb(run, dir);
    fs.writeFileSync(path.join(dir, 't.csv'), 'unit,year,indicator,target\n26734,2026,ELC,80\n');
    run('targets', '--db', db, '--file', path.join(dir, 't.csv'));
    return db;
  },
});
const rowText = (page, sel) => page.locator(sel).innerText();

test('an elderly session from scheduling to coverage, on a phone', async () => {
  const page = await loggedIn(fx, 'xa', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/elderly`);
  await page.waitForSelector('#el-coverage');
  assert.match(await rowText(page, '#el-sessions'), /Chưa có buổi khám nào/);
  assert.match(await rowText(page, '#el-coverage tr[data-unit="2673400101"]'), /1\s+33,3%\s+80%\s+Chậm tiến độ/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');

  // Schedule: a place is required, named in Vietnamese next to its field.
  await page.locator('#el-schedule button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('[data-field="place"] .err')?.textContent);
  assert.match(await page.locator('[data-field="place"] .err').innerText(), /bắt buộc|cần|thiếu/i);
  await page.getByLabel('Địa điểm').fill('Trạm Y tế phường Bến Nghé');
  await page.getByLabel('Số người tối đa').fill('10');
  await page.locator('#el-schedule button[type=submit]').click();
  await page.waitForSelector('#el-invite');
  assert.match(await page.locator('h1').innerText(), /Buổi khám 30\/06\/2026 tại Trạm Y tế phường Bến Nghé/);

  // Invite those due: E1, E3 (turned 60 in May) and E5; not E2 or E7, already checked this year.
  const due = await page.locator('#el-invite label.tap').allInnerTexts();
  assert.deepEqual(due.map((x) => x.split(' · ')[0]), ['Nguyễn Văn Bảy Mươi', 'Hoàng Văn Sáu Mươi', 'Trịnh Văn Tám Lăm']);
  for (const box of await page.locator('#el-invite label.tap').all()) {
    const b = await box.boundingBox();
    assert.ok(b.height >= 44, `tap target ${b.height} px`);
    await box.locator('input').check();
  }
  await page.locator('#el-invite-btn').click();
  await page.waitForFunction(() => document.querySelectorAll('#el-lists tr[data-person]').length === 3);
  assert.deepEqual(await page.locator('#el-lists h3').allTextContents(), ['Địa bàn 01 (2673400101) · 2', 'Địa bàn 02 (2673400102) · 1']);
  assert.ok(await fits(page), 'the lists fit 360 px');

  // Attendance in one action: E1 and E5 came.
  await page.locator('#el-lists tr[data-person="E1"] input').check();
  await page.locator('#el-lists tr[data-person="E5"] input').check();
  await page.locator('#el-attend').click();
  await page.waitForFunction(() => document.querySelectorAll('#el-lists tr[data-person] input:checked:disabled').length === 2);
  assert.match(await rowText(page, '#toast'), /Đã ghi nhận 2 người được khám/);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#el-lists .actions').first().isVisible(), false, 'buttons are not printed');
  await page.emulateMedia({ media: 'screen' });

  // Follow-up and coverage.
  await page.locator('a', { hasText: 'Các buổi khám' }).click();
  await page.waitForSelector('#el-coverage');
  assert.deepEqual(await page.locator('#el-followup tr[data-person]').evaluateAll((r) => r.map((x) => x.dataset.person)), ['E3']);
  assert.match(await rowText(page, '#el-total'), /4\/5 · 80,0% · Đã đạt/);
  assert.match(await rowText(page, '#el-coverage tr[data-unit="2673400101"]'), /3\s+2\s+66,7%\s+80%\s+Đúng tiến độ/);
  assert.match(await rowText(page, '#el-coverage tr[data-unit="2673400102"]'), /2\s+2\s+100,0%\s+80%\s+Đã đạt/);
  assert.match(await rowText(page, '#el-sessions'), /3\/10 người được mời · 2 đã khám/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'elderly-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('a collaborator sees their own area\'s invitation list only', async () => {
  const page = await loggedIn(fx, 'ctv', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/elderly`);
  await page.waitForSelector('#el-sessions li a');
  assert.equal(await page.locator('#el-schedule').count(), 0, 'a collaborator does not schedule');
  await page.locator('#el-sessions li a').first().click();
  await page.waitForSelector('#el-lists');
  assert.deepEqual(await page.locator('#el-lists h3').allTextContents(), ['Địa bàn 01 (2673400101) · 2']);
  assert.doesNotMatch(await rowText(page, '#el-lists'), /Trịnh Văn Tám Lăm/);
  assert.deepEqual(page.errors, []);
});
