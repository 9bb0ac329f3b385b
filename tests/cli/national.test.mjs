// A national register: three provinces generated apart, imported one after
// the other into one register, and the national report (--unit VN), one
// column per province.  Every province's column must be that province's own
// report (its total column), computed on its own; the national total of a
// count is the sum of the provinces' (no person is in two provinces); a
// unit the register does not hold is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { danso, ok } from './run.mjs';

const PROVINCES = ['01', '48', '79'];

// A report's JSON as its column codes and, per row code, the value of each column.
function table(r) {
  const head = r.json.columns.map((c) => c.code);
  const rows = new Map(r.json.rows.map((row) => [row.code, Object.fromEntries(head.map((h, i) => [h, row.values[i]]))]));
  return { head, rows };
}

test('the national report has one column per province, each equal to that province\'s own report', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-national-'));
  const db = path.join(dir, 'n.db');
  ok(danso('init', '--db', db), 'init');
  PROVINCES.forEach((p, i) => {
    const out = path.join(dir, `p${p}`);
    ok(danso('gen', '--out', out, '--persons', '3000', '--seed', String(11 + i), '--province', p), `gen ${p}`);
    ok(danso('import', '--db', db, '--units', `${out}/units.csv`, '--households', `${out}/households.csv`,
      '--persons', `${out}/persons.csv`, '--as-of', '2023-01-01'), `import ${p}`);
    ok(danso('events', '--db', db, `${out}/events.ndjson`), `events ${p}`);
  });
  for (const [form, period] of [['03-DSX', '2024'], ['01-DSX', '2025-03'], ['02-DSX', '2024-Q4']]) {
    const n = table(ok(danso('report', '--db', db, '--form', form, '--unit', 'VN', '--period', period, '--format', 'json'), `${form} VN`));
    assert.deepEqual(n.head, [...PROVINCES, 'VN'], `${form}: a column per province, then the country`);
    for (const p of PROVINCES) {
      const t = table(ok(danso('report', '--db', db, '--form', form, '--unit', p, '--period', period, '--format', 'json'), `${form} ${p}`));
      for (const [code, row] of t.rows)
        assert.equal(n.rows.get(code)[p], row[p], `${form} ${period} row ${code}: province ${p}`);
    }
    // Counts add up over the provinces (rates and ratios are not counts).
    for (const code of ['1', '2', '3']) {
      const row = n.rows.get(code);
      if (!row) continue;
      const sum = PROVINCES.reduce((s, p) => s + row[p], 0);
      assert.equal(row.VN, sum, `${form} row ${code}: the country is the sum of its provinces`);
    }
    assert.ok(n.rows.get('1').VN > 3 * 500, `${form}: the country counts the households of all three`);
  }
  const json = danso('report', '--db', db, '--form', '03-DSX', '--unit', 'VN', '--period', '2024', '--format', 'json');
  ok(json, 'json');
  assert.equal(json.json.unit.name, 'Toàn quốc');
  assert.equal(json.json.unit.level, 'country');
  const bad = danso('report', '--db', db, '--form', '03-DSX', '--unit', '99', '--period', '2024');
  assert.notEqual(bad.status, 0, 'a unit the register does not hold is refused');
  fs.rmSync(dir, { recursive: true, force: true });
});
