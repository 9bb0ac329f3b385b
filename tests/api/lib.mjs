// Shared helpers for the API tests: a fixture register (the counting-rules
// fixture plus a sibling commune and a second province), databases on
// SQLite or PostgreSQL, servers, logins and raw HTTP.
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { promisify } from 'node:util';
import { before, after } from 'node:test';

export const bin = process.env.DANSO_BIN || 'build/danso';
export const TODAY = '2026-11-22';
export const env = { ...process.env, DANSO_TODAY: TODAY };
const rules = 'tests/data/rules';

// The four scope classes, from the point of view of the test users:
//   A  area 2673400101, commune 26740 (26734 before 2025-07), province 79
//   B  area 2673700101, the same commune today (a sibling area)
//   C  area 2674300101, commune 26743 of province 79 (a sibling commune)
//   D  area 0000400101, commune 00004 of province 01 (another province)
export const OBJ = {
  A: { area: '2673400101', commune: '26740', province: '79', person: 'A1', elder: 'A9', household: 'H1',
    event: '00000000-0000-4000-8000-0000000a0001', name: 'Nguyễn Văn A', nid: '079090000001' },
  B: { area: '2673700101', commune: '26740', province: '79', person: 'C2', elder: 'B9', household: 'H3',
    event: '00000000-0000-4000-8000-0000000b0001', name: 'Võ Thị I', nid: '079188000002' },
  C: { area: '2674300101', commune: '26743', province: '79', person: 'F1', elder: 'F9', household: 'H5',
    event: '00000000-0000-4000-8000-0000000c0001', name: 'Huỳnh Thị Phương', nid: '079195000003' },
  D: { area: '0000400101', commune: '00004', province: '01', person: 'Z1', elder: 'Z9', household: 'H9',
    event: '00000000-0000-4000-8000-0000000d0001', name: 'Đặng Văn Quân', nid: '001093000004' },
};
export const CLASSES = ['A', 'B', 'C', 'D'];

// Which classes each role sees.
export const ROLES = {
  collaborator: { unit: '2673400101', sees: ['A'] },
  commune: { unit: '26740', sees: ['A', 'B'] },
  province: { unit: '79', sees: ['A', 'B', 'C'] },
  national: { unit: '', sees: ['A', 'B', 'C', 'D'] },
  admin: { unit: '', sees: [] },
};

export const SEARCH_NAME = 'Nguyễn Văn Tìm';
export const SEARCH_COUNT = 110;

let uuidCounter = 0;
// A fresh event id: the test's process id keeps runs apart.
export function uuid() {
  uuidCounter++;
  const hex = (process.pid * 1000 + uuidCounter).toString(16).padStart(12, '0').slice(-12);
  return `00000000-0000-4000-9${(Date.now() % 4096).toString(16).padStart(3, '0')}-${hex}`;
}

export function writeFixture(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const units = fs.readFileSync(`${rules}/units.csv`, 'utf8').trimEnd() + '\n' + [
    '26743,Phường Tân Định,commune,79,,',
    '26743001,Khu phố 3,village,26743,,',
    '2674300101,Địa bàn 01,area,26743001,,',
    '01,Thành phố Hà Nội,province,,,',
    '00004,Phường Ba Đình,commune,01,,',
    '00004001,Tổ dân phố 1,village,00004,,',
    '0000400101,Địa bàn 01,area,00004001,,',
  ].join('\n') + '\n';
  const households = fs.readFileSync(`${rules}/households.csv`, 'utf8').trimEnd() + '\n' + [
    'H5,2674300101,1,Số 5,1,0',
    'H6,2673400101,3,Số 6,1,0',
    'H9,0000400101,1,Số 9,1,0',
  ].join('\n') + '\n';
  let persons = fs.readFileSync(`${rules}/persons.csv`, 'utf8').trimEnd().split('\n');
  // National ids for the class persons, agreeing with their sex and birth
  // year as real ids do (the quality check national_id() reads them).
  persons = persons.map((l) => {
    const f = l.split(',');
    if (f[0] === 'A1') f[11] = OBJ.A.nid;
    if (f[0] === 'C2') f[11] = OBJ.B.nid;
    return f.join(',');
  });
  persons.push(
    'A9,H1,Trương Văn Già,1,1950-03-03,8,01,1,2,1,,,,',
    'B9,H3,Phan Văn Lão,1,1951-04-04,8,01,1,2,1,,,,',
    `F1,H5,Huỳnh Thị Phương,2,1995-05-05,1,01,3,1,1,,${OBJ.C.nid},,`,
    'F9,H5,Huỳnh Văn Cụ,1,1949-06-06,8,01,1,2,1,,,,',
    `Z1,H9,Đặng Văn Quân,1,1993-07-07,1,01,3,1,1,,${OBJ.D.nid},,`,
    'Z9,H9,Đặng Văn Cả,1,1948-08-08,8,01,1,2,1,,,,',
  );
  for (let i = 1; i <= SEARCH_COUNT; i++)
    persons.push(`S${i},H6,${SEARCH_NAME},1,2000-01-01,${i === 1 ? 1 : 8},01,3,1,1,,,,`);
  const events = fs.readFileSync(`${rules}/events.ndjson`, 'utf8').trimEnd() + '\n' +
    CLASSES.map((k) => JSON.stringify({ id: OBJ[k].event, type: 'info_change', date: '2026-01-10',
      person: OBJ[k].person, field: 'education', value: '4' })).join('\n') + '\n';
  fs.writeFileSync(`${dir}/units.csv`, units);
  fs.writeFileSync(`${dir}/households.csv`, households);
  fs.writeFileSync(`${dir}/persons.csv`, persons.join('\n') + '\n');
  fs.writeFileSync(`${dir}/events.ndjson`, events);
}

