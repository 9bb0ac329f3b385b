// danso worklist on the work-list fixture (tests/data/worklist/README.md):
// every list's members as worked out by hand, the spec's output shape
// (workflows.md), --by checked as the API checks it, CSV and XLSX, and the
// refusals naming the field.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { danso, ok } from './run.mjs';

const FIX = 'tests/data/worklist';
let dir, db;

const wl = (list, unit, date, ...more) => danso('worklist', '--db', db, '--list', list, '--unit', unit, '--date', date, '--format', 'json', ...more);
const ids = (r) => r.json.items.map((i) => i.person_id);

describe('danso worklist', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-worklist-'));
    db = path.join(dir, 'w.db');
    ok(danso('init', '--db', db), 'init');
    ok(danso('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`,
      '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet'), 'import');
    ok(danso('events', '--db', db, `${FIX}/events.ndjson`), 'events');
    ok(danso('user', 'add', '--db', db, '--login', 'ctv', '--role', 'collaborator', '--unit', '2673400102', '--password-file', writePw()), 'user');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the members worked out by hand, in the spec\'s shape', () => {
    const want = {
      elderly: ['E1', 'E3', 'E5'], prenatal: ['W1', 'W2'], newborn: ['K2', 'K4'], premarital: ['W9', 'M2'],
      'poor-fp': ['W2', 'W6', 'W4', 'W8', 'W3', 'W7'], 'third-births': ['W5', 'W7'],
    };
    for (const [list, members] of Object.entries(want)) {
      const r = ok(wl(list, '26734', '2026-06-30'), list);
      assert.equal(r.json.list, list);
      assert.equal(r.json.unit, '26734');
      assert.equal(r.json.date, '2026-06-30');
      assert.deepEqual(ids(r), members, list);
      for (const i of r.json.items) assert.ok(i.name && i.area, JSON.stringify(i));
    }
  });

  test('the edge cases: turning 60, a miscarriage, a household poor from mid-year', () => {
    assert.deepEqual(ids(ok(wl('elderly', '26734', '2026-05-19'), 'elderly')), ['E1', 'E5']);
    assert.deepEqual(ids(ok(wl('prenatal', '26734', '2026-04-14'), 'prenatal')), ['W5', 'W2', 'W3']);
    assert.deepEqual(ids(ok(wl('poor-fp', '26734', '2026-05-14'), 'poor-fp')), ['W2', 'W6', 'W3', 'W7']);
    const p = ok(wl('poor-fp', '26734', '2026-06-30', '--months', '1'), 'plan').json.plan;
    assert.deepEqual(p.supplies.map((x) => [x.method, x.women, x.quantity]), [[4, 1, 1], [5, 1, 10], [2, 0, 0], [3, 1, 1], [1, 1, 1]]);
    assert.deepEqual(p.by_method, [{ method: 0, women: 2 }, { method: 1, women: 1 }, { method: 3, women: 1 }, { method: 4, women: 1 }, { method: 5, women: 1 }]);
    assert.equal(p.without_method, 2);
    const p12 = ok(wl('poor-fp', '26734', '2026-06-30', '--months', '12'), 'plan').json.plan;
    assert.deepEqual(p12.supplies.map((x) => x.quantity), [12, 120, 0, 1, 1]);
  });

  test('--by: the account\'s own area, and nothing outside', () => {
    const own = ok(wl('elderly', '2673400102', '2026-06-30', '--by', 'ctv'), 'own');
    assert.deepEqual(ids(own), ['E5']);
    const out = wl('elderly', '26734', '2026-06-30', '--by', 'ctv');
    assert.notEqual(out.status, 0);
    assert.match(out.err, /unit/);
  });

  test('CSV with Vietnamese headers, XLSX to a file', () => {
    const c = danso('worklist', '--db', db, '--list', 'newborn', '--unit', '26734', '--date', '2026-06-30', '--format', 'csv');
    assert.equal(c.status, 0, c.err);
    assert.match(c.out, /Họ tên/);
    assert.match(c.out, /Lý Thị Ba Mươi Ngày/);
    const x = path.join(dir, 'e.xlsx');
    ok(danso('worklist', '--db', db, '--list', 'elderly', '--unit', '26734', '--format', 'xlsx', '-o', x), 'xlsx');
    assert.equal(fs.readFileSync(x).subarray(0, 2).toString(), 'PK');
  });

  test('refusals name the field', () => {
    for (const [args, field] of [
      [['--list', 'nope', '--unit', '26734'], 'list'],
      [['--list', 'elderly', '--unit', '99999'], 'unit'],
      [['--list', 'elderly', '--unit', '26734', '--date', '2026-02-30'], 'date'],
      [['--list', 'premarital', '--unit', '26734', '--date', '2026-03-01', '--from', '2026-04-01'], 'from'],
    ]) {
      const r = danso('worklist', '--db', db, ...args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.err, new RegExp(`${field}:`), r.err);
    }
  });
});

function writePw() {
  const f = path.join(dir, 'pw');
  fs.writeFileSync(f, 'mật-khẩu-đủ-dài-2026\n');
  return f;
}

// A province's poor-fp list is scanned by two threads, each over about half
// of the spells (engine_worklist.c, from 16 areas on); each area's own list
// is scanned by one.  The province's list must be exactly the areas' lists
// put together, each woman once with her method.
test('a province\'s poor-fp list, two threads, equals its areas\' lists', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-wl2-'));
  try {
    const out = path.join(d, 'p'), pdb = path.join(d, 'p.db');
    ok(danso('gen', '--out', out, '--persons', '20000', '--seed', '5', '--years', '1', '--quiet'), 'gen');
    ok(danso('init', '--db', pdb), 'init');
    ok(danso('import', '--db', pdb, '--units', `${out}/units.csv`, '--households', `${out}/households.csv`,
      '--persons', `${out}/persons.csv`, '--as-of', '2023-01-01', '--quiet'), 'import');
    ok(danso('events', '--db', pdb, `${out}/events.ndjson`), 'events');
    const list = (unit) => ok(danso('worklist', '--db', pdb, '--list', 'poor-fp', '--unit', unit, '--date', '2023-12-31', '--format', 'json'), unit).json;
    const prov = list('79');
    const areas = fs.readFileSync(`${out}/units.csv`, 'utf8').trim().split('\n').map((l) => l.split(','))
      .filter((c) => c[2] === 'area').map((c) => c[0]);
    assert.ok(areas.length >= 16, `${areas.length} areas: the threaded path`);
    const parts = areas.flatMap((a) => list(a).items.map((i) => `${i.area} ${i.person_id} ${i.method}`));
    const whole = prov.items.map((i) => `${i.area} ${i.person_id} ${i.method}`);
    assert.ok(whole.length > 100, `${whole.length} women`);
    assert.deepEqual([...whole].sort(), [...parts].sort());
    // The plan for 3 months from the women's methods, by the documented
    // rates (units per woman-months): pills 1/1, condoms 10/1, injections
    // 1/3, implants 1/30 (2.5 years), IUDs 5/276 (4.6 years), rounded up.
    const rate = { 4: [1, 1], 5: [10, 1], 2: [1, 3], 3: [1, 30], 1: [5, 276] };
    const women = (m) => prov.items.filter((i) => i.method === m).length;
    assert.deepEqual(prov.plan.supplies.map((s) => [s.method, s.women, s.quantity]),
      [4, 5, 2, 3, 1].map((m) => [m, women(m), Math.ceil((women(m) * 3 * rate[m][0]) / rate[m][1])]));
    assert.ok(women(1) > 0 && women(3) > 0, 'IUD and implant users in the province');
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
