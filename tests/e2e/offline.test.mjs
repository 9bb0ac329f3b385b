// The collaborator's phone without a connection, in a real browser (Debian's
// chromium) against the real server, on the work-list fixture
// (tests/data/worklist/README.md).  A collaborator of area 2673400101 logs in
// once, the book comes to the phone; offline they record a birth (the
// mother picked by name from the phone's book), a death, an fp_start and an
// elderly check, and find them after reloading the page offline; back
// online they are recorded on the server, and the death the commune officer
// recorded meanwhile comes back refused with who recorded it.  Then 500
// events are sent while the server is killed mid-sync and restarted: each is
// recorded exactly once.  A tampered outbox entry for a person of another
// commune is refused by the server.  Logging out empties IndexedDB.
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
const ENV = { ...process.env, DANSO_TODAY: '2026-11-22' };
const FIX = path.resolve('tests/data/worklist');
let dir, db, server, port, base, browser;
const PW = {};
const run = (...args) => execFileSync(bin, args, { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer() {
  server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(ART, 'server-offline.log'), { flags: 'a' });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  server.done = new Promise((r) => server.on('exit', r));
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${base}/health`)).ok) return; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error('the server did not start');
}

// The commune officer's API session, to check the server's side.
let officer;
async function officerLogin() {
  const r = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'xa', password: PW.xa }) });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const j = JSON.parse(text);
  officer = { cookie: r.headers.get('set-cookie').split(';')[0], csrf: j.csrf };
}
async function asOfficer(url, body) {
  const headers = { Cookie: officer.cookie, 'Accept-Language': 'vi' };
  if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'X-CSRF-Token': officer.csrf });
  const r = await fetch(`${base}${url}`, body ? { method: 'POST', headers, body: JSON.stringify(body) } : { headers });
  return { status: r.status, json: await r.json().catch(() => null) };
}

before(async () => {
  fs.mkdirSync(ART, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-e2e-off-'));
  db = path.join(dir, 'd.db');
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`, '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet');
  run('events', '--db', db, `${FIX}/events.ndjson`);
  for (const [login, role, unit, name] of [['ctv', 'collaborator', '2673400101', 'Lê Cộng Tác'], ['xa', 'commune', '26734', 'Trần Cán Bộ']]) {
    const f = path.join(dir, `${login}.pw`);
    run('user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unit, '--name', name, '--password-file', f);
    PW[login] = fs.readFileSync(f, 'utf8').trim();
  }
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  await officerLogin();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const waiting = (page) => page.locator('#sync').getAttribute('data-waiting').then(Number);
const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);

// Fills a record form's fields by label; a person field is picked by name from the datalist.
async function pick(page, fieldName, typed) {
  const input = page.locator(`[name="${fieldName}"]`);
  await input.fill(typed);
  await page.waitForFunction(() => document.querySelectorAll('#persons-list option').length > 0);
  const value = await page.locator('#persons-list option').first().getAttribute('value');
  await input.fill(value);
  return value;
}

async function recordForm(page, type) {
  await go(page, `#/record?type=${type}`);
  await page.waitForSelector(`form[aria-label] [name="${type === 'birth' ? 'mother' : 'person'}"]`);
}

async function save(page) {
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('#saved-offline, main .msg.bad');
  const bad = await page.locator('main .msg.bad').allInnerTexts();
  assert.deepEqual(bad, [], 'saved on the phone');
}

let ctx, page;
const ids = {};

test('the book comes to the phone; offline, four events are recorded and survive a reload', async () => {
  ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
  page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.getByLabel('Tên đăng nhập').fill('ctv');
  await page.getByLabel('Mật khẩu').fill(PW.ctv);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForSelector('#sync');
  await page.waitForFunction(() => /gửi lúc/.test(document.querySelector('#sync')?.textContent || ''), null, { timeout: 20000 });
  // The service worker holds the shell before the connection goes.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.screenshot({ path: path.join(ART, 'offline-home-360.png') });
  const header = await page.locator('header.top').boundingBox();
  assert.ok(header.height < 100, `header ${header.height} px high`);

  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  assert.match(await page.locator('#sync').innerText(), /Ngoại tuyến/);

  // Meanwhile the commune officer records M2's death on the server.
  const first = await asOfficer('/api/v1/events', { id: '00000000-0000-4000-8000-0000000e2e01', type: 'death', date: '2026-11-05', person: 'M2' });
  assert.equal(first.status, 201, JSON.stringify(first.json));

  // A birth: the mother picked by name from the phone's book.
  await recordForm(page, 'birth');
  const mother = await pick(page, 'mother', 'Đặng Thị');
  assert.match(mother, /^W2 – Đặng Thị Tuần Hai Mốt/);
  await page.locator('[name="date"]').fill('10/11/2026');
  await page.locator('[name="child.full_name"]').fill('Đặng Văn Mới Sinh');
  await page.locator('[name="child.sex"]').selectOption('1');
  ids.child = await page.locator('[name="child.person_id"]').inputValue();
  await page.locator('[name="order"]').fill('1');
  await page.locator('[name="place"]').selectOption({ index: 1 });
  await save(page);

  // The phone's own check: a man cannot be a mother (nothing is saved).
  await page.locator('[name="mother"]').fill('E3 – Hoàng Văn Sáu Mươi');
  await page.locator('[name="child.full_name"]').fill('Không Hợp Lệ');
  await page.locator('[name="child.sex"]').selectOption('2');
  await page.locator('[name="order"]').fill('1');
  await page.locator('[name="place"]').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('main .msg.bad');
  assert.match(await page.locator('[data-field="mother"] .err').innerText(), /phải là nữ/);

  await recordForm(page, 'death');
  await pick(page, 'person', 'Hoàng Văn Sáu');
  await page.locator('[name="date"]').fill('12/11/2026');
  await save(page);

  await recordForm(page, 'fp_start');
  await pick(page, 'person', 'Đỗ Thị Vợ');
  await page.locator('[name="date"]').fill('14/11/2026');
  await page.locator('[name="method"]').selectOption('2');
  await save(page);

  await recordForm(page, 'elderly_check');
  await pick(page, 'person', 'Nguyễn Văn Bảy');
  await page.locator('[name="date"]').fill('15/11/2026');
  await save(page);

  // A household is picked by its number and head, from the phone's book too.
  await recordForm(page, 'transfer');
  await page.waitForFunction(() => document.querySelectorAll('#households-list option').length === 2);
  const hhs = await page.locator('#households-list option').evaluateAll((o) => o.map((x) => x.value));
  assert.ok(hhs.some((v) => v.startsWith('H1 – Hộ số 1, Nguyễn Văn Bảy Mươi, Số 1')), hhs.join(' | '));

  // The death the commune officer already recorded: the phone does not know yet.
  await recordForm(page, 'death');
  await pick(page, 'person', 'Hoàng Văn Cưới');
  await page.locator('[name="date"]').fill('16/11/2026');
  await save(page);
  assert.equal(await waiting(page), 5);
  // The phone's ids are time-ordered (version 7): the server's index of
  // event ids grows at its end.
  const made = await page.evaluate(async () => (await (await import('/static/book.js')).outbox()).map((x) => x.ev.id));
  assert.ok(made.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), made.join(' '));
  assert.deepEqual(made.map((id) => id.slice(0, 13)), made.map((id) => id.slice(0, 13)).sort(), 'in the order they were made');
  const ms = parseInt(made[0].slice(0, 8) + made[0].slice(9, 13), 16);
  assert.ok(Math.abs(ms - Date.now()) < 600000, `the first id's time ${new Date(ms).toISOString()}`);

  // Tap targets of 44 px at least on the form.
  const small = await page.evaluate(() => [...document.querySelectorAll('main button, main select, main input:not([type=checkbox]), main a.btn')]
    .filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44).map((e) => e.name || e.textContent));
  assert.deepEqual(small, [], 'tap targets of 44 px');

  // Reload offline: the shell from the service worker, the book and outbox from IndexedDB.
  await page.reload();
  await go(page, '#/book');
  await page.waitForSelector('#book');
  const book = await page.locator('#book').innerText();
  assert.match(book, /Đặng Văn Mới Sinh/);
  assert.match(await page.locator(`[data-person="${ids.child}"]`).innerText(), /chưa gửi/);
  assert.match(await page.locator('[data-person="E3"]').innerText(), /đã chết[\s\S]*chưa gửi/);
  assert.match(await page.locator('[data-person="W9"]').innerText(), /chưa gửi/);
  assert.match(await page.locator('[data-person="E1"]').innerText(), /chưa gửi/);
  assert.doesNotMatch(book, /Trịnh Văn Tám Lăm|Cao Văn/, 'another area is not on the phone');
  assert.equal(await waiting(page), 5);
  await page.screenshot({ path: path.join(ART, 'offline-book-360.png'), fullPage: true });
});

