// A change of the map in a real browser (tests/data/reform): the
// administrator uploads the crosswalk, sees the new communes with their
// population and the areas that move, applies it; a national officer then
// opens the monthly series of the merged commune, which runs on across
// 1 July 2025 with the reform marked, on a 360 px phone and a desktop, and
// picks an old commune by its name under the map of the day it ended.
// A refused crosswalk shows its lines and reasons in Vietnamese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ART, serveFixture } from './serve.mjs';

const FIX = path.resolve('tests/data/reform');
let fx, dir, base;
const PW = {};

before(async () => {
  fx = await serveFixture({ fixture: FIX, asOf: '2024-01-01', name: 'reform', users: [['qt', 'admin'], ['tw', 'national']] });
  ({ dir, base } = fx);
  Object.assign(PW, fx.pw);
});

after(async () => { await fx?.close(); });

async function loggedIn(user, viewport) {
  const ctx = await fx.browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.goto(`${base}/`);
  await page.getByLabel(/Tên đăng nhập|Login/).fill(user);
  await page.getByLabel(/Mật khẩu|Password/).fill(PW[user]);
  await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
  await page.waitForSelector('nav a[href="#/account"]', { timeout: 15000 });
  return page;
}

const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('the administrator previews a crosswalk, sees refusals, then applies it', async () => {
  const page = await loggedIn('qt', { width: 1366, height: 900 });
  await page.goto(`${base}/#/admin?tab=mapChange`);
  await page.waitForSelector('#crosswalk-form');
  const bad = path.join(dir, 'sai.csv');
  fs.writeFileSync(bad, 'old_code,new_code,new_name,level,new_parent,effective\n00010,,,,,2025-07-01\n');
  await page.setInputFiles('#crosswalk-file', bad);
  await page.getByRole('button', { name: 'Xem trước' }).click();
  await page.waitForSelector('#crosswalk-problems');
  const problems = await page.locator('#crosswalk-problems').innerText();
  assert.match(problems, /Tệp có lỗi, chưa áp dụng gì/);
  assert.match(problems, /2\s+areas\[00010001\]\s+.*đơn vị này sẽ không còn đơn vị cấp trên/);
  assert.ok(await page.locator('#crosswalk-apply').isDisabled());

  await page.setInputFiles('#crosswalk-file', path.join(FIX, 'crosswalk.csv'));
  await page.getByRole('button', { name: 'Xem trước' }).click();
  await page.waitForSelector('#crosswalk-preview');
  const pv = await page.locator('#crosswalk-preview').innerText();
  assert.match(pv, /00100\s+Xã Hợp Nhất\s+xã\s+01\s+01\/07\/2025\s+11/);
  assert.match(pv, /00103\s+Xã Dương Bắc\s+xã\s+01\s+01\/07\/2025\s+3/);
  assert.match(pv, /Địa bàn thay đổi nơi trực thuộc \(6\)/);
  assert.match(pv, /0001300101\s+Địa bàn 01\s+01\/001\/00013\/00013001\/0001300101\s+01\/00100\/00013001\/0001300101/);
  await page.screenshot({ path: path.join(ART, 'reform-preview.png'), fullPage: true });
  await page.getByRole('button', { name: 'Áp dụng' }).click();
  await page.waitForSelector('p.ok[role=status]');
  assert.match(await page.locator('p.ok[role=status]').innerText(), /Đã áp dụng: kết thúc 11 dòng, mở 9 dòng/);
  assert.deepEqual(page.errors, []);
});

for (const viewport of [{ width: 360, height: 740 }, { width: 1366, height: 900 }]) {
  test(`the series of the merged commune across 1 July 2025 (${viewport.width} px)`, async () => {
    const page = await loggedIn('tw', viewport);
    await page.goto(`${base}/#/series?unit=00100&row=5&from=2023-01&to=2026-10`);
    await page.waitForSelector('#series-chart');
    const h2 = await page.locator('main h2').first().innerText();
    assert.match(h2, /Số trẻ sinh ra sống – Xã Hợp Nhất \(00100\)/);
    assert.match(await page.locator('main').innerText(), /theo địa giới hành chính ngày 22\/11\/2026/);
    assert.equal(await page.locator('#series-chart circle').count(), 46);
    assert.equal(await page.locator('#series-chart .reform-line').count(), 1);
    const titles = await page.$$eval('#series-chart circle title', (els) => els.map((e) => e.textContent));
    assert.ok(titles.includes('2024-03: 1') && titles.includes('2025-09: 1') && titles.includes('2024-04: 0'), titles.join(' '));
    assert.ok(await fits(page), 'no sideways scrolling');
    await page.screenshot({ path: path.join(ART, `reform-series-${viewport.width}.png`), fullPage: true });
    // The old commune under its own, old map.
    await page.goto(`${base}/#/series?unit=00013&row=5&from=2025-01&to=2025-12`);
    await page.getByText('theo địa giới hành chính ngày 30/06/2025').waitFor();
    assert.match(await page.locator('main h2').first().innerText(), /Xã Bình \(00013\)/);
    // The form says which map that is, and names the old commune on it.
    assert.equal(await page.getByLabel(/Theo địa giới hành chính ngày/).inputValue(), '30/06/2025');
    assert.equal(await page.getByRole('combobox', { name: 'Đơn vị' }).inputValue(), 'Xã Bình');
    assert.deepEqual(page.errors, []);
  });
}

test('an old commune is picked by its name under the map of the day chosen', async () => {
  const page = await loggedIn('tw', { width: 360, height: 740 });
  await page.goto(`${base}/#/series`);
  await page.waitForSelector('#series-form');
  const unit = page.getByRole('combobox', { name: 'Đơn vị' });
  // Today's map has no Xã Bình: it was merged into Xã Hợp Nhất.
  await unit.fill('xa binh');
  await page.getByRole('option', { name: 'Không tìm thấy' }).waitFor();
  await page.getByLabel(/Theo địa giới hành chính ngày/).fill('30/06/2025');
  await unit.fill('xa binh');
  await page.getByRole('option', { name: /^Xã Bình ·/ }).click();
  assert.equal(await unit.inputValue(), 'Xã Bình');
  const from = page.getByRole('group', { name: 'Từ tháng' });
  await from.getByLabel('Năm').selectOption('2024');
  await from.getByLabel('Tháng', { exact: true }).selectOption('01');
  const to = page.getByRole('group', { name: 'Đến tháng' });
  await to.getByLabel('Năm').selectOption('2025');
  await to.getByLabel('Tháng', { exact: true }).selectOption('06');
  await page.getByRole('button', { name: 'Xem' }).click();
  await page.getByText('theo địa giới hành chính ngày 30/06/2025').waitFor();
  assert.match(page.url(), /#\/series\?unit=00013&row=5&from=2024-01&to=2025-06&map=2025-06-30$/);
  assert.match(await page.locator('main h2').first().innerText(), /Số trẻ sinh ra sống – Xã Bình \(00013\)/);
  // Its births month by month, as the API counts them under that map.
  const titles = await page.$$eval('#series-chart circle title', (els) => els.map((e) => e.textContent));
  assert.equal(titles.length, 18);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const s = await (await fetch(`${base}/api/v1/series?row=5&unit=00013&from=2024-01&to=2025-06&map_date=2025-06-30`, { headers: { Cookie: cookie } })).json();
  assert.deepEqual(titles, s.points.map((p) => `${p.period}: ${p.value}`));
  assert.ok(await fits(page), 'no sideways scrolling');
  assert.deepEqual(page.errors, []);
});
