// Two `danso serve` processes on one PostgreSQL database: a write on one
// shows in a report on the other within one second (LISTEN/NOTIFY, with
// polling as the fallback).  Fails when DANSO_TEST_PG is not set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const bin = process.env.DANSO_BIN || 'build/danso';
const tmpl = process.env.DANSO_TEST_PG;
const data = 'tests/data/rules';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function run(...args) {
  return execFileSync(bin, args, { env: { ...process.env, DANSO_TODAY: '2026-11-22' }, encoding: 'utf8' });
}

async function startServer(db, port) {
  const p = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return { p, port, err: () => err };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  p.kill('SIGKILL');
  throw new Error(`server did not start: ${err}`);
}

async function login(port, user, pw) {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: user, password: pw }),
  });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  return { cookie, csrf };
}

async function births(port, s) {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/reports/01-DSX?unit=79&period=2024-09&format=json`, { headers: { Cookie: s.cookie } });
  assert.equal(r.status, 200);
  const rep = await r.json();
  const row = rep.rows.find((x) => x.code === '5');
  return row.values[row.values.length - 1];
}

test('a write on one server shows on another within one second', async () => {
  assert.ok(tmpl, 'DANSO_TEST_PG must name a PostgreSQL cluster (tests/run.sh starts one)');
  const name = `danso_multi_${process.pid}`;
  const admin = tmpl.replace('%s', 'postgres');
  execFileSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`]);
  const db = tmpl.replace('%s', name);
  run('import', '--db', db, '--units', `${data}/units.csv`, '--households', `${data}/households.csv`,
      '--persons', `${data}/persons.csv`, '--as-of', '2024-01-01', '--quiet');
  run('events', '--db', db, `${data}/events.ndjson`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-multi-'));
  run('user', 'add', '--db', db, '--login', 'officer', '--role', 'province', '--unit', '79', '--password-file', `${dir}/pw`);
  run('user', 'add', '--db', db, '--login', 'writer', '--role', 'commune', '--unit', '26740', '--password-file', `${dir}/pw2`);
  const a = await startServer(db, await freePort());
  const b = await startServer(db, await freePort());
  try {
    const sa = await login(a.port, 'writer', fs.readFileSync(`${dir}/pw2`, 'utf8').trim());
    const sb = await login(b.port, 'officer', fs.readFileSync(`${dir}/pw`, 'utf8').trim());
    const before = await births(b.port, sb);
    const ev = {
      id: '00000000-0000-4000-8000-00000000f001', type: 'birth', date: '2024-09-10', mother: 'C3',
      child: { person_id: 'C9', full_name: 'Phạm Thị Mới', sex: 2 }, order: 1, place: 1,
    };
    const w = await fetch(`http://127.0.0.1:${a.port}/api/v1/events`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: sa.cookie, 'X-CSRF-Token': sa.csrf }, body: JSON.stringify(ev),
    });
    assert.equal(w.status, 201, await w.text());
    const t0 = Date.now();
    let now = before;
    while (now === before && Date.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 50));
      now = await births(b.port, sb);
    }
    const ms = Date.now() - t0;
    assert.equal(now, before + 1, 'the birth shows on the second server');
    assert.ok(ms < 1000, `seen after ${ms} ms`);
  } finally {
    for (const s of [a, b]) s.p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