test('back online: recorded on the server, the conflicting death refused with who recorded it', async () => {
  await ctx.setOffline(false);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '1', null, { timeout: 30000 })
    .catch(async (e) => assert.fail(`${e.message}: ${await page.locator('#sync').innerText()}`));
  // On the server: the child exists, E3 is dead, W9 uses method 2, E1 was checked.
  const child = await asOfficer(`/api/v1/persons/${ids.child}`);
  assert.equal(child.status, 200);
  assert.equal(child.json.full_name, 'Đặng Văn Mới Sinh');
  assert.equal((await asOfficer('/api/v1/persons/E3')).json.status, 'died');
  assert.equal((await asOfficer('/api/v1/persons/W9')).json.fp_method, 2);
  const e1 = await asOfficer('/api/v1/persons/E1/history');
  assert.ok(e1.json.history.some((x) => x.event.type === 'elderly_check' && x.event.date === '2026-11-15'));
  // The refused one stays, with the reason and the conflict.
  await go(page, '#/outbox');
  await page.waitForSelector('.ob.refused');
  const refused = await page.locator('.ob.refused').innerText();
  assert.match(refused, /Hoàng Văn Cưới/);
  assert.match(refused, /chết/);
  assert.match(refused, /Trần Cán Bộ ghi Chết ngày 05\/11\/2026/);
  assert.match(await page.locator('#sync').innerText(), /1 chờ gửi.*1 cần sửa/s);
  // The book now has the server's rows: E3 is gone, the child is there unmarked.
  await go(page, '#/book');
  await page.waitForSelector('#book');
  assert.equal(await page.locator('[data-person="E3"]').count(), 0);
  await go(page, `#/book?q=${encodeURIComponent('Đặng Văn Mới')}`);
  await page.waitForSelector(`[data-person="${ids.child}"]`);
  assert.doesNotMatch(await page.locator(`[data-person="${ids.child}"]`).innerText(), /chưa gửi/);
  // Dropped: nothing waits any more.
  await go(page, '#/outbox');
  await page.waitForSelector('.ob.refused');
  page.once('dialog', (d) => d.accept());
  await page.locator('.ob.refused').getByRole('button', { name: 'Bỏ' }).click();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0');
  assert.deepEqual(page.errors, []);
});

