// Moving a register between backends: SQLite -> export -> PostgreSQL ->
// export -> SQLite gives the same files and the same reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = process.env.DANSO_BIN || 'build/danso';
const tmpl = process.env.DANSO_TEST_PG;
const env = { ...process.env, DANSO_TODAY: '2026-11-22' };
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function load(db, dir) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  run('import', '--db', db, '--units', `${dir}/units.csv`, '--households', `${dir}/households.csv`,
      '--persons', `${dir}/persons.csv`, '--as-of', m.as_of, '--quiet');
  run('events', '--db', db, `${dir}/events.ndjson`);
}

function reports(db) {
  const out = [];
  for (const [form, unit, period, map] of [['03-DSX', '79', '2024', null], ['01-DSX', '26737', '2024-03', null],
    ['02-DSX', '26740', '2024-Q3', '2026-01-01'], ['CHI-BAO', '79', '2024-H2', null]]) {
    const args = ['report', '--db', db, '--form', form, '--unit', unit, '--period', period, '--format', 'csv'];
    if (map) args.push('--map-date', map);
    out.push(run(...args));
  }
  return out;
}

function same(dirA, dirB) {
  for (const f of ['units.csv', 'households.csv', 'persons.csv', 'events.ndjson'])
    assert.equal(fs.readFileSync(path.join(dirB, f), 'utf8'), fs.readFileSync(path.join(dirA, f), 'utf8'), f);
}

test('SQLite to PostgreSQL and back', () => {
  assert.ok(tmpl, 'DANSO_TEST_PG must name a PostgreSQL cluster (tests/run.sh starts one)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-migrate-'));
  const lite = path.join(dir, 'a.db');
  run('import', '--db', lite, '--units', 'tests/data/rules/units.csv', '--households', 'tests/data/rules/households.csv',
      '--persons', 'tests/data/rules/persons.csv', '--as-of', '2024-01-01', '--quiet');
  run('events', '--db', lite, 'tests/data/rules/events.ndjson');
  run('export', '--db', lite, '--out', `${dir}/e1`);
  const name = `danso_migrate_${process.pid}`;
  execFileSync('psql', [tmpl.replace('%s', 'postgres'), '-qc', `CREATE DATABASE ${name}`]);
  const pg = tmpl.replace('%s', name);
  load(pg, `${dir}/e1`);
  run('export', '--db', pg, '--out', `${dir}/e2`);
  same(`${dir}/e1`, `${dir}/e2`);
  const back = path.join(dir, 'b.db');
  load(back, `${dir}/e2`);
  run('export', '--db', back, '--out', `${dir}/e3`);
  same(`${dir}/e1`, `${dir}/e3`);
  const a = reports(lite), b = reports(pg), c = reports(back);
  assert.deepEqual(b, a, 'PostgreSQL reports equal SQLite reports');
  assert.deepEqual(c, a, 'reports after the way back');
  fs.rmSync(dir, { recursive: true, force: true });
});
