// danso quality, black box, on the quality fixture (tests/data/quality,
// whose README works out every value by hand): the JSON, CSV and XLSX of a
// commune's month, a province's columns, the outliers of January 2025, the
// access log for the persons named, and refusals.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { danso, ok } from './run.mjs';

const FIX = 'tests/data/quality';
let dir, db;

const quality = (...args) => danso('quality', '--db', db, ...args);
const of = (r, id) => r.json.findings.filter((f) => f.check === id);

describe('danso quality', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-quality-'));
    db = path.join(dir, 'q.db');
    ok(danso('init', '--db', db), 'init');
    ok(danso('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`,
      '--persons', `${FIX}/persons.csv`, '--as-of', '2023-12-31', '--quiet'), 'import');
    ok(danso('events', '--db', db, `${FIX}/events.ndjson`), 'events');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a commune\'s month: each finding a sentence with what to do', () => {
    const r = ok(quality('--unit', '26734', '--period', '2024-03'), 'quality');
    assert.deepEqual(r.json.counts, { error: 0, warning: 7, information: 1 });
    assert.deepEqual(r.json.unit, { code: '26734', name: 'Phường Bến Nghé', level: 'commune' });
    const [old] = of(r, 'age_over_110');
    assert.equal(old.text, 'Cụ Bà Trăm Tuổi được ghi là 114 tuổi vào ngày 31/03/2024.');
    assert.deepEqual(old.person, { id: 'T1', name: 'Cụ Bà Trăm Tuổi' });
    assert.match(old.do, /^Xem lại ngày sinh của Cụ Bà Trăm Tuổi\./);
    const [rule] = of(r, 'births_newborns_screened');
    assert.equal(rule.left.value, 1);
    assert.equal(rule.right.value, 2);
    assert.equal(rule.text, 'Phường Bến Nghé: số trẻ sinh ra sống (1) ít hơn số trẻ sơ sinh được sàng lọc (2).');
    assert.deepEqual(of(r, 'no_events').map((f) => f.area), ['2673400102']);
    assert.equal(of(r, 'late_entry')[0].count, 4);
    // Never a raw field name in a sentence.
    for (const f of r.json.findings) assert.doesNotMatch(`${f.text} ${f.do}`, /_|row\(|\(stock/);
  });

  test('a province: one finding per commune, and the total column', () => {
    const r = ok(quality('--unit', '79', '--period', '2024-03', '--lang', 'en'), 'quality');
    assert.deepEqual(of(r, 'no_events').map((f) => f.unit.code), ['26734', '26737']);
    const rules = of(r, 'births_newborns_screened');
    assert.deepEqual(rules.map((f) => [f.unit.code, f.left.value, f.right.value, f.total]),
      [['26734', 1, 2, false], ['79', 1, 2, true]]);
    assert.equal(rules[0].text, 'Phường Bến Nghé: live births are fewer than newborns screened: 1 against 2.');
  });

  test('outliers of January 2025 against the twelve months before', () => {
    const r = ok(quality('--unit', '26734', '--period', '2025-01'), 'quality');
    const [z] = of(r, 'outlier_z');
    assert.equal(z.row.code, '17');
    assert.equal(z.value, 9);
    assert.equal(z.median, 1.5);
    assert.equal(z.mad, 0.5);
    assert.ok(Math.abs(z.z - 0.6745 * 7.5 / 0.5) < 1e-9);
    assert.deepEqual(z.series.map((s) => s.value), [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 9]);
    const [range] = of(r, 'outside_range');
    assert.deepEqual([range.min, range.max, range.value], [1, 2, 9]);
    assert.equal(of(r, 'outlier_z').length + of(r, 'outside_range').length, 2);
  });

  test('June 2025: a marriage without contraception recorded since, a household left empty', () => {
    // README: X1 married Q1 on 2025-04-01 and nothing of contraception was
    // recorded since; Y1 married Z1 on 2025-04-05 and started the pill on
    // 2025-05-01; W1 and W2 were married on the baseline sheet.  H4's P1
    // left on 2025-04-10 and P2 on 2025-05-20.
    const r = ok(quality('--unit', '26734', '--period', '2025-06'), 'quality');
    const fp = of(r, 'no_fp_status');
    assert.deepEqual(fp.map((f) => [f.area, f.count, f.severity]), [['2673400101', 1, 'information']]);
    assert.equal(fp[0].text, 'Địa bàn 01: 1 phụ nữ 15-49 tuổi đã kết hôn (ghi trong sổ bằng sự kiện kết hôn) chưa được ghi thông tin về biện pháp tránh thai kể từ khi kết hôn (tính đến ngày 30/06/2025).');
    const empty = of(r, 'empty_household');
    assert.deepEqual(empty.map((f) => [f.area, f.household.id, f.household.number, f.date, f.severity]),
      [['2673400102', 'H4', '4', '2025-05-20', 'warning']]);
    assert.equal(empty[0].text, 'Hộ số 4 ở Địa bàn 02 không còn ai thường trú từ ngày 20/05/2025.');
    // At the end of April P1 has left and P2 not yet: H4 still has a resident; before the marriages nobody is due.
    const april = ok(quality('--unit', '26734', '--period', '2025-04'), 'quality');
    assert.deepEqual(of(april, 'empty_household'), []);
    assert.equal(of(april, 'no_fp_status')[0].count, 2, 'both brides in April, before Y1 started the pill');
    const march = ok(quality('--unit', '26734', '--period', '2025-03'), 'quality');
    assert.deepEqual(of(march, 'no_fp_status'), []);
    // The province counts the same, under the commune.
    const p = ok(quality('--unit', '79', '--period', '2025-06', '--lang', 'en'), 'quality');
    assert.deepEqual(of(p, 'no_fp_status').map((f) => [f.unit.code, f.count]), [['26734', 1]]);
    assert.equal(of(p, 'empty_household')[0].text, 'Household 4 in Địa bàn 02 has had no usual resident since 2025-05-20.');
  });

  test('a household with no head: after the head died, until one is named; after that one left, until a relation says head', () => {
    // README: H6 (area 02 of 26734) opens on 2025-07-01 with F1 (head), F2
    // (spouse) and F3 (child); F1 dies on 2025-08-12; a household change
    // names F2 head on 2025-09-05; F2 leaves on 2025-10-03; F3's relation
    // becomes head on 2025-11-07.
    const heads = (p, ...lang) => of(ok(quality('--unit', '26734', '--period', p, ...lang), p), 'no_head');
    const at = (p) => heads(p).map((f) => [f.area, f.household.id, f.household.number, f.date, f.severity]);
    assert.deepEqual(at('2025-07'), []);
    assert.deepEqual(at('2025-08'), [['2673400102', 'H6', '6', '2025-08-31', 'warning']]);
    assert.deepEqual(at('2025-09'), []);
    assert.deepEqual(at('2025-10'), [['2673400102', 'H6', '6', '2025-10-31', 'warning']]);
    assert.deepEqual(at('2025-11'), []);
    // Quarters end on their last day: the third quarter ends after F2 was named.
    assert.deepEqual(at('2025-Q3'), []);
    const [f] = heads('2025-08');
    assert.equal(f.text, 'Hộ số 6 ở Địa bàn 02 có người thường trú nhưng không ai là chủ hộ (tính đến ngày 31/08/2025).');
    assert.equal(f.do, 'Hỏi hộ ai là chủ hộ hiện nay (thường là khi chủ hộ cũ đã mất hoặc chuyển đi) và ghi thay đổi thông tin hộ với chủ hộ mới.');
    assert.equal(heads('2025-10', '--lang', 'en')[0].text, 'Household 6 in Địa bàn 02 has usual residents but none of them is its head (as of 2025-10-31).');
    // Every household of the baseline has its head: none before.
    assert.deepEqual(at('2024-03'), []);
    assert.deepEqual(at('2025-04'), [['2673400102', 'H4', '4', '2025-04-30', 'warning']], 'P2 stays after the head P1 left');
    assert.deepEqual(at('2025-06'), [], 'H4 is empty in June, not headless');
  });

  test('CSV and XLSX hold the same findings', () => {
    const csv = ok(quality('--unit', '26734', '--period', '2024-03', '--format', 'csv', '--lang', 'en'), 'csv').out;
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines[0], 'Severity,Check,Unit code,Unit,Area,Person id,Name,Date,Finding,What to do');
    assert.equal(lines.length, 9); // the header, 7 warnings and 1 information (README)
    assert.ok(lines[1].startsWith('warning,age_over_110,26734,Phường Bến Nghé,2673400101,T1,Cụ Bà Trăm Tuổi,2024-03-31,'));
    const x = path.join(dir, 'q.xlsx');
    ok(quality('--unit', '26734', '--period', '2024-03', '--format', 'xlsx', '-o', x), 'xlsx');
    assert.equal(fs.readFileSync(x).subarray(0, 2).toString(), 'PK');
  });

  test('the persons named are in the access log', () => {
    ok(quality('--unit', '26734', '--period', '2024-03'), 'quality');
    const r = ok(danso('audit-search', '--db', db, '--from', '2000-01-01', '--to', '2100-01-01'), 'audit');
    // Columns: seq, at_utc, at_vietnam, login, role, unit, action, object, object_id, area, outcome.
    const hit = r.out.split(/\r?\n/).map((l) => l.split(',')).filter((c) => c[6] === 'quality' && c[7] === 'person');
    // T1 (over 110) and the national ids of W1, P1, P2 in 26734; Q1's from the province's run.
    assert.deepEqual([...new Set(hit.map((c) => `${c[8]} ${c[9]}`))],
      ['T1 2673400101', 'W1 2673400101', 'P1 2673400102', 'P2 2673400102', 'Q1 2673700101']);
  });

  test('refusals', () => {
    assert.equal(quality('--unit', '99999', '--period', '2024-03').status, 4);
    assert.equal(quality('--unit', '26734', '--period', '2024-13').status, 2);
    assert.equal(quality('--unit', '26734').status, 2);
    assert.equal(quality('--unit', '26734', '--period', '2024-03', '--format', 'pdf').status, 2);
    assert.equal(quality('--unit', '26734', '--period', '2024-03', '--format', 'xlsx').status, 2);
  });
});

