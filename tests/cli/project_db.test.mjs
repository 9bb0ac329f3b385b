// danso project --db and danso scenario, black box, on a generated province
// (danso gen): the projection's years recomputed by the independent oracle
// (demog_oracle.mjs, written from shared/spec/demography.md) from the inputs
// the output names; the base population equal to the annual report form's
// by sex and five-year group; births and deaths equal to the forms' over the
// rate years; a commune's and a collaborator area's borrowed schedules and
// their notes; scenarios saved, used and compared; every refusal with its
// field, exit status and nothing on stdout; every commune at once; XLSX.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, refused } from './outcome.mjs';
import { lifeTable, project } from './demog_oracle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.DANSO_BIN || 'build/danso');
const ENV = { ...process.env, DANSO_TODAY: '2026-11-22' };
delete ENV.DANSO_LANG;
const EXIT = { ok: 0, usage: 2, input: 3, notfound: 4 };

let dir, db, units;

function danso(...args) {
  const r = spawnSync(BIN, args, { env: ENV, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter(Boolean) };
}

const projectJson = (...args) => JSON.parse(ok(danso('project', '--db', db, ...args)));

function csvRows(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-projdb-'));
  const p = path.join(dir, 'p');
  ok(danso('gen', '--out', p, '--persons', '20000', '--seed', '21', '--province', '79', '--quiet'));
  db = path.join(dir, 'p.db');
  ok(danso('init', '--db', db));
  ok(danso('import', '--db', db, '--units', `${p}/units.csv`, '--households', `${p}/households.csv`,
    '--persons', `${p}/persons.csv`, '--as-of', '2023-01-01', '--quiet'));
  ok(danso('events', '--db', db, `${p}/events.ndjson`));
  units = csvRows(`${p}/units.csv`);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the projection is the spec\'s, recomputed by the oracle from the inputs it names', () => {
  const p = projectJson('--unit', '79', '--base', '2025-12-31', '--to', '2045');
  const i = p.inputs;
  assert.equal(i.base_date, '2025-12-31');
  assert.deepEqual(i.rates_years, { from: 2023, to: 2025 });
  assert.equal(i.scenario.name, 'base');
  // Single-year life tables from the rates the output gives, by the oracle.
  const S = {};
  for (const [s, key] of [['M', 'male'], ['F', 'female']]) {
    const mx = i.mortality[key].mx;
    assert.equal(mx.length, 101);
    const lt = lifeTable(s, mx.map((m, x) => ({ age: x, width: x < 100 ? 1 : null, mx: m, ax: null })));
    S[s] = lt.map((r) => r.Sx);
    assert.ok(Math.abs(lt[0].ex - i.mortality[key].e0) < 0.006, `e0 ${key}: ${lt[0].ex}`);
  }
  // ASFR by single age: each five-year group's rate for its ages 10-54.
  const asfr = Array(101).fill(0);
  i.fertility.asfr.forEach((f, g) => { for (let x = 10 + 5 * g; x < 15 + 5 * g; x++) asfr[x] = f; });
  assert.ok(Math.abs(5 * i.fertility.asfr.reduce((a, b) => a + b, 0) - i.fertility.tfr) < 1e-4);
  const o = project({
    n: 1, steps: 20, pop: { M: p.population.male[0], F: p.population.female[0] }, S, asfr,
    srb: i.srb.value, mig: { M: i.migration.male, F: i.migration.female }, migration: 'even',
  });
  let compared = 0;
  for (const r of o.population) {
    const got = (r.sex === 'M' ? p.population.male : p.population.female)[r.step][r.age];
    assert.ok(Math.abs(got - r.count) < 0.06 + 1e-7 * r.count, `${r.step} ${r.sex} ${r.age}: ${got} vs ${r.count}`);
    compared++;
  }
  assert.equal(compared, 20 * 2 * 101);
  // Births of each year: the oracle's over the step.
  for (let k = 1; k <= 20; k++) {
    const b = o.births.filter((x) => x.step === k).reduce((a, x) => a + x.births, 0);
    assert.ok(Math.abs(p.indicators[k].births - b) < 0.06, `births ${2025 + k}`);
  }
  // Indicators from the population itself.
  for (const y of [0, 10, 20]) {
    const pop = (s, lo, hi) => p.population[s][y].slice(lo, hi + 1).reduce((a, b) => a + b, 0);
    const both = (lo, hi) => pop('male', lo, hi) + pop('female', lo, hi);
    const ind = p.indicators[y];
    // (The single ages are rounded to 0.1: 202 of them are within 10.1 of the sum.)
    assert.ok(Math.abs(ind.population - both(0, 100)) < 10.1);
    assert.ok(Math.abs(ind.dependency_ratio - 100 * (both(0, 14) + both(65, 100)) / both(15, 64)) < 0.02);
    assert.ok(Math.abs(ind.ageing_index - 100 * both(60, 100) / both(0, 14)) < 0.02);
    assert.ok(Math.abs(ind.share_60_plus - 100 * both(60, 100) / both(0, 100)) < 0.02);
  }
});

test('it starts from the annual form\'s population, and counts the forms\' births and deaths', () => {
  const p = projectJson('--unit', '79', '--base', '2025-12-31', '--to', '2030');
  const form = (period) => JSON.parse(ok(danso('report', '--db', db, '--form', '03-DSX', '--unit', '79',
    '--period', period, '--columns', 'single', '--format', 'json')));
  const f = form('2025');
  const row = (r, code) => r.rows.find((x) => x.code === code);
  for (let g = 0; g < 21; g++) {
    const want = row(f, `A${String(5 * g).padStart(2, '0')}`);
    assert.equal(p.groups.male[0][g], want.male[0], `men ${p.groups.ages[g]}`);
    assert.equal(p.groups.female[0][g], want.female[0], `women ${p.groups.ages[g]}`);
  }
  assert.equal(p.indicators[0].population, row(f, '2').values[0]);
  let births = 0, deaths = 0;
  for (const y of ['2023', '2024', '2025']) {
    const r = form(y);
    births += row(r, '5').values[0];
    deaths += row(r, '6').values[0];
  }
  assert.equal(p.inputs.fertility.births, births);
  assert.equal(p.inputs.mortality.male.deaths + p.inputs.mortality.female.deaths, deaths);
});

test('a commune and an area borrow what they lack, and the output says which schedule', () => {
  const commune = units.find((u) => u.level === 'commune' && !u.valid_to).code;
  const c = projectJson('--unit', commune, '--base', '2025-12-31', '--to', '2030', '--lang', 'en');
  assert.equal(c.level, 'commune');
  assert.equal(c.inputs.srb.source, 'national');
  assert.match(c.inputs.notes.join('\n'), /SRB: \d+ births in 2023-2025 .*Viet Nam's 1\.12/);
  for (const key of ['male', 'female'])
    if (c.inputs.mortality[key].source !== 'register')
      assert.match(c.inputs.notes.join('\n'), /UN WPP 2024, 2020-2025/);
  // A collaborator area of a few dozen people.
  const area = units.find((u) => u.level === 'area').code;
  const a = projectJson('--unit', area, '--base', '2025-12-31', '--to', '2030', '--lang', 'en');
  assert.equal(a.level, 'area');
  for (const key of ['male', 'female']) {
    const m = a.inputs.mortality[key];
    assert.ok(['brass-1', 'national'].includes(m.source), `${key}: ${m.source}`);
    assert.ok(m.e0 > 55 && m.e0 < 95, `a plausible e0: ${m.e0}`);
  }
  assert.ok(['national-scaled', 'national'].includes(a.inputs.fertility.source));
  assert.ok(a.inputs.notes.length >= 3);
  for (const y of a.indicators.slice(1))
    for (const [k, v] of Object.entries(y)) assert.ok(Number.isFinite(v), `${y.year} ${k} is ${v}`);
  // In Vietnamese.
  const vi = projectJson('--unit', area, '--base', '2025-12-31', '--to', '2030', '--lang', 'vi');
  assert.match(vi.inputs.notes.join('\n'), /Tỷ số giới tính khi sinh: .* dùng mức của cả nước 1\.12/);
});

test('scenarios: saved on the record log, used, compared, refused with the field named', () => {
  ok(danso('scenario', 'save', '--db', db, '--unit', '79', '--base', '2025-12-31', '--name', 'thap',
    '--label', 'Mức sinh thấp', '--tfr', '1.6@2035', '--srb', '1.06@2030', '--e0-gain', '0.2', '--migration', 'off'));
  const list = JSON.parse(ok(danso('scenario', 'list', '--db', db, '--unit', '79')));
  assert.deepEqual(list.map((x) => x.name), ['thap']);
  assert.deepEqual(list[0].body.tfr, { value: 1.6, year: 2035 });
  const p = projectJson('--unit', '79', '--base', '2025-12-31', '--to', '2040', '--scenario', 'thap');
  const y = Object.fromEntries(p.indicators.map((x) => [x.year, x]));
  const t0 = y[2025].tfr;
  assert.ok(Math.abs(y[2030].tfr - (t0 + (1.6 - t0) / 2)) < 1e-4, 'halfway in 2030');
  assert.equal(y[2035].tfr, 1.6);
  assert.equal(y[2040].tfr, 1.6);
  assert.equal(y[2030].srb, 1.06);
  assert.ok(Math.abs(y[2035].e0_female - (y[2025].e0_female + 2)) < 0.011);
  assert.equal(p.inputs.migration.used, false);
  assert.equal(p.inputs.scenario.label, 'Mức sinh thấp');
  // Saving the name again replaces it.
  ok(danso('scenario', 'save', '--db', db, '--unit', '79', '--base', '2025-12-31', '--name', 'thap', '--tfr', '1.7@2035'));
  const again = JSON.parse(ok(danso('scenario', 'list', '--db', db, '--unit', '79')));
  assert.equal(again.length, 1);
  assert.deepEqual(again[0].body.tfr, { value: 1.7, year: 2035 });
  // Side by side, in CSV: every table has a scenario column.
  const csv = ok(danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2030',
    '--scenario', 'base,thap', '--format', 'csv'));
  const ind = csv.split('\n\n')[1].split('\n').slice(1);
  assert.deepEqual([...new Set(ind.map((l) => l.split(',')[0]))], ['base', 'thap']);
  assert.equal(ind.length, 12);
  // Refusals.
  refused(danso('scenario', 'save', '--db', db, '--unit', '79', '--base', '2025-12-31', '--name', 'x', '--srb', '1.4@2030'),
    EXIT.input, 'danso scenario: body.srb.value: the sex ratio at birth must be between 0.9 and 1.3 (male births per female birth)');
  refused(danso('scenario', 'save', '--db', db, '--unit', '79', '--base', '2025-12-31', '--name', 'x', '--tfr', '1.5@2024'),
    EXIT.input, 'danso scenario: body.tfr.year: a scenario\'s path cannot reach its value in a year before the base year');
  // A path that was fine for its own base, but not for a later one.
  ok(danso('scenario', 'save', '--db', db, '--unit', '79', '--base', '2025-12-31', '--name', 'som', '--tfr', '1.9@2025'));
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2026-06-30', '--to', '2030', '--scenario', 'som'),
    EXIT.input, 'danso project: scenario.tfr.year: a scenario\'s path cannot reach its value in a year before the base year');
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2030', '--scenario', 'nope'),
    EXIT.notfound, 'danso project: scenario: no saved scenario of this name for this unit');
});

