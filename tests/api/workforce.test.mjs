// The collaborator workforce through the API, on both backends: a commune
// officer records collaborators, areas and trainings of the commune; an
// area already covered and a training without a course are refused naming
// the field, with nothing written; the workforce of the commune on a day.
// Fixture (tests/api/lib.mjs): commune 26740 has areas A and B.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, OBJ, served, assertError } from './lib.mjs';

for (const backend of BACKENDS) {
  describe(`workforce (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune']);
    const post = (what, body) => s.u.commune.post(`/api/v1/workforce/${what}`, body);

    test('records, refusals and the view of the commune', async () => {
      assert.equal((await post('collaborators', { unit: OBJ.A.commune, code: 'L1', name: 'Nguyễn Thị Lan', sex: 2, birth_year: 1985, phone: '0901234567', login: 'collaborator' })).status, 201);
      assert.equal((await post('collaborators', { unit: OBJ.A.commune, code: 'L2', name: 'Phạm Văn Hùng' })).status, 201);
      assert.equal((await post('assignments', { area: OBJ.A.area, collaborator: 'L1', from: '2026-01-01', to: '2026-10-31' })).status, 201);
      const covered = await post('assignments', { area: OBJ.A.area, collaborator: 'L2', from: '2026-10-15' });
      assertError(covered, 422, 'area_covered');
      assert.equal(covered.json.error.field, 'from');
      assert.equal((await post('assignments', { area: OBJ.A.area, collaborator: 'L2', from: '2026-11-01' })).status, 201);
      const noCourse = await post('trainings', { unit: OBJ.A.commune, collaborator: 'L2', date: '2026-11-05' });
      assertError(noCourse, 422, 'course_required');
      assert.equal(noCourse.json.error.field, 'course');
      assert.equal((await post('trainings', { unit: OBJ.A.commune, collaborator: 'L2', course: 'Tập huấn CTV', date: '2026-11-05', hours: 16 })).status, 201);
      assertError(await post('collaborators', { unit: OBJ.C.commune, code: 'L3', name: 'X' }), 404, 'not_found');
      assertError(await s.u.collaborator.post('/api/v1/workforce/collaborators', { unit: OBJ.A.commune, code: 'L4', name: 'X' }), 403, 'forbidden');
      const r = await s.u.commune.get(`/api/v1/workforce?unit=${OBJ.A.commune}&date=2026-11-22`);
      assert.equal(r.status, 200, r.text);
      const by = Object.fromEntries(r.json.collaborators.map((c) => [c.code, c]));
      assert.deepEqual(Object.keys(by).sort(), ['L1', 'L2']);
      assert.deepEqual([by.L1.active, by.L2.active, by.L2.trainings], [false, true, 1]);
      // The record as entered, the areas and the commune by name, each course.
      assert.deepEqual([by.L1.sex, by.L1.birth_year, by.L1.phone, by.L2.sex, by.L2.phone], [2, 1985, '0901234567', null, null]);
      assert.ok(by.L1.commune_name && by.L1.commune_name !== OBJ.A.commune, by.L1.commune_name);
      assert.deepEqual(by.L1.areas.map((a) => [a.area, a.from, a.to]), [[OBJ.A.area, '2026-01-01', '2026-10-31']]);
      assert.ok(by.L1.areas[0].name && by.L1.areas[0].name !== OBJ.A.area, by.L1.areas[0].name);
      assert.deepEqual(by.L2.courses, [{ course: 'Tập huấn CTV', date: '2026-11-05', hours: 16 }]);
      assert.deepEqual(by.L1.courses, []);
      // Area B has never had a collaborator; A is covered by L2 since 1 November.
      assert.deepEqual(r.json.areas_without.map((a) => [a.area, a.since]), [[OBJ.B.area, null]]);
      assert.deepEqual(r.json.turnover, { year: 2026, active_start: 1, active_end: 1, left: 1, started: 2, rate: 100 });
      assert.deepEqual(r.json.training, { active: 1, trained: 1, share: 100 });
      const gap = await s.u.commune.get(`/api/v1/workforce?unit=${OBJ.A.commune}&date=2026-12-31`);
      assert.equal(gap.status, 200);
      assertError(await s.u.commune.get(`/api/v1/workforce?unit=${OBJ.C.commune}`), 404, 'not_found');
    });
  });
}
