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
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const bin = path.resolve(process.env.DANSO_BIN || 'build/danso');
const ART = path.resolve('tests/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TODAY = new Date().toISOString().slice(0, 10);
const ENV = { ...process.env, DANSO_TODAY: TODAY };
const BASE_DATE = '2025-12-31';
const viNum = (s) => Number(String(s).replace(/\./g, '').replace(',', '.'));

let dir, server, base, browser;
const PW = {};
const run = (...args) => execFileSync(bin, args, { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

before(async () => {
  fs.mkdirSync(ART, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-e2e-proj-'));
  const p = path.join(dir, 'p');
  run('gen', '--out', p, '--persons', '4000', '--seed', '9', '--province', '79', '--quiet');
  const db = path.join(dir, 'd.db');
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${p}/units.csv`, '--households', `${p}/households.csv`, '--persons', `${p}/persons.csv`, '--as-of', '2023-01-01', '--quiet');
  run('events', '--db', db, `${p}/events.ndjson`);
  const commune = fs.readFileSync(`${p}/units.csv`, 'utf8').split('\n').map((l) => l.split(','))
    .find((f) => f[2] === 'commune' && !f[5])[0];
  for (const [login, role, unit] of [['tinh', 'province', '79'], ['xa', 'commune', commune]]) {
    const f = path.join(dir, `${login}.pw`);
    run('user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unit, '--name', login, '--password-file', f);
    PW[login] = fs.readFileSync(f, 'utf8').trim();
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(ART, 'server-projection.log'));
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function loggedIn(user, viewport = { width: 1000, height: 900 }) {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  for (let i = 0; i < 10; i++) {
    await page.goto(`${base}/`);
    await page.getByLabel(/Tên đăng nhập|Login/).fill(user);
    await page.getByLabel(/Mật khẩu|Password/).fill(PW[user]);
    await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
    await page.waitForSelector('#kpis, #login .msg.bad');
    if (!(await page.locator('#login .msg.bad').count())) return page;
  }
  return assert.fail(`${user} could not log in`);
}

async function nav(page, hash, ready) {
  await page.goto(`${base}/${hash}`);
  await page.waitForFunction(() => !document.querySelector('main[aria-busy]'));
  if (ready) await page.waitForSelector(ready);
}

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