test('500 events: the server killed mid-sync and restarted, the pages usable during the sync, each recorded exactly once', async () => {
  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  const evIds = await page.evaluate(async () => {
    const m = await import('/static/offline.js');
    const out = [];
    for (let i = 0; i < 500; i++) {
      const d = new Date(Date.UTC(2026, 0, 1) + (i % 250) * 86400000).toISOString().slice(0, 10);
      const id = crypto.randomUUID();
      await m.recordOffline({ id, type: 'elderly_check', date: d, person: i < 250 ? 'E2' : 'E1', facility: 'TYT' });
      out.push(id);
    }
    return out;
  });
  assert.equal(await waiting(page), 500);
  await ctx.setOffline(false);
  // Killed once the server has some of them, before the phone has them all answered.
  let killedAt = -1;
  for (let i = 0; i < 600 && killedAt < 0; i++) {
    const w = await waiting(page);
    if (w < 500) { server.kill('SIGKILL'); killedAt = w; }
    else await sleep(20);
  }
  await server.done;
  assert.ok(killedAt > 0, `killed with ${killedAt} waiting`);
  // The interface still answers while nothing can be sent.
  await go(page, '#/book');
  await page.waitForSelector('#book');
  await sleep(500);
  const left = await waiting(page);
  assert.ok(left > 0, 'the sync was cut before the end');
  await startServer();
  await officerLogin();
  // The rest goes over a slow link (400 ms a round trip, 50 KB/s), and the
  // phone's pages answer meanwhile: the book is drawn while events still wait.
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50000, uploadThroughput: 50000 });
  await go(page, '#/outbox');
  await page.getByRole('button', { name: 'Gửi ngay' }).click();
  await page.waitForFunction((n) => Number(document.querySelector('#sync')?.dataset.waiting) < n, left, { timeout: 60000 });
  await go(page, '#/book');
  await page.waitForSelector('#book');
  const during = await waiting(page);
  assert.ok(during > 0 && during < left, `the book's page drawn during the sync (${during} of ${left} waiting)`);
  await go(page, '#/outbox');
  await page.waitForSelector('#sync-now');
  assert.ok(await waiting(page) > 0, 'the outbox page drawn during the sync too');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.detach();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 120000 });
  // Every event on the server, once.
  for (const id of [evIds[0], evIds[249], evIds[250], evIds[499]]) assert.equal((await asOfficer(`/api/v1/events/${id}`)).status, 200, id);
  const count = async (p) => (await asOfficer(`/api/v1/persons/${p}/history`)).json.history
    .filter((x) => x.event.type === 'elderly_check' && !x.voided_by && evIds.includes(x.event.id)).length;
  assert.equal(await count('E2'), 250);
  assert.equal(await count('E1'), 250);
  const all = [...(await asOfficer('/api/v1/persons/E2/history')).json.history, ...(await asOfficer('/api/v1/persons/E1/history')).json.history]
    .map((x) => x.event.id).filter((x) => evIds.includes(x));
  assert.equal(new Set(all).size, 500);
  assert.equal(all.length, 500, 'each once');
});

