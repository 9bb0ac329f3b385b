// Persons recorded twice through the API, on both backends: the candidate
// pairs of a unit in the caller's scope with names, what a merge would carry
// over, the decisions (not the same: not proposed again; the same: a merge
// event), the refusals with their reasons, a person outside the scope read
// as absent, and a merge and its void restoring every report and the
// balancing check byte for byte, an approved report showing as revised in
// between.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BACKENDS, OBJ, makeDb, startServer, login, assertError, uuid } from './lib.mjs';

// Lê Thị Mận, recorded in area A (M1) and again, without diacritics, in
// area B of the same commune (M2, who started a contraceptive method in
// March 2026); a namesake in commune 26743 (M3, another scope for the
// commune officer); a man of the same name and birth (M4).
function extend(dir) {
  fs.appendFileSync(`${dir}/persons.csv`, [
    'M1,H1,Lê Thị Mận,2,1990-04-12,5,01,3,2,1,,,,',
    'M2,H3,Le Thi Man,2,1990-04-12,5,01,3,2,1,,,,',
    'M3,H5,Lê Thị Mận,2,1990-04-12,5,01,3,2,1,,,,',
    'M4,H1,Lê Văn Mận,1,1990-04-12,8,01,3,2,1,,,,',
  ].join('\n') + '\n');
  fs.appendFileSync(`${dir}/events.ndjson`, JSON.stringify({
    id: '00000000-0000-4000-8000-00000000d001', type: 'fp_start', date: '2026-03-05', person: 'M2', method: 3, source: 1,
  }) + '\n');
}

const key = (p) => [p.a, p.b].sort().join('/');
const pairs = (r) => r.json.pairs.map(key);

