// The targets page in a real browser, on a 360 px phone, on the work-list
// fixture (tests/data/worklist/README.md) on 2026-06-30: a province officer
// sees SRB against Strategy 1679's ceiling as kept or passed (never a
// percentage), shares 60 elderly checks out to the two communes in
// proportion to their persons 60+ (4 and 2 on 31 December 2025: 40 and
// 20), sees the sum before saving, and has a share-out by hand that does
// not add up refused next to the shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, e2eFixture, fits, loggedIn, worklistDb } from './fixture.mjs';

const fx = e2eFixture({ name: 'targets', today: '2026-06-30', users: [['tinh', 'province', '79']], setup: worklistDb });

test('a province shares a target out and watches its progress, on a phone', async () => {
  const page = await loggedIn(fx, 'tinh', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/targets?unit=79&year=2026`);
  await page.waitForSelector('#tg-status');
  const srb = await page.locator('#tg-status tr[data-key="SRB"]').innerText();
  assert.match(srb, /Không vượt quá/);
  assert.match(srb, /≤ 109/);
  assert.match(srb, /Chiến lược Dân số 1679/);
  assert.doesNotMatch(srb, /%/, 'no percentage of a ceiling');

  await page.getByLabel('Chỉ tiêu', { exact: true }).selectOption('17');
  await page.getByLabel('Kế hoạch', { exact: true }).fill('60');
  await page.locator('#tg-preview').click();
  await page.waitForFunction(() => document.querySelector('#tg-sum')?.textContent);
  assert.match(await page.locator('#tg-sum').innerText(), /Cộng: 60 \/ kế hoạch 60/);
  assert.deepEqual(await page.locator('#tg-rows input').evaluateAll((xs) => xs.map((x) => x.value)), ['40', '20']);
  await page.locator('#tg-save').click();
  await page.waitForSelector('#tg-status tr[data-key="17"]');
  await page.locator('details[data-key="17"] summary').click();
  const d17 = await page.locator('details[data-key="17"]').innerText();
  assert.match(d17, /Tổng các xã khớp/);
  // The path: 60 x 31/365 = 5,1 by the end of January, 60 by December.
  assert.match(await page.locator('details[data-key="17"] tr[data-row="path"]').innerText(), /^Kế hoạch lũy kế\s+5,1\s+9,7\s+14,8[\s\S]*60$/);

  // By hand: 30 + 20 is not 60.
  await page.getByLabel('Chỉ tiêu', { exact: true }).selectOption('17');
  await page.getByLabel('Cách giao').selectOption('manual');
  await page.locator('#tg-preview').click();
  await page.waitForFunction(() => document.querySelectorAll('#tg-rows input:not([readonly])').length === 2);
  await page.locator('#tg-rows input').first().fill('30');
  await page.locator('#tg-save').click();
  await page.waitForFunction(() => document.querySelector('[data-field="shares"] > .err')?.textContent);
  assert.match(await page.locator('[data-field="shares"] > .err').innerText(), /không bằng/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'targets-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});
