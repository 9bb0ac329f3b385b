// danso comm: communication sessions and clubs on the API tests' fixture
// register (tests/api/lib.mjs: commune 26740 with areas 2673400101 and
// 2673700101, commune 26743, province 79).  Every figure of the third
// quarter of 2026 is worked out by hand below; refusals name the line and
// field and record nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { makeDb, addUser, bin, env, uuid } from '../api/lib.mjs';

let fx;
const danso = (...args) => {
  const r = spawnSync(bin, args, { env, encoding: 'utf8' });
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { status: r.status, out: r.stdout, err: r.stderr, json };
};
const rec = (kind, unit, date, body) => JSON.stringify({ id: uuid(), kind, unit, date, body });
const record = (by, lines) => {
  const file = `${fx.dir}/rec-${uuid()}.ndjson`;
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, ...danso('comm', 'record', '--db', fx.db, '--by', by, file) };
};

describe('danso comm', () => {
  before(() => {
    fx = makeDb('sqlite');
    addUser(fx.db, fx.dir, 'commune2', 'commune', '26743');
    // The collaborator of area 2673400101: a talk on family planning, 8 men and 16 women.
    let r = record('collaborator', [
      rec('comm_session', '2673400101', '2026-07-10', { topic: 'fp', format: 'talk', held_by: 'Lê Thị Cộng Tác',
        participants: { male: { '15-24': 3, '25-49': 5 }, female: { '15-24': 6, '25-49': 10 } } }),
    ]);
    assert.equal(r.status, 0, r.err);
    // The commune officer of 26740: an event on child marriage (15 boys, 20 girls
    // under 15); a home visit in October (not in the quarter); two clubs and a
    // meeting of each.
    r = record('commune', [
      rec('comm_session', '26740', '2026-08-05', { topic: 'child_marriage', format: 'event',
        participants: { male: { under15: 15 }, female: { under15: 20 } } }),
      rec('comm_session', '2673700101', '2026-10-02', { topic: 'elderly', format: 'home_visit',
        participants: { female: { '60plus': 2 } } }),
      rec('club', '26740', '2026-05-01', { club: 'ktc-01', name: 'CLB Không tảo hôn khu phố 1', model: 'no_child_marriage', members: 25 }),
      rec('club', '26740', '2026-03-01', { club: 'nct-01', name: 'CLB Người cao tuổi', model: 'elderly_health', members: 40 }),
      rec('club_meeting', '26740', '2026-08-20', { club: 'ktc-01', topic: 'child_marriage', attendance: 18 }),
      rec('club_meeting', '26740', '2026-05-15', { club: 'nct-01', topic: 'elderly', attendance: 30 }),
    ]);
    assert.equal(r.status, 0, r.err);
    assert.match(r.err, /6 recorded/);
    // 26743: a loudspeaker message on the sex ratio at birth (4 men); a club set up on 1 September.
    r = record('commune2', [
      rec('comm_session', '26743', '2026-09-30', { topic: 'srb', format: 'loudspeaker', participants: { male: { '25-49': 4 } } }),
      rec('club', '26743', '2026-09-01', { club: 'lth-01', name: 'CLB Liên thế hệ', model: 'intergenerational', members: 12 }),
    ]);
    assert.equal(r.status, 0, r.err);
  });
  after(() => fx?.drop());

  test('the quarter\'s summary per commune and for the province, worked by hand', () => {
    const r = danso('comm', 'summary', '--db', fx.db, '--unit', '79', '--period', '2026-Q3');
    assert.equal(r.status, 0, r.err);
    const col = Object.fromEntries(r.json.columns.map((c) => [c.code, c]));
    assert.deepEqual(r.json.columns.map((c) => c.code), ['26740', '26743', '79']);
    // 26740: the talk (8 + 16) and the event (15 + 20); the October visit is not in Q3.
    assert.deepEqual([col['26740'].sessions, col['26740'].male, col['26740'].female, col['26740'].participants], [2, 23, 36, 59]);
    assert.equal(col['26740'].by_topic.fp, 1);
    assert.equal(col['26740'].by_topic.child_marriage, 1);
    assert.equal(col['26740'].by_topic.elderly, 0);
    assert.deepEqual([col['26740'].by_format.talk, col['26740'].by_format.event], [1, 1]);
    assert.deepEqual([col['26740'].by_age.under15, col['26740'].by_age['15-24'], col['26740'].by_age['25-49']], [35, 9, 15]);
    // Clubs on 30 September: ktc-01 met on 20 August (after 30 June: active);
    // nct-01 last met on 15 May (inactive).  One meeting in the quarter, 18 present.
    assert.deepEqual([col['26740'].clubs, col['26740'].active_clubs, col['26740'].meetings, col['26740'].attendance], [2, 1, 1, 18]);
    // 26743: 4 men; its club was set up on 1 September: active without a meeting yet.
    assert.deepEqual([col['26743'].sessions, col['26743'].participants, col['26743'].clubs, col['26743'].active_clubs], [1, 4, 1, 1]);
    assert.equal(col['26743'].by_format.loudspeaker, 1);
    assert.deepEqual([col['79'].total, col['79'].sessions, col['79'].participants, col['79'].clubs, col['79'].active_clubs,
      col['79'].meetings, col['79'].attendance], [true, 3, 63, 3, 2, 1, 18]);
    assert.equal(r.json.period.label, 'Quý III/2026');
    assert.equal(r.json.topics.find((t) => t.code === 'srb').label, 'Mất cân bằng giới tính khi sinh');
  });

  test('CSV and XLSX of the summary', () => {
    const r = danso('comm', 'summary', '--db', fx.db, '--unit', '79', '--period', '2026-Q3', '--format', 'csv', '--lang', 'en');
    assert.equal(r.status, 0, r.err);
    const lines = r.out.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines.length, 4);
    assert.ok(lines[0].startsWith('Unit code,Unit,Sessions,Participants,Men,Women,Clubs,Active clubs,Club meetings,Attendance,Topic: Family planning,'));
    assert.ok(lines[3].startsWith('79,TP Hồ Chí Minh,3,63,27,36,3,2,1,18,1,1,'), lines[3]);
    const x = `${fx.dir}/comm.xlsx`;
    assert.equal(danso('comm', 'summary', '--db', fx.db, '--unit', '79', '--period', '2026-Q3', '--format', 'xlsx', '-o', x).status, 0);
    assert.equal(fs.readFileSync(x).subarray(0, 2).toString(), 'PK');
  });

  test('the clubs on a day: inactive three months after their last meeting', () => {
    // 21 August: three months back is 21 May; ktc-01 met on 20 August (active),
    // nct-01 last on 15 May, six days too early (inactive).
    let r = danso('comm', 'clubs', '--db', fx.db, '--unit', '26740', '--date', '2026-08-21');
    assert.equal(r.status, 0, r.err);
    const by = (x) => Object.fromEntries(x.json.clubs.map((c) => [c.club, c]));
    assert.deepEqual([by(r)['ktc-01'].active, by(r)['nct-01'].active], [true, false]);
    assert.equal(by(r)['ktc-01'].model_label, 'Không tảo hôn, không kết hôn cận huyết thống');
    assert.equal(by(r)['ktc-01'].last_meeting, '2026-08-20');
    // 22 November: three months back is 22 August, after ktc-01's last meeting.
    r = danso('comm', 'clubs', '--db', fx.db, '--unit', '26740', '--date', '2026-11-22');
    assert.deepEqual([by(r)['ktc-01'].active, by(r)['nct-01'].active], [false, false]);
    // Before a club was set up it is not listed.
    r = danso('comm', 'clubs', '--db', fx.db, '--unit', '79', '--date', '2026-04-01');
    assert.deepEqual(r.json.clubs.map((c) => c.club), ['nct-01']);
  });

  test('the sessions list, oldest first, with names of codes', () => {
    const r = danso('comm', 'sessions', '--db', fx.db, '--unit', '26740', '--period', '2026');
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(r.json.sessions.map((s) => [s.date, s.unit.code, s.total]),
      [['2026-07-10', '2673400101', 24], ['2026-08-05', '26740', 35], ['2026-10-02', '2673700101', 2]]);
    assert.equal(r.json.sessions[0].topic_label, 'Kế hoạch hóa gia đình');
    assert.equal(r.json.sessions[0].held_by, 'Lê Thị Cộng Tác');
    assert.equal(r.json.sessions[0].recorded_by, 'collaborator');
  });

  test('refusals name the line and field, and record nothing', () => {
    const before = danso('comm', 'sessions', '--db', fx.db, '--unit', '79', '--period', '2026').json.sessions.length;
    const good = rec('comm_session', '26743', '2026-09-01', { topic: 'fp', format: 'talk', participants: { female: { '25-49': 1 } } });
    const cases = [
      // A meeting of another commune's club: 26743 has no club ktc-01.
      [rec('club_meeting', '26743', '2026-09-10', { club: 'ktc-01', topic: 'fp', attendance: 5 }), 'body.club', /no club of this code in this commune/],
      [rec('comm_session', '26743', '2026-09-10', { topic: 'fp', format: 'talk', participants: { male: { '25-49': 0 } } }), 'body.participants', /at least one/],
      [rec('comm_session', '26743', '2026-09-10', { topic: 'weather', format: 'talk', participants: { male: { '25-49': 2 } } }), 'body.topic', /unknown code/],
      [rec('comm_session', '26743', '2026-09-10', { topic: 'fp', format: 'talk', participants: { male: { '30-40': 2 } } }), 'body.participants.male.30-40', /unknown code/],
      [rec('comm_session', '26743', '2027-01-10', { topic: 'fp', format: 'talk', participants: { male: { '25-49': 2 } } }), 'date', /future/],
      // Outside the account's commune: as if it did not exist.
      [rec('comm_session', '26740', '2026-09-10', { topic: 'fp', format: 'talk', participants: { male: { '25-49': 2 } } }), 'unit', /no such administrative unit/],
      [rec('club', '26743', '2026-09-10', { club: 'x y', name: 'CLB', model: 'other', members: 3 }), 'body.club', /unknown code/],
    ];
    for (const [line, field, why] of cases) {
      const r = record('commune2', [good, line]);
      assert.notEqual(r.status, 0, `${field}: refused`);
      assert.ok(r.err.includes(`${r.file}:2: ${field}: `), `${field}: ${r.err}`);
      assert.match(r.err, why);
      assert.match(r.err, /nothing recorded/);
    }
    assert.equal(danso('comm', 'sessions', '--db', fx.db, '--unit', '79', '--period', '2026').json.sessions.length, before);
  });
});