for (const backend of BACKENDS) {
  describe(`duplicates and merges (${backend})`, () => {
    let fx, srv, commune, province, collab;
    before(async () => {
      fx = makeDb(backend, { extend });
      srv = await startServer(fx.db);
      commune = await login(srv.base, 'commune', fx.pw.commune);
      province = await login(srv.base, 'province', fx.pw.province);
      collab = await login(srv.base, 'collaborator', fx.pw.collaborator);
    });
    after(async () => { if (process.env.SHOW_ERR) console.error(srv?.err()); await srv?.stop(); fx?.drop(); });

    test('the candidates of a unit in scope, with names; a pair reaching outside the scope is not shown', async () => {
      const r = await commune.get('/api/v1/duplicates?unit=26740');
      assert.equal(r.status, 200, r.text);
      assert.ok(pairs(r).includes('M1/M2'), r.text);
      assert.ok(!pairs(r).some((k) => k.includes('M3')), 'M3 lies in another commune');
      const p = r.json.pairs.find((x) => key(x) === 'M1/M2');
      assert.deepEqual([p.a_name, p.b_name].sort(), ['Le Thi Man', 'Lê Thị Mận']);
      assert.ok(p.score >= 0.72 && p.reasons.includes('birth_exact'));
      const all = await province.get('/api/v1/duplicates?unit=79');
      assert.ok(['M1/M2', 'M1/M3', 'M2/M3'].every((k) => pairs(all).includes(k)), all.text);
      assert.ok(!pairs(all).some((k) => k.includes('M4')), 'another sex is not proposed');
      // A collaborator asking for the commune: as absent as a unit that does not exist.
      const none = await collab.get('/api/v1/duplicates?unit=99999');
      const out = await collab.get('/api/v1/duplicates?unit=26740');
      assertError(out, 404, 'not_found');
      assert.deepEqual(out.json, none.json);
      assertError(await commune.get('/api/v1/duplicates?unit=26740&min_score=2'), 400, 'bad_value');
    });

    test('what a merge would carry over, for two persons in scope only', async () => {
      const r = await commune.get('/api/v1/duplicates/plan?person=M1&duplicate=M2');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.moved.map((e) => [e.type, e.date]), [['fp_start', '2026-03-05']]);
      assert.deepEqual(r.json.listed, []);
      const none = await commune.get('/api/v1/duplicates/plan?person=M1&duplicate=NOPE9');
      const out = await commune.get('/api/v1/duplicates/plan?person=M1&duplicate=M3');
      assertError(out, 404, 'not_found');
      assert.deepEqual(out.json, none.json, 'outside the scope looks like absent');
    });

    test('not the same: recorded, and the pair is not proposed again', async () => {
      const r = await province.post('/api/v1/duplicates/decision', { person: 'M1', duplicate: 'M3', decision: 'not_same', note: 'Hai người khác nhau' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.decision, 'not_same');
      const all = await province.get('/api/v1/duplicates?unit=79');
      assert.ok(!pairs(all).includes('M1/M3'), all.text);
      assert.ok(pairs(all).includes('M2/M3') && pairs(all).includes('M1/M2'));
    });

    test('refused with the reason: the same person, another sex, outside the scope (as absent), a bad body', async () => {
      const d = (person, duplicate, u = commune) => u.post('/api/v1/duplicates/decision', { person, duplicate, decision: 'same' });
      assertError(await d('M1', 'M1'), 422, 'merge_self');
      assertError(await d('M1', 'M4'), 422, 'merge_sex');
      const none = await d('M1', 'NOPE9');
      const out = await d('M1', 'M3');
      assertError(out, 404, 'not_found');
      assert.deepEqual(out.json, none.json);
      assertError(await commune.post('/api/v1/duplicates/decision', { person: 'M1', duplicate: 'M2', decision: 'maybe' }), 422, 'bad_value');
      assertError(await collab.post('/api/v1/duplicates/decision', { person: 'M1', duplicate: 'M2', decision: 'same' }), 403, 'forbidden');
    });

    test('a merge and its void restore every report and the balancing check byte for byte; an approved report shows as revised between', async () => {
      const period = { form: '01-DSX', unit: '26740', period: '2026-10' };
      assert.equal((await commune.post('/api/v1/cycle/submit', period)).status, 201);
      assert.equal((await province.post('/api/v1/cycle/approve', period)).status, 201);
      const urls = [
        '/api/v1/reports/01-DSX?unit=79&period=2026-03', '/api/v1/reports/01-DSX?unit=79&period=2026-10',
        '/api/v1/reports/03-DSX?unit=79&period=2026', '/api/v1/reports/03-DSX?unit=79&period=2025',
        '/api/v1/check?unit=79&period=2026', '/api/v1/check?unit=26740&period=2026-03',
      ];
      // Byte for byte, but for the time each report was made.
      const snap = async () => Promise.all(urls.map(async (u) => (await province.get(u)).text.replace(/"generated_at":"[^"]*"/, '')));
      const population = async () => (await province.get('/api/v1/reports/01-DSX?unit=26740&period=2026-10')).json.rows.find((r) => r.code === '2').values[0];
      const state = async () => (await province.get('/api/v1/cycle/report?form=01-DSX&unit=26740&period=2026-10')).json.state;
      const before = await snap();
      const pop0 = await population();
      assert.equal(await state(), 'approved');
      const id = uuid();
      const m = await commune.post('/api/v1/duplicates/decision', { id, person: 'M1', duplicate: 'M2', decision: 'same' });
      assert.equal(m.status, 201, m.text);
      assert.equal(m.json.event, id);
      assert.deepEqual(m.json.moved.map((e) => e.type), ['fp_start']);
      const merged = await snap();
      assert.equal(await population(), pop0 - 1, 'the commune counted Lê Thị Mận twice');
      const checks = merged.slice(4).map((t) => JSON.parse(t));
      for (const c of checks) for (const u of c.units || [c]) assert.equal(u.difference ?? 0, 0, JSON.stringify(u));
      assert.equal(await state(), 'revised', 'the approved report differs from today\'s');
      const dup = await commune.get('/api/v1/persons/M2');
      assert.equal(dup.json.status, 'merged', dup.text);
      // Already merged: refused, and nothing is recorded on the duplicate any more.
      assertError(await commune.post('/api/v1/duplicates/decision', { person: 'M1', duplicate: 'M2', decision: 'same' }), 422, 'already_merged');
      const late = await commune.post('/api/v1/events', { id: uuid(), type: 'elderly_check', date: '2026-10-01', person: 'M2' });
      assert.equal(late.status, 422, late.text);
      // Not proposed any more.
      assert.ok(!pairs(await commune.get('/api/v1/duplicates?unit=26740')).includes('M1/M2'));
      // The void restores everything.
      const v = await commune.post('/api/v1/events', { id: uuid(), type: 'void', date: '2026-11-22', target: id, reason: 'Nhầm' });
      assert.equal(v.status, 201, v.text);
      const after = await snap();
      for (let i = 0; i < urls.length; i++) assert.equal(after[i], before[i], urls[i]);
      assert.equal(await state(), 'approved');
      assert.equal((await commune.get('/api/v1/persons/M2')).json.status, 'present');
    });
    test('at entry: an arrival resembling a person of the commune in scope shows the match; the same national id anywhere in scope', async () => {
      const M = (u, extra = '') => u.get(`/api/v1/duplicates/match?full_name=${encodeURIComponent('Lê Thị Mận')}&sex=2&birth_date=1990-04-12${extra}`);
      const c = await M(collab, `&household=${OBJ.A.household}`);
      assert.equal(c.status, 200, c.text);
      assert.deepEqual(c.json.matches.map((m) => m.person_id), ['M1'], 'the collaborator sees their area only');
      assert.equal(c.json.matches[0].name, 'Lê Thị Mận');
      const o = await M(commune, `&household=${OBJ.A.household}`);
      assert.deepEqual(o.json.matches.map((m) => m.person_id).sort(), ['M1', 'M2']);
      assert.ok(!o.json.matches.some((m) => m.person_id === 'M3'), 'another commune is not compared');
      // A slip in the given name (a letter added, one replaced, without marks) still finds them.
      for (const typed of ['Lê Thị Mậng', 'Le Thi Nan']) {
        const t = await commune.get(`/api/v1/duplicates/match?full_name=${encodeURIComponent(typed)}&sex=2&birth_date=1990-04-12&household=${OBJ.A.household}`);
        assert.deepEqual(t.json.matches.map((m) => m.person_id).sort(), ['M1', 'M2'], typed);
      }
      const other = await commune.get(`/api/v1/duplicates/match?full_name=${encodeURIComponent('Lê Thị Hoa')}&sex=2&birth_date=1990-04-12&household=${OBJ.A.household}`);
      assert.deepEqual(other.json.matches, [], 'another given name is another person');
      const nid = await commune.get(`/api/v1/duplicates/match?full_name=${encodeURIComponent('Trần Văn Khác')}&sex=1&birth_date=1970&national_id=${OBJ.A.nid}&household=${OBJ.A.household}`);
      assert.deepEqual(nid.json.matches.map((m) => [m.person_id, m.reasons]), [[OBJ.A.person, ['national_id']]]);
      const none = await M(collab, '&household=H999');
      const out = await M(collab, `&household=${OBJ.C.household}`);
      assertError(out, 404, 'not_found');
      assert.deepEqual(out.json, none.json);
      assertError(await collab.get('/api/v1/duplicates/match?full_name=X&sex=3&birth_date=1990&household=H1'), 400, 'bad_value');
      const birth = await collab.get(`/api/v1/duplicates/match?full_name=${encodeURIComponent('Nguyễn Văn Mới')}&sex=1&birth_date=2026-11-20&mother=A2`);
      assert.equal(birth.status, 200, birth.text);
      assert.deepEqual(birth.json.matches, []);
    });
  });
}
