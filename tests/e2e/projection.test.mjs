// The projection page in a real browser (Debian's chromium driven by
// playwright-core) against the real server on a generated province: a
// province officer projects the province, reads the inputs it names, moves
// the pyramid's year with the slider (the pyramid's totals are the API's
// for that year), sees the trend charts, saves a scenario through the form
// (a refused SRB is shown by its field) and compares it with the base; a
// commune officer has no such page; it fits a phone; it speaks English.
//
// Run from the repository root: node --test --test-concurrency=1 tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, csv, viNum, world } from './lib.mjs';

const BASE_DATE = '2025-12-31';

let w;

before(async () => {
  w = await world({ name: 'projection', persons: 4000, seed: 9, asOf: '2023-01-01' });
  const commune = csv(`${w.gen}/units.csv`).find((u) => u.level === 'commune' && !u.valid_to).code;
  w.addUser('tinh', 'province', '79', 'tinh');
  w.addUser('xa', 'commune', commune, 'xa');
});

after(async () => { await w?.close(); });

const loggedIn = (user, viewport = { width: 1000, height: 900 }) => w.loggedIn(user, viewport);
const nav = (page, hash, ready) => w.nav(page, hash, ready);

// The API as the page's user sees it.
async function apiJson(page, url) {
  return page.evaluate(async (u) => (await fetch(u, { headers: { 'Accept-Language': 'vi' } })).json(), url);
}

test('a province officer projects the province: inputs, pyramid by year, trends', async () => {
  const page = await loggedIn('tinh');
  assert.ok(await page.locator('nav a[href="#/projection"]').count(), 'the menu offers projections');
  await nav(page, '#/projection', '#projection-form');
  await page.locator('#projection-form [name="base"]').fill('31/12/2025');
  await page.locator('#projection-form [name="to"]').fill('2045');
  await page.getByRole('button', { name: 'Dự báo', exact: true }).click();
  await page.waitForSelector('#inputs');
  const line = await page.locator('#inputs-line').innerText();
  assert.match(line, /Ngày gốc 31\/12\/2025 · Tỷ suất tính từ số liệu các năm 2023-2025 · Kịch bản: Cơ sở/);
  // The notes say what was borrowed (a province of 4,000 has too few deaths).
  assert.match(await page.locator('#notes').innerText(), /UN WPP 2024/);
  // The pyramid: the base year, then 2045 with the slider.
  const api = await apiJson(page, `/api/v1/projection?unit=79&base=${BASE_DATE}&to=2045&lang=vi`);
  const total = (k, s) => api.groups[s][k].reduce((a, b) => a + b, 0);
  const pyramidTotals = async () => {
    const texts = await page.locator('#pyramid svg text').allTextContents();
    return [viNum(texts.find((x) => x.startsWith('Nam ')).slice(4)), viNum(texts.find((x) => x.startsWith('Nữ ')).slice(3))];
  };
  assert.match(await page.locator('h2', { hasText: 'Tháp dân số' }).innerText(), /2025/);
  let [m, f] = await pyramidTotals();
  assert.equal(m, Math.round(total(0, 'male')));
  assert.equal(f, Math.round(total(0, 'female')));
  await page.locator('#year-slider').fill('2045');
  await page.waitForFunction(() => /2045/.test(document.querySelector('#pyramid')?.parentElement.querySelector('h2').textContent));
  [m, f] = await pyramidTotals();
  assert.ok(Math.abs(m - total(20, 'male')) <= 1, `men in 2045: ${m} vs ${total(20, 'male')}`);
  assert.ok(Math.abs(f - total(20, 'female')) <= 1);
  assert.match(await page.locator('#pyramid + p').innerText(), /Ngày gốc 31\/12\/2025/);
  // Trend charts, each naming its inputs.
  assert.equal(await page.locator('#trends svg.chart').count(), 9);
  const captions = await page.locator('#trends figcaption').allInnerTexts();
  for (const c of captions) assert.match(c, /Ngày gốc 31\/12\/2025 · Tỷ suất tính từ số liệu các năm 2023-2025/);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: path.join(ART, 'projection.png'), fullPage: true });
  await page.context().close();
});

test('a scenario saved through the form, a refusal by its field, and the comparison', async () => {
  const page = await loggedIn('tinh');
  await nav(page, `#/projection?unit=79&base=${BASE_DATE}&to=2040`, '#scenario-form');
  const form = page.locator('#scenario-form');
  await form.locator('[name="name"]').fill('thap');
  await form.locator('[name="label"]').fill('Mức sinh thấp');
  await form.locator('[name="tfr.value"]').fill('1.5');
  await form.locator('[name="tfr.year"]').fill('2035');
  await form.locator('[name="srb.value"]').fill('1.5');
  await form.locator('[name="srb.year"]').fill('2030');
  await form.locator('[name="srb.value"]').evaluate((e) => { e.removeAttribute('max'); });
  await form.getByRole('button', { name: 'Lưu kịch bản' }).click();
  await page.waitForSelector('#scenario-form [aria-invalid="true"]');
  assert.equal(await form.locator('[name="srb.value"]').getAttribute('aria-invalid'), 'true');
  assert.match(await form.locator('[data-field="srb.value"] .err').innerText(), /0,9 đến 1,3/);
  await form.locator('[name="srb.value"]').fill('1.06');
  await form.locator('[name="migration"]').uncheck();
  await form.getByRole('button', { name: 'Lưu kịch bản' }).click();
  // Saved: the page comes back with both scenarios side by side.
  await page.waitForFunction(() => location.hash.includes('scenario=base%2Cthap') || location.hash.includes('scenario=base,thap'));
  await page.waitForFunction(() => /thap/.test(document.querySelector('#inputs-line')?.textContent || ''));
  assert.match(await page.locator('#inputs-line').innerText(), /Kịch bản: Cơ sở \(giữ nguyên các tỷ suất\), thap – Mức sinh thấp/);
  const rows = await page.locator('#compare tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => r.includes('thap – Mức sinh thấp')));
  const y2035 = rows.findIndex((r) => r.startsWith('2035'));
  assert.ok(y2035 >= 0);
  assert.match(rows[y2035 + 1], /\t1,50\t/, 'TFR 1.5 in 2035 under the scenario');
  // The pyramid can show either scenario; the trend charts have a line each.
  assert.equal(await page.locator('#pyramid-scenario option').count(), 2);
  assert.equal(await page.locator('#trends svg.chart').first().locator('polyline').count(), 2);
  // The saved scenario is offered next time.
  await nav(page, '#/projection?unit=79', '#projection-form');
  assert.ok(await page.locator('#projection-form input[value="thap"]').count());
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('no projection page for a commune officer', async () => {
  const page = await loggedIn('xa');
  assert.equal(await page.locator('nav a[href="#/projection"]').count(), 0);
  await nav(page, `#/projection?unit=79&base=${BASE_DATE}&to=2030`);
  await page.waitForSelector('main .msg.bad');
  await page.context().close();
});

test('the page fits a phone, and speaks English', async () => {
  const page = await loggedIn('tinh', { width: 360, height: 740 });
  await nav(page, `#/projection?unit=79&base=${BASE_DATE}&to=2035`, '#compare');
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `no sideways scroll: ${sw} > ${iw}`);
  await page.locator('#lang').click();
  await page.waitForSelector('h1:has-text("Population projections")');
  await page.waitForSelector('#inputs');
  assert.match(await page.locator('#inputs-line').innerText(), /Base date 31\/12\/2025 · Rates from the years 2023-2025/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
