// The monthly cycle from the command line (the contract of
// shared/spec/workflows.md: danso submit, approve, return, status), on the
// API tests' fixture register (tests/api/lib.mjs): commune 26740 (two
// areas), commune 26743, both in province 79; before July 2025 the old
// communes 26734 and 26737 under district 760.  Deadlines and late days are
// counted by hand on the calendar and data/holidays-vn.csv.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { makeDb, addUser, bin, env, uuid } from '../api/lib.mjs';

let fx;
// Runs danso with DANSO_TODAY = today; returns {status, out, err, json}.
function danso(today, ...args) {
  const r = spawnSync(bin, args, { env: { ...env, DANSO_TODAY: today }, encoding: 'utf8' });
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { status: r.status, out: r.stdout, err: r.stderr, json };
}
const EXIT = { ok: 0, input: 3, notfound: 4, conflict: 5, denied: 10 };
const cycle = (cmd, today, by, form, unit, period, ...more) =>
  danso(today, cmd, '--db', fx.db, '--form', form, '--unit', unit, '--period', period, '--by', by, '--format', 'json', ...more);
const status = (today, unit, period, ...more) => {
  const r = danso(today, 'status', '--db', fx.db, '--unit', unit, '--period', period, '--format', 'json', ...more);
  assert.equal(r.status, 0, r.err);
  return Object.fromEntries(r.json.units.map((u) => [u.unit, u]));
};
const refusedWith = (r, exit, code) => {
  assert.equal(r.status, exit, `${r.out} ${r.err}`);
  assert.equal(r.json?.error?.code, code, r.out);
  assert.ok(r.err.length > 0, 'a reason on stderr');
};

