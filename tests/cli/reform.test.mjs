// Changes of the administrative map from the command line (danso units
// apply --crosswalk, danso series), black box, on the fixture of
// tests/data/reform: province 01 with district 001 and five communes; the
// crosswalk (effective 2025-07-01) merges An, Bình and Cát into Hợp Nhất
// (00100), splits Dương into Dương Bắc (00103, village 00019001) and Dương
// Nam (00106, village 00019002), moves Đông (00022) under the province and
// closes the district.
//
// Hand-counted from the fixture: on 31 December 2024 (and 1 July 2025)
// An 4 persons (3 + a birth), Bình 1 (2, one moved to Cát), Cát 6 (4 + a
// birth + the one who came), Dương Bắc's village 3 (2 + a birth), Dương
// Nam's 2 (3 - a death), Đông 2.  Births in 2024: An 1 (March), Cát 1
// (May), Dương Bắc 1 (June); later: Bình 2025-09, Dương Bắc 2025-10,
// Đông 2026-02.  The move Bình -> Cát (2024-09) is a migration between
// communes under the 2024 map, and none inside Hợp Nhất.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { danso, ok } from './run.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FX = path.join(ROOT, 'tests/data/reform');
const HEADER = 'old_code,new_code,new_name,level,new_parent,effective,areas';
const UNITS = ['01', '001', '00013', '00016', '00019', '00019002', '0001000101'];
const FORMS = [['01-DSX', ['2024-03', '2024-08', '2024-09']],
  ['02-DSX', ['2024-Q2', '2024-Q3']], ['03-DSX', ['2024']],
  ['01-DSH', ['2024-Q1', '2024-Q3']], ['CHI-BAO', ['2024']]];

function fixture(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-reform-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'r.db');
  ok(danso('init', '--db', db), 'init');
  ok(danso('import', '--db', db, '--units', `${FX}/units.csv`, '--households', `${FX}/households.csv`,
    '--persons', `${FX}/persons.csv`, '--as-of', '2024-01-01', '--quiet'), 'import');
  ok(danso('events', '--db', db, `${FX}/events.ndjson`), 'events');
  return { dir, db };
}

// Every report of 2024 under the 2024 map (the period's last day), as CSV
// (which carries no generation time): exit status and text, per report.
function reports2024(db) {
  const out = [];
  for (const u of UNITS)
    for (const [form, periods] of FORMS)
      for (const p of periods) {
        const r = danso('report', '--db', db, '--form', form, '--unit', u, '--period', p, '--format', 'csv');
        out.push(`== ${form} ${u} ${p} ${r.status}\n${r.out}${r.err}`);
      }
  return out;
}

// The value of a row in a one-column JSON report.
function row(db, form, unit, period, code, mapDate) {
  const args = ['report', '--db', db, '--form', form, '--unit', unit, '--period', period, '--format', 'json'];
  if (mapDate) args.push('--map-date', mapDate);
  const r = ok(danso(...args), `report ${form} ${unit} ${period}`);
  const rowj = r.json.rows.find((x) => x.code === code);
  assert.ok(rowj, `row ${code} in ${r.out.slice(0, 200)}`);
  return rowj.values[rowj.values.length - 1];
}

function crosswalk(dir, name, lines) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, [HEADER, ...lines].join('\n') + '\n');
  return p;
}

// Each case [name, lines, tail] is refused (exit 3) with file + tail among its problems.
function refusals(dir, db, cases) {
  for (const [name, lines, tail] of cases) {
    const f = crosswalk(dir, `${name}.csv`, lines);
    const r = danso('units', 'apply', '--db', db, '--crosswalk', f);
    assert.equal(r.status, 3, `${name}: ${r.err}`);
    assert.ok(r.err.includes(f + tail), `${name}: expected ${f + tail}\nin:\n${r.err}`);
    assert.ok(r.err.includes('nothing applied'), name);
  }
}

