// What a browser test needs: a database made by the test's own commands,
// accounts, the real server on a free port with a fixed today, Debian's
// chromium, and a logged-in page.  e2eFixture registers the before and
// after hooks and returns the object they fill.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const bin = path.resolve(process.env.DANSO_BIN || 'build/danso');
export const ART = path.resolve('tests/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// name: for the temporary folder and the server's log; today: DANSO_TODAY;
// setup(run, dir): makes the database and returns its path; users: [login, role, unit].
export function e2eFixture({ name, today, setup, users }) {
  const fx = { PW: {}, base: '', browser: null, dir: '', server: null };
  const env = { ...process.env, DANSO_TODAY: today };
  fx.run = (...args) => execFileSync(bin, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  before(async () => {
    fs.mkdirSync(ART, { recursive: true });
    fx.dir = fs.mkdtempSync(path.join(os.tmpdir(), `danso-e2e-${name}-`));
    const db = setup(fx.run, fx.dir);
    for (const [login, role, unit] of users) {
      const f = path.join(fx.dir, `${login}.pw`);
      fx.run('user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unit, '--name', login, '--password-file', f);
      fx.PW[login] = fs.readFileSync(f, 'utf8').trim();
    }
    const port = await freePort();
    fx.base = `http://127.0.0.1:${port}`;
    fx.server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(path.join(ART, `server-${name}.log`));
    fx.server.stdout.pipe(log);
    fx.server.stderr.pipe(log);
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(`${fx.base}/health`)).ok) break; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    fx.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await fx.browser?.close();
    fx.server?.kill('SIGTERM');
    if (fx.dir) fs.rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}

// A page logged in as user, in Vietnamese, with its script errors collected in page.errors.
export async function loggedIn(fx, user, viewport) {
  const ctx = await fx.browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${fx.base}/`);
  await page.getByLabel(/Tên đăng nhập|Login/).fill(user);
  await page.getByLabel(/Mật khẩu|Password/).fill(fx.PW[user]);
  await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
  await page.waitForSelector('#kpis, section[data-list], #login .msg.bad, main .msg.bad', { timeout: 15000 }).catch(async () => assert.fail(await page.locator('main').innerText()));
  assert.equal(await page.locator('#login .msg.bad').count(), 0, `${user} logged in`);
  return page;
}

// No sideways scrolling.
export const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

// The work-list fixture (tests/data/worklist/README.md) in a new database; its path.
export function worklistDb(run, dir) {
  const FIX = path.resolve('tests/data/worklist');
  const db = path.join(dir, 'd.db');
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`, '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet');
  run('events', '--db', db, `${FIX}/events.ndjson`);
  return db;
}
