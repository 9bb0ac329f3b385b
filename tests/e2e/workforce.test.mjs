// The collaborators' page in a real browser at 360 px, on the work-list
// fixture on 2026-06-30.  The collaborator `ctv` of area 01 records three
// events through the API (two dated in May, one in June).  A commune
// officer then adds her as a collaborator with every field of the record
// (sex, year of birth, phone, login, active), gives her area 01 picked by
// name (area 02 stays without one), is refused an overlapping assignment
// beside its date and a training without a course beside the course,
// records a course; the page shows the areas by name, her events per month
// as recorded, and the course with its date and hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, e2eFixture, fits, loggedIn, worklistDb } from './fixture.mjs';

const fx = e2eFixture({
  name: 'workforce', today: '2026-06-30', setup: worklistDb,
  users: [['xa', 'commune', '26734'], ['ctv', 'collaborator', '2673400101']],
});

// Events recorded by ctv's account (area 01: E1 and W1 live in H1).
async function recordAsCtv() {
  const r = await fetch(`${fx.base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'ctv', password: fx.PW.ctv }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  const events = [
    { id: '00000000-0000-4000-8000-0000000e0001', type: 'elderly_check', date: '2026-05-10', person: 'E1', facility: 'TYT' },
    { id: '00000000-0000-4000-8000-0000000e0002', type: 'info_change', date: '2026-05-12', person: 'W1', field: 'education', value: '4' },
    { id: '00000000-0000-4000-8000-0000000e0003', type: 'info_change', date: '2026-06-02', person: 'W1', field: 'education', value: '3' },
  ];
  for (const ev of events) {
    const x = await fetch(`${fx.base}/api/v1/events`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(ev) });
    assert.ok(x.status === 201 || x.status === 200, `${ev.id}: ${x.status} ${await x.text()}`);
  }
}

// Types into the form's unit picker and chooses the option named name.
async function pick(page, form, typed, name) {
  await page.locator(`${form} [role=combobox]`).fill(typed);
  await page.locator(`${form} [role=option]`, { hasText: new RegExp(`^${name} ·`) }).first().click();
  assert.equal(await page.locator(`${form} [role=combobox]`).inputValue(), name);
}

const submit = (page, form) => page.locator(`${form} button[type=submit]`).click();

test('a commune officer records a collaborator, her area and a training, and sees her events per month, on a phone', async () => {
  await recordAsCtv();
  const page = await loggedIn(fx, 'xa', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/workforce`);
  await page.waitForSelector('#wk-without');
  assert.deepEqual(await page.locator('#wk-without li').evaluateAll((xs) => xs.map((x) => x.dataset.area)), ['2673400101', '2673400102']);
  // Every field of the record; the commune is the officer's, by name.
  assert.equal(await page.locator('#wk-add [role=combobox]').inputValue(), 'Phường Bến Nghé');
  await page.fill('#wk-add-code', 'CTV1');
  await page.fill('#wk-add-name', 'Nguyễn Thị Lan');
  await page.selectOption('#wk-add-sex', { label: 'Nữ' });
  await page.fill('#wk-add-birth_year', '1985');
  await page.fill('#wk-add-phone', '0901234567');
  await page.fill('#wk-add-login', 'ctv');
  assert.equal(await page.isChecked('#wk-add-active'), true);
  await submit(page, '#wk-add');
  await page.waitForSelector('#wk-list tr[data-code="CTV1"]');
  assert.match(await page.locator('#wk-list tr[data-code="CTV1"]').innerText(), /Nguyễn Thị Lan[\s\S]*Nữ · 1985 · 0901234567 · Tên đăng nhập: ctv[\s\S]*Phường Bến Nghé/);
  // Area 01 by its name, the collaborator by hers.
  await pick(page, '#wk-assign', 'dia ban 01', 'Địa bàn 01');
  await page.selectOption('#wk-assign-collaborator', { label: 'Nguyễn Thị Lan' });
  await page.fill('#wk-assign-from', '01/01/2026');
  await submit(page, '#wk-assign');
  await page.waitForFunction(() => document.querySelectorAll('#wk-without li').length === 1);
  assert.match(await page.locator('#wk-without').innerText(), /Địa bàn 02 \(2673400102\) · chưa từng có/);
  assert.equal(await page.locator('#wk-list tr[data-code="CTV1"] .wk-areas').innerText(), 'Địa bàn 01 (01/01/2026–)');
  // Another assignment of area 01 from March overlaps CTV1's.
  await page.fill('#wk-add-code', 'CTV2');
  await page.fill('#wk-add-name', 'Trần Văn Hai');
  await submit(page, '#wk-add');
  await page.waitForSelector('#wk-list tr[data-code="CTV2"]');
  await pick(page, '#wk-assign', 'Địa bàn 01', 'Địa bàn 01');
  await page.selectOption('#wk-assign-collaborator', { label: 'Trần Văn Hai' });
  await page.fill('#wk-assign-from', '01/03/2026');
  await submit(page, '#wk-assign');
  await page.waitForFunction(() => document.querySelector('#wk-assign [data-field="from"] .err')?.textContent);
  assert.match(await page.locator('#wk-assign [data-field="from"] .err').innerText(), /đã có cộng tác viên/);
  // A training: no course is refused beside the course; then one with its date and hours.
  await page.selectOption('#wk-train-collaborator', { label: 'Nguyễn Thị Lan' });
  await submit(page, '#wk-train');
  await page.waitForFunction(() => document.querySelector('#wk-train [data-field="course"] .err')?.textContent);
  assert.match(await page.locator('#wk-train [data-field="course"] .err').innerText(), /khóa tập huấn/);
  await page.fill('#wk-train-course', 'Tập huấn cộng tác viên mới');
  await page.fill('#wk-train-date', '15/06/2026');
  await page.fill('#wk-train-hours', '8');
  await submit(page, '#wk-train');
  await page.waitForSelector('#wk-courses tbody tr');
  assert.deepEqual(await page.locator('#wk-courses tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent))),
    [['Nguyễn Thị Lan', 'Tập huấn cộng tác viên mới', '15/06/2026', '8']]);
  assert.equal(await page.locator('#wk-list tr[data-code="CTV1"] td.n').innerText(), '1');
  // Her events per month, the last 12 months to June 2026, as recorded: 2 in May, 1 in June.
  const months = await page.locator('#wk-events thead th[data-month]').evaluateAll((ths) => ths.map((x) => x.dataset.month));
  assert.deepEqual([months.length, months[0], months[11]], [12, '2025-07', '2026-06']);
  const counts = await page.locator('#wk-events tr[data-code="CTV1"] td[data-month]').evaluateAll((tds) => Object.fromEntries(tds.map((x) => [x.dataset.month, x.textContent])));
  assert.deepEqual(counts, Object.fromEntries(months.map((m) => [m, { '2026-05': '2', '2026-06': '1' }[m] || '0'])));
  assert.equal(await page.locator('#wk-events tr[data-code="CTV1"] td.total').innerText(), '3');
  assert.match(await page.locator('#wk-events tr[data-code="CTV2"]').innerText(), /chưa có tài khoản/);
  // The same numbers as the API's.
  const api = await page.evaluate(async () => (await fetch('/api/v1/workforce?unit=26734&date=2026-06-30')).json());
  assert.deepEqual(api.collaborators.find((c) => c.code === 'CTV1').events, { '2026-05': 2, '2026-06': 1 });
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'workforce-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});