test('a crosswalk merging three communes and splitting one: the 2024 map unchanged, the new map the sum of its areas', (t) => {
  const { dir, db } = fixture(t);
  const before = reports2024(db);
  const cw = path.join(dir, 'crosswalk.csv');
  fs.copyFileSync(`${FX}/crosswalk.csv`, cw);

  const pv = ok(danso('units', 'apply', '--db', db, '--crosswalk', cw, '--preview', '--json'), 'preview');
  const pop = Object.fromEntries(pv.json.units.map((u) => [u.code, u.population]));
  assert.deepEqual(pop, { '00022': 2, '00100': 11, '00103': 3, '00106': 2 });
  assert.equal(pv.json.areas_moved, 6);
  const moved = Object.fromEntries(pv.json.areas.map((a) => [a.area, [a.old, a.new]]));
  assert.deepEqual(moved['0001300101'], ['01/001/00013/00013001/0001300101', '01/00100/00013001/0001300101']);
  assert.deepEqual(moved['0001900201'], ['01/001/00019/00019002/0001900201', '01/00106/00019002/0001900201']);
  // A preview applies nothing: the new unit is still unknown.
  assert.notEqual(danso('report', '--db', db, '--form', '03-DSX', '--unit', '00100', '--period', '2025').status, 0);

  const r = ok(danso('units', 'apply', '--db', db, '--crosswalk', cw), 'apply');
  assert.match(r.out, /11 rows ended, 9 rows begun/);

  // Every report of 2024 under the 2024 map: byte for byte the same.
  const after = reports2024(db);
  assert.equal(after.length, before.length);
  for (let i = 0; i < before.length; i++) assert.equal(after[i], before[i]);

  // Under the new map, 2024 re-counted: each new unit is the sum of its areas.
  const NEW = '2026-01-01';
  assert.equal(row(db, '03-DSX', '00100', '2024', '2', NEW), 11); // 4 + 1 + 6
  assert.equal(row(db, '03-DSX', '00100', '2024', '5', NEW), 2); // An 1 + Cát 1
  assert.equal(row(db, '03-DSX', '00103', '2024', '2', NEW), 3);
  assert.equal(row(db, '03-DSX', '00103', '2024', '5', NEW), 1);
  assert.equal(row(db, '03-DSX', '00106', '2024', '2', NEW), 2);
  assert.equal(row(db, '03-DSX', '00106', '2024', '6', NEW), 1); // the death
  assert.equal(row(db, '03-DSX', '01', '2024', '2', NEW), 18);
  // The move Bình -> Cát: between communes in 2024's map, inside Hợp Nhất in the new one.
  assert.equal(row(db, '03-DSX', '00016', '2024', '7'), 1);
  assert.equal(row(db, '03-DSX', '00013', '2024', '8'), 1);
  assert.equal(row(db, '03-DSX', '00100', '2024', '7', NEW), 0);
  assert.equal(row(db, '03-DSX', '00100', '2024', '8', NEW), 0);
  // The old map is still there for any later period too.
  assert.equal(row(db, '03-DSX', '00013', '2025', '5', '2025-06-30'), 1); // the birth of 2025-09 in Bình's area
  assert.equal(row(db, '03-DSX', '00100', '2025', '5'), 1);

  // Applied twice: the old units are no longer open.
  const again = danso('units', 'apply', '--db', db, '--crosswalk', cw);
  assert.equal(again.status, 3);
  assert.ok(again.err.includes(`${cw}:2: old_code: the unit is not open on the day before the effective date`), again.err);
});

