// `danso events` on PostgreSQL reads what a batch of events will look up in
// one go and sends the writes later (store_prefetch): it must answer every
// line as SQLite does and store the same register.  The file mixes what
// makes the look-ups stale inside one batch: an event sent twice in a row
// (already present), an id reused with other content (refused), broken
// lines, births and arrivals followed by events of the new persons, moves
// into households made a few lines before, national ids passed from one
// person to another; and it spans several of the
// batches of 2,048 lines that are read ahead (src/cli/cmd_register.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = process.env.DANSO_BIN || 'build/danso';
const tmpl = process.env.DANSO_TEST_PG;
const env = { ...process.env, DANSO_TODAY: '2026-11-22', USER: 'tester' };
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
const events = (...a) => spawnSync(bin, ['events', ...a], { env, encoding: 'utf8', maxBuffer: 1 << 28 });

function load(db, dir) {
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${dir}/units.csv`, '--households', `${dir}/households.csv`,
      '--persons', `${dir}/persons.csv`, '--as-of', '2023-01-01', '--quiet');
}

function reports(db) {
  return [['03-DSX', '79', '2024'], ['03-DSX', '79', '2025']].map(([form, unit, period]) =>
    run('report', '--db', db, '--form', form, '--unit', unit, '--period', period, '--format', 'csv'));
}

function summary(r) {
  const m = r.stderr.match(/^events: ([\d,]+) recorded, ([\d,]+) already present, ([\d,]+) refused/m);
  assert.ok(m, r.stderr);
  return m.slice(1).map((s) => Number(s.replaceAll(',', '')));
}

test('events on PostgreSQL: the same answers, line by line, and the same register as on SQLite',
  { timeout: 300_000 }, () => {
    assert.ok(tmpl, 'DANSO_TEST_PG must name a PostgreSQL cluster (tests/run.sh starts one)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-ingest-'));
    run('gen', '--out', `${dir}/g`, '--persons', '10000', '--seed', '11', '--province', '79');
    const lines = fs.readFileSync(`${dir}/g/events.ndjson`, 'utf8').split('\n').filter(Boolean);
    // Every 37th line twice in a row, every 41st again with another date (the
    // same id), every 97th followed by a broken line.
    const mixed = [];
    let twice = 0, reused = 0, broken = 0;
    lines.forEach((l, i) => {
      mixed.push(l);
      if (i % 37 === 5) { mixed.push(l); twice++; }
      if (i % 41 === 7) {
        const o = JSON.parse(l);
        o.date = o.date === '2023-01-02' ? '2023-01-03' : '2023-01-02';
        mixed.push(JSON.stringify(o));
        reused++;
      }
      if (i % 97 === 3) { mixed.push('{"id": "not-a-uuid", "type": "death"'); broken++; }
    });
    // National ids passed on inside one batch: A gives up X for Y, B takes
    // X (free now), C asks for Y and X and A asks for X (taken: refused), A
    // is given Y again (its own).  Three persons no event names.
    const named = new Set(lines.flatMap((l) => l.match(/P\d{11}/g) || []));
    const spare = fs.readFileSync(`${dir}/g/persons.csv`, 'utf8').split('\n').slice(1)
      .map((l) => l.split(',')).filter((f) => /^\d{12}$/.test(f[11] || '') && !named.has(f[0]));
    assert.ok(spare.length >= 3, 'three persons with a national id and no events');
    const [A, B, C] = spare.map((f) => f[0]), X = spare[0][11], Y = '079999000001';
    const nidChain = [[A, Y], [B, X], [C, Y], [C, X], [A, X], [A, Y]].map(([person, value], i) =>
      JSON.stringify({ id: `00000000-0000-4000-8000-00000000000${i}`, type: 'info_change',
        date: '2025-12-31', person, field: 'national_id', value }));
    mixed.push(...nidChain);
    const nidRefused = 3;
    const file = path.join(dir, 'mixed.ndjson');
    fs.writeFileSync(file, mixed.join('\n') + '\n');

    const lite = path.join(dir, 'a.db');
    load(lite, `${dir}/g`);
    const name = `danso_ingest_${process.pid}`;
    execFileSync('psql', [tmpl.replace('%s', 'postgres'), '-qc', `CREATE DATABASE ${name}`]);
    const pg = tmpl.replace('%s', name);
    try {
      load(pg, `${dir}/g`);
      const a = events('--db', lite, '--keep-good', '--rejects', `${dir}/ra.ndjson`, file);
      const b = events('--db', pg, '--keep-good', '--rejects', `${dir}/rb.ndjson`, file);
      // Every generated event is recorded once; the copies are already
      // present; the reused ids and the broken lines are refused.
      assert.deepEqual(summary(a), [lines.length + nidChain.length - nidRefused, twice,
        reused + broken + nidRefused], a.stderr);
      assert.deepEqual(summary(b), summary(a), b.stderr);
      assert.equal(fs.readFileSync(`${dir}/rb.ndjson`, 'utf8'), fs.readFileSync(`${dir}/ra.ndjson`, 'utf8'),
        'the same lines refused, for the same reasons');
      run('export', '--db', lite, '--out', `${dir}/ea`);
      run('export', '--db', pg, '--out', `${dir}/eb`);
      for (const f of ['households.csv', 'persons.csv', 'events.ndjson'])
        assert.equal(fs.readFileSync(`${dir}/eb/${f}`, 'utf8'), fs.readFileSync(`${dir}/ea/${f}`, 'utf8'), f);
      assert.deepEqual(reports(pg), reports(lite), 'the same reports');
      // The whole file again: every event is already there.
      const again = events('--db', pg, '--keep-good', '--rejects', `${dir}/rc.ndjson`, file);
      assert.deepEqual(summary(again), [0, lines.length + twice + nidChain.length - nidRefused,
        reused + broken + nidRefused], again.stderr);
    } finally {
      execFileSync('psql', [tmpl.replace('%s', 'postgres'), '-qc', `DROP DATABASE IF EXISTS ${name}`]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
