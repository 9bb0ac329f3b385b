// The scale path on a bad day (issue 19), with real PostgreSQL and real
// servers:
//  - a server restarted while another records births and arrivals with new
//    households reports, once both have caught up, exactly what the other
//    reports (the engine loads from one snapshot), ten times over;
//  - PostgreSQL crashing (pg_ctl -m immediate) five times under writes: the
//    same danso process answers 503, never 401 or 404, while it is down,
//    counts no login against anyone, and records writes again within 10 s
//    of the database being back.
// Fails (does not skip) when PostgreSQL is not there: tests/run.sh starts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';

const bin = process.env.DANSO_BIN || 'build/danso';
const tmpl = process.env.DANSO_TEST_PG;
const TODAY = '2026-11-22';
const env = { ...process.env, DANSO_TODAY: TODAY };
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer(db, port) {
  const p = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  p.stdout.on('data', () => {});
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return { p, port, err: () => err };
    } catch { /* not yet */ }
    await sleep(100);
  }
  p.kill('SIGKILL');
  throw new Error(`server did not start: ${err}`);
}

function stopServer(s, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    if (s.p.exitCode !== null) return resolve();
    s.p.once('exit', () => resolve());
    s.p.kill(signal);
  });
}

// A generated province, small, with the commune, an area of it and women
// who can be mothers there.
function province(dir, size) {
  run('gen', '--out', dir, '--persons', String(size), '--seed', '19', '--province', '79', '--start', '2024-01-01', '--years', '2');
  const units = fs.readFileSync(path.join(dir, 'units.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const commune = units.find((u) => u[2] === 'commune' && u[4] === '2025-07-01')[0];
  const villages = new Set(units.filter((u) => u[2] === 'village' && u[3] === commune && !u[5]).map((u) => u[0]));
  const areas = units.filter((u) => u[2] === 'area' && villages.has(u[3])).map((u) => u[0]);
  const hhs = fs.readFileSync(path.join(dir, 'households.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const inCommune = new Set(hhs.filter((h) => areas.includes(h[1])).map((h) => h[0]));
  const persons = fs.readFileSync(path.join(dir, 'persons.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const mothers = persons.filter((p) => inCommune.has(p[1]) && p[3] === '2' && p[4] >= '1985' && p[4] <= '2000').map((p) => p[0]);
  const someone = persons.find((p) => inCommune.has(p[1]))[0];
  return { commune, area: areas[0], mothers, someone };
}

function load(db, dir) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  run('import', '--db', db, '--units', `${dir}/units.csv`, '--households', `${dir}/households.csv`,
      '--persons', `${dir}/persons.csv`, '--as-of', m.as_of, '--quiet');
  run('events', '--db', db, `${dir}/events.ndjson`);
}

async function login(port, user, pw) {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: user, password: pw }),
  });
  return r;
}

async function token(port, user, pw) {
  const r = await login(port, user, pw);
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = JSON.parse(text);
  const t = await fetch(`http://127.0.0.1:${port}/api/v1/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify({ label: 'test' }),
  });
  const body = await t.text();
  assert.equal(t.status, 201, body);
  return JSON.parse(body).token;
}

let serial = 0;
// Arrivals with new households and births, as a commune officer records them.
function batch(p, n) {
  const events = [];
  for (let i = 0; i < n; i++) {
    serial++;
    const id = crypto.randomUUID();
    if (i % 2 === 0) {
      events.push({
        id, type: 'move_in', date: '2026-11-10',
        new_household: { household_id: `HX${process.pid}${serial}`, area_code: p.area, number: `9${serial}`, type: 1 },
        person: { person_id: `PX${process.pid}${serial}`, full_name: 'Đỗ Văn Tới', sex: 1, birth_date: '1990-01-01',
                  relation: 1, ethnicity: '01', education: 3, marital: 1, residence: 1 },
        origin: 'abroad',
      });
    } else {
      events.push({
        id, type: 'birth', date: '2026-11-12', mother: p.mothers[serial % p.mothers.length],
        child: { person_id: `BX${process.pid}${serial}`, full_name: 'Đỗ Thị Sinh', sex: 2 }, order: 1, place: 1,
      });
    }
  }
  return events;
}

async function post(port, tok, events) {
  return fetch(`http://127.0.0.1:${port}/api/v1/events/batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tok}` },
    body: JSON.stringify({ events }),
  });
}