test('the series of a new commune runs on across 1 July 2025; an old commune keeps its own under the old map', (t) => {
  const { dir, db } = fixture(t);
  const cw = path.join(dir, 'crosswalk.csv');
  fs.copyFileSync(`${FX}/crosswalk.csv`, cw);
  ok(danso('units', 'apply', '--db', db, '--crosswalk', cw), 'apply');
  const s = ok(danso('series', '--db', db, '--row', '5', '--unit', '00100', '--from', '2023-01', '--to', '2026-10',
    '--format', 'json'), 'series');
  assert.equal(s.json.map_date, '2026-11-22');
  assert.equal(s.json.points.length, 46);
  const births = Object.fromEntries(s.json.points.filter((p) => p.value).map((p) => [p.period, p.value]));
  assert.deepEqual(births, { '2024-03': 1, '2024-05': 1, '2025-09': 1 });
  const popl = ok(danso('series', '--db', db, '--row', '2', '--unit', '00100', '--from', '2024-08', '--to', '2024-10'), 'pop');
  // The move Bình -> Cát of 2024-09 stays inside Hợp Nhất.
  assert.equal(popl.out, 'period,value\n2024-08,11\n2024-09,11\n2024-10,11\n');
  // Bình no longer exists: its series is read under the map of its last day.
  const old = ok(danso('series', '--db', db, '--row', '5', '--unit', '00013', '--format', 'json'), 'old unit');
  assert.equal(old.json.map_date, '2025-06-30');
  const oldBirths = Object.fromEntries(old.json.points.filter((p) => p.value).map((p) => [p.period, p.value]));
  assert.deepEqual(oldBirths, { '2025-09': 1 });
});

test('every invalid crosswalk is refused with its line, field and reason, and nothing is applied', (t) => {
  const { dir, db } = fixture(t);
  const before = reports2024(db).join('') + map2026(db);
  const cases = [
    ['orphan', ['00010,,,,,2025-07-01,'],
      ':2: areas[00010001]: this unit would be left without a parent: say where it goes'],
    ['split-unassigned', ['00019,00103,Xã Bắc,commune,01,2025-07-01,00019001', '00019,00106,Xã Nam,commune,01,2025-07-01,'],
      ':2: areas[00019002]: this unit would be left without a parent: say where it goes'],
    ['reused-code', ['00013,00010,Xã Mới,commune,01,2025-07-01,'],
      ':2: new_code: this code is or was another unit\'s: codes are never given again (Decision 19/2025); to keep the unit, give its code as old_code too'],
    ['not-child', ['00019,00103,Xã Bắc,commune,01,2025-07-01,00019001 00010001', '00019,00106,Xã Nam,commune,01,2025-07-01,00019002'],
      ':2: areas[00010001]: this unit is not directly under the old unit on the day before'],
    ['twice', ['00019,00103,Xã Bắc,commune,01,2025-07-01,00019001', '00019,00106,Xã Nam,commune,01,2025-07-01,00019001 00019002'],
      ':2: areas[00019001]: this unit is sent to two new units'],
    ['no-parent', ['00010,00100,Xã Mới,commune,99,2025-07-01,'],
      ':2: new_parent: the parent unit does not exist on these dates'],
    ['parent-level', ['00010,00100,Xã Mới,commune,00013,2025-07-01,'],
      ':2: new_parent: the parent unit is not of the level above'],
    ['disagree', ['00010,00100,Xã Mới,commune,01,2025-07-01,', '00013,00100,Xã Khác,commune,01,2025-07-01,'],
      ':3: new_name: this differs from an earlier line of the same unit'],
    ['dates-disagree', ['00019,00103,Xã Bắc,commune,01,2025-07-01,00019001', '00019,00106,Xã Nam,commune,01,2025-08-01,00019002'],
      ':3: effective: this differs from an earlier line of the same unit'],
    ['unknown', ['00099,00100,Xã Mới,commune,01,2025-07-01,'], ':2: old_code: no such administrative unit'],
    ['area-closed', ['0001000101,,,,,2025-07-01,'],
      ':2: old_code: an area holds households: it can be renamed or moved, not closed, merged or split'],
    ['level-change', ['00022,00022,,village,,2025-07-01,'], ':2: level: a unit keeps its level: another level needs a new code'],
    ['level-change-merged', ['00013,00022,Xã Đông,village,01,2025-07-01,', '00022,00022,,,,2025-07-01,'],
      ':2: level: a unit keeps its level: another level needs a new code'],
    ['new-code-digits', [',00100001,Xã Mới,commune,01,2025-07-01,'], ':2: new_code: unit code has the wrong number of digits for its level'],
    ['bad-date', ['00010,00100,Xã Mới,commune,01,2025-13-01,'], ':2: effective: '],
    ['no-codes', [',,Xã Mới,commune,01,2025-07-01,'], ':2: new_code: a line needs an old code, a new code or both'],
    ['missing-name', [',00100,,commune,01,2025-07-01,'], ':2: new_name: '],
  ];
  refusals(dir, db, cases);
  // An empty file, and one with the header alone.
  for (const [name, text] of [['empty', ''], ['header-only', `${HEADER}\n`]]) {
    const f = path.join(dir, `${name}.csv`);
    fs.writeFileSync(f, text);
    const r = danso('units', 'apply', '--db', db, '--crosswalk', f);
    assert.equal(r.status, 3, `${name}: ${r.err}`);
    assert.ok(r.err.includes(`${f}: the file is empty\n`), `${name}: ${r.err}`);
    assert.ok(r.err.includes('nothing applied'), name);
  }
  // A header that is not a crosswalk's.
  const bad = path.join(dir, 'header.csv');
  fs.writeFileSync(bad, 'code,name\n00010,x\n');
  const h = danso('units', 'apply', '--db', db, '--crosswalk', bad);
  assert.equal(h.status, 3, h.err);
  assert.match(h.err, /header\.csv:1: /);
  // Nothing of any of them was applied.
  assert.equal(reports2024(db).join('') + map2026(db), before);
  assert.notEqual(danso('report', '--db', db, '--form', '03-DSX', '--unit', '00100', '--period', '2025').status, 0);
});

