// The work lists through the API, on both backends: a collaborator gets
// their area's lists and a commune officer their commune's, with names; a
// unit outside the scope reads exactly as one that does not exist; every
// person listed is audited; CSV and XLSX; refusals name the field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BACKENDS, OBJ, served, assertError, bin, env } from './lib.mjs';

const W = (list, q = '') => `/api/v1/worklists/${list}?date=2026-10-31${q}`;
const ids = (r) => r.json.items.map((i) => i.person_id);

for (const backend of BACKENDS) {
  describe(`work lists (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'province']);

    test('a commune officer: the commune\'s elderly due, by area, with names', async () => {
      const r = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}`));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.list, 'elderly');
      assert.equal(r.json.unit, OBJ.A.commune);
      assert.equal(r.json.date, '2026-10-31');
      assert.ok(ids(r).includes(OBJ.A.elder) && ids(r).includes(OBJ.B.elder), r.text.slice(0, 300));
      assert.ok(!ids(r).includes(OBJ.C.elder));
      const a9 = r.json.items.find((i) => i.person_id === OBJ.A.elder);
      assert.equal(a9.name, 'Trương Văn Già');
      assert.equal(a9.area, OBJ.A.area);
      assert.equal(a9.age, 76);
      assert.ok(a9.area_name && a9.household_number);
      assert.ok(r.json.areas.some((x) => x.area === OBJ.A.area && x.count >= 1));
      const a = spawnSync(bin, ['audit-search', '--db', s.fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'commune'], { env, encoding: 'utf8' });
      assert.equal(a.status, 0, a.stderr);
      const rows = a.stdout.split(/\r?\n/).map((l) => l.split(',')).filter((c) => c[6] === 'worklist' && c[7] === 'person');
      for (const id of ids(r)) assert.ok(rows.some((c) => c[8] === id), `${id} audited`);
    });

    test('a collaborator: their area by default; the commune or another area reads as absent', async () => {
      const own = await s.u.collaborator.get(W('elderly'));
      assert.equal(own.status, 200, own.text);
      assert.equal(own.json.unit, OBJ.A.area);
      assert.ok(ids(own).includes(OBJ.A.elder));
      assert.ok(own.json.items.every((i) => i.area === OBJ.A.area));
      const none = await s.u.collaborator.get(W('elderly', '&unit=99999'));
      for (const unit of [OBJ.A.commune, OBJ.B.area, OBJ.C.area, OBJ.D.area]) {
        const r = await s.u.collaborator.get(W('elderly', `&unit=${unit}`));
        assertError(r, 404, 'not_found');
        assert.deepEqual(r.json, none.json, 'out of scope looks like absent');
      }
      const other = await s.u.commune.get(W('newborn', `&unit=${OBJ.C.commune}`));
      assertError(other, 404, 'not_found');
    });

    test('every list answers, poor-fp with its plan', async () => {
      for (const list of ['elderly', 'prenatal', 'newborn', 'premarital', 'poor-fp', 'third-births']) {
        const r = await s.u.province.get(W(list, `&unit=${OBJ.A.province}`));
        assert.equal(r.status, 200, `${list}: ${r.text}`);
        assert.equal(r.json.list, list);
        assert.equal(r.json.count, r.json.items.length);
        for (const i of r.json.items) assert.ok(i.name && i.person_id && i.area, JSON.stringify(i));
      }
      const p = await s.u.province.get(W('poor-fp', `&unit=${OBJ.A.province}&months=6`));
      assert.equal(p.json.plan.months, 6);
      assert.deepEqual(p.json.plan.supplies.map((x) => x.method), [4, 5, 2, 3, 1]);
      const tb = await s.u.province.get(W('third-births', `&unit=${OBJ.A.province}&from=2026-01-01`));
      assert.equal(tb.json.from, '2026-01-01');
    });

    test('counts only: the same numbers by area, nobody named', async () => {
      const full = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}`));
      const c = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}&counts=1`));
      assert.equal(c.status, 200, c.text);
      assert.equal(c.json.count, full.json.count);
      assert.equal(c.json.items, undefined);
      assert.deepEqual(c.json.areas.map((a) => [a.area, a.count]), full.json.areas.map((a) => [a.area, a.count]));
      assert.ok(!c.text.includes('Trương Văn Già'));
      assertError(await s.u.commune.get(W('elderly', `&unit=${OBJ.C.commune}&counts=1`)), 404, 'not_found');
    });

    test('CSV and XLSX downloads', async () => {
      const c = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}&format=csv&lang=vi`));
      assert.equal(c.status, 200, c.text);
      assert.match(c.headers.get('content-type'), /text\/csv/);
      assert.match(c.headers.get('content-disposition'), /filename="elderly_Phuong Sai Gon_2026-10-31\.csv"/);
      assert.ok(c.text.includes('Họ tên') && c.text.includes('Trương Văn Già'));
      const x = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}&format=xlsx`));
      assert.equal(x.status, 200);
      assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
    });

    test('refusals name the field', async () => {
      assertError(await s.u.commune.get(W('nope', `&unit=${OBJ.A.commune}`)), 404, 'bad_code');
      const d = await s.u.commune.get(`/api/v1/worklists/elderly?unit=${OBJ.A.commune}&date=2026-02-30`);
      assertError(d, 400, 'bad_date');
      assert.equal(d.json.error.field, 'date');
      const f = await s.u.commune.get(W('premarital', `&unit=${OBJ.A.commune}&from=2026-12-01`));
      assert.equal(f.json.error.field, 'from');
      const m = await s.u.commune.get(W('poor-fp', `&unit=${OBJ.A.commune}&months=20`));
      assert.equal(m.json.error.field, 'months');
      const fmt = await s.u.commune.get(W('elderly', `&unit=${OBJ.A.commune}&format=pdf`));
      assert.equal(fmt.json.error.field, 'format');
    });
  });
}