export function run(...args) {
  return execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// PostgreSQL always: without DANSO_TEST_PG (tests/run.sh starts a private
// cluster) its cases fail in makeDb, instead of not being run at all.
export const BACKENDS = ['sqlite', 'pg'];

let dbCounter = 0;
// A new database with the fixture register and one user per role (login =
// role name); extend(folder), when given, may add rows to the fixture's
// files before they are imported.  Returns {db, dir, pw: {login: password}, drop()}.
// With fixture (a folder of units.csv, households.csv, persons.csv and
// events.ndjson), that register instead.
export function makeDb(backend = 'sqlite', { users = true, extend = null, fixture = null } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-api-'));
  if (fixture) fs.cpSync(fixture, `${dir}/fx`, { recursive: true });
  else writeFixture(`${dir}/fx`);
  if (extend) extend(`${dir}/fx`);
  let db;
  let drop = () => fs.rmSync(dir, { recursive: true, force: true });
  if (backend === 'pg') {
    const tmpl = process.env.DANSO_TEST_PG;
    if (!tmpl) throw new Error('PostgreSQL expected: set DANSO_TEST_PG (tests/run.sh starts a private cluster)');
    const name = `danso_api_${process.pid}_${++dbCounter}`;
    const admin = tmpl.replace('%s', 'postgres');
    execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name}`]);
    execFileSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
    db = tmpl.replace('%s', name);
    const rm = drop;
    drop = () => {
      rm();
      try { execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore' }); } catch { /* gone */ }
    };
  } else {
    db = `${dir}/t.db`;
    run('init', '--db', db);
  }
  run('import', '--db', db, '--units', `${dir}/fx/units.csv`, '--households', `${dir}/fx/households.csv`,
    '--persons', `${dir}/fx/persons.csv`, '--as-of', '2024-01-01', '--quiet');
  run('events', '--db', db, `${dir}/fx/events.ndjson`);
  const pw = {};
  if (users)
    for (const [role, r] of Object.entries(ROLES)) pw[role] = addUser(db, dir, role, role, r.unit);
  return { db, dir, pw, drop };
}

// A fixture database and a server for one describe block, with a session
// per role in u: the before and after hooks are registered here.  Returns
// the object those hooks fill: {fx, srv, u}.
export function served(backend, roles = Object.keys(ROLES)) {
  const s = { fx: null, srv: null, u: {} };
  before(async () => {
    s.fx = makeDb(backend);
    s.srv = await startServer(s.fx.db);
    for (const role of roles) s.u[role] = await login(s.srv.base, role, s.fx.pw[role]);
  });
  after(async () => {
    await s.srv?.stop();
    s.fx?.drop();
  });
  return s;
}

// An account made on the command line, as the server's operator makes
// one: its password is its user's, with nothing to change at the first
// login.  Returns the password.
export function addUser(db, dir, login, role, unit) {
  const { args, file } = userAdd(db, dir, login, role, unit);
  run(...args);
  return fs.readFileSync(file, 'utf8').trim();
}

// The same while the test goes on (a server that is running, say).
export async function addUserAsync(db, dir, login, role, unit) {
  const { args, file } = userAdd(db, dir, login, role, unit);
  await promisify(execFile)(bin, args, { env });
  return (await fs.promises.readFile(file, 'utf8')).trim();
}

function userAdd(db, dir, login, role, unit) {
  const file = `${dir}/pw-${login}`;
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-file', file];
  if (unit) args.push('--unit', unit);
  return { args, file };
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// Starts `danso serve`; returns {p, port, base, out(), err(), stop()}.
export async function startServer(db, extra = []) {
  const port = await freePort();
  const p = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, ...extra],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => p.on('exit', (code, sig) => resolve({ code, sig })));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) {
        const srv = { p, port, base, exited, out: () => out, err: () => err };
        srv.stop = async (sig = 'SIGTERM') => {
          if (p.exitCode === null && p.signalCode === null) p.kill(sig);
          const t = setTimeout(() => p.kill('SIGKILL'), 20000);
          const r2 = await exited;
          clearTimeout(t);
          return r2;
        };
        return srv;
      }
    } catch { /* not yet */ }
    if (p.exitCode !== null) break;
    await sleep(100);
  }
  p.kill('SIGKILL');
  throw new Error(`server did not start: ${err}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A client bound to a server: cookie session or bearer token.
export class Client {
  constructor(base, { cookie = null, csrf = null, token = null, lang = 'en' } = {}) {
    Object.assign(this, { base, cookie, csrf, token, lang });
  }

  headers(extra = {}, { csrf = true } = {}) {
    const h = { 'Accept-Language': this.lang, ...extra };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    if (csrf && this.csrf) h['X-CSRF-Token'] = this.csrf;
    return h;
  }

  async req(method, url, body, opts = {}) {
    const init = { method, headers: this.headers(opts.headers || {}, opts), redirect: 'manual' };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(this.base + url, init);
    const buf = Buffer.from(await r.arrayBuffer());
    const text = buf.toString('utf8');
    let json;
    if ((r.headers.get('content-type') || '').includes('json')) {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    return { status: r.status, headers: r.headers, text, json, buf };
  }

  get(url, opts) { return this.req('GET', url, undefined, opts); }
  post(url, body, opts) { return this.req('POST', url, body, opts); }
  patch(url, body, opts) { return this.req('PATCH', url, body, opts); }
}

export async function login(base, user, password) {
  const r = await fetch(`${base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: user, password }),
  });
  const text = await r.text();
  assert.equal(r.status, 200, `login ${user}: ${text}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = JSON.parse(text);
  return new Client(base, { cookie, csrf });
}

export const anonymous = (base) => new Client(base);

// Asserts the error shape {error: {code, message, field}}.
export function assertError(r, status, code) {
  assert.equal(r.status, status, `status ${r.status} (want ${status}): ${r.text.slice(0, 300)}`);
  assert.ok(r.json && typeof r.json.error === 'object', `error body is JSON: ${r.text.slice(0, 200)}`);
  const e = r.json.error;
  assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message']);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.ok(e.field === null || typeof e.field === 'string');
  if (code) assert.equal(e.code, code, `error code: ${r.text}`);
}

// One raw HTTP exchange over a socket: writes `chunks` (strings/Buffers or
// {delay} pauses), returns {status, head, body, raw, closed, ms}.
export function raw(port, chunks, { timeout = 10000 } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const text = data.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const i = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : null, head: i >= 0 ? text.slice(0, i) : text,
        body: i >= 0 ? data.subarray(i + 4).toString('utf8') : '', raw: text, why, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    s.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const text = data.toString('latin1');
      const i = text.indexOf('\r\n\r\n');
      if (i >= 0) {
        const m = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, i));
        if (m && data.length >= i + 4 + Number(m[1])) finish('complete');
      }
    });
    s.on('end', () => finish('end'));
    s.on('close', () => finish('close'));
    s.on('error', (e) => finish(`error ${e.code}`));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        if (c && typeof c === 'object' && 'delay' in c) await sleep(c.delay);
        else s.write(c);
      }
    });
  });
}

export function headerOf(head, name) {
  const m = new RegExp(`\\r\\n${name}: *([^\\r\\n]*)`, 'i').exec(head);
  return m ? m[1] : null;
}

// An event of each kind used by the tests.
export function elderly(person, id = uuid(), date = '2026-11-01') {
  return { id, type: 'elderly_check', date, person, facility: 'TYT' };
}
