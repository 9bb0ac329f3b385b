// danso workforce on the work-list fixture (tests/data/worklist), numbers
// by hand.  Commune 26734: CTV1 covers area 01 from 2025-01-01 and leaves
// on 2026-03-15; CTV2 starts there on 2026-03-20, the same month (area 01
// is without a collaborator from 16 to 19 March); CTV3 covers area 02 from
// 2025-06-01 and records nothing.  Area 2673700101 (26737) has never had a
// collaborator.  CTV2 (login ctv2) recorded two events, dated 10 April and
// 5 May 2026, and followed one course.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { danso, dansoOn, ok } from './run.mjs';

const FIX = 'tests/data/worklist';
const [A1, A2, B1] = ['2673400101', '2673400102', '2673700101'];
let dir, db;
const wk = (...args) => dansoOn('2026-06-30', 'workforce', ...args, '--db', db);
const report = (unit, date) => ok(wk('report', '--unit', unit, '--date', date), 'report').json;

describe('danso workforce', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-workforce-'));
    db = path.join(dir, 'w.db');
    ok(danso('init', '--db', db), 'init');
    ok(danso('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`,
      '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet'), 'import');
    ok(danso('events', '--db', db, `${FIX}/events.ndjson`), 'events');
    // Two events recorded by ctv2 (the command records them as $USER).
    const ev = path.join(dir, 'ctv2.ndjson');
    fs.writeFileSync(ev, [
      { id: '00000000-0000-4000-8000-0000000c0001', type: 'elderly_check', date: '2026-04-10', person: 'E1', facility: 'TYT' },
      { id: '00000000-0000-4000-8000-0000000c0002', type: 'info_change', date: '2026-05-05', person: 'W1', field: 'education', value: '4' },
    ].map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = spawnSync(process.env.DANSO_BIN || 'build/danso', ['events', '--db', db, ev], { env: { ...process.env, USER: 'ctv2', DANSO_TODAY: '2026-06-30' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const pw = path.join(dir, 'pw');
    ok(danso('user', 'add', '--db', db, '--login', 'xa', '--role', 'commune', '--unit', '26734', '--password-file', pw), 'user');
    ok(danso('user', 'add', '--db', db, '--login', 'xa2', '--role', 'commune', '--unit', '26737', '--password-file', pw), 'user');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('collaborators, a handover in one month, and the refusals naming the field', () => {
    for (const [code, name, login] of [['CTV1', 'Nguyễn Thị Một', 'ctv1'], ['CTV2', 'Trần Văn Hai', 'ctv2'], ['CTV3', 'Lê Thị Ba', 'ctv3']])
      ok(wk('add', '--unit', '26734', '--code', code, '--name', name, '--login', login, '--by', 'xa'), code);
    ok(wk('assign', '--area', A1, '--code', 'CTV1', '--from', '2025-01-01'), 'CTV1');
    // CTV2 cannot start while CTV1 still covers the area...
    const covered = wk('assign', '--area', A1, '--code', 'CTV2', '--from', '2026-03-20');
    assert.equal(covered.status, 3, covered.err);
    assert.deepEqual([covered.json.error.code, covered.json.error.field], ['area_covered', 'from']);
    // ...until CTV1's assignment ends.
    ok(wk('assign', '--area', A1, '--code', 'CTV1', '--from', '2025-01-01', '--to', '2026-03-15'), 'CTV1 leaves');
    ok(wk('assign', '--area', A1, '--code', 'CTV2', '--from', '2026-03-20'), 'CTV2 starts');
    ok(wk('assign', '--area', A2, '--code', 'CTV3', '--from', '2025-06-01'), 'CTV3');
    assert.equal(wk('assign', '--area', A2, '--code', 'CTV2', '--from', '2026-01-01', '--to', '2026-02-01').json.error.code, 'area_covered');
    assert.deepEqual(wk('assign', '--area', A2, '--code', 'CTV9', '--from', '2026-01-01').json.error.field, 'collaborator');
    ok(wk('train', '--unit', '26734', '--code', 'CTV2', '--course', 'Tập huấn cộng tác viên mới', '--date', '2026-03-25', '--hours', '8'), 'train');
    const noCourse = wk('train', '--unit', '26734', '--code', 'CTV3', '--date', '2026-03-25');
    assert.deepEqual([noCourse.json.error.code, noCourse.json.error.field], ['course_required', 'course']);
    const other = wk('add', '--unit', '26734', '--code', 'CTV4', '--name', 'X', '--by', 'xa2');
    assert.equal(other.status, 4, other.err);
    assert.equal(report('26734', '2026-06-30').collaborators.length, 3, 'the refused ones wrote nothing');
  });

  test('areas without a collaborator and since when', () => {
    assert.deepEqual(report('26734', '2026-03-17').areas_without, [{ area: A1, name: 'Địa bàn 01', since: '2026-03-16' }]);
    assert.deepEqual(report('26734', '2026-03-20').areas_without, []);
    assert.deepEqual(report('79', '2026-06-30').areas_without, [{ area: B1, name: 'Địa bàn 01', since: null }]);
  });

  test('events per collaborator per month, silence, turnover and training coverage', () => {
    const r = report('79', '2026-06-30');
    const by = Object.fromEntries(r.collaborators.map((c) => [c.code, c]));
    assert.deepEqual(by.CTV2.events, { '2026-04': 1, '2026-05': 1 });
    assert.equal(by.CTV2.last_event, '2026-05-05');
    assert.deepEqual([by.CTV1.active, by.CTV2.active, by.CTV3.active], [false, true, true]);
    // CTV3 has recorded nothing; CTV2's last event (5 May) is after 30 April.
    assert.deepEqual(r.silent, ['CTV3']);
    assert.deepEqual(report('79', '2026-07-10').silent, ['CTV2', 'CTV3'], 'on 10 July, 5 May is two months gone');
    // Active on 1 January: CTV1, CTV3; on 30 June: CTV2, CTV3; CTV1 left, CTV2 started: 1 / 2 = 50%.
    assert.deepEqual(r.turnover, { year: 2026, active_start: 2, active_end: 2, left: 1, started: 1, rate: 50 });
    // CTV2 trained, CTV3 not.
    assert.deepEqual(r.training, { active: 2, trained: 1, share: 50 });
    assert.deepEqual(by.CTV2.courses, [{ course: 'Tập huấn cộng tác viên mới', date: '2026-03-25', hours: 8 }]);
    assert.deepEqual(report('79', '2026-03-24').collaborators.find((c) => c.code === 'CTV2').courses, [], 'not yet on 24 March');
    assert.deepEqual(by.CTV1.areas, [{ area: A1, name: 'Địa bàn 01', from: '2025-01-01', to: '2026-03-15' }]);
    assert.equal(by.CTV1.commune_name, 'Phường Bến Nghé');
  });
});
