// What the browser tests share: the binary and the browser, a demo world
// (a generated province imported into a fresh database), accounts, the
// server, logins through the form, page navigation, and the checks every
// page must pass (axe-core with zero violations, no sideways scrolling).
//
// A test file: const w = await world({ today }); ... await w.close();
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const bin = path.resolve(process.env.DANSO_BIN || 'build/danso');
export const ART = path.resolve('tests/e2e/artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1366, height: 900 };

export const dmy = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
export const viNum = (s) => Number(String(s).trim().replace(/\./g, '').replace(',', '.'));
// The search key of a name as the server's base/text folds it (no marks, đ as d, lower case).
export const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

// RFC 4180 rows of a CSV file as objects keyed by its header.
export function csv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\n').filter(Boolean);
  const cols = head.split(',');
  return lines.map((l) => {
    const out = [];
    let cur = '', q = false;
    for (const ch of l) {
      if (ch === '"') q = !q;
      else if (ch === ',' && !q) { out.push(cur); cur = ''; } else cur += ch;
    }
    out.push(cur);
    return Object.fromEntries(cols.map((c, i) => [c, out[i]]));
  });
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// The axe-core script, injected into pages (installed by npm into tests/e2e/node_modules).
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/*
 * A world: a database (a generated province by default, or built by
 * opts.build(run, dir)), accounts, a running server, a browser.
 *   opts.today    the server's and the forms' today (DANSO_TODAY)
 *   opts.persons  size of the generated province (3000), opts.seed its seed (7)
 *   opts.asOf     the baseline's date (default: the generator's)
 *   opts.users    [[login, role, unit, name], ...]
 */
// Today in Viet Nam (UTC+7): the date the server's audit search and every
// user mean by "today", which is tomorrow's UTC date from 17:00 UTC on.
export const vnToday = () => new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);

export async function world(opts = {}) {
  const today = opts.today || vnToday();
  const env = { ...process.env, DANSO_TODAY: today };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-e2e-'));
  const run = (...args) => execFileSync(bin, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  const db = path.join(dir, 'd.db');
  const w = { dir, db, run, today, pw: {}, contexts: [] };
  if (opts.build) await opts.build(w);
  else {
    const p = w.gen = path.join(dir, 'p');
    run('gen', '--out', p, '--persons', String(opts.persons || 3000), '--seed', String(opts.seed || 7), '--province', '79', '--quiet');
    const asOf = opts.asOf || JSON.parse(fs.readFileSync(`${p}/manifest.json`, 'utf8')).as_of;
    run('init', '--db', db);
    run('import', '--db', db, '--units', `${p}/units.csv`, '--households', `${p}/households.csv`, '--persons', `${p}/persons.csv`, '--as-of', asOf, '--quiet');
    run('events', '--db', db, `${p}/events.ndjson`);
  }
  w.addUser = (login, role, unit, name) => {
    const f = path.join(dir, `${login}.pw`);
    run('user', 'add', '--db', db, '--login', login, '--role', role, ...(unit ? ['--unit', unit] : []), '--name', name || login, '--password-file', f);
    w.pw[login] = fs.readFileSync(f, 'utf8').trim();
  };
  for (const u of opts.users || []) w.addUser(...u);
  fs.mkdirSync(ART, { recursive: true });
  const port = await freePort();
  w.base = `http://127.0.0.1:${port}`;
  w.server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(ART, `server-${opts.name || 'world'}.log`));
  w.server.stdout.pipe(log);
  w.server.stderr.pipe(log);
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    try { up = (await fetch(`${w.base}/health`)).ok; } catch { /* not yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, 'the server answers /health');
  w.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });

  // An API session of an account: get(path) answers the JSON of a 200, else fails;
  // get.post(path, body) sends with the session's CSRF token and answers the JSON of a 2xx.
  w.apiAs = async (login) => {
    for (let i = 0; ; i++) {
      const r = await fetch(`${w.base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: w.pw[login] }) });
      if (r.status === 503 && i < 10) continue;
      assert.equal(r.status, 200, `API login of ${login}`);
      const cookie = r.headers.get('set-cookie').split(';')[0];
      const { csrf } = await r.json();
      const get = async (p) => {
        const x = await fetch(w.base + p, { headers: { Cookie: cookie } });
        assert.equal(x.status, 200, `${p}: ${x.status}`);
        return x.json();
      };
      get.raw = (p, init = {}) => fetch(w.base + p, { ...init, headers: { Cookie: cookie, ...(init.headers || {}) } });
      get.post = async (p, body) => {
        const x = await fetch(w.base + p, { method: 'POST', body: JSON.stringify(body),
          headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' } });
        assert.ok(x.ok, `POST ${p}: ${x.status} ${await x.clone().text()}`);
        return x.json();
      };
      return get;
    }
  };

  w.newPage = async (viewport = PHONE) => {
    const ctx = await w.browser.newContext({ viewport, acceptDownloads: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    w.contexts.push(ctx);
    const page = await ctx.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    return page;
  };
  w.closePages = async () => { while (w.contexts.length) await w.contexts.pop().close(); };

  // A page logged in through the form (tried again from a fresh context on a 503).
  w.loggedIn = async (login, viewport = PHONE) => {
    for (let i = 0; i < 20; i++) {
      const page = await w.newPage(viewport);
      await page.goto(`${w.base}/`);
      await page.getByLabel(/Tên đăng nhập|Login/).fill(login);
      await page.getByLabel(/Mật khẩu|Password/).fill(w.pw[login]);
      await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
      await page.waitForFunction(() => !document.querySelector('#login') || document.querySelector('#login .msg.bad'));
      await page.waitForFunction(() => !document.querySelector('main[aria-busy]'));
      if (!(await page.locator('#login .msg.bad').count())) return page;
      const msg = await page.locator('#login .msg.bad').innerText();
      assert.match(msg, /could not|chưa ghi được/, `login refused: ${msg}`);
      await page.context().close();
    }
    return assert.fail('login kept failing');
  };

  // Waits until the page of the address now shown is drawn: not busy, and
  // drawn for this address (the old page stays, not busy, until the
  // address's hashchange event starts the new one).
  w.drawn = async (page, { has, re, not } = {}) => {
    await page.waitForFunction(([has, re, not]) => {
      const m = document.querySelector('main');
      const a = location.hash;
      return m && !m.hasAttribute('aria-busy') && m.dataset.drawn === a
        && (has == null || a.includes(has)) && (re == null || new RegExp(re).test(a)) && (not == null || a !== not);
    }, [has, re?.source, not]);
  };

  // Opens a page of the interface and waits until it is drawn.
  w.nav = async (page, hash, ready) => {
    await page.goto(`${w.base}/${hash}`);
    await w.drawn(page);
    if (ready) await page.waitForSelector(ready);
  };

  w.close = async () => {
    await w.closePages();
    await w.browser?.close();
    w.server?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return w;
}

// axe-core's violations on the page as it is now (WCAG 2 A and AA and best practices).
export async function axe(page) {
  // Evaluated through the devtools protocol: the page's CSP (script-src 'self') forbids an inline script.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(`${AXE}\n;true`);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}

// Fails, naming each rule and element, unless axe-core finds nothing.
export async function assertAccessible(page, name) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${name}: axe-core violations:\n${v.map((x) => `  ${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(', ')}`).join('\n')}`);
}

// The page does not scroll sideways at its width.
export async function assertFits(page, name) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${name}: page ${sw} px wide on a ${iw} px screen`);
}
