// The work-list page in a real browser against the real server on the
// work-list fixture (tests/data/worklist/README.md): a collaborator's home
// page is their area's lists, with names; a commune officer opens the
// commune's elderly list of a day, grouped by area, printable and
// downloadable; it fits a 360 px phone.
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
const ENV = { ...process.env, DANSO_TODAY: '2026-11-22' }; // E4 turned 60 on 2026-09-01
const FIX = path.resolve('tests/data/worklist');
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-e2e-wl-'));
  const db = path.join(dir, 'd.db');
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`, '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet');
  run('events', '--db', db, `${FIX}/events.ndjson`);
  for (const [login, role, unit] of [['ctv', 'collaborator', '2673400101'], ['xa', 'commune', '26734']]) {
    const f = path.join(dir, `${login}.pw`);
    run('user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unit, '--name', login, '--password-file', f);
    PW[login] = fs.readFileSync(f, 'utf8').trim();
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(ART, 'server-worklist.log'));
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

async function loggedIn(user, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.getByLabel(/Tên đăng nhập|Login/).fill(user);
  await page.getByLabel(/Mật khẩu|Password/).fill(PW[user]);
  await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
  await page.waitForSelector('#kpis, section[data-list], #login .msg.bad, main .msg.bad', { timeout: 15000 }).catch(async () => assert.fail(await page.locator('main').innerText()));
  assert.equal(await page.locator('#login .msg.bad').count(), 0, `${user} logged in`);
  return page;
}

const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('a collaborator\'s home page is their area\'s work lists, on a phone', async () => {
  const page = await loggedIn('ctv', { width: 360, height: 740 });
  await page.waitForSelector('section[data-list="elderly"]');
  const elderly = await page.locator('section[data-list="elderly"]').innerText();
  assert.match(elderly, /Người cao tuổi cần khám sức khỏe năm nay \(3\)/);
  assert.match(elderly, /Bùi Thị Năm Chín/);
  assert.match(elderly, /Nguyễn Văn Bảy Mươi/);
  assert.match(elderly, /Hoàng Văn Sáu Mươi/);
  assert.doesNotMatch(elderly, /Trịnh Văn Tám Lăm/, 'another area\'s elder is not shown');
  assert.equal(await page.locator('section[data-list]').count(), 6);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'worklist-home-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('a commune officer: the commune\'s elderly list of a day, by area, printable and downloadable', async () => {
  const page = await loggedIn('xa', { width: 1000, height: 900 });
  await page.goto(`${base}/#/worklist?list=elderly&unit=26734&date=2026-06-30`);
  await page.waitForSelector('#worklist');
  const names = await page.locator('#worklist tbody tr td:first-child').allTextContents();
  assert.deepEqual(names, ['Nguyễn Văn Bảy Mươi', 'Hoàng Văn Sáu Mươi', 'Trịnh Văn Tám Lăm']);
  const areas = await page.locator('#worklist h3').allTextContents();
  assert.deepEqual(areas, ['Địa bàn 01 (2673400101) · 2 người', 'Địa bàn 02 (2673400102) · 1 người']);
  assert.ok(await page.getByRole('button', { name: 'In danh sách' }).count());
  const csv = await page.locator('#worklist a', { hasText: 'CSV' }).getAttribute('href');
  const got = await page.evaluate(async (u) => (await fetch(u)).text(), csv);
  assert.match(got, /Trịnh Văn Tám Lăm/);
  await page.getByRole('link', { name: /Phụ nữ có chồng 15-49/ }).click();
  await page.waitForSelector('#wl-plan');
  assert.match(await page.locator('#wl-plan').innerText(), /30 bao cao su/);
  await page.setViewportSize({ width: 360, height: 740 });
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#worklist .actions').isVisible(), false, 'buttons are not printed');
  assert.deepEqual(page.errors, []);
});