// The map of 2026 as the province's annual form names its communes.
function map2026(db) {
  const r = ok(danso('report', '--db', db, '--form', '03-DSX', '--unit', '01', '--period', '2026', '--format', 'json'), 'map');
  return JSON.stringify(r.json.columns.map((c) => [c.code, c.name]));
}

test('a change dated on or before a unit\'s last change overlaps it: refused with line, field and reason, nothing applied', (t) => {
  const { dir, db } = fixture(t);
  const cw = path.join(dir, 'crosswalk.csv');
  fs.copyFileSync(`${FX}/crosswalk.csv`, cw);
  ok(danso('units', 'apply', '--db', db, '--crosswalk', cw), 'apply');
  // Đông's village goes to Hợp Nhất on 2026-01-01.
  ok(danso('units', 'apply', '--db', db, '--crosswalk', crosswalk(dir, 'move.csv', ['00022001,00022001,,,00100,2026-01-01,'])), 'move');
  const before = reports2024(db).join('') + map2026(db);
  const cases = [
    // Đông was moved under the province on 2025-07-01: a rename from an earlier date overlaps that row.
    ['before', ['00022,00022,Xã Đông Cũ,,,2025-03-01,'], ':2: effective: this unit already has a row covering these dates'],
    // Hợp Nhất began on 2025-07-01: a change of the same day overlaps it.
    ['same-day', ['00100,00100,Xã Hợp Nhất Hai,,,2025-07-01,'], ':2: effective: this unit already has a row covering these dates'],
    // Đông merged on 2025-09-01: its village left it on 2026-01-01, a later row.
    ['child', ['00022,00109,Xã Tây,commune,01,2025-09-01,'],
      ':2: areas[00022001]: this unit already has a row covering these dates'],
  ];
  refusals(dir, db, cases);
  assert.equal(reports2024(db).join('') + map2026(db), before);
});
