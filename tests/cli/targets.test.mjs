// Targets as a workflow on the work-list fixture (tests/data/worklist),
// numbers worked out by hand.  On 31 December 2025 commune 26734 counts
// 20 persons, 4 of them 60 or more (E1, E2, E5, E6); 26737 counts 3, 2 of
// them 60 or more (E7, E8).  Elderly checks of 2026 in province 79: E7 in
// February, E2 in March.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { danso, dansoOn, ok } from './run.mjs';

const FIX = 'tests/data/worklist';
let dir, db;
const share = (...args) => dansoOn('2026-06-30', 'targets', 'share', '--db', db, '--unit', '79', '--year', '2026', ...args);
const status = (unit, date = '2026-06-30') => ok(dansoOn('2026-06-30', 'targets', 'status', '--db', db, '--unit', unit, '--year', '2026', '--date', date), 'status').json;
const values = (plan) => plan.communes.map((c) => [c.unit, c.base, c.value]);
const ind = (s, key) => s.indicators.find((x) => x.key === key);

describe('danso targets', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-targets-'));
    db = path.join(dir, 't.db');
    ok(danso('init', '--db', db), 'init');
    ok(danso('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`,
      '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet'), 'import');
    ok(danso('events', '--db', db, `${FIX}/events.ndjson`), 'events');
    const pw = path.join(dir, 'pw');
    ok(danso('user', 'add', '--db', db, '--login', 'tinh', '--role', 'province', '--unit', '79', '--password-file', pw), 'user');
    ok(danso('user', 'add', '--db', db, '--login', 'xa', '--role', 'commune', '--unit', '26734', '--password-file', pw), 'user');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the CSV import stays', () => {
    const f = path.join(dir, 'targets.csv');
    fs.writeFileSync(f, 'unit,year,indicator,target\n79,2026,12,100\n');
    ok(danso('targets', '--db', db, '--file', f), 'file');
    assert.equal(ind(status('79'), '12').target, 100);
  });

  test('a proportional share-out: persons 60+ and the population, whole numbers by the largest remainder', () => {
    const a = ok(share('--indicator', '17', '--method', 'proportional', '--target', '60', '--by', 'tinh'), 'elderly');
    assert.equal(a.json.base, 'elderly');
    // 60 x 4/6 and 60 x 2/6.
    assert.deepEqual(values(a.json), [['26734', 4, 40], ['26737', 2, 20]]);
    // 10 x 20/23 = 8.70 and 10 x 3/23 = 1.30: 8 + 1, the one left to the larger remainder (0.70).
    const b = ok(share('--indicator', '10', '--method', 'proportional', '--base', 'population', '--target', '10', '--dry-run'), 'population');
    assert.deepEqual(values(b.json), [['26734', 20, 9], ['26737', 3, 1]]);
    assert.equal(b.json.status, 'planned');
    const s = ind(status('79'), '17');
    assert.deepEqual(s.communes.map((c) => [c.unit, c.target]), [['26734', 40], ['26737', 20]]);
    assert.equal(s.adds_up, true);
    assert.equal(ind(status('79'), '10'), undefined, 'the dry run wrote nothing');
  });

  test('by hand: a share-out that does not add up is refused, naming the field, and changes nothing', () => {
    const bad = share('--indicator', '17', '--method', 'manual', '--shares', '26734=30,26737=20');
    assert.equal(bad.status, 3, bad.err);
    assert.equal(bad.json.error.code, 'shares_do_not_add_up');
    assert.equal(bad.json.error.field, 'shares');
    const unknown = share('--indicator', '17', '--method', 'manual', '--shares', '26734=40,26799=20');
    assert.equal(unknown.json.error.field, 'shares[1].unit');
    const nan = share('--indicator', '17', '--method', 'manual', '--shares', '26734=40,26737=x');
    assert.equal(nan.json.error.field, 'shares[1].value');
    assert.deepEqual(ind(status('79'), '17').communes.map((c) => c.target), [40, 20], 'unchanged');
    // A rate averages, weighted by the base: (92 x 20 + 80 x 3) / 23 = 90.43, not 90.
    const rate = share('--indicator', 'PMC', '--method', 'manual', '--base', 'population', '--target', '90', '--shares', '26734=92,26737=80');
    assert.equal(rate.json.error.code, 'shares_do_not_add_up');
    // (91.5 x 20 + 80 x 3) / 23 = 90.
    const fine = ok(share('--indicator', 'PMC', '--method', 'manual', '--base', 'population', '--target', '90', '--shares', '26734=91.5,26737=80'), 'rate');
    assert.equal(fine.json.total, 90);
    const other = share('--indicator', '17', '--method', 'proportional', '--target', '60', '--by', 'xa');
    assert.notEqual(other.status, 0);
    assert.match(other.err, /by:/);
    const noTarget = share('--indicator', '16', '--method', 'proportional');
    assert.equal(noTarget.json.error.field, 'target');
  });

  test('status: progress by direction, the path month by month, Strategy 1679 by default', () => {
    const s = status('79');
    // 17 (persons checked, a count that accumulates): E7 in February, E2 in
    // March: 2 by 30 June against a path of 60 x 181/365 = 29.75.
    const k17 = ind(s, '17');
    assert.deepEqual([k17.direction, k17.value, k17.progress], ['count', 2, 'behind']);
    assert.equal(k17.path[5], 29.75);
    assert.equal(k17.path[11], 60);
    assert.deepEqual(k17.actual.slice(0, 7), [0, 1, 2, 2, 2, 2, null]);
    // SRB: no yearly target: Strategy 1679's ceiling of 109, never a percentage.
    const srb = ind(s, 'SRB');
    assert.deepEqual([srb.direction, srb.target, srb.target_from, srb.share], ['ceiling', 109, '1679', null]);
    assert.ok(['on_track', 'behind'].includes(srb.progress));
    assert.deepEqual(srb.path, Array(12).fill(109));
    assert.match(s.source_1679, /1679/);
    // A commune inherits a rate's target from above, not a count's.
    const c = status('26734');
    assert.equal(ind(c, 'PMC').target, 91.5);
    assert.equal(ind(c, '17').target, 40);
    assert.equal(ind(c, '12'), undefined, 'the province\'s count of new users is not the commune\'s');
  });

  test('the annual report shows a ceiling\'s progress, not a share of it', () => {
    const r = ok(dansoOn('2026-06-30', 'report', '--db', db, '--form', '03-DSX', '--unit', '26734', '--period', '2026', '--format', 'json'), 'report').json;
    const srb = r.rows.find((x) => x.code === 'SRB');
    assert.equal(srb.direction, 'ceiling');
    assert.deepEqual(srb.target, [109]);
    assert.deepEqual(srb.share, [null]);
    const pmc = r.rows.find((x) => x.code === 'PMC');
    assert.equal(pmc.direction, 'reach');
    assert.deepEqual(pmc.target, [91.5]);
  });
});
