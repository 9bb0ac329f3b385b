// Communication sessions and clubs through the API, on both backends: a
// collaborator records a session in their area; a commune officer sets up
// a club and records its meetings; a meeting for another commune's club is
// refused naming the field; the summary adds them up (JSON, CSV); a unit
// outside the scope reads as absent, refused bodies change nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, OBJ, served, assertError } from './lib.mjs';

const SUM = (unit, q = '') => `/api/v1/comm/summary?unit=${unit}&period=2026-Q4${q}`;

for (const backend of BACKENDS) {
  describe(`communication and clubs (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'province']);

    test('a collaborator records a session in their area, not in another', async () => {
      const ok = await s.u.collaborator.post('/api/v1/comm/sessions', {
        unit: OBJ.A.area, date: '2026-10-05', topic: 'premarital', format: 'talk', held_by: 'Nguyễn Thị Truyền',
        participants: { male: { '15-24': 7 }, female: { '15-24': 9 } },
      });
      assert.equal(ok.status, 201, ok.text);
      const out = await s.u.collaborator.post('/api/v1/comm/sessions', {
        unit: OBJ.B.area, date: '2026-10-05', topic: 'fp', format: 'talk', participants: { male: { '15-24': 1 } },
      });
      assertError(out, 404, 'not_found');
      const list = await s.u.collaborator.get(`/api/v1/comm/sessions?period=2026-Q4&lang=vi`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json.sessions.map((x) => [x.unit.code, x.total, x.topic_label]),
        [[OBJ.A.area, 16, 'Tư vấn, khám sức khỏe trước kết hôn']]);
    });

    test('refusals name the member of the body', async () => {
      const base = { unit: OBJ.A.commune, date: '2026-10-06', topic: 'fp', format: 'talk', participants: { female: { '25-49': 2 } } };
      const cases = [
        [{ ...base, topic: 'weather' }, 'bad_code', 'topic'],
        [{ ...base, participants: { female: { '25-49': 0 } } }, 'no_participants', 'participants'],
        [{ ...base, participants: { other: { '25-49': 2 } } }, 'unknown_member', 'participants.other'],
        [{ ...base, date: '2027-01-01' }, 'date_future', 'date'],
        [{ ...base, date: undefined }, 'required', 'date'],
      ];
      for (const [body, code, field] of cases) {
        const r = await s.u.commune.post('/api/v1/comm/sessions', body);
        assertError(r, 422, code);
        assert.equal(r.json.error.field, field, r.text);
      }
    });

    test('a club, its meetings, another commune\'s club refused, and the summary', async () => {
      let r = await s.u.commune.post('/api/v1/clubs', {
        unit: OBJ.A.commune, date: '2026-10-01', club: 'ktc-01', name: 'CLB Không tảo hôn', model: 'no_child_marriage', members: 20,
      });
      assert.equal(r.status, 201, r.text);
      r = await s.u.commune.post('/api/v1/clubs/ktc-01/meetings', { unit: OBJ.A.commune, date: '2026-10-20', topic: 'child_marriage', attendance: 17 });
      assert.equal(r.status, 201, r.text);
      // The province officer records a meeting for 26743, which has no such club.
      r = await s.u.province.post('/api/v1/clubs/ktc-01/meetings', { unit: OBJ.C.commune, date: '2026-10-20', topic: 'fp', attendance: 5 });
      assertError(r, 422, 'no_club');
      assert.equal(r.json.error.field, 'club');
      // A commune officer cannot reach another commune at all.
      r = await s.u.commune.post('/api/v1/clubs', { unit: OBJ.C.commune, date: '2026-10-01', club: 'x', name: 'X', model: 'other', members: 1 });
      assertError(r, 404, 'not_found');
      const sum = await s.u.province.get(SUM(OBJ.A.province));
      assert.equal(sum.status, 200, sum.text);
      const c = sum.json.columns.find((x) => x.code === OBJ.A.commune);
      assert.deepEqual([c.sessions, c.participants, c.male, c.female, c.clubs, c.active_clubs, c.meetings, c.attendance],
        [1, 16, 7, 9, 1, 1, 1, 17]);
      assertError(await s.u.commune.get(SUM(OBJ.C.commune)), 404, 'not_found');
      assertError(await s.u.collaborator.get(SUM(OBJ.A.area)), 403, 'forbidden');
      const csv = await s.u.province.get(SUM(OBJ.A.province, '&format=csv&lang=en'));
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type'), /text\/csv/);
      assert.ok(csv.text.replace(/^\uFEFF/, '').startsWith('Unit code,Unit,Sessions,Participants,Men,Women,'));
      const clubs = await s.u.commune.get(`/api/v1/clubs?unit=${OBJ.A.commune}&date=2026-11-20`);
      assert.deepEqual(clubs.json.clubs.map((x) => [x.club, x.active, x.last_meeting]), [['ktc-01', true, '2026-10-20']]);
    });
  });
}
