// The collaborators' page in a real browser at 360 px, on the work-list
// fixture on 2026-06-30: a commune officer adds a collaborator, gives her
// area 01 (area 02 stays without one), is refused an overlapping assignment
// beside its date and a training without a course beside the course.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, e2eFixture, fits, loggedIn, worklistDb } from './fixture.mjs';

const fx = e2eFixture({ name: 'workforce', today: '2026-06-30', users: [['xa', 'commune', '26734']], setup: worklistDb });

test('a commune officer records a collaborator, her area and a training, on a phone', async () => {
  const page = await loggedIn(fx, 'xa', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/workforce`);
  await page.waitForSelector('#wk-without');
  assert.deepEqual(await page.locator('#wk-without li').evaluateAll((xs) => xs.map((x) => x.dataset.area)), ['2673400101', '2673400102']);
  await page.fill('#wk-add-code', 'CTV1');
  await page.fill('#wk-add-name', 'Nguyễn Thị Lan');
  await page.locator('#wk-add button[type=submit]').click();
  await page.waitForSelector('#wk-list tr[data-code="CTV1"]');
  await page.fill('#wk-assign-area', '2673400101');
  await page.fill('#wk-assign-collaborator', 'CTV1');
  await page.fill('#wk-assign-from', '01/01/2026');
  await page.locator('#wk-assign button[type=submit]').click();
  await page.waitForFunction(() => document.querySelectorAll('#wk-without li').length === 1);
  assert.match(await page.locator('#wk-without').innerText(), /Địa bàn 02 \(2673400102\) · chưa từng có/);
  // Another assignment of area 01 from March overlaps CTV1's.
  await page.fill('#wk-add-code', 'CTV2');
  await page.fill('#wk-add-name', 'Trần Văn Hai');
  await page.locator('#wk-add button[type=submit]').click();
  await page.waitForSelector('#wk-list tr[data-code="CTV2"]');
  await page.fill('#wk-assign-area', '2673400101');
  await page.fill('#wk-assign-collaborator', 'CTV2');
  await page.fill('#wk-assign-from', '01/03/2026');
  await page.locator('#wk-assign button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#wk-assign [data-field="from"] .err')?.textContent);
  assert.match(await page.locator('#wk-assign [data-field="from"] .err').innerText(), /đã có cộng tác viên/);
  await page.fill('#wk-train-collaborator', 'CTV1');
  await page.locator('#wk-train button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#wk-train [data-field="course"] .err')?.textContent);
  assert.match(await page.locator('#wk-train [data-field="course"] .err').innerText(), /khóa tập huấn/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'workforce-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});