describe('danso submit, approve, return, status', () => {
  before(() => {
    fx = makeDb('sqlite');
    addUser(fx.db, fx.dir, 'commune2', 'commune', '26743');
    addUser(fx.db, fx.dir, 'province2', 'province', '79');
  });
  after(() => fx?.drop());

  test('status lists every commune of the province, missing and late since the deadline', () => {
    // October 2026 ends on Saturday 31: due the 5th working day, Friday 6
    // November; on Sunday 22 November that is 10 working days ago.
    const s = status('2026-11-22', '79', '2026-10');
    assert.deepEqual(Object.keys(s).sort(), ['26740', '26743']);
    assert.equal(s['26740'].state, 'missing');
    assert.equal(s['26740'].form, '01-DSX');
    assert.equal(s['26740'].late_days, 10);
    assert.equal(s['26740'].deadline, '2026-11-06');
    // Before the deadline a missing report is not late yet.
    assert.equal(status('2026-11-05', '79', '2026-10')['26743'].late_days, 0);
  });

  test('refusals name the reason and change nothing', () => {
    refusedWith(cycle('submit', '2026-11-22', 'commune', '01-DSX', '26740', '2026-11'), EXIT.input, 'period_not_ended');
    refusedWith(cycle('submit', '2026-11-22', 'commune2', '01-DSX', '26740', '2026-10'), EXIT.notfound, 'no_unit');
    // A collaborator's scope is an area: the commune is not in it.
    refusedWith(cycle('submit', '2026-11-22', 'collaborator', '01-DSX', '26740', '2026-10'), EXIT.notfound, 'no_unit');
    refusedWith(cycle('submit', '2026-11-22', 'province', '01-DSX', '26740', '2026-10'), EXIT.denied, 'wrong_level');
    refusedWith(cycle('submit', '2026-11-22', 'commune', '02-DSX', '26740', '2026-10'), EXIT.input, 'form_period');
    refusedWith(cycle('approve', '2026-11-22', 'province', '01-DSX', '26740', '2026-10'), EXIT.conflict, 'not_submitted');
    const s = status('2026-11-22', '79', '2026-10');
    assert.equal(s['26740'].state, 'missing');
  });

  test('submitted on time, returned with a comment, resubmitted, approved, locked', () => {
    let r = cycle('submit', '2026-11-04', 'commune', '01-DSX', '26740', '2026-10');
    assert.equal(r.status, 0, r.err);
    assert.equal(r.json.status, 'submitted');
    let s = status('2026-11-22', '79', '2026-10');
    assert.equal(s['26740'].state, 'submitted');
    assert.equal(s['26740'].late_days, 0);
    assert.equal(s['26740'].submitted, '2026-11-04');
    refusedWith(cycle('submit', '2026-11-05', 'commune', '01-DSX', '26740', '2026-10'), EXIT.conflict, 'already_submitted');
    refusedWith(cycle('approve', '2026-11-05', 'commune', '01-DSX', '26740', '2026-10'), EXIT.denied, 'wrong_level');
    refusedWith(cycle('approve', '2026-11-05', 'national', '01-DSX', '26740', '2026-10'), EXIT.denied, 'wrong_level');
    refusedWith(cycle('return', '2026-11-05', 'province', '01-DSX', '26740', '2026-10'), EXIT.input, 'comment_required');
    refusedWith(cycle('return', '2026-11-05', 'province', '01-DSX', '26740', '2026-10', '--comment', '   '), EXIT.input, 'comment_required');
    r = cycle('return', '2026-11-05', 'province', '01-DSX', '26740', '2026-10', '--comment', 'Thiếu phiếu địa bàn 01');
    assert.equal(r.status, 0, r.err);
    assert.equal(status('2026-11-22', '79', '2026-10')['26740'].state, 'returned');
    r = cycle('submit', '2026-11-10', 'commune', '01-DSX', '26740', '2026-10');
    assert.equal(r.status, 0, r.err);
    s = status('2026-11-22', '79', '2026-10');
    assert.equal(s['26740'].state, 'submitted');
    assert.equal(s['26740'].late_days, 0, 'timeliness is the first submission\'s');
    assert.equal(s['26740'].versions, 2);
    r = cycle('approve', '2026-11-11', 'province', '01-DSX', '26740', '2026-10');
    assert.equal(r.status, 0, r.err);
    refusedWith(cycle('approve', '2026-11-12', 'province2', '01-DSX', '26740', '2026-10'), EXIT.conflict, 'already_approved');
    refusedWith(cycle('submit', '2026-11-12', 'commune', '01-DSX', '26740', '2026-10'), EXIT.conflict, 'nothing_changed');
    assert.equal(status('2026-11-22', '79', '2026-10')['26740'].state, 'approved');
  });

  test('a late event makes the approved report revised; a revision is approved again', () => {
    const file = `${fx.dir}/late.ndjson`;
    fs.writeFileSync(file, JSON.stringify({ id: uuid(), type: 'elderly_check', date: '2026-10-15', person: 'A9', facility: 'TYT' }) + '\n');
    const ev = danso('2026-11-20', 'events', '--db', fx.db, file);
    assert.equal(ev.status, 0, ev.err);
    assert.equal(status('2026-11-22', '79', '2026-10')['26740'].state, 'revised');
    let r = cycle('submit', '2026-11-20', 'commune', '01-DSX', '26740', '2026-10');
    assert.equal(r.status, 0, r.err);
    assert.equal(status('2026-11-22', '79', '2026-10')['26740'].state, 'submitted');
    r = cycle('approve', '2026-11-21', 'province', '01-DSX', '26740', '2026-10');
    assert.equal(r.status, 0, r.err);
    assert.equal(status('2026-11-22', '79', '2026-10')['26740'].state, 'approved');
  });

  test('a late submission counts working days past the deadline', () => {
    // 26743 submits on Monday 16 November: after Friday 6, 9-13 and 16 November.
    const r = cycle('submit', '2026-11-16', 'commune2', '01-DSX', '26743', '2026-10');
    assert.equal(r.status, 0, r.err);
    const s = status('2026-11-22', '79', '2026-10');
    assert.equal(s['26743'].state, 'submitted');
    assert.equal(s['26743'].late_days, 6);
  });

  test('the quality report names the reports submitted late and those missing past their deadline', () => {
    const q = (period) => {
      const r = danso('2026-11-22', 'quality', '--db', fx.db, '--unit', '79', '--period', period);
      assert.equal(r.status, 0, r.err);
      return r.json.findings.filter((f) => f.check.startsWith('report_'));
    };
    // October 2026: 26740 submitted on time (approved), 26743 six working days late.
    let f = q('2026-10');
    assert.deepEqual(f.map((x) => [x.check, x.unit.code]), [['report_late', '26743']]);
    assert.equal(f[0].text, 'Phường Tân Định nộp báo cáo 01-DSX tháng 10/2026 ngày 16/11/2026, muộn 6 ngày làm việc so với hạn 06/11/2026.');
    assert.equal(f[0].severity, 'information');
    // September 2026 ends on Wednesday 30: due on the 5th working day, Wednesday
    // 7 October; on 22 November that is 2 + 5 x 6 = 32 working days ago (no holiday).
    f = q('2026-09');
    assert.deepEqual(f.map((x) => [x.check, x.unit.code, x.severity]),
      [['report_missing', '26740', 'warning'], ['report_missing', '26743', 'warning']]);
    assert.equal(f[0].text, 'Phường Sài Gòn chưa nộp báo cáo 01-DSX tháng 09/2026; hạn nộp là ngày 07/10/2026, đã quá 32 ngày làm việc.');
    // A quarter: its three months, each once per commune.
    f = q('2026-Q3');
    assert.equal(f.filter((x) => x.check === 'report_missing').length, 6);
  });

  test('the district form before July 2025: submitted for the district, not approved by its submitter', () => {
    refusedWith(cycle('submit', '2026-11-22', 'province', '01-DSH', '760', '2025-Q3'), EXIT.notfound, 'no_unit');
    let r = cycle('submit', '2026-11-22', 'province', '01-DSH', '760', '2025-Q2');
    assert.equal(r.status, 0, r.err);
    refusedWith(cycle('approve', '2026-11-22', 'province', '01-DSH', '760', '2025-Q2'), EXIT.denied, 'own_submission');
    r = cycle('approve', '2026-11-22', 'province2', '01-DSH', '760', '2025-Q2');
    assert.equal(r.status, 0, r.err);
    const s = status('2026-11-22', '79', '2025-Q2', '--form', '01-DSH');
    assert.deepEqual(Object.keys(s), ['760']);
    assert.equal(s['760'].state, 'approved');
    // The old communes' March 2025, by today's commune officer; approved by the province for the district.
    r = cycle('submit', '2026-11-22', 'commune', '01-DSX', '26734', '2025-03');
    assert.equal(r.status, 0, r.err);
    r = cycle('approve', '2026-11-22', 'province', '01-DSX', '26734', '2025-03');
    assert.equal(r.status, 0, r.err);
    const m = status('2026-11-22', '760', '2025-03');
    assert.deepEqual(Object.keys(m).sort(), ['26734', '26737']);
    assert.equal(m['26734'].state, 'approved');
    assert.equal(m['26737'].state, 'missing');
  });
});

