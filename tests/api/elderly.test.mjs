// The elderly-check programme through the API, on both backends: a commune
// officer schedules sessions, invites and records attendance; a
// collaborator sees and acts on their own area only; refused input names
// the field and changes nothing; attendance is elderly_check events,
// recorded once however often it is sent; the follow-up list and the
// coverage against the target, worked out by hand.
//
// The fixture (tests/api/lib.mjs) on 2026-11-22, commune 26740: area A
// (2673400101) holds A9 (born 1950), A8 (1955, added here) and A7 (born
// 1966-12-01: 59 today, 60 from 1 December), area B (2673700101) holds B9
// (1951); A1 is 36.  Nobody has a check in 2026.  S0, on 2026-11-10, is
// scheduled from the command line before the server starts (as on
// 2026-11-01), so that it is past when the server runs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BACKENDS, OBJ, makeDb, startServer, login, assertError, bin, env } from './lib.mjs';

const COMMUNE = OBJ.A.commune;
const [AREA_A, AREA_B] = [OBJ.A.area, OBJ.B.area];
const session = (o = {}) => ({ unit: COMMUNE, date: '2026-11-22', place: 'Trạm Y tế phường Sài Gòn', capacity: 10, areas: [AREA_A, AREA_B], ...o });

function extend(dir) {
  fs.appendFileSync(`${dir}/persons.csv`, [
    'A8,H2,Lý Văn Cao,1,1955-05-05,8,01,1,2,1,,,,',
    'A7,H2,Lý Thị Sắp Sáu Mươi,2,1966-12-01,8,01,1,2,1,,,,',
  ].join('\n') + '\n');
}