// The generator spoils about one baseline national id in 200 (the sex
// digit or the birth year) and lists them in truth/national_ids.csv.  With
// --years 0 every baseline person is as entered on the last day of January
// 2023, so the check must name exactly the listed persons who are usual
// residents (residence 1 in persons.csv): the others are not counted.
test('national ids: exactly the spoilt ids the generator planted', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-nid-'));
  try {
    const out = path.join(d, 'p'), pdb = path.join(d, 'p.db');
    ok(danso('gen', '--out', out, '--persons', '20000', '--seed', '3', '--years', '0', '--plant-duplicates', '--quiet'), 'gen');
    ok(danso('init', '--db', pdb), 'init');
    ok(danso('import', '--db', pdb, '--units', `${out}/units.csv`, '--households', `${out}/households.csv`,
      '--persons', `${out}/persons.csv`, '--as-of', '2023-01-01', '--quiet'), 'import');
    const rows = (f) => fs.readFileSync(f, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const usual = new Set(rows(`${out}/persons.csv`).filter((c) => c[9] === '1').map((c) => c[0]));
    const truth = rows(`${out}/truth/national_ids.csv`);
    assert.ok(truth.length > 30, `${truth.length} planted`);
    assert.ok(truth.some((c) => c[1] === 'sex') && truth.some((c) => c[1] === 'year'));
    const want = truth.filter((c) => usual.has(c[0])).map((c) => c[0]).sort();
    const r = ok(danso('quality', '--db', pdb, '--unit', '79', '--period', '2023-01'), 'quality');
    const got = r.json.findings.filter((f) => f.check === 'national_id').map((f) => f.person.id).sort();
    assert.deepEqual(got, want);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