describe('danso export-dhis2', () => {
  let db;
  const MAP = [
    'form,row,column,data_element,category_option_combo,attribute_option_combo',
    '01-DSX,2,male,PopUID00001,MaleCOC0001,',
    '01-DSX,2,female,PopUID00001,FemCOC00001,',
    '01-DSX,17,,ElderChk001,,',
    '01-DSX,1,total,Househ00001,,AttrOC00001',
    '',
    'unit_code,org_unit',
    '26740,OuSaiGon001',
    '26743,OuTanDinh01',
    '',
    'form,data_set',
    '01-DSX,DsMonthly01',
  ].join('\n') + '\n';
  before(() => {
    fx = makeDb('sqlite');
    db = fx.db;
    assert.equal(cycle('submit', '2026-11-04', 'commune', '01-DSX', '26740', '2026-10').status, 0);
    assert.equal(cycle('approve', '2026-11-05', 'province', '01-DSX', '26740', '2026-10').status, 0);
    fs.writeFileSync(`${fx.dir}/map.csv`, MAP);
  });
  after(() => fx?.drop());
  const exp = (fmt, map = `${fx.dir}/map.csv`) =>
    danso('2026-11-22', 'export-dhis2', '--db', db, '--form', '01-DSX', '--unit', '79', '--period', '2026-10', '--mapping', map, '--format', fmt);

  test('dataValueSets JSON carries the approved report\'s values', () => {
    const r = exp('json');
    assert.equal(r.status, 0, r.err);
    const rep = JSON.parse(danso('2026-11-22', 'report', '--db', db, '--form', '01-DSX', '--unit', '26740', '--period', '2026-10').out);
    const row = (code) => rep.rows.find((x) => x.code === code);
    const v = r.json;
    assert.equal(v.dataSet, 'DsMonthly01');
    assert.equal(v.period, '202610');
    assert.equal(v.orgUnit, 'OuSaiGon001', 'one approved commune: its org unit');
    const get = (de, coc) => v.dataValues.find((x) => x.dataElement === de && (x.categoryOptionCombo || '') === coc);
    assert.equal(get('PopUID00001', 'MaleCOC0001').value, String(row('2').male[0]));
    assert.equal(get('PopUID00001', 'FemCOC00001').value, String(row('2').female[0]));
    assert.equal(get('ElderChk001', '').value, String(row('17').values[0]));
    assert.equal(get('Househ00001', '').attributeOptionCombo, 'AttrOC00001');
    assert.equal(v.dataValues.length, 4);
    for (const x of v.dataValues) assert.match(x.value, /^\d+$/, 'counts as whole numbers');
    // 26743 has nothing approved: left out and listed; unmapped rows listed.
    assert.match(r.err, /unit 26743 has no approved report/);
    assert.match(r.err, /row 5\/total has no mapping/);
  });

  test('ADX parses with a real XML parser and follows the profile', () => {
    const r = exp('adx');
    assert.equal(r.status, 0, r.err);
    fs.writeFileSync(`${fx.dir}/out.adx`, r.out);
    // xmllint (libxml2) parses it; its canonical form names the namespace.
    const lint = spawnSync('xmllint', ['--noout', `${fx.dir}/out.adx`], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
    const q = (xpath) => spawnSync('xmllint', ['--xpath', xpath, `${fx.dir}/out.adx`], { encoding: 'utf8' }).stdout.trim();
    const ns = "*[local-name()='adx' and namespace-uri()='urn:ihe:qrph:adx:2015']";
    assert.equal(q(`count(/${ns})`), '1');
    assert.match(q(`string(/${ns}/@exported)`), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(q(`count(/${ns}/*[local-name()='group'])`), '1');
    const g = `/${ns}/*[local-name()='group']`;
    assert.equal(q(`string(${g}/@orgUnit)`), 'OuSaiGon001');
    assert.equal(q(`string(${g}/@period)`), '2026-10-01/P1M');
    assert.equal(q(`string(${g}/@dataSet)`), 'DsMonthly01');
    assert.equal(q(`count(${g}/*[local-name()='dataValue'])`), '4');
    // Every dataValue has a dataElement and a numeric value, and nothing else is in a group.
    assert.equal(q(`count(${g}/*[local-name()!='dataValue'])`), '0');
    assert.equal(q(`count(${g}/*[local-name()='dataValue'][not(@dataElement) or not(@value) or string(number(@value))='NaN'])`), '0');
  });

  test('a mapping naming an unknown row or unit is refused with its line', () => {
    fs.writeFileSync(`${fx.dir}/bad-row.csv`, MAP.replace('01-DSX,17,,ElderChk001', '01-DSX,99z,,ElderChk001'));
    let r = exp('json', `${fx.dir}/bad-row.csv`);
    assert.equal(r.status, EXIT.input);
    assert.equal(r.out, '');
    assert.match(r.err, /bad-row\.csv:4: row: the form has no such row/);
    fs.writeFileSync(`${fx.dir}/bad-unit.csv`, MAP.replace('26743,OuTanDinh01', '99999,OuNowhere01'));
    r = exp('json', `${fx.dir}/bad-unit.csv`);
    assert.equal(r.status, EXIT.input);
    assert.match(r.err, /bad-unit\.csv:9: unit_code: no such unit/);
    fs.writeFileSync(`${fx.dir}/bad-col.csv`, MAP.replace('01-DSX,17,,', '01-DSX,17,male,'));
    r = exp('json', `${fx.dir}/bad-col.csv`);
    assert.equal(r.status, EXIT.input);
    assert.match(r.err, /bad-col\.csv:4: column/);
  });
});