for (const backend of BACKENDS) {
  describe(`elderly checks (${backend})`, () => {
    let fx, srv;
    const u = {};
    let S0, S1, S2, S3, SB;
    before(async () => {
      fx = makeDb(backend, { extend });
      const r = spawnSync(bin, ['elderly', 'schedule', '--db', fx.db, '--unit', COMMUNE, '--date', '2026-11-10', '--place', 'Nhà văn hóa khu phố 1',
        '--capacity', '5', '--areas', `${AREA_A},${AREA_B}`, '--by', 'commune'], { env: { ...env, DANSO_TODAY: '2026-11-01' }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      S0 = JSON.parse(r.stdout).id;
      srv = await startServer(fx.db);
      for (const role of ['collaborator', 'commune', 'province']) u[role] = await login(srv.base, role, fx.pw[role]);
    });
    after(async () => {
      await srv?.stop();
      fx?.drop();
    });

    test('a commune officer schedules; a past date, an area of another commune and a commune outside are refused', async () => {
      const r = await u.commune.post('/api/v1/elderly/sessions', session());
      assert.equal(r.status, 201, r.text);
      S1 = r.json.id;
      S2 = (await u.commune.post('/api/v1/elderly/sessions', session({ areas: [AREA_A], capacity: 2 }))).json.id;
      S3 = (await u.commune.post('/api/v1/elderly/sessions', session({ date: '2026-12-05', areas: [AREA_A] }))).json.id;
      SB = (await u.commune.post('/api/v1/elderly/sessions', session({ areas: [AREA_B] }))).json.id;
      assert.ok(S2 && S3 && SB);
      const past = await u.commune.post('/api/v1/elderly/sessions', session({ date: '2026-11-21' }));
      assertError(past, 422, 'session_past');
      assert.equal(past.json.error.field, 'date');
      const foreign = await u.commune.post('/api/v1/elderly/sessions', session({ areas: [AREA_A, OBJ.C.area] }));
      assertError(foreign, 422, 'not_area');
      assert.equal(foreign.json.error.field, 'areas[1]');
      const noPlace = await u.commune.post('/api/v1/elderly/sessions', session({ place: '' }));
      assert.equal(noPlace.json.error.field, 'place');
      assertError(await u.commune.post('/api/v1/elderly/sessions', session({ unit: OBJ.C.commune, areas: [OBJ.C.area] })), 404, 'not_found');
      assertError(await u.collaborator.post('/api/v1/elderly/sessions', session()), 403, 'forbidden');
      const list = await u.commune.get(`/api/v1/elderly/sessions?unit=${COMMUNE}&year=2026`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json.sessions.map((x) => x.id).sort(), [S0, S1, S2, S3, SB].sort(), 'nothing else was scheduled');
    });

    test('invitations: in scope, 60 or more on the session\'s day, in its areas, not past, within capacity; all or none', async () => {
      const inv = (c, s, persons) => c.post(`/api/v1/elderly/sessions/${s}/invitations`, { persons });
      const ok = await inv(u.collaborator, S1, ['A9', 'A8']);
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.json.added, 2);
      const again = await inv(u.collaborator, S1, ['A9']);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual([again.json.added, again.json.already], [0, 1]);
      // Another area than the collaborator's: absent; the commune's officer may.
      const hidden = await inv(u.collaborator, S1, [OBJ.B.elder]);
      assertError(hidden, 404, 'not_found');
      assert.equal(hidden.json.error.field, 'persons[0]');
      assert.equal((await inv(u.commune, S1, [OBJ.B.elder])).status, 201);
      // Under 60 on the session's day, and all or none: A8 is not invited to S2 by this.
      const young = await inv(u.commune, S2, ['A8', 'A1']);
      assertError(young, 422, 'not_elderly');
      assert.equal(young.json.error.field, 'persons[1]');
      // Turning 60 on 1 December: not on 22 November, but on 5 December.
      assertError(await inv(u.commune, S2, ['A7']), 422, 'not_elderly');
      assert.equal((await inv(u.commune, S3, ['A7'])).status, 201);
      // Outside the session's areas; a person of another commune is absent.
      const outside = await inv(u.commune, S2, [OBJ.B.elder]);
      assertError(outside, 422, 'outside_session');
      assert.equal(outside.json.error.field, 'persons[0]');
      assertError(await inv(u.commune, S1, [OBJ.C.elder]), 404, 'not_found');
      // A session already held; more than its capacity.
      const past = await inv(u.commune, S0, ['A9']);
      assertError(past, 422, 'session_past');
      assert.equal(past.json.error.field, 'session');
      const full = await inv(u.commune, S2, ['A9', 'A8', 'A9']);
      assert.equal(full.status, 201, 'a person twice in one request counts once');
      const small = (await u.commune.post('/api/v1/elderly/sessions', session({ areas: [AREA_A], capacity: 1 }))).json.id;
      const over = await inv(u.commune, small, ['A9', 'A8']);
      assertError(over, 422, 'session_full');
      assert.equal(over.json.error.field, 'persons');
      assertError(await inv(u.commune, SB, ['A9']), 422, 'outside_session');
      assertError(await inv(u.province, S1, ['A9']), 403, 'forbidden');
      const lists = await u.commune.get(`/api/v1/elderly/sessions/${S2}`);
      assert.deepEqual(lists.json.areas[0].persons.map((p) => p.person_id).sort(), ['A8', 'A9'], 'what was refused changed nothing');
    });

    test('the invitation lists by area, with names; a collaborator sees their area only', async () => {
      const l = await u.commune.get(`/api/v1/elderly/sessions/${S1}`);
      assert.equal(l.status, 200, l.text);
      assert.equal(l.json.session.invited, 3);
      assert.deepEqual(l.json.areas.map((a) => [a.area, a.persons.map((p) => p.person_id).sort()]),
        [[AREA_A, ['A8', 'A9']], [AREA_B, [OBJ.B.elder]]]);
      const a9 = l.json.areas[0].persons.find((p) => p.person_id === 'A9');
      assert.equal(a9.name, 'Trương Văn Già');
      assert.equal(a9.age, 76);
      const own = await u.collaborator.get(`/api/v1/elderly/sessions/${S1}`);
      assert.deepEqual(own.json.areas.map((a) => a.area), [AREA_A]);
      assert.ok(!own.text.includes('Phan Văn Lão'), 'no name of the other area');
      const nope = await u.collaborator.get('/api/v1/elderly/sessions/00000000-0000-4000-8000-000000000000');
      const other = await u.collaborator.get(`/api/v1/elderly/sessions/${SB}`);
      assertError(other, 404, 'not_found');
      assert.deepEqual(other.json, nope.json, 'out of scope reads as absent');
      const mine = await u.collaborator.get('/api/v1/elderly/sessions');
      const seen = mine.json.sessions.map((x) => x.id);
      assert.ok([S0, S1, S2, S3].every((x) => seen.includes(x)) && !seen.includes(SB), 'the sessions that invite their area');
      assertError(await u.collaborator.get(`/api/v1/elderly/sessions?unit=${COMMUNE}`), 404, 'not_found');
      const csv = await u.commune.get(`/api/v1/elderly/sessions/${S1}?format=csv&lang=vi`);
      assert.match(csv.headers.get('content-type'), /text\/csv/);
      assert.ok(csv.text.includes('Họ tên') && csv.text.includes('Lý Văn Cao'));
      const a = spawnSync(bin, ['audit-search', '--db', fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'collaborator'], { env, encoding: 'utf8' });
      assert.ok(a.stdout.split(/\r?\n/).some((row) => row.includes('elderly_list') && row.includes(',A9,')), 'a list read is audited');
    });

    test('attendance: one event per person, once; not invited, under 60, not held yet, all or none', async () => {
      const att = (c, s, persons) => c.post(`/api/v1/elderly/sessions/${s}/attendance`, { persons });
      const bad = await att(u.commune, S1, [OBJ.B.elder, 'A1']);
      assertError(bad, 422, 'not_elderly');
      assert.equal(bad.json.error.field, 'persons[1]');
      const notInvited = await att(u.commune, S0, ['A9']);
      assertError(notInvited, 422, 'not_invited');
      assert.equal(notInvited.json.error.field, 'persons[0]');
      const future = await att(u.commune, S3, ['A7']);
      assertError(future, 422, 'session_not_held');
      assert.equal(future.json.error.field, 'session');
      assertError(await att(u.collaborator, S1, [OBJ.B.elder]), 404, 'not_found');
      const ok = await att(u.commune, S1, ['A9', OBJ.B.elder]);
      assert.equal(ok.status, 201, ok.text);
      assert.deepEqual([ok.json.added, ok.json.already], [2, 0]);
      const again = await att(u.commune, S1, ['A9', OBJ.B.elder]);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual([again.json.added, again.json.already], [0, 2]);
      const h = await u.commune.get('/api/v1/persons/A9/history');
      const checks = h.json.history.filter((e) => (e.event?.type || e.type) === 'elderly_check');
      assert.equal(checks.length, 1, JSON.stringify(h.json.history).slice(0, 400));
      const b9 = await u.commune.get(`/api/v1/persons/${OBJ.B.elder}/history`);
      assert.equal(b9.json.history.filter((e) => (e.event?.type || e.type) === 'elderly_check').length, 1, 'the refused request recorded nothing');
      const s = (await u.commune.get(`/api/v1/elderly/sessions/${S1}`)).json;
      assert.equal(s.session.checked, 2);
      assert.deepEqual(s.areas[0].persons.filter((p) => p.checked).map((p) => p.person_id), ['A9']);
    });

    test('follow-up: invited to a session held, not checked', async () => {
      const f = await u.commune.get(`/api/v1/elderly/followup?unit=${COMMUNE}&date=2026-11-22`);
      assert.equal(f.status, 200, f.text);
      assert.deepEqual(f.json.items.map((i) => i.person_id), ['A8']);
      assert.equal(f.json.items[0].sessions.length, 2, 'S1 and S2');
      const c = await u.collaborator.get('/api/v1/elderly/followup?date=2026-11-22');
      assert.deepEqual(c.json.items.map((i) => i.person_id), ['A8']);
      assertError(await u.collaborator.get(`/api/v1/elderly/followup?unit=${AREA_B}`), 404, 'not_found');
    });

    test('coverage by area and commune against the target', async () => {
      const t = await u.province.post('/api/v1/targets', [{ unit: COMMUNE, year: 2026, indicator: 'ELC', target: 80 }]);
      assert.equal(t.status, 200, t.text);
      const r = await u.commune.get(`/api/v1/elderly/coverage?unit=${COMMUNE}&date=2026-11-22`);
      assert.equal(r.status, 200, r.text);
      // A: A9 checked of A9, A8 (A7 is 59); B: B9 of B9.  The path on 22
      // November is 80 x 326/365 = 71.5: 66.7 is behind it.
      const row = (x) => [x.unit, x.eligible, x.checked, x.share, x.target, x.progress];
      assert.deepEqual(row(r.json.total), [COMMUNE, 3, 2, 66.7, 80, 'behind']);
      assert.deepEqual(r.json.areas.map(row), [[AREA_A, 2, 1, 50, 80, 'behind'], [AREA_B, 1, 1, 100, 80, 'reached']]);
      const c = await u.collaborator.get('/api/v1/elderly/coverage?date=2026-11-22');
      assert.deepEqual(c.json.areas.map(row), [[AREA_A, 2, 1, 50, 80, 'behind']]);
      assertError(await u.collaborator.get(`/api/v1/elderly/coverage?unit=${COMMUNE}`), 404, 'not_found');
      assertError(await u.commune.get(`/api/v1/elderly/coverage?unit=${OBJ.C.commune}`), 404, 'not_found');
      const d = await u.commune.get(`/api/v1/elderly/coverage?unit=${COMMUNE}&date=2026-02-30`);
      assertError(d, 400, 'bad_date');
      assert.equal(d.json.error.field, 'date');
    });
  });
}