// Writes batches until stopped; counts what was recorded.
function writer(port, tok, p) {
  const w = { stop: false, recorded: 0, done: null };
  w.done = (async () => {
    while (!w.stop) {
      try {
        const r = await post(port, tok, batch(p, 10));
        if (r.ok) w.recorded += (await r.json()).recorded;
      } catch { /* the server may be away */ }
      await sleep(5);
    }
  })();
  return w;
}

async function get(port, tok, url) {
  const r = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { Authorization: `Bearer ${tok}` } });
  return { status: r.status, body: await r.text() };
}

async function health(port) {
  const r = await fetch(`http://127.0.0.1:${port}/health`);
  return r.json();
}

// The report's figures, without when it was made.
function figures(body) {
  const j = JSON.parse(body);
  return JSON.stringify({ columns: j.columns, rows: j.rows.map((r) => [r.code, r.values, r.male, r.female]) });
}

test('a server restarted while another writes reports what the other reports, 10 times', async () => {
  assert.ok(tmpl, 'DANSO_TEST_PG must name a PostgreSQL cluster (tests/run.sh starts one)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-restart-'));
  const name = `danso_restart_${process.pid}`;
  execFileSync('psql', [tmpl.replace('%s', 'postgres'), '-qc', `CREATE DATABASE ${name}`]);
  const db = tmpl.replace('%s', name);
  // Big enough that a load takes a while, so that writes land during it.
  const p = province(path.join(dir, 'p'), 12000);
  load(db, path.join(dir, 'p'));
  run('user', 'add', '--db', db, '--login', 'officer', '--role', 'commune', '--unit', p.commune, '--password-file', `${dir}/pw`);
  run('user', 'add', '--db', db, '--login', 'planner', '--role', 'province', '--unit', '79', '--password-file', `${dir}/pw2`);
  const a = await startServer(db, await freePort());
  let b = await startServer(db, await freePort());
  try {
    const wtok = await token(a.port, 'officer', fs.readFileSync(`${dir}/pw`, 'utf8').trim());
    const rtok = await token(a.port, 'planner', fs.readFileSync(`${dir}/pw2`, 'utf8').trim());
    for (let round = 1; round <= 10; round++) {
      const w = writer(a.port, wtok, p);
      await sleep(300);
      await stopServer(b, 'SIGKILL');
      b = await startServer(db, b.port);
      await sleep(200);
      w.stop = true;
      await w.done;
      assert.ok(w.recorded > 0, `round ${round}: events were recorded while B restarted`);
      // Both current: the same sequence as each other and as the log.
      let ha, hb;
      for (let i = 0; i < 100; i++) {
        [ha, hb] = [await health(a.port), await health(b.port)];
        if (ha.event_sequence === hb.event_sequence && hb.event_sequence === hb.log_sequence) break;
        await sleep(100);
      }
      assert.equal(hb.event_sequence, ha.event_sequence, `round ${round}: B follows A`);
      assert.equal(hb.engine_consistent, true);
      for (const url of [`/api/v1/reports/01-DSX?unit=${p.commune}&period=2026-11&format=json`,
        '/api/v1/reports/03-DSX?unit=79&period=2026&format=json']) {
        const [ra, rb] = [await get(a.port, rtok, url), await get(b.port, rtok, url)];
        assert.equal(ra.status, 200, ra.body);
        assert.equal(rb.status, 200, rb.body);
        assert.equal(figures(rb.body), figures(ra.body), `round ${round}: ${url} on B equals A`);
      }
      const check = `/api/v1/check?unit=${p.commune}&period=2026-11`;
      const [ca, cb] = [await get(a.port, rtok, check), await get(b.port, rtok, check)];
      assert.equal(cb.body, ca.body, `round ${round}: the balancing checks agree`);
      assert.equal(JSON.parse(cb.body).ok, true, `round ${round}: the check balances`);
    }
  } finally {
    await stopServer(a);
    await stopServer(b);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL crashing five times under writes: 503 while down, writes again within 10 s, nobody locked out', async () => {
  assert.ok(tmpl, 'PostgreSQL must be installed (tests/run.sh starts a cluster)');
  // A cluster of its own: this test stops and starts it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-outage-'));
  // Its own folder: the cluster's owner (postgres, when run as root) must reach it.
  const pgdir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-outage-pg-'));
  const own = execFileSync('sh', ['tests/pg.sh', 'start', pgdir], { encoding: 'utf8' }).trim();
  const s = { p: null };
  const times = [];
  try {
    execFileSync('psql', [own.replace('%s', 'postgres'), '-qc', 'CREATE DATABASE outage']);
    const db = own.replace('%s', 'outage');
    const p = province(path.join(dir, 'p'), 3000);
    load(db, path.join(dir, 'p'));
    run('user', 'add', '--db', db, '--login', 'officer', '--role', 'commune', '--unit', p.commune, '--password-file', `${dir}/pw`);
    const pw = fs.readFileSync(`${dir}/pw`, 'utf8').trim();
    Object.assign(s, await startServer(db, await freePort()));
    const tok = await token(s.port, 'officer', pw);
    for (let round = 1; round <= 5; round++) {
      const w = writer(s.port, tok, p);
      await sleep(300);
      execFileSync('sh', ['tests/pg.sh', 'halt', pgdir]);
      await sleep(300);
      // Down: every answer that needs the database is 503; none is 401 or 404.
      const seen = new Set();
      for (let i = 0; i < 3; i++) {
        for (const url of [`/api/v1/persons/${p.someone}`, `/api/v1/persons?q=Nguyen`, `/api/v1/me`,
          `/api/v1/reports/01-DSX?unit=${p.commune}&period=2026-11&format=json`]) {
          const r = await get(s.port, tok, url);
          seen.add(`${url} ${r.status}`);
          assert.ok(r.status === 503 || (r.status === 200 && url.includes('/reports/')),
                    `round ${round}: ${url} answered ${r.status} while the database was down: ${r.body}`);
        }
        const wr = await post(s.port, tok, batch(p, 1));
        assert.equal(wr.status, 503, `round ${round}: a write while down`);
        assert.ok(wr.headers.get('retry-after'), 'a 503 says when to try again');
        // Logins with the right password: not refused as wrong, not counted.
        const lr = await login(s.port, 'officer', pw);
        assert.equal(lr.status, 503, `round ${round}: a login while down answered ${lr.status}`);
      }
      const h = await fetch(`http://127.0.0.1:${s.port}/health`);
      assert.equal(h.status, 503, 'health says degraded while the database is down');
      assert.equal((await h.json()).database, 'unreachable');
      w.stop = true;
      await w.done;
      execFileSync('sh', ['tests/pg.sh', 'resume', pgdir]);
      const back = Date.now();
      let ok = false;
      while (!ok && Date.now() - back < 15000) {
        const r = await post(s.port, tok, batch(p, 1));
        ok = r.status === 200 && (await r.json()).recorded === 1;
        if (!ok) await sleep(100);
      }
      const ms = Date.now() - back;
      times.push(ms);
      assert.ok(ok && ms < 10000, `round ${round}: a write was recorded ${ms} ms after the database was back`);
      // Nobody was locked out: the right password logs in at once.
      const lr = await login(s.port, 'officer', pw);
      assert.equal(lr.status, 200, `round ${round}: login after the outage`);
      const hh = await fetch(`http://127.0.0.1:${s.port}/health`);
      assert.equal(hh.status, 200, 'health is ok again');
    }
    console.log(`# from the database back to the first acknowledged write: ${times.join(', ')} ms`);
    const m = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json();
    assert.ok(m.reconnects >= 5, `reconnects counted: ${m.reconnects}`);
  } finally {
    if (s.p) await stopServer(s);
    execFileSync('sh', ['tests/pg.sh', 'stop', pgdir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
