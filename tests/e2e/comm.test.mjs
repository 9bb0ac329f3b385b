// The communication and clubs page in a real browser on a 360 px phone: a
// commune officer sets up a club, records its meeting and a session, sees
// them in the summary; a session without participants is refused beside
// its field; a collaborator records a session in their area and sees no
// commune summary; a province officer picks the commune by its name
// (typed without diacritics) and the quarter, and sees the commune's
// figures.  axe-core finds nothing; nothing scrolls sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { world, assertAccessible, assertFits, fold } from './lib.mjs';

const TODAY = '2026-11-22';
let w, commune, communeName, area;

before(async () => {
  w = await world({
    today: TODAY, name: 'comm',
    build: async (x) => {
      const p = `${x.dir}/p`;
      x.run('gen', '--out', p, '--persons', '3000', '--seed', '7', '--province', '79', '--quiet');
      const units = fs.readFileSync(`${p}/units.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      // Today's map: the rows still open (the 2025 reform ended the others).
      const open = units.filter((u) => !u[5]);
      [commune, communeName] = open.find((u) => u[2] === 'commune');
      // An area of that commune: its village's parent is the commune.
      const villages = new Set(open.filter((u) => u[2] === 'village' && u[3] === commune).map((u) => u[0]));
      area = open.find((u) => u[2] === 'area' && villages.has(u[3]))[0];
      const asOf = JSON.parse(fs.readFileSync(`${p}/manifest.json`, 'utf8')).as_of;
      x.run('init', '--db', x.db);
      x.run('import', '--db', x.db, '--units', `${p}/units.csv`, '--households', `${p}/households.csv`, '--persons', `${p}/persons.csv`, '--as-of', asOf, '--quiet');
    },
  });
  w.addUser('xa', 'commune', commune, 'Trần Văn Xã');
  w.addUser('ctv', 'collaborator', area, 'Lê Thị Cộng Tác');
  w.addUser('tinh', 'province', '79', 'Cán bộ Tỉnh');
});
after(async () => { await w?.close(); });

test('a commune officer: a club, its meeting, a session, the summary', async () => {
  const page = await w.loggedIn('xa');
  await w.nav(page, '#/comm?period=2026-Q4', '#comm-summary');
  // A club set up today is active though it has not met yet.
  const club = page.locator('#comm-club');
  await club.getByLabel('Tên').fill('CLB Không tảo hôn thôn 1');
  await club.getByLabel(/Mã câu lạc bộ/).fill('ktc-01');
  await club.getByLabel('Thành viên').fill('25');
  await club.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('li.club[data-club="ktc-01"]');
  const li = page.locator('li.club[data-club="ktc-01"]');
  assert.match(await li.innerText(), /CLB Không tảo hôn thôn 1 · Không tảo hôn, không kết hôn cận huyết thống · 25 thành viên/);
  assert.match(await li.innerText(), /Đang hoạt động/);
  assert.match(await li.innerText(), /chưa sinh hoạt/);
  // Its meeting on 20/11/2026 with 18 members present.
  await li.locator('summary').click();
  await li.getByLabel('Ngày').fill('20/11/2026');
  await li.getByLabel('Lượt tham gia').fill('18');
  await li.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForFunction(() => /20\/11\/2026/.test(document.querySelector('li.club[data-club="ktc-01"]')?.innerText || ''));
  // A session without anyone is refused beside the participants' table, and nothing is recorded.
  const form = page.locator('#comm-session');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForFunction(() => /ít nhất một người/.test(document.querySelector('#comm-session [data-field="participants"] .err')?.textContent || ''));
  // Then with 5 men and 12 women aged 25-49.
  await form.getByLabel('25-49 tuổi · Nam').fill('5');
  await form.getByLabel('25-49 tuổi · Nữ').fill('12');
  await form.locator('select[name="topic"]').selectOption('child_marriage');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#comm-sessions tbody tr').length === 1);
  const row = await page.locator('#comm-sessions tbody tr').innerText();
  assert.match(row, /22\/11\/2026/);
  assert.match(row, /Phòng, chống tảo hôn và hôn nhân cận huyết thống/);
  assert.match(row, /17/);
  assert.match(row, /Trần Văn Xã/);
  // The summary's total line: 1 session, 17 people (5 men, 12 women), 1 of 1 club active, 1 meeting, 18 present.
  const total = await page.locator('#comm-summary tr.total').innerText();
  assert.deepEqual(total.split('\t').slice(1).map((s) => s.trim()), ['1', '17', '5', '12', '1 / 1', '1', '18']);
  await assertFits(page, 'comm (commune, phone)');
  await assertAccessible(page, 'comm (commune, phone)');
  assert.deepEqual(page.errors, []);
});

test('a collaborator records a session in their area, without the commune summary', async () => {
  const page = await w.loggedIn('ctv');
  await w.nav(page, '#/comm?period=2026-Q4', '#comm-sessions');
  assert.equal(await page.locator('#comm-summary').count(), 0);
  assert.equal(await page.locator('#comm-club').count(), 0);
  const form = page.locator('#comm-session');
  await form.getByLabel('15-24 tuổi · Nữ').fill('9');
  await form.locator('select[name="format"]').selectOption('home_visit');
  await form.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#comm-sessions tbody tr').length === 1);
  assert.match(await page.locator('#comm-sessions tbody tr').innerText(), /Tư vấn tại hộ gia đình/);
  await assertFits(page, 'comm (collaborator, phone)');
  await assertAccessible(page, 'comm (collaborator, phone)');
  assert.deepEqual(page.errors, []);
});

test('a province officer picks the commune by its name without diacritics and the quarter, and sees its figures', async () => {
  const page = await w.loggedIn('tinh');
  await w.nav(page, '#/comm', '#comm-summary');
  const input = page.getByRole('combobox', { name: 'Đơn vị' });
  await input.fill(fold(communeName));
  await page.getByRole('option', { name: new RegExp(`^${communeName} ·`) }).click();
  assert.equal(await input.inputValue(), communeName);
  const period = page.getByRole('group', { name: 'Kỳ' });
  await period.getByLabel('Loại kỳ').selectOption({ label: 'Quý' });
  await period.getByLabel('Năm').selectOption('2026');
  await period.getByLabel('Quý', { exact: true }).selectOption({ label: 'Quý IV' });
  await page.getByRole('button', { name: 'Xem' }).click();
  await w.drawn(page, { has: `unit=${commune}&period=2026-Q4` });
  await page.waitForFunction((n) => (document.querySelector('#comm-summary tr.total')?.textContent || '').includes(n), communeName);
  // The commune's quarter: the officer's session (17) and the collaborator's (9), the club and its meeting.
  const total = await page.locator('#comm-summary tr.total').innerText();
  assert.equal(total.split('\t')[0].trim(), `Tổng: ${communeName}`);
  assert.deepEqual(total.split('\t').slice(1).map((x) => x.trim()), ['2', '26', '5', '21', '1 / 1', '1', '18']);
  assert.equal(await page.locator('#comm-sessions tbody tr').count(), 2);
  assert.match(await page.locator('#comm-summary h2').innerText(), /Quý IV/);
  await assertFits(page, 'comm (province, phone)');
  await assertAccessible(page, 'comm (province, phone)');
  assert.deepEqual(page.errors, []);
});
