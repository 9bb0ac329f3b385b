// danso lifetable and danso project --in DIR, black box, against the real
// binary (DANSO_BIN): the contract of shared/spec/demography.md ("Inputs
// from files"), published worked examples, small fixtures computed by hand
// (the arithmetic is in the comments), an independent oracle
// (demog_oracle.mjs), and every kind of bad input, which must be refused
// with its file, line and column, a non-zero exit and nothing on stdout.
//
// Published figures: Preston, Heuveline and Guillot, Demography (2001),
// box 3.1 (Austria, males, 1992) and box 6.2 (Sweden, females, 1993-98),
// as transcribed in ihmeuw-demographics/demCore data-raw/austria_1992_lt.R
// and markalava/ccmppWPP data-raw/sweden_1993.R (tests/unit/test_demog.c
// says more); the input files are under tests/data/demog/.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, refused } from './outcome.mjs';
import { lifeTable, ratiosFromL, project } from './demog_oracle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.DANSO_BIN || 'build/danso');
const DATA = path.join(ROOT, 'tests/data/demog');
const ENV = { ...process.env };
delete ENV.DANSO_LANG;

// Exit statuses (README, "Exit codes").
const EXIT = { ok: 0, usage: 2, input: 3, io: 6 };

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-demog-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function danso(cwd, ...args) {
  const r = spawnSync(BIN, args, { cwd, env: ENV, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter(Boolean) };
}

function write(dir, name, lines) {
  fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  return path.join(dir, name);
}

// CSV text (no quoting in these outputs) to objects; numbers parsed, empty to null.
function parseCsv(text) {
  const [head, ...rows] = text.trim().split('\n');
  const names = head.split(',');
  return rows.map((line) => {
    const v = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, v[i] === '' ? null : /^[-0-9.]+$/.test(v[i]) ? Number(v[i]) : v[i]]));
  });
}

// The two sections of danso project's CSV.
function parseProjectCsv(text) {
  const [pop, births] = text.split('\n\n');
  assert.ok(pop.startsWith('step,sex,age,count\n'), 'population section header');
  assert.ok(births.startsWith('step,mother_age,births\n'), 'births section header');
  return { population: parseCsv(pop), births: parseCsv(births) };
}