test('bad requests are refused with the field named and nothing written', () => {
  const base = ['project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2030'];
  refused(danso('project', '--db', db, '--unit', '99999', '--base', '2025-12-31', '--to', '2030'),
    EXIT.notfound, 'danso project: unit: no such administrative unit');
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2026-12-01', '--to', '2030'),
    EXIT.input, 'danso project: base: date is in the future');
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2025'),
    EXIT.input, 'danso project: to: the horizon must be a year after the base date\'s year');
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2200'),
    EXIT.input, 'danso project: to: value out of range');
  refused(danso('project', '--db', db, '--unit', '79', '--base', '2025-02-30', '--to', '2030'),
    EXIT.usage, 'danso project: --base: not a valid value');
  assert.equal(danso('project', '--db', db, '--unit', '79', '--to', '2030').status, EXIT.usage);
  assert.equal(danso(...base, '--format', 'xlsx').status, EXIT.usage, 'xlsx needs -o');
  // In Vietnamese.
  const r = spawnSync(BIN, ['project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2020'],
    { env: { ...ENV, DANSO_LANG: 'vi' }, encoding: 'utf8' });
  assert.match(r.stderr, /to: năm dự báo cuối phải sau năm của ngày gốc/);
});

test('a new commune before the merger: today\'s map unless one is given', () => {
  const merged = units.find((u) => u.level === 'commune' && u.valid_from === '2025-07-01').code;
  const p = projectJson('--unit', merged, '--base', '2024-12-31', '--to', '2030');
  assert.equal(p.map_date, '2026-11-22');
  assert.ok(p.indicators[0].population > 0);
  refused(danso('project', '--db', db, '--unit', merged, '--base', '2024-12-31', '--to', '2030', '--map-date', '2024-12-31'),
    EXIT.notfound, 'danso project: unit: no such administrative unit');
});

