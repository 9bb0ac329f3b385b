// The phone app's figures (docs/BENCHMARKS.md, issue 15): the size of one
// collaborator area's book, and the first download and first usable
// screen on a slow link, in Debian's chromium with its network throttling
// (400 kbit/s each way, 400 ms round trip) and a 4x CPU slowdown.
//
//   node bench/offline.mjs [--households 300] [--persons 1500] [--runs 3]
//
// A province is generated (`danso gen`, 20,000 persons); the households
// with the most members are moved into one area until it holds the number
// of households asked for, then the smallest of them are dropped until the
// persons fit the number asked for (so the area is as asked, within a few
// persons).  A collaborator of that area logs in from a new browser
// profile each run (nothing cached):
//   - the login page usable: from navigation until the login button can be clicked;
//   - the first usable screen: from the login click until the home page
//     (the area's work lists) is drawn;
//   - the book on the phone: from the login click until the first sync is
//     over (the whole book in IndexedDB, the header says when it synced);
//   - the book's page: drawn from IndexedDB once it is there;
//   - opened again (a new navigation to the book's page): until it is usable, and its bytes;
//   - the bytes over the wire: every response's encoded length (CDP), so
//     gzip counts;
//   - an outbox of 500 events recorded offline and sent on the same link:
//     its time, the longest main-thread task meanwhile, and the outbox and
//     book pages opened in the middle of it.
// The book's size is measured with curl, plain and gzipped.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.resolve('tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : def; };
const HH = opt('households', 300);
const PERSONS = opt('persons', 1500);
const RUNS = opt('runs', 3);
const bin = path.resolve(process.env.BIN || 'build/danso');
const ENV = { ...process.env, DANSO_TODAY: '2024-06-30' };
const run = (...a) => execFileSync(bin, a, { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-bench-off-'));

// ---- the area ----
run('gen', '--out', `${dir}/g`, '--persons', '20000', '--seed', '7', '--province', '79', '--years', '1');
const csv = (f) => fs.readFileSync(`${dir}/g/${f}`, 'utf8').trimEnd().split('\n');
const hh = csv('households.csv');
const ps = csv('persons.csv');
const size = new Map();
for (const l of ps.slice(1)) { const h = l.split(',')[1]; size.set(h, (size.get(h) || 0) + 1); }
const rows = hh.slice(1).map((l) => ({ l, id: l.split(',')[0], area: l.split(',')[1], n: size.get(l.split(',')[0]) || 0 }));
const AREA = rows[0].area;
// The HH households with most members closest to PERSONS / HH each.
const per = PERSONS / HH;
const chosen = rows.slice().sort((a, b) => Math.abs(a.n - per) - Math.abs(b.n - per) || b.n - a.n).slice(0, HH);
let total = chosen.reduce((s, x) => s + x.n, 0);
const pick = new Set(chosen.map((x) => x.id));
const moved = hh.map((l, i) => {
  if (i === 0) return l;
  const f = l.split(',');
  if (pick.has(f[0])) f[1] = AREA;
  else if (f[1] === AREA) f[1] = rows.find((x) => x.area !== AREA).area;
  return f.join(',');
});
fs.writeFileSync(`${dir}/g/households.csv`, moved.join('\n') + '\n');
const db = `${dir}/d.db`;
run('init', '--db', db);
run('import', '--db', db, '--units', `${dir}/g/units.csv`, '--households', `${dir}/g/households.csv`, '--persons', `${dir}/g/persons.csv`, '--as-of', '2023-01-01', '--quiet');
run('events', '--db', db, `${dir}/g/events.ndjson`);
const pwFile = `${dir}/pw`;
run('user', 'add', '--db', db, '--login', 'ctv', '--role', 'collaborator', '--unit', AREA, '--name', 'Cộng tác viên', '--password-file', pwFile);
const PW = fs.readFileSync(pwFile, 'utf8').trim();

const port = await new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env: ENV, stdio: 'ignore' });
for (let i = 0; i < 300; i++) {
  try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
  await new Promise((r) => setTimeout(r, 100));
}

// ---- the book's size ----
const login = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'ctv', password: PW }) });
const cookie = login.headers.get('set-cookie').split(';')[0];
const curl = (gz) => execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', '-H', `Cookie: ${cookie}`, ...(gz ? ['-H', 'Accept-Encoding: gzip'] : []), `${base}/api/v1/book`], { encoding: 'utf8' }).split(' ').map(Number);
const book = await (await fetch(`${base}/api/v1/book`, { headers: { Cookie: cookie } })).json();
const [plain, tPlain] = curl(false);
const [zipped, tZip] = curl(true);
// Persons aged 60 or more on every date of the outbox (from 1 January 2024), for the outbox of elderly checks.
const elders = book.persons.filter((p) => p[3] && p[3] < '1963-12-31').map((p) => p[0]);
console.log(`area ${AREA}: ${book.households.length} households, ${book.persons.length} persons present (${total} entered)`);
console.log(`book: ${plain} bytes, ${zipped} bytes gzipped (server ${(tPlain * 1000).toFixed(0)} ms plain, ${(tZip * 1000).toFixed(0)} ms gzipped, local)`);