test('the connection cut after the server recorded a batch: sent again, each recorded once', async () => {
  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  const evIds = await page.evaluate(async () => {
    const m = await import('/static/offline.js');
    const out = [];
    for (let i = 0; i < 60; i++) {
      // After the 500 of the test before (E1's checks up to 7 September 2026).
      const d = new Date(Date.UTC(2026, 8, 10) + i * 86400000).toISOString().slice(0, 10);
      const id = crypto.randomUUID();
      await m.recordOffline({ id, type: 'elderly_check', date: d, person: 'E1', facility: 'TYT' });
      out.push(id);
    }
    return out;
  });
  assert.equal(await waiting(page), 60);
  // The first batch reaches the server, which records it; its answer never reaches the phone.
  let cut = 0;
  await page.route('**/api/v1/events/batch', async (route) => {
    if (cut++ === 0) {
      const r = await route.fetch();
      assert.equal(r.status(), 200, 'the server recorded the batch');
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await ctx.setOffline(false);
  await page.waitForFunction(() => !document.querySelector('#sync')?.textContent.includes('đang gửi'), null, { timeout: 60000 });
  await page.waitForFunction(() => /Mất kết nối/.test(document.querySelector('#sync')?.textContent || '') || document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 60000 });
  assert.ok(cut >= 1, 'a batch was cut');
  assert.equal(await waiting(page), 60, 'the phone still holds every event of the cut batch');
  assert.equal(await page.locator('.ob.refused').count(), 0);
  // Sent again: the server answers the cut batch's events as already present.
  await go(page, '#/book');
  await page.waitForSelector('#book');
  await go(page, '#/outbox');
  await page.getByRole('button', { name: 'Gửi ngay' }).click();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 120000 });
  await page.unroute('**/api/v1/events/batch');
  assert.ok(cut >= 2, 'sent again');
  const mine = (await asOfficer('/api/v1/persons/E1/history')).json.history
    .filter((x) => x.event.type === 'elderly_check' && !x.voided_by).map((x) => x.event.id).filter((x) => evIds.includes(x));
  assert.equal(mine.length, 60, 'each once');
  assert.equal(new Set(mine).size, 60);
});