function near(actual, expected, tol, what) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual}, expected ${expected} +- ${tol}`);
}

// A copy of a fixture folder, to spoil one file of it.
function copyDir(t, from) {
  const dir = tmpdir(t);
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  return dir;
}

// ---- the fixtures ----

// Single-year, females, computed by hand (tests/unit/test_demog.c has the steps):
// l1 = 100000 x 19/21, L0 = 100000 x 20/21, l2 = 100000 x 171/231,
// L1 = 100000 x 190/231, L2 = T2 = 100000 x 342/231, e1 = 28/11, e2 = 2,
// Sb = 20/21, S1 = 19/22, S2 = 9/14.
const TINY = ['sex,age,width,mx,ax', 'F,0,1,0.1,0.5', 'F,1,1,0.2,0.5', 'F,2,,0.5,'];
const TINY_EXPECTED = [
  { age: 0, width: 1, qx: 2 / 21, lx: 1e5, Lx: 1e5 * 20 / 21, ex: 1e5 * (20 / 21 + 532 / 231) / 1e5, Sx: 20 / 21 },
  { age: 1, width: 1, qx: 2 / 11, lx: 1e5 * 19 / 21, Lx: 1e5 * 190 / 231, ex: 28 / 11, Sx: 19 / 22 },
  { age: 2, width: null, qx: 1, lx: 1e5 * 171 / 231, Lx: 1e5 * 342 / 231, ex: 2, Sx: 9 / 14 },
];

// Four groups, computed by hand (tests/unit/test_demog.c, "a small step"):
// every S = 0.9, ASFR 0.1 at 10-14, SRB 1, females 100, 80, 60, 40 with
// migrants 10, 0, -20, 4, males 110, 90, 50, 30 without.
function smallDir(t, migration = 'even') {
  const dir = tmpdir(t);
  write(dir, 'population.csv', ['sex,age,count', 'F,0,100', 'F,5,80', 'F,10,60', 'F,15,40',
    'M,0,110', 'M,5,90', 'M,10,50', 'M,15,30']);
  // Lx: 450000, 405000, 364500, T15 = 3280500: Sb = 0.9, S = 0.9, S15+ = 3280500/3645000 = 0.9
  write(dir, 'survival.csv', ['sex,age,Lx', 'F,0,450000', 'F,5,405000', 'F,10,364500', 'F,15,3280500',
    'M,0,450000', 'M,5,405000', 'M,10,364500', 'M,15,3280500']);
  write(dir, 'fertility.csv', ['age,asfr', '10,0.1']);
  write(dir, 'params.csv', ['name,value', 'srb,1', `migration,${migration}`]);
  write(dir, 'migration.csv', ['sex,age,count', 'F,0,10', 'F,5,0', 'F,10,-20', 'F,15,4',
    'M,0,0', 'M,5,0', 'M,10,0', 'M,15,0']);
  return dir;
}
// even: F 17.6, 94.5, 62, 84.8 (births 28: 14 girls x 0.9 + 10/2); M 12.6, 99, 81, 72
// end:  F 24.85, 90, 52, 94 (births 33: 16.5 x 0.9 + 10); M 14.85, 99, 81, 72
const SMALL = {
  even: { F: [17.6, 94.5, 62, 84.8], M: [12.6, 99, 81, 72], births: 28 },
  end: { F: [24.85, 90, 52, 94], M: [14.85, 99, 81, 72], births: 33 },
};

// PHG box 6.2 as printed: females at the end of 1993-98, and births by mother's age.
const SWEDEN_1998_F = [302392, 298682, 252007, 244150, 268267, 293515, 320624, 284767, 288031,
  303166, 322062, 243989, 205841, 205516, 205270, 194771, 142565, 131966];
const SWEDEN_BIRTHS = { 15: 15244, 20: 126688, 25: 229354, 30: 170057, 35: 63203, 40: 10971, 45: 472 };

// PHG box 3.1 as printed: lx, ndx, nLx.
const AUSTRIA = {
  lx: [100000, 99133, 98986, 98910, 98815, 98334, 97704, 97151, 96492, 95588, 94195, 91937, 88711,
    83845, 76377, 66225, 53803, 37441, 21134],
  dx: [867, 147, 76, 95, 481, 630, 553, 659, 904, 1393, 2258, 3225, 4867, 7467, 10152, 12422, 16362,
    16307, 21134],
  Lx: [99192, 396183, 494741, 494375, 492980, 490106, 487127, 484175, 480384, 474686, 465777, 452188,
    432096, 401480, 357713, 301224, 228404, 145182, 110889],
};

function readCsvFile(file) {
  return parseCsv(fs.readFileSync(file, 'utf8'));
}

// ---- danso lifetable ----

describe('danso lifetable', () => {
  test('a single-year table computed by hand, in CSV and JSON', (t) => {
    const dir = tmpdir(t);
    const file = write(dir, 'lt.csv', TINY);
    const csv = ok(danso(dir, 'lifetable', '--in', file));
    assert.equal(csv.split('\n')[0], 'sex,age,width,mx,ax,qx,lx,dx,Lx,Tx,ex,Sx');
    // The printed decimals of each column (src/demog/render.h).
    assert.equal(csv.split('\n')[1], 'F,0,1,0.1000000000,0.5000,0.0952380952,100000.000,9523.810,95238.095,325541.126,3.2554,0.9523809524');
    const rows = parseCsv(csv);
    const json = JSON.parse(ok(danso(dir, 'lifetable', '--in', file, '--format', 'json')));
    assert.deepEqual(json, rows, 'JSON holds the same rows and numbers as CSV');
    assert.equal(rows.length, 3);
    TINY_EXPECTED.forEach((e, i) => {
      const r = rows[i];
      assert.equal(r.sex, 'F');
      assert.equal(r.age, e.age);
      assert.equal(r.width, e.width);
      near(r.qx, e.qx, 1e-10, `qx ${e.age}`);
      near(r.lx, e.lx, 1e-3, `lx ${e.age}`);
      near(r.Lx, e.Lx, 1e-3, `Lx ${e.age}`);
      near(r.ex, e.ex, 1e-4, `ex ${e.age}`);
      near(r.Sx, e.Sx, 1e-10, `Sx ${e.age}`);
    });
    assert.equal(json[2].width, null, 'the open group has no width');
  });

  test('PHG box 3.1, Austria, males, 1992: lx, ndx and nLx within the printed rounding', (t) => {
    const rows = parseCsv(ok(danso(ROOT, 'lifetable', '--in', path.join(DATA, 'austria-1992-males.csv'))));
    assert.equal(rows.length, 19);
    rows.forEach((r, i) => {
      near(r.lx, AUSTRIA.lx[i], 0.5, `lx ${r.age}`);
      near(r.dx, AUSTRIA.dx[i], 0.5, `dx ${r.age}`);
      near(r.Lx, AUSTRIA.Lx[i], 0.5, `Lx ${r.age}`);
    });
    assert.equal(rows[1].Sx, null, 'group 1-4 is not a projection group');
    near(rows[0].ex, 72.889, 0.0005, 'e0 = sum of printed nLx / l0');
  });

  test('default separation factors agree with the oracle, for M, F and T in one file', (t) => {
    // The Austrian deaths and exposure for three "sexes", rows shuffled, ax left to the defaults.
    const input = readCsvFile(path.join(DATA, 'austria-1992-males.csv'));
    const dir = tmpdir(t);
    const lines = ['exposure,deaths,age,sex,width'];
    for (const [s, scale] of [['T', 1.1], ['F', 0.8], ['M', 1]])
      for (const r of [...input].reverse())
        lines.push(`${r.exposure},${Math.round(r.deaths * scale)},${r.age},${s},${r.width ?? ''}`);
    const rows = parseCsv(ok(danso(dir, 'lifetable', '--in', write(dir, 'lt.csv', lines), '--format', 'csv')));
    assert.deepEqual([...new Set(rows.map((r) => r.sex))], ['M', 'F', 'T'], 'tables in the order M, F, T');
    for (const [s, scale] of [['T', 1.1], ['F', 0.8], ['M', 1]]) {
      const want = lifeTable(s, input.map((r) => ({ age: r.age, width: r.width, mx: Math.round(r.deaths * scale) / r.exposure, ax: null })));
      const got = rows.filter((r) => r.sex === s);
      want.forEach((w, i) => {
        for (const [col, tol] of [['mx', 1e-10], ['ax', 1e-4], ['qx', 1e-10], ['lx', 1e-3], ['dx', 1e-3], ['Lx', 1e-3], ['Tx', 2e-3], ['ex', 1e-4], ['Sx', 1e-10]]) {
          if (w[col] === null) assert.equal(got[i][col], null, `${s} ${w.age} ${col}`);
          else near(got[i][col], w[col], tol, `${s} ${w.age} ${col}`);
        }
      });
    }
  });

  test('--help comes from the command table, with an example', () => {
    const out = ok(danso(ROOT, 'lifetable', '--help'));
    assert.match(out, /^usage: danso lifetable --in FILE\.csv \[--format csv\|json\]/);
    assert.match(out, /example:\n {2}danso lifetable --in /);
  });

  test('usage errors', (t) => {
    const dir = tmpdir(t);
    refused(danso(dir, 'lifetable'), EXIT.usage, 'danso lifetable: give --in FILE.csv');
    assert.equal(danso(dir, 'lifetable', '--in', 'x.csv', '--format', 'xml').status, EXIT.usage);
    refused(danso(dir, 'lifetable', '--in', 'nope.csv'), EXIT.io, 'nope.csv: cannot open the file');
  });

  test('bad rows are refused with file, line and column', (t) => {
    const dir = tmpdir(t);
    const cases = [
      // widths that do not tile the ages
      [['sex,age,width,mx', 'M,0,1,0.01', 'M,1,5,0.001', 'M,6,,0.1'], 3, 'width',
        'the widths do not tile the ages (0,1,5,10,... or 0,1,2,..., each group reaching the next, only the last one open with an empty width)'],
      // a missing age group: 1-4, then 10
      [['sex,age,width,mx', 'M,0,1,0.01', 'M,1,4,0.001', 'M,10,,0.1'], 4, 'age', 'an age group is missing next to this one'],
      // mx <= 0 where deaths exist: the open group
      [['sex,age,width,mx', 'F,0,1,0.01', 'F,1,,0'], 3, 'mx', 'the open age group needs a death rate above zero (everyone in it dies)'],
      [['sex,age,width,deaths,exposure', 'F,0,1,3,100', 'F,1,,0,50'], 3, 'deaths', 'the open age group needs a death rate above zero (everyone in it dies)'],
      [['sex,age,width,deaths,exposure', 'F,0,1,3,0', 'F,1,,2,50'], 2, 'exposure', 'must be above zero'],
      [['sex,age,width,mx', 'F,0,1,-0.01', 'F,1,,0.2'], 2, 'mx', 'must not be negative'],
      [['sex,age,width,deaths,exposure', 'F,0,1,-3,100', 'F,1,,2,50'], 2, 'deaths', 'must not be negative'],
      [['sex,age,width,mx,ax', 'F,0,1,0.01,1.5', 'F,1,,0.2,'], 2, 'ax', 'value out of range'],
      [['sex,age,width,mx', 'X,0,1,0.01', 'X,1,,0.2'], 2, 'sex', 'unknown code'],
      [['sex,age,width,mx', 'F,0,1,0.01', 'F,0,1,0.02', 'F,1,,0.2'], 3, 'age', 'repeats an earlier row for the same group'],
      [['sex,age,width,mx', 'F,0,1,abc', 'F,1,,0.2'], 2, 'mx', 'not a valid number'],
      [['sex,age,width,mx', 'F,0,1,0.01', 'F,1,,'], 3, 'mx', 'required value is missing'],
      [['sex,age,width,mx', 'F,zero,1,0.01'], 2, 'age', 'not a valid whole number in range'],
      [['sex,age,mx', 'F,0,0.01'], 1, 'width', 'header line does not have the expected columns'],
    ];
    cases.forEach(([lines, line, field, reason], i) => {
      const file = write(dir, `bad${i}.csv`, lines);
      refused(danso(dir, 'lifetable', '--in', file), EXIT.input, `${file}:${line}: ${field}: ${reason}`);
    });
  });

  test('messages in Vietnamese with DANSO_LANG=vi', (t) => {
    const dir = tmpdir(t);
    const file = write(dir, 'lt.csv', ['sex,age,width,mx', 'F,0,1,0.01', 'F,1,,0.2', 'F,1,,0.2']);
    const r = spawnSync(BIN, ['lifetable', '--in', file], { env: { ...ENV, DANSO_LANG: 'vi' }, encoding: 'utf8' });
    assert.equal(r.status, EXIT.input);
    assert.ok(r.stderr.includes(`${file}:4: age: trùng với một dòng trước cho cùng nhóm`), r.stderr);
  });
});

// ---- danso project --in DIR ----

describe('danso project', () => {
  test('a five-year step computed by hand, even and end migration, CSV and JSON', (t) => {
    for (const mig of ['even', 'end']) {
      const dir = smallDir(t, mig);
      const csv = ok(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1'));
      const out = parseProjectCsv(csv);
      const json = JSON.parse(ok(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1', '--format', 'json')));
      assert.deepEqual(json, out, 'JSON holds the same rows and numbers as CSV');
      assert.equal(out.population.length, 8);
      for (const s of ['M', 'F'])
        SMALL[mig][s].forEach((v, g) => {
          const r = out.population.find((p) => p.sex === s && p.age === 5 * g);
          assert.equal(r.step, 1);
          near(r.count, v, 1e-9, `${mig} ${s} ${5 * g}`);
        });
      assert.deepEqual(out.births, [{ step: 1, mother_age: 10, births: SMALL[mig].births }]);
    }
  });

  test('--migration on the command line wins over params.csv', (t) => {
    const dir = smallDir(t, 'end');
    const out = parseProjectCsv(ok(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1', '--migration', 'even')));
    assert.equal(out.births[0].births, SMALL.even.births);
    // Without either, even.
    write(dir, 'params.csv', ['name,value', 'srb,1']);
    const def = parseProjectCsv(ok(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1')));
    assert.equal(def.births[0].births, SMALL.even.births);
  });

  test('PHG box 6.2, Sweden 1993-98 with migration: females and births within the printed rounding', () => {
    const out = parseProjectCsv(ok(danso(ROOT, 'project', '--in', path.join(DATA, 'sweden-1993'), '--step', '5', '--steps', '1')));
    const f = out.population.filter((r) => r.sex === 'F');
    assert.deepEqual(f.map((r) => r.age), SWEDEN_1998_F.map((_, g) => 5 * g));
    f.forEach((r, g) => near(r.count, SWEDEN_1998_F[g], 0.5, `F ${r.age}`));
    assert.deepEqual(out.births.map((b) => b.mother_age), [15, 20, 25, 30, 35, 40, 45]);
    out.births.forEach((b) => near(b.births, SWEDEN_BIRTHS[b.mother_age], 0.5, `births ${b.mother_age}`));
  });

  test('several steps agree with the oracle, under even and end migration', (t) => {
    const dir = path.join(DATA, 'sweden-1993');
    const pop = readCsvFile(path.join(dir, 'population.csv'));
    const L = readCsvFile(path.join(dir, 'survival.csv'));
    const fert = readCsvFile(path.join(dir, 'fertility.csv'));
    const mig = readCsvFile(path.join(dir, 'migration.csv'));
    const bySex = (rows, col) => ({ M: rows.filter((r) => r.sex === 'M').map((r) => r[col]), F: rows.filter((r) => r.sex === 'F').map((r) => r[col]) });
    const G = 18;
    const S = {};
    for (const s of ['M', 'F']) {
      const rows = L.filter((r) => r.sex === s);
      S[s] = ratiosFromL(rows.map((r) => r.age), rows.map((r) => r.Lx), 5, G);
    }
    const asfr = Array.from({ length: G }, (_, g) => fert.find((r) => r.age === 5 * g)?.asfr ?? 0);
    for (const migration of ['even', 'end']) {
      const want = project({ n: 5, steps: 3, pop: bySex(pop, 'count'), S, asfr, srb: 1.05, mig: bySex(mig, 'count'), migration });
      const got = JSON.parse(ok(danso(ROOT, 'project', '--in', dir, '--step', '5', '--steps', '3', '--migration', migration, '--format', 'json')));
      assert.equal(got.population.length, want.population.length);
      got.population.forEach((r, i) => {
        const w = want.population[i];
        assert.deepEqual([r.step, r.sex, r.age], [w.step, w.sex, w.age]);
        near(r.count, w.count, 1e-3, `${migration} step ${r.step} ${r.sex} ${r.age}`);
      });
      for (const b of got.births) {
        const w = want.births.find((x) => x.step === b.step && x.mother_age === b.mother_age);
        near(b.births, w.births, 1e-3, `${migration} births ${b.step} ${b.mother_age}`);
      }
    }
  });

  test('one-year steps from a single-year life table, with rates by step', (t) => {
    // lifetable.csv by single year 0..4+, fertility changing at step 2, no migration.csv.
    const dir = tmpdir(t);
    write(dir, 'population.csv', ['sex,age,count', ...['M', 'F'].flatMap((s) => [0, 1, 2, 3, 4].map((a) => `${s},${a},${100 + a}`))]);
    const lt = ['sex,age,width,mx'];
    for (const s of ['M', 'F']) lt.push(`${s},0,1,0.02`, `${s},1,1,0.01`, `${s},2,1,0.01`, `${s},3,1,0.02`, `${s},4,,0.3`);
    write(dir, 'lifetable.csv', lt);
    write(dir, 'fertility.csv', ['step,age,asfr', '1,3,0.2', '2,3,0.1']);
    write(dir, 'params.csv', ['name,value', 'srb,1.1']);
    // ages 3 (one year) lie in 10-54? No: the file must be refused.
    refused(danso(dir, 'project', '--in', dir, '--step', '1', '--steps', '3'), EXIT.input,
      `${dir}/fertility.csv:2: age: a fertility rate outside the childbearing ages 10-54`);
    // Ages 10+ then, on a table to 14+.
    write(dir, 'population.csv', ['sex,age,count', ...['M', 'F'].flatMap((s) => Array.from({ length: 15 }, (_, a) => `${s},${a},${100 + a}`))]);
    const lt2 = ['sex,age,width,mx'];
    for (const s of ['M', 'F']) for (let a = 0; a < 15; a++) lt2.push(`${s},${a},${a < 14 ? 1 : ''},${a === 14 ? 0.3 : 0.01 + a / 1000}`);
    write(dir, 'lifetable.csv', lt2);
    write(dir, 'fertility.csv', ['step,age,asfr', '1,12,0.2', '1,13,0.1', '2,12,0.1', '2,13,0.05']);
    const got = JSON.parse(ok(danso(dir, 'project', '--in', dir, '--step', '1', '--steps', '3', '--format', 'json')));
    const S = {};
    for (const s of ['M', 'F']) {
      const rows = lifeTable(s, Array.from({ length: 15 }, (_, a) => ({ age: a, width: a < 14 ? 1 : null, mx: a === 14 ? 0.3 : 0.01 + a / 1000, ax: null })));
      S[s] = ratiosFromL(rows.map((r) => r.age), rows.map((r) => r.Lx), 1, 15);
    }
    const pop = { M: Array.from({ length: 15 }, (_, a) => 100 + a), F: Array.from({ length: 15 }, (_, a) => 100 + a) };
    const asfr1 = Array(15).fill(0), asfr2 = Array(15).fill(0);
    asfr1[12] = 0.2; asfr1[13] = 0.1; asfr2[12] = 0.1; asfr2[13] = 0.05;
    // Step 1 with the step-1 rates, steps 2 and 3 with step 2's.
    const first = project({ n: 1, steps: 1, pop, S, asfr: asfr1, srb: 1.1, mig: null, migration: 'even' });
    const end1 = { M: first.population.filter((r) => r.sex === 'M').map((r) => r.count), F: first.population.filter((r) => r.sex === 'F').map((r) => r.count) };
    const rest = project({ n: 1, steps: 2, pop: end1, S, asfr: asfr2, srb: 1.1, mig: null, migration: 'even' });
    const want = [...first.population, ...rest.population.map((r) => ({ ...r, step: r.step + 1 }))];
    got.population.forEach((r, i) => near(r.count, want[i].count, 1e-3, `step ${r.step} ${r.sex} ${r.age}`));
    assert.deepEqual(got.births.map((b) => `${b.step}:${b.mother_age}`), ['1:12', '1:13', '2:12', '2:13', '3:12', '3:13']);
  });

  test('--help comes from the command table, with an example', () => {
    const out = ok(danso(ROOT, 'project', '--help'));
    assert.match(out, /^usage: danso project --in DIR --step 5\|1 --steps K \[--migration even\|end\]/);
    assert.match(out, /example:\n {2}danso project --in /);
  });

  test('usage errors', (t) => {
    const dir = smallDir(t);
    refused(danso(dir, 'project', '--in', dir, '--steps', '1'), EXIT.usage, 'danso project: give --in DIR, --step 5|1 and --steps K');
    for (const bad of [['--step', '3', '--steps', '1'], ['--step', '5', '--steps', '0'], ['--step', '5', '--steps', '201'],
      ['--step', '5', '--steps', '1', '--migration', 'half'], ['--step', '5', '--steps', '1', '--format', 'xlsx']]) {
      const r = danso(dir, 'project', '--in', dir, ...bad);
      assert.equal(r.status, EXIT.usage, bad.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  test('missing files: exit 6 with the file named', (t) => {
    for (const f of ['population.csv', 'fertility.csv', 'params.csv']) {
      const dir = smallDir(t);
      fs.rmSync(path.join(dir, f));
      refused(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1'), EXIT.io, `${dir}/${f}: cannot open the file`);
    }
    const dir = smallDir(t);
    fs.rmSync(path.join(dir, 'survival.csv'));
    refused(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '1'), EXIT.io,
      `${dir}/lifetable.csv or survival.csv: cannot open the file`);
    // migration.csv is optional
    const opt = smallDir(t);
    fs.rmSync(path.join(opt, 'migration.csv'));
    ok(danso(opt, 'project', '--in', opt, '--step', '5', '--steps', '1'));
    // both mortality files: which one was meant?
    const both = smallDir(t);
    write(both, 'lifetable.csv', ['sex,age,width,mx', 'F,0,1,0.01', 'F,1,,0.2']);
    refused(danso(both, 'project', '--in', both, '--step', '5', '--steps', '1'), EXIT.input,
      `${both}: both lifetable.csv and survival.csv are there: keep one`);
  });

  test('bad input is refused with file, line and column', (t) => {
    const P = ['sex,age,count', 'F,0,100', 'F,5,80', 'F,10,60', 'F,15,40', 'M,0,110', 'M,5,90', 'M,10,50', 'M,15,30'];
    const cases = [
      // negative counts
      ['population.csv', ['sex,age,count', 'F,0,100', 'F,5,-80', ...P.slice(3)], 3, 'count', 'must not be negative'],
      // a missing age group (F 5-9): named at the next row
      ['population.csv', ['sex,age,count', 'F,0,100', 'F,10,60', 'F,15,40', ...P.slice(5)], 3, 'age', 'an age group is missing next to this one'],
      // the open group missing for one sex: named at its last row
      ['population.csv', [...P.slice(0, 8)], 8, 'age', 'an age group is missing next to this one'],
      ['population.csv', [...P.slice(0, 1), 'F,7,1', ...P.slice(2)], 2, 'age', 'not the first age of a group of the projection\'s width'],
      ['population.csv', [...P, 'F,5,1'], 10, 'age', 'repeats an earlier row for the same group'],
      ['population.csv', [...P.slice(0, 5), 'X,0,110', ...P.slice(6)], 6, 'sex', 'unknown code'],
      ['population.csv', [...P.slice(0, 5), 'T,0,110', ...P.slice(6)], 6, 'sex', 'unknown code'],
      ['population.csv', ['sex,age,count', 'F,0,100', 'F,5,80', 'F,10,60', 'F,15,40'], 0, 'sex', 'no rows for one of the sexes M and F'],
      ['population.csv', ['sex,age,count', 'F,0,1e999'], 2, 'count', 'not a valid number'],
      // survival: widths are the ages' steps; a gap, a non-positive Lx, groups that do not fit
      ['survival.csv', ['sex,age,Lx', 'F,0,450000', 'F,10,364500', 'F,15,3280500', 'M,0,450000', 'M,5,405000', 'M,10,364500', 'M,15,3280500'], 3, 'age', 'an age group is missing next to this one'],
      ['survival.csv', ['sex,age,Lx', 'F,0,450000', 'F,5,0', 'F,10,364500', 'F,15,3280500', 'M,0,450000', 'M,5,405000', 'M,10,364500', 'M,15,3280500'], 3, 'Lx', 'must be above zero'],
      ['survival.csv', ['sex,age,Lx', 'F,0,450000', 'F,5,405000', 'F,10,3645000', 'M,0,450000', 'M,5,405000', 'M,10,364500', 'M,15,3280500'], 4, 'age', 'the life table\'s age groups do not fit the projection\'s'],
      ['survival.csv', ['sex,age,Lx', 'F,0,450000', 'F,5,405000', 'F,10,364500', 'F,15,3280500'], 0, 'sex', 'no rows for one of the sexes M and F'],
      // ASFR outside the childbearing ages 10-54, or above 1, or a gap
      ['fertility.csv', ['age,asfr', '5,0.01', '10,0.1'], 2, 'age', 'a fertility rate outside the childbearing ages 10-54'],
      ['fertility.csv', ['age,asfr', '10,1.5'], 2, 'asfr', 'value out of range'],
      ['fertility.csv', ['age,asfr', '10,-0.1'], 2, 'asfr', 'must not be negative'],
      ['fertility.csv', ['age,asfr', '10,0.1', '10,0.2'], 3, 'age', 'repeats an earlier row for the same group'],
      ['fertility.csv', ['age,asfr', '20,0.1'], 2, 'age', 'value out of range'],
      ['fertility.csv', ['step,age,asfr', '2,10,0.1'], 0, 'step', 'there are no rates for the first step'],
      ['fertility.csv', ['step,age,asfr', '1,10,0.1', '0,10,0.1'], 3, 'step', 'not a valid whole number in range'],
      // SRB outside 0.9-1.3, parameters
      ['params.csv', ['name,value', 'srb,1.5'], 2, 'value', 'the sex ratio at birth must be between 0.9 and 1.3 (male births per female birth)'],
      ['params.csv', ['name,value', 'srb,0.89'], 2, 'value', 'the sex ratio at birth must be between 0.9 and 1.3 (male births per female birth)'],
      ['params.csv', ['name,value', 'migration,even'], 0, 'srb', 'required value is missing'],
      ['params.csv', ['name,value', 'srb,1.05', 'srb,1.06'], 3, 'name', 'repeats an earlier row for the same group'],
      ['params.csv', ['name,value', 'srb,1.05', 'tfr,2'], 3, 'name', 'unknown code'],
      ['params.csv', ['name,value', 'srb,1.05', 'migration,half'], 3, 'value', 'unknown code'],
      // migration: any sign, but every group, and no age beyond the open group
      ['migration.csv', ['sex,age,count', 'F,0,1', 'F,5,1', 'F,10,1', 'F,15,1', 'M,0,1', 'M,5,1', 'M,15,1'], 8, 'age', 'an age group is missing next to this one'],
      ['migration.csv', ['sex,age,count', 'F,20,1'], 2, 'age', 'value out of range'],
      ['migration.csv', ['sex,count', 'F,1'], 1, 'age', 'header line does not have the expected columns'],
    ];
    for (const [file, lines, line, field, reason] of cases) {
      const dir = smallDir(t);
      write(dir, file, lines);
      const where = line ? `${dir}/${file}:${line}` : `${dir}/${file}`;
      refused(danso(dir, 'project', '--in', dir, '--step', '5', '--steps', '2'), EXIT.input, `${where}: ${field}: ${reason}`);
    }
    // An abridged life table cannot serve one-year steps: 1-4 straddles the groups.
    const dir = smallDir(t);
    fs.rmSync(path.join(dir, 'survival.csv'));
    write(dir, 'population.csv', ['sex,age,count', ...['F', 'M'].flatMap((s) => Array.from({ length: 12 }, (_, a) => `${s},${a},10`))]);
    write(dir, 'lifetable.csv', ['sex,age,width,mx', ...['F', 'M'].flatMap((s) => [`${s},0,1,0.01`, `${s},1,4,0.001`, `${s},5,5,0.001`, `${s},10,,0.1`])]);
    fs.rmSync(path.join(dir, 'migration.csv'));
    refused(danso(dir, 'project', '--in', dir, '--step', '1', '--steps', '1'), EXIT.input,
      `${dir}/lifetable.csv:7: age: the life table's age groups do not fit the projection's`); // M, 1-4 (M is checked first)
  });
});
