// The monthly cycle through the API, on both store backends: every refusal
// of the issue with its reason and nothing changed, two approvals at the
// same moment (one approval, one conflict), the review of the month with a
// query answered, a revision with the difference and the event behind it,
// the report's revision flag, timeliness as CSV and XLSX, the DHIS2 export.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BACKENDS, OBJ, makeDb, addUser, startServer, login, assertError, uuid, run, sleep } from './lib.mjs';

for (const backend of BACKENDS) {
  describe(`the monthly cycle (${backend})`, () => {
    let fx, srv, commune, province, province2, collab, national;
    const body = (extra = {}) => ({ form: '01-DSX', unit: '26740', period: '2026-10', ...extra });
    before(async () => {
      fx = makeDb(backend);
      fx.pw.province2 = addUser(fx.db, fx.dir, 'province2', 'province', '79');
      srv = await startServer(fx.db);
      commune = await login(srv.base, 'commune', fx.pw.commune);
      province = await login(srv.base, 'province', fx.pw.province);
      province2 = await login(srv.base, 'province2', fx.pw.province2);
      collab = await login(srv.base, 'collaborator', fx.pw.collaborator);
      national = await login(srv.base, 'national', fx.pw.national);
    });
    after(async () => { await srv?.stop(); fx?.drop(); });
    const state = async (c = province) => (await c.get('/api/v1/cycle/report?form=01-DSX&unit=26740&period=2026-10')).json;

    test('refusals: each with its reason, and nothing changed', async () => {
      assertError(await commune.post('/api/v1/cycle/submit', body({ period: '2026-11' })), 422, 'period_not_ended');
      assertError(await commune.post('/api/v1/cycle/submit', body({ unit: '26743' })), 404, 'not_found');
      assertError(await province.post('/api/v1/cycle/submit', body()), 403, 'wrong_level');
      assertError(await province.post('/api/v1/cycle/approve', body()), 409, 'not_submitted');
      const m = await state();
      assert.deepEqual([m.state, m.period_label, m.period_end, m.deadline, m.late_days], ['missing', 'October 2026', '2026-10-31', '2026-11-06', 10]);
      assert.equal((await commune.post('/api/v1/cycle/submit', body())).status, 201);
      assertError(await province.post('/api/v1/cycle/return', body()), 422, 'comment_required');
      assertError(await province.post('/api/v1/cycle/return', body({ comment: ' ' })), 422, 'comment_required');
      assertError(await national.post('/api/v1/cycle/approve', body()), 403, 'wrong_level');
      const s = await state();
      assert.equal(s.state, 'submitted');
      assert.deepEqual(s.history.map((h) => h.what), ['submitted']);
      // Approving one's own submission: the district's report before July 2025, submitted by the province.
      const dsh = { form: '01-DSH', unit: '760', period: '2025-Q2' };
      assert.equal((await province.post('/api/v1/cycle/submit', dsh)).status, 201);
      assertError(await province.post('/api/v1/cycle/approve', dsh), 403, 'own_submission');
      // A mapping with an unknown row or unit.
      for (const [m, code] of [['form,row,column,data_element,category_option_combo,attribute_option_combo\n01-DSX,zz,,De00000001,,\n', 'mapping_row'],
        ['unit_code,org_unit\n99999,Ou00000001\n', 'mapping_unit']]) {
        const r = await province.post('/api/v1/dhis2/export', body({ format: 'json', mapping: m }));
        assertError(r, 422, code);
        assert.match(r.json.error.message, /mapping:\d+/);
      }
    });

    test('two officers approving at the same moment: one approval and one clear conflict', async () => {
      const [a, b] = await Promise.all([province.post('/api/v1/cycle/approve', body()), province2.post('/api/v1/cycle/approve', body())]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [201, 409], `${a.text} ${b.text}`);
      assertError([a, b].find((r) => r.status === 409), 409, 'already_approved');
      const s = await state();
      assert.equal(s.state, 'approved');
      assert.deepEqual(s.history.map((h) => h.what), ['submitted', 'approved']);
      assertError(await province.post('/api/v1/cycle/approve', body()), 409, 'already_approved');
      assertError(await commune.post('/api/v1/cycle/submit', body()), 409, 'nothing_changed');
    });

    test('a late event: the report is revised, row by row, with the event; a revision is approved again', async () => {
      const rep0 = (await commune.get('/api/v1/reports/01-DSX?unit=26740&period=2026-10')).json;
      assert.equal(rep0.revision, false);
      const id = uuid();
      assert.equal((await collab.post('/api/v1/events', { id, type: 'elderly_check', date: '2026-10-20', person: 'A9', facility: 'TYT' })).status, 201);
      const rep = (await commune.get('/api/v1/reports/01-DSX?unit=26740&period=2026-10')).json;
      assert.equal(rep.revision, true, 'approved values differ from today\'s');
      const s = await state(commune);
      assert.equal(s.state, 'revised');
      const row17 = s.rows.find((r) => r.code === '17');
      assert.equal(row17.differs, true);
      assert.equal(row17.today, row17.approved + 1);
      assert.deepEqual(s.rows.filter((r) => r.differs).map((r) => r.code), ['17']);
      assert.deepEqual(s.late_events.map((e) => [e.id, e.type, e.name]), [[id, 'elderly_check', 'Trương Văn Già']]);
      assert.equal((await commune.post('/api/v1/cycle/submit', body())).status, 201);
      let t = await state();
      assert.equal(t.state, 'submitted');
      assert.equal(t.revision, true);
      assert.equal((await province2.post('/api/v1/cycle/approve', body())).status, 201);
      t = await state();
      assert.equal(t.state, 'approved');
      assert.deepEqual(t.history.map((h) => h.what), ['submitted', 'approved', 'submitted', 'approved']);
      assert.equal((await commune.get('/api/v1/reports/01-DSX?unit=26740&period=2026-10')).json.revision, false);
    });

    test('the review of the month: areas without change first, a query answered by its collaborator', async () => {
      const r = (await commune.get('/api/v1/review?unit=26740&month=2026-01')).json;
      assert.deepEqual(r.areas.map((a) => a.count), [1, 1]);
      const nov = (await commune.get('/api/v1/review?unit=26740&month=2026-10')).json;
      assert.equal(nov.areas[0].code, OBJ.B.area, 'the area without a change comes first');
      assert.equal(nov.areas[0].count, 0);
      assert.deepEqual(nov.areas.map((a) => a.collaborators), [[], ['collaborator']], 'who covers each area (the account has no name: its login)');
      const change = nov.areas[1].changes[0];
      assert.equal(change.name, 'Trương Văn Già');
      assert.equal(change.recorded_by, 'collaborator');
      assert.equal((await commune.post('/api/v1/queries', { event: change.event.id, question: 'Khám ở đâu?' })).status, 201);
      assertError(await commune.post('/api/v1/queries', { event: change.event.id, question: '  ' }), 422, 'text_required');
      const open = (await collab.get('/api/v1/queries')).json.queries;
      assert.equal(open.length, 1);
      assert.equal(open[0].question, 'Khám ở đâu?');
      assert.equal(open[0].name, 'Trương Văn Già');
      assert.equal((await collab.post(`/api/v1/queries/${change.event.id}/answer`, { answer: 'Tại trạm y tế xã' })).status, 201);
      assertError(await collab.post(`/api/v1/queries/${change.event.id}/answer`, { answer: 'lần nữa' }), 409, 'query_answered');
      assert.equal((await collab.get('/api/v1/queries')).json.queries.length, 0);
      assert.equal((await commune.post('/api/v1/review', { area: OBJ.A.area, month: '2026-10' })).status, 201);
      const after2 = (await commune.get('/api/v1/review?unit=26740&month=2026-10')).json;
      const a = after2.areas.find((x) => x.code === OBJ.A.area);
      assert.equal(a.reviewed.by, 'commune');
      assert.equal(a.changes[0].query.answer.answer, 'Tại trạm y tế xã');
      assertError(await commune.post('/api/v1/review', { area: OBJ.C.area, month: '2026-10' }), 404, 'not_found');
    });

    test('timeliness as JSON, CSV and XLSX; the roll-up beside the approved sum', async () => {
      const j = (await province.get('/api/v1/cycle/timeliness?unit=79&from=2026-09&to=2026-10')).json;
      const oct = j.summary.find((s) => s.period === '2026-10');
      assert.ok(oct, JSON.stringify(j).slice(0, 400));
      assert.deepEqual([oct.units, oct.approved, oct.missing], [2, 1, 1]);
      const late = j.units.find((u) => u.unit === '26743' && u.period === '2026-10');
      assert.equal(late.state, 'missing');
      assert.equal(late.late_days, 10);
      assert.equal(j.summary.find((s) => s.period === '2026-10').areas_reviewed, 1);
      const csv = await province.get('/api/v1/cycle/timeliness?unit=79&period=2026-10&format=csv&lang=vi');
      assert.equal(csv.status, 200);
      assert.match(csv.text, /Số ngày làm việc chậm/);
      assert.match(csv.text, /26743,Phường Tân Định,01-DSX,Chưa gửi,2026-11-06,,10/);
      const x = await province.get('/api/v1/cycle/timeliness?unit=79&period=2026-10&format=xlsx');
      assert.equal(x.status, 200);
      assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
      const roll = (await province.get('/api/v1/cycle/rollup?form=01-DSX&unit=79&period=2026-10')).json;
      assert.deepEqual(roll.approved_units, ['26740']);
      assert.deepEqual(roll.not_approved_units, ['26743']);
      const r17 = roll.rows.find((r) => r.code === '17');
      assert.equal(r17.live - r17.approved_sum, r17.difference);
    });

    test('a revision shows, under each differing row, the events that change it (worked out by hand)', async () => {
      // Last, as its September events change October's stocks too.
      // September 2026 of Phường Sài Gòn, approved with no event in it; then,
      // dated in September: a fourth birth of Võ Thị I (a boy, at a
      // facility), the death of Bùi Thị M (56), and an elderly check of
      // Trương Văn Già.  By hand, from 01-DSX: row 2 (population) keeps its
      // total (+1 boy, -1 woman) but its men and women differ, from the
      // birth and the death; 5 (births) and 5b (third or higher) +1 from
      // the birth; 6 (deaths) +1 from the death; 17 (elderly checked) +1
      // from the check.  Nothing else moves: no household appears or goes,
      // she is not a married woman of 15-49, the mother is 38, the child
      // was not born at home, nobody turns 60.
      const sep = { form: '01-DSX', unit: '26740', period: '2026-09' };
      assert.equal((await commune.post('/api/v1/cycle/submit', sep)).status, 201);
      assert.equal((await province.post('/api/v1/cycle/approve', sep)).status, 201);
      const timely = async () => (await province.get('/api/v1/cycle/timeliness?unit=79&period=2026-09')).json.units.find((u) => u.unit === '26740').state;
      // An event dated after September changes nothing of it.
      assert.equal((await commune.post('/api/v1/events', { id: uuid(), type: 'elderly_check', date: '2026-11-02', person: 'B9' })).status, 201);
      assert.equal(await timely(), 'approved');
      const birth = uuid(), death = uuid(), check = uuid();
      assert.equal((await commune.post('/api/v1/events', { id: birth, type: 'birth', date: '2026-09-10', mother: 'C2', order: 4, place: 1,
        child: { person_id: 'C9', full_name: 'Phạm Văn Muộn', sex: 1 } })).status, 201);
      assert.equal((await commune.post('/api/v1/events', { id: death, type: 'death', date: '2026-09-15', person: 'D2' })).status, 201);
      assert.equal((await collab.post('/api/v1/events', { id: check, type: 'elderly_check', date: '2026-09-20', person: 'A9' })).status, 201);
      const get = async () => (await commune.get('/api/v1/cycle/report?form=01-DSX&unit=26740&period=2026-09')).json;
      let r = await get();
      assert.equal(r.state, 'revised');
      assert.equal(await timely(), 'revised');
      const diff = Object.fromEntries(r.rows.filter((x) => x.differs).map((x) => [x.code, x.events]));
      assert.deepEqual(diff, { 2: [birth, death], 5: [birth], '5b': [birth], 6: [death], 17: [check] });
      const row2 = r.rows.find((x) => x.code === '2');
      assert.equal(row2.today, row2.approved);
      assert.deepEqual([row2.today_male - row2.approved_male, row2.today_female - row2.approved_female], [1, -1]);
      const ev = Object.fromEntries(r.late_events.map((e) => [e.id, e]));
      assert.deepEqual(Object.keys(ev).sort(), [birth, death, check].sort());
      assert.deepEqual([ev[birth].name, ev[birth].child_name, ev[birth].rows], ['Võ Thị I', 'Phạm Văn Muộn', ['2', '5', '5b']]);
      assert.deepEqual([ev[death].name, ev[death].type_label, ev[death].rows], ['Bùi Thị M', 'Death', ['2', '6']]);
      assert.deepEqual([ev[check].recorded_by, ev[check].rows], ['collaborator', ['17']]);
      // The death cancelled: it and its void add up to nothing, and row 6 is the approved one again.
      assert.equal((await commune.post('/api/v1/events', { id: uuid(), type: 'void', date: '2026-09-16', target: death, reason: 'nhầm người' })).status, 201);
      r = await get();
      assert.deepEqual(Object.fromEntries(r.rows.filter((x) => x.differs).map((x) => [x.code, x.events])),
        { 2: [birth], 5: [birth], '5b': [birth], 17: [check] });
      assert.deepEqual(r.late_events.map((e) => e.id).sort(), [birth, check].sort());
      // Nguyễn Văn D (22) moves to a household of Phường Tân Định: recorded
      // from the command line (the API keeps each writer in its scope), seen
      // by the server's follower.  For Phường Sài Gòn he is an out-migrant
      // (row 8), found by the household he left, and one man fewer: with the
      // boy born, row 2 is the approved one again, men and women, and lists
      // nothing.
      const moved = uuid();
      fs.writeFileSync(`${fx.dir}/moved.ndjson`, `${JSON.stringify({ id: moved, type: 'transfer', date: '2026-09-25', person: 'A4', household: 'H5' })}\n`);
      run('events', '--db', fx.db, `${fx.dir}/moved.ndjson`);
      // (until the engine has it: the list of events comes from the log, the values from the engine)
      for (let i = 0; i < 50 && !(r = await get()).rows.find((x) => x.code === '8').differs; i++) await sleep(100);
      assert.deepEqual(Object.fromEntries(r.rows.filter((x) => x.differs).map((x) => [x.code, x.events])),
        { 5: [birth], '5b': [birth], 8: [moved], 17: [check] });
      assert.deepEqual(r.late_events.find((e) => e.id === moved).rows, ['8']);
      assert.equal(await timely(), 'revised');
    });
  });
}