test('a tampered outbox entry for a person of another commune is refused; logout empties IndexedDB', async () => {
  await page.evaluate(async () => {
    const b = await import('/static/book.js');
    const id = crypto.randomUUID();
    await b.queue({ id, ev: { id, type: 'death', date: '2026-11-20', person: 'E8' }, status: 'pending', deps: [], at: Date.now() });
  });
  await go(page, '#/outbox');
  await page.getByRole('button', { name: 'Gửi ngay' }).click();
  await page.waitForSelector('.ob.refused');
  assert.match(await page.locator('.ob.refused').innerText(), /Không tìm thấy/);
  assert.equal(JSON.parse(run('person', '--db', db, '--json', 'E8')).status, 'present', 'E8 is alive on the server');
  // Logout warns (one event waits), then the phone holds nothing.
  let warned = '';
  page.once('dialog', (d) => { warned = d.message(); d.accept(); });
  await page.locator('#logout').click();
  await page.waitForSelector('#login');
  assert.match(warned, /1 sự kiện chưa gửi/);
  const dbs = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.deepEqual(dbs, []);
  assert.deepEqual(page.errors, []);
  await ctx.close();
});

test('a dependent event waits for its birth; an expired session keeps the outbox; a full phone loses nothing; 30 days without sync clear it', async () => {
  ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
  page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  const logIn = async () => {
    await page.getByLabel('Tên đăng nhập').fill('ctv');
    await page.getByLabel('Mật khẩu').fill(PW.ctv);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForSelector('#sync');
  };
  await page.goto(`${base}/`);
  await logIn();
  await page.waitForFunction(() => /gửi lúc/.test(document.querySelector('#sync')?.textContent || ''), null, { timeout: 20000 });
  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');

  // A birth the server will refuse (dated before the mother entered the register), the child's
  // death (it waits for the birth), and an elderly check that depends on nothing.
  await recordForm(page, 'birth');
  await pick(page, 'mother', 'Phạm Thị Mới');
  await page.locator('[name="date"]').fill('01/06/2025');
  await page.locator('[name="child.full_name"]').fill('Phạm Văn Con Muộn');
  await page.locator('[name="child.sex"]').selectOption('1');
  const child = await page.locator('[name="child.person_id"]').inputValue();
  await page.locator('[name="order"]').fill('1');
  await page.locator('[name="place"]').selectOption({ index: 1 });
  await save(page);
  await recordForm(page, 'death');
  assert.match(await pick(page, 'person', 'Phạm Văn Con'), new RegExp(`^${child} `), 'the child born on the phone is in its book');
  await page.locator('[name="date"]').fill('18/11/2026');
  await save(page);
  await recordForm(page, 'elderly_check');
  await pick(page, 'person', 'Bùi Thị Năm');
  await page.locator('[name="date"]').fill('18/11/2026');
  await save(page);
  assert.equal(await waiting(page), 3);

  await ctx.setOffline(false);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '2', null, { timeout: 30000 });
  await go(page, '#/outbox');
  await page.waitForSelector('.ob.held');
  assert.match(await page.locator('.ob.refused').innerText(), /Ngày xảy ra: /);
  assert.match(await page.locator('.ob.held').innerText(), /Chờ sự kiện Sinh \(Phạm Thị Mới Mang Thai → Phạm Văn Con Muộn\)/);
  const e4 = await asOfficer('/api/v1/persons/E4/history');
  assert.ok(e4.json.history.some((x) => x.event.type === 'elderly_check' && x.event.date === '2026-11-18'), 'the refusal did not block the elderly check');

  // Corrected on the phone: the birth is recorded, then the death that waited for it.
  await page.locator('.ob.refused').getByRole('link', { name: 'Sửa' }).click();
  await page.waitForSelector('[name="mother"]');
  assert.equal(await page.locator('[name="child.full_name"]').inputValue(), 'Phạm Văn Con Muộn');
  await page.locator('[name="date"]').fill('05/11/2026');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 30000 })
    .catch(async (e) => assert.fail(`${e.message}: ${await page.locator('#sync').innerText()} ${JSON.stringify(await page.evaluate(async () => (await (await import('/static/book.js')).outbox()).map((x) => [x.n, x.status, x.ev.type, x.ev.date, x.deps, x.error])))}`));
  await page.waitForFunction(() => location.hash === '#/outbox'); // the form goes back to the outbox once sent
  await page.waitForSelector('#sync-now');
  const born = await asOfficer(`/api/v1/persons/${child}`);
  assert.equal(born.json.status, 'died', 'born, then died, in that order');

  // The session ends while an event waits: the outbox stays, and goes after the next login.
  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  await recordForm(page, 'elderly_check');
  await pick(page, 'person', 'Bùi Thị Năm');
  await page.locator('[name="date"]').fill('19/11/2026');
  await save(page);
  await ctx.clearCookies();
  await ctx.setOffline(false);
  await page.waitForSelector('#login');
  assert.match(await page.locator('main').innerText(), /Phiên làm việc đã hết/);
  const kept = await page.evaluate(async () => (await (await import('/static/book.js')).outbox()).length);
  assert.equal(kept, 1, 'the outbox is kept');
  await logIn();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 30000 });
  const after = await asOfficer('/api/v1/persons/E4/history');
  assert.ok(after.json.history.some((x) => x.event.type === 'elderly_check' && x.event.date === '2026-11-19'));

  // Storage full: a clear message, the form keeps what was typed, nothing saved; then saved.
  await ctx.setOffline(true);
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  await recordForm(page, 'elderly_check');
  const who = await pick(page, 'person', 'Bùi Thị Năm');
  await page.locator('[name="date"]').fill('20/11/2026');
  await page.evaluate(() => {
    window.realAdd = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function full() { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
  });
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('main .msg.bad');
  assert.match(await page.locator('main .msg.bad').innerText(), /Bộ nhớ của điện thoại đã đầy.*vẫn còn nguyên/s);
  assert.equal(await page.locator('[name="person"]').inputValue(), who, 'the form keeps what was typed');
  assert.equal(await waiting(page), 0);
  await page.evaluate(() => { IDBObjectStore.prototype.add = window.realAdd; });
  await save(page);
  assert.equal(await waiting(page), 1);

  // 30 days without a sync: the phone's personal data go, after a warning (one event waits).
  await page.evaluate(async () => (await import('/static/book.js')).setMeta({ lastSync: Date.now() - 31 * 86400000 }));
  let warned = '';
  page.once('dialog', (d) => { warned = d.message(); d.accept(); });
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0');
  assert.match(warned, /hơn 30 ngày chưa đồng bộ.*1 sự kiện chưa gửi/s);
  const left = await page.evaluate(async () => {
    const b = await import('/static/book.js');
    return { persons: (await b.persons()).length, outbox: (await b.outbox()).length };
  });
  assert.deepEqual(left, { persons: 0, outbox: 0 });
  assert.deepEqual(page.errors, []);
  await ctx.close();
});