test('every commune, each from its own register', () => {
  const r = danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2050', '--communes');
  const all = JSON.parse(ok(r));
  const want = units.filter((u) => u.level === 'commune' && u.valid_from <= '2025-12-31' && (!u.valid_to || u.valid_to >= '2025-12-31'));
  assert.deepEqual(all.map((c) => c.unit).sort(), want.map((u) => u.code).sort());
  const province = projectJson('--unit', '79', '--base', '2025-12-31', '--to', '2030');
  assert.equal(all.reduce((a, c) => a + c.population, 0), province.indicators[0].population);
  for (const c of all) assert.ok(c.e0_female > c.e0_male && c.tfr > 0, c.unit);
  assert.match(r.stderr, new RegExp(`project: ${want.length} communes of 79, each from its own register, to 2050 in [0-9.]+ s`));
});

test('XLSX: one sheet per table', () => {
  const file = path.join(dir, 'p.xlsx');
  ok(danso('project', '--db', db, '--unit', '79', '--base', '2025-12-31', '--to', '2030', '--format', 'xlsx', '-o', file, '--lang', 'en'));
  const py = 'import json,sys,openpyxl\nwb=openpyxl.load_workbook(sys.argv[1])\n'
    + 'print(json.dumps({ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb.worksheets}, ensure_ascii=False, default=str))';
  const book = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  assert.deepEqual(Object.keys(book), ['Inputs', 'Indicators', 'Five-year groups', 'Single ages', 'Life tables']);
  const inputs = Object.fromEntries(book.Inputs.slice(1).map(([k, v]) => [k, v]));
  assert.equal(inputs.base_date, '2025-12-31');
  assert.equal(inputs.rates_years, '2023-2025');
  assert.equal(book.Indicators.length, 1 + 6);
  assert.equal(book['Five-year groups'].length, 1 + 6 * 2 * 21);
  assert.equal(book['Single ages'].length, 1 + 6 * 2 * 101);
  assert.equal(book['Life tables'].length, 1 + 2 * 101);
});
