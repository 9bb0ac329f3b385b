// Targets as a workflow through the API, on both backends.  The fixture
// (tests/api/lib.mjs) on 31 December 2025: commune 26740 counts A9 and B9
// aged 60 or more, 26743 counts F9; so 30 checks share out 20 and 10.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, OBJ, served, assertError } from './lib.mjs';

const ind = (r, key) => r.json.indicators.find((x) => x.key === key);
const body = (o = {}) => ({ unit: OBJ.A.province, year: 2026, indicator: '17', method: 'proportional', target: 30, ...o });

for (const backend of BACKENDS) {
  describe(`targets (${backend})`, () => {
    const s = served(backend, ['commune', 'province', 'national']);

    test('a province shares a target out to its communes in proportion to persons 60+', async () => {
      const dry = await s.u.province.post('/api/v1/targets/share', body({ dry_run: true }));
      assert.equal(dry.status, 200, dry.text);
      assert.equal(dry.json.status, 'planned');
      assert.deepEqual(dry.json.communes.map((c) => [c.unit, c.base, c.value]), [[OBJ.A.commune, 2, 20], [OBJ.C.commune, 1, 10]]);
      const none = await s.u.province.get('/api/v1/targets?unit=79&year=2026');
      assert.equal(ind(none, '17'), undefined, 'a dry run writes nothing');
      const r = await s.u.province.post('/api/v1/targets/share', body());
      assert.equal(r.status, 201, r.text);
      const st = await s.u.commune.get(`/api/v1/targets?unit=79&year=2026&date=2026-11-22`);
      assert.equal(st.status, 200, st.text);
      const k = ind(st, '17');
      assert.equal(k.target, 30);
      assert.deepEqual(k.communes.map((c) => [c.unit, c.target]), [[OBJ.A.commune, 20], [OBJ.C.commune, 10]]);
      assert.equal(k.adds_up, true);
      assert.equal(k.path.length, 12);
    });

    test('a share-out that does not add up is refused, naming the field; nothing changes', async () => {
      const bad = await s.u.province.post('/api/v1/targets/share', body({ method: 'manual', shares: [{ unit: OBJ.A.commune, value: 25 }, { unit: OBJ.C.commune, value: 10 }] }));
      assertError(bad, 422, 'shares_do_not_add_up');
      assert.equal(bad.json.error.field, 'shares');
      const other = await s.u.province.post('/api/v1/targets/share', body({ method: 'manual', shares: [{ unit: OBJ.A.commune, value: 20 }, { unit: OBJ.D.commune, value: 10 }] }));
      assertError(other, 422, 'no_unit');
      assert.equal(other.json.error.field, 'shares[1].unit');
      const st = await s.u.province.get('/api/v1/targets?unit=79&year=2026');
      assert.deepEqual(ind(st, '17').communes.map((c) => c.target), [20, 10], 'unchanged');
      assertError(await s.u.province.post('/api/v1/targets/share', body({ method: 'nope' })), 422, 'bad_code');
      assertError(await s.u.province.post('/api/v1/targets/share', body({ unit: OBJ.D.province })), 404, 'not_found');
      assertError(await s.u.commune.post('/api/v1/targets/share', body()), 403, 'forbidden');
    });

    test('a ceiling is never a percentage: SRB from Strategy 1679, on the dashboard too', async () => {
      const st = await s.u.commune.get(`/api/v1/targets?unit=${OBJ.A.commune}&year=2026`);
      const srb = ind(st, 'SRB');
      assert.deepEqual([srb.direction, srb.target, srb.target_from, srb.share], ['ceiling', 109, '1679', null]);
      const d = await s.u.commune.get(`/api/v1/dashboard?unit=${OBJ.A.commune}&year=2026`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.json.headline.SRB.direction, 'ceiling');
      assert.ok(['on_track', 'behind', 'reached'].includes(d.json.headline.SRB.progress));
    });
  });
}