// ---- the phone ----
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const results = [];
for (let r = 0; r < RUNS; r++) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 400000 / 8, uploadThroughput: 400000 / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  let requests = 0;
  const t0 = Date.now();
  const seen = new Map();
  cdp.on('Network.requestWillBeSent', (e) => seen.set(e.requestId, { url: e.request.url.replace(base, ''), t: Date.now() }));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests++;
    const s = seen.get(e.requestId);
    if (process.env.WATERFALL && s) console.log(`  ${String(s.t - t0).padStart(6)} → ${String(Date.now() - t0).padStart(6)} ms ${String(e.encodedDataLength).padStart(7)} B ${s.url}`);
  });
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
  const tLogin = Date.now() - t0;
  const shellBytes = bytes;
  await page.getByLabel('Tên đăng nhập').fill('ctv');
  await page.getByLabel('Mật khẩu').fill(PW);
  const t1 = Date.now();
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForSelector('section[data-list]', { timeout: 120000 });
  const tHome = Date.now() - t1;
  await page.waitForFunction(() => /gửi lúc/.test(document.querySelector('#sync')?.textContent || ''), null, { timeout: 120000 });
  const tSynced = Date.now() - t1;
  const t2 = Date.now();
  await page.evaluate(() => { location.hash = '#/book'; });
  await page.waitForSelector('#book details', { timeout: 120000 });
  const tBook = Date.now() - t2;
  const shown = await page.locator('#book-count').innerText();
  // Opening the app again, on the same link: the shell from the service worker or the network, the book from IndexedDB.
  const before = bytes;
  const t3 = Date.now();
  await page.reload();
  await page.waitForSelector('#book details', { timeout: 120000 });
  const tReopen = Date.now() - t3;
  const reopenBytes = bytes - before;
  // An outbox of 500 elderly checks recorded offline, then sent on the same
  // link and CPU: how long until none waits, the main thread's longest task
  // meanwhile (PerformanceObserver longtask: over 50 ms), and how long the
  // book's page takes to draw when opened in the middle of it.
  await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.online === '0');
  await page.evaluate(async (ids) => {
    const m = await import('/static/offline.js');
    for (let i = 0; i < 500; i++) {
      const d = new Date(Date.UTC(2024, 0, 1) + (i % 150) * 86400000).toISOString().slice(0, 10);
      await m.recordOffline({ id: crypto.randomUUID(), type: 'elderly_check', date: d, person: ids[i % ids.length], facility: 'TYT' });
    }
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
  }, elders);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 400000 / 8, uploadThroughput: 400000 / 8 });
  const t4 = Date.now();
  // The sync alone until half is sent, then the pages are opened in the middle of it.
  await page.waitForFunction(() => Number(document.querySelector('#sync')?.dataset.waiting) <= 250, null, { timeout: 600000 });
  const navAt = await page.evaluate(() => performance.now());
  const t5 = Date.now();
  await page.evaluate(() => { location.hash = '#/outbox'; });
  await page.waitForSelector('#sync-now', { timeout: 120000 });
  await page.evaluate(() => { location.hash = '#/book'; });
  await page.waitForSelector('#book details', { timeout: 120000 });
  const tMid = Date.now() - t5;
  const midWaiting = Number(await page.locator('#sync').getAttribute('data-waiting'));
  await page.waitForFunction(() => document.querySelector('#sync')?.dataset.waiting === '0', null, { timeout: 600000 });
  const tOutbox = Date.now() - t4;
  const long = (await page.evaluate(() => window.__long)).filter(([at]) => at < navAt).map(([, d]) => d);
  const longest = Math.round(Math.max(0, ...long));
  results.push({ tLogin, tHome, tSynced, tBook, tReopen, shellBytes, bytes: before, reopenBytes, requests, shown, tOutbox, longest, tMid });
  console.log(`run ${r + 1}: login page usable ${tLogin} ms (${shellBytes} bytes); after the login click: home (work lists) ${tHome} ms, book on the phone ${tSynced} ms; book page drawn from IndexedDB ${tBook} ms; ${before} bytes in ${requests} responses in all; ${shown}; opened again: the book usable ${tReopen} ms, ${reopenBytes} bytes; 500 events sent in ${tOutbox} ms, the outbox and book pages drawn mid-sync in ${tMid} ms (${midWaiting} still waiting), ${long.length} long tasks (over 50 ms) before the pages were opened, the longest ${longest} ms`);
  await ctx.close();
}
await browser.close();
server.kill('SIGTERM');
fs.rmSync(dir, { recursive: true, force: true });
const med = (k) => results.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(`median of ${RUNS}: login page ${med('tLogin')} ms; after the login click: home ${med('tHome')} ms, book on the phone ${med('tSynced')} ms; book page ${med('tBook')} ms; ${med('bytes')} bytes; opened again ${med('tReopen')} ms, ${med('reopenBytes')} bytes; 500 events sent in ${med('tOutbox')} ms, pages mid-sync ${med('tMid')} ms, longest task ${med('longest')} ms`);
