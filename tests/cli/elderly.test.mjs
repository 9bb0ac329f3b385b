// danso elderly on the work-list fixture (tests/data/worklist/README.md,
// "Elderly checks"): a session from scheduling to coverage, with the
// numbers worked out by hand, the person turning 60 during the year, the
// refusals naming the field (nothing changed), --by checked as the API
// checks it.
//
// Commune 26734 on 2026-06-30: area 01 counts E1, E2 (checked 2026-03-10)
// and E3 (60 on 2026-05-20; E4 is 59, E6 died); area 02 counts E5 and E7
// (checked 2026-02-01 in 26737 before moving to H3).  26737: E8.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { danso, dansoOn, ok } from './run.mjs';

const FIX = 'tests/data/worklist';
const A1 = '2673400101';
const A2 = '2673400102';
let dir, db, S;

const el = (today, ...args) => dansoOn(today, 'elderly', ...args, '--db', db);
const row = (x) => [x.unit, x.eligible, x.checked, x.share, x.target, x.progress];

describe('danso elderly', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-elderly-'));
    db = path.join(dir, 'e.db');
    ok(danso('init', '--db', db), 'init');
    ok(danso('import', '--db', db, '--units', `${FIX}/units.csv`, '--households', `${FIX}/households.csv`,
      '--persons', `${FIX}/persons.csv`, '--as-of', '2025-12-31', '--quiet'), 'import');
    ok(danso('events', '--db', db, `${FIX}/events.ndjson`), 'events');
    const t = path.join(dir, 'targets.csv');
    fs.writeFileSync(t, 'unit,year,indicator,target\n26734,2026,ELC,80\n79,2026,ELC,70\n');
    ok(danso('targets', '--db', db, '--file', t), 'targets');
    const pw = path.join(dir, 'pw');
    ok(danso('user', 'add', '--db', db, '--login', 'ctv2', '--role', 'collaborator', '--unit', A2, '--password-file', pw), 'user');
    ok(danso('user', 'add', '--db', db, '--login', 'xa', '--role', 'commune', '--unit', '26734', '--password-file', pw), 'user');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('coverage before any session: the person turning 60 counts from her birthday', () => {
    // 19 May: E3 is 59.  Area 01: E1, E2 (checked); area 02: E5, E7 (checked); 26737: E8.
    const may = ok(el('2026-06-01', 'coverage', '--unit', '79', '--date', '2026-05-19'), 'may').json;
    // The path on 19 May: 139/365 of the target (80: 30.5; 70: 26.7).
    assert.deepEqual(row(may.total), ['79', 5, 2, 40, 70, 'on_track']);
    assert.deepEqual(may.areas.map(row), [[A1, 2, 1, 50, 80, 'on_track'], [A2, 2, 1, 50, 80, 'on_track'], ['2673700101', 1, 0, 0, 70, 'behind']]);
    assert.deepEqual(may.communes.map(row), [['26734', 4, 2, 50, 80, 'on_track'], ['26737', 1, 0, 0, 70, 'behind']]);
    const june = ok(el('2026-06-01', 'coverage', '--unit', '26734', '--date', '2026-06-30'), 'june').json;
    assert.deepEqual(june.areas.map(row), [[A1, 3, 1, 33.3, 80, 'behind'], [A2, 2, 1, 50, 80, 'on_track']]);
  });

  test('schedule: the commune\'s areas, today or later', () => {
    const past = el('2026-06-01', 'schedule', '--unit', '26734', '--date', '2026-05-31', '--place', 'Trạm Y tế', '--capacity', '4', '--areas', `${A1},${A2}`);
    assert.equal(past.status, 3, past.err);
    assert.equal(past.json.error.field, 'date');
    assert.equal(past.json.error.code, 'session_past');
    const foreign = el('2026-06-01', 'schedule', '--unit', '26734', '--date', '2026-06-15', '--place', 'Trạm Y tế', '--capacity', '4', '--areas', `${A1},2673700101`);
    assert.equal(foreign.json.error.field, 'areas[1]');
    const cap = el('2026-06-01', 'schedule', '--unit', '26734', '--date', '2026-06-15', '--place', 'Trạm Y tế', '--capacity', '0', '--areas', A1);
    assert.equal(cap.json.error.field, 'capacity');
    const r = ok(el('2026-06-01', 'schedule', '--unit', '26734', '--date', '2026-06-15', '--place', 'Trạm Y tế phường Bến Nghé', '--capacity', '4', '--areas', `${A1},${A2}`, '--by', 'xa'), 'schedule');
    S = r.json.id;
    const list = ok(el('2026-06-01', 'sessions', '--unit', '26734', '--year', '2026'), 'sessions').json;
    assert.deepEqual(list.sessions.map((s) => [s.id, s.date, s.capacity, s.invited]), [[S, '2026-06-15', 4, 0]], 'the refused ones changed nothing');
    const denied = el('2026-06-01', 'schedule', '--unit', '26734', '--date', '2026-06-15', '--place', 'X', '--capacity', '4', '--areas', A2, '--by', 'ctv2');
    assert.notEqual(denied.status, 0);
    assert.match(denied.err, /by:/);
  });

  test('invite: 60 or more on the session\'s day, in its areas, within capacity, all or none', () => {
    const young = el('2026-06-01', 'invite', '--session', S, '--persons', 'E1,E4');
    assert.equal(young.json.error.code, 'not_elderly');
    assert.equal(young.json.error.field, 'persons[1]');
    const outside = el('2026-06-01', 'invite', '--session', S, '--persons', 'E8');
    assert.equal(outside.json.error.code, 'outside_session');
    const full = el('2026-06-01', 'invite', '--session', S, '--persons', 'E1,E2,E3,E5,E7');
    assert.equal(full.json.error.code, 'session_full');
    assert.equal(full.json.error.field, 'persons');
    const scope = el('2026-06-01', 'invite', '--session', S, '--persons', 'E1', '--by', 'ctv2');
    assert.equal(scope.status, 4, scope.err);
    assert.equal(scope.json.error.code, 'no_person');
    // E3 turned 60 on 20 May: invited to the 15 June session.
    const r = ok(el('2026-06-01', 'invite', '--session', S, '--persons', 'E1,E3,E5', '--by', 'xa'), 'invite').json;
    assert.deepEqual([r.added, r.already], [3, 0]);
    const lists = ok(el('2026-06-01', 'lists', '--session', S), 'lists').json;
    assert.deepEqual(lists.areas.map((a) => [a.area, a.persons.map((p) => [p.person_id, p.age])]),
      [[A1, [['E1', 76], ['E3', 60]]], [A2, [['E5', 85]]]]);
    const own = ok(el('2026-06-01', 'lists', '--session', S, '--by', 'ctv2'), 'own').json;
    assert.deepEqual(own.areas.map((a) => a.area), [A2]);
    const csv = el('2026-06-01', 'lists', '--session', S, '--format', 'csv', '--lang', 'vi');
    assert.match(csv.out, /Họ tên/);
    assert.match(csv.out, /Hoàng Văn Sáu Mươi/);
    const late = el('2026-06-16', 'invite', '--session', S, '--persons', 'E2');
    assert.equal(late.json.error.code, 'session_past');
    assert.equal(late.json.error.field, 'session');
  });

  test('attend: each person an elderly_check event, once; not invited or under 60 refused', () => {
    const early = el('2026-06-10', 'attend', '--session', S, '--persons', 'E1');
    assert.equal(early.json.error.code, 'session_not_held');
    const notInvited = el('2026-06-20', 'attend', '--session', S, '--persons', 'E1,E2');
    assert.equal(notInvited.json.error.code, 'not_invited');
    assert.equal(notInvited.json.error.field, 'persons[1]');
    const young = el('2026-06-20', 'attend', '--session', S, '--persons', 'E4');
    assert.equal(young.json.error.code, 'not_elderly');
    const r = ok(el('2026-06-20', 'attend', '--session', S, '--persons', 'E1,E5', '--by', 'xa'), 'attend').json;
    assert.deepEqual([r.added, r.already], [2, 0]);
    const again = ok(el('2026-06-20', 'attend', '--session', S, '--persons', 'E5,E1'), 'again').json;
    assert.deepEqual([again.added, again.already], [0, 2]);
    const p = ok(danso('person', '--db', db, '--json', 'E1'), 'person');
    const checks = (p.out.match(/elderly_check/g) || []).length;
    assert.equal(checks, 1, p.out.slice(0, 400));
  });

  test('follow-up and coverage after the session', () => {
    const f = ok(el('2026-06-20', 'followup', '--unit', '26734', '--date', '2026-06-30'), 'followup').json;
    assert.deepEqual(f.items.map((i) => i.person_id), ['E3']);
    assert.equal(f.items[0].sessions[0].id, S);
    // Before the session was held nobody is to follow up.
    assert.deepEqual(ok(el('2026-06-20', 'followup', '--unit', '26734', '--date', '2026-06-14'), 'before').json.items, []);
    // Area 01: E1, E2 of E1, E2, E3; area 02: E5, E7 of both; the commune 4 of 5.
    const c = ok(el('2026-06-20', 'coverage', '--unit', '26734', '--date', '2026-06-30'), 'coverage').json;
    assert.deepEqual(row(c.total), ['26734', 5, 4, 80, 80, 'reached']);
    assert.deepEqual(c.areas.map(row), [[A1, 3, 2, 66.7, 80, 'on_track'], [A2, 2, 2, 100, 80, 'reached']]);
    const mine = ok(el('2026-06-20', 'coverage', '--unit', A2, '--date', '2026-06-30', '--by', 'ctv2'), 'mine').json;
    assert.deepEqual(mine.areas.map(row), [[A2, 2, 2, 100, 80, 'reached']]);
    const out = el('2026-06-20', 'coverage', '--unit', '26734', '--by', 'ctv2');
    assert.equal(out.status, 4, out.err);
    assert.equal(out.json.error.field, 'unit');
  });
});
