// The spreadsheet, read back by a real reader (openpyxl, Debian's
// python3-openpyxl): title, headings, values, signature block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = process.env.DANSO_BIN || 'build/danso';
const env = { ...process.env, DANSO_TODAY: '2026-11-22' };
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const data = 'tests/data/rules';

// Every cell of the first sheet as [row, column, value] (1-based).
function cells(file) {
  const py = 'import json,sys,openpyxl\n'
    + 'ws=openpyxl.load_workbook(sys.argv[1]).worksheets[0]\n'
    + 'print(json.dumps([[c.row,c.column,c.value] for r in ws.iter_rows() for c in r if c.value is not None],ensure_ascii=False))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
}

function find(cs, pred) {
  return cs.find(([, , v]) => pred(v));
}

function rowOf(cs, code) {
  const c = cs.find(([, col, v]) => col === 1 && String(v) === code);
  assert.ok(c, `row ${code} is in the sheet`);
  return cs.filter(([r]) => r === c[0]);
}

test('the monthly form as a spreadsheet', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-xlsx-'));
  const db = path.join(dir, 'x.db');
  run('import', '--db', db, '--units', `${data}/units.csv`, '--households', `${data}/households.csv`,
      '--persons', `${data}/persons.csv`, '--as-of', '2024-01-01', '--quiet');
  run('events', '--db', db, `${data}/events.ndjson`);
  const file = path.join(dir, 'r.xlsx');
  run('report', '--db', db, '--form', '03-DSX', '--unit', '26737', '--period', '2024', '--format', 'xlsx', '-o', file);
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK');
  const cs = cells(file);
  assert.ok(find(cs, (v) => v === 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), 'the national heading');
  assert.ok(find(cs, (v) => String(v).includes('Đơn vị báo cáo') && String(v).includes('Phường Bến Thành')), 'the unit');
  assert.ok(find(cs, (v) => String(v).includes('Kỳ báo cáo: Năm 2024')), 'the period');
  assert.ok(find(cs, (v) => v === 'Báo cáo thống kê dân số - kế hoạch hóa gia đình hằng năm'), 'the title');
  for (const h of ['Mã', 'Chỉ tiêu', 'Đơn vị tính', 'Tổng số', 'Nam', 'Nữ', 'Kế hoạch năm', '% đạt'])
    assert.ok(find(cs, (v) => v === h), `heading ${h}`);
  // Births in 26737 in 2024: one boy (C4), worked out by hand in tests/unit/test_report.c.
  const births = rowOf(cs, '5');
  assert.equal(births.find(([, col]) => col === 4)[2], 1);
  assert.equal(births.find(([, col]) => col === 5)[2], 1);
  assert.equal(births.find(([, col]) => col === 6)[2], 0);
  const pop = rowOf(cs, '2');
  assert.deepEqual(pop.filter(([, col]) => col >= 4 && col <= 6).map(([, , v]) => v), [7, 3, 4]);
  // A rate over zero stays empty: no girl was born, so SRB has no value.
  const srb = rowOf(cs, 'SRB');
  assert.equal(srb.find(([, col]) => col === 4), undefined);
  assert.ok(find(cs, (v) => v === 'NGƯỜI LẬP BIỂU'), 'the preparer');
  assert.ok(find(cs, (v) => v === 'THỦ TRƯỞNG ĐƠN VỊ'), 'the approver');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the province form: a column per commune and a total', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-xlsx-'));
  const db = path.join(dir, 'x.db');
  run('import', '--db', db, '--units', `${data}/units.csv`, '--households', `${data}/households.csv`,
      '--persons', `${data}/persons.csv`, '--as-of', '2024-01-01', '--quiet');
  run('events', '--db', db, `${data}/events.ndjson`);
  const file = path.join(dir, 'p.xlsx');
  run('report', '--db', db, '--form', '01-DSX', '--unit', '79', '--period', '2024', '--format', 'xlsx', '-o', file, '--lang', 'en');
  const cs = cells(file);
  const heads = cs.filter(([r, , v]) => v === 'Indicator').map(([r]) => r);
  assert.equal(heads.length, 1);
  const header = cs.filter(([r]) => r === heads[0]).map(([, , v]) => v);
  assert.deepEqual(header.slice(3), ['Phường Bến Nghé', 'Phường Bến Thành', 'Total']);
  const pop = rowOf(cs, '2').filter(([, col]) => col >= 4).map(([, , v]) => v);
  assert.deepEqual(pop, [3, 7, 10]);
  const inm = rowOf(cs, '7').filter(([, col]) => col >= 4).map(([, , v]) => v);
  assert.deepEqual(inm, [0, 2, 2]);
  fs.rmSync(dir, { recursive: true, force: true });
});
