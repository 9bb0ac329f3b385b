// Reconciliation through the API, on both backends: a commune officer
// compares an extract of the national population database with the
// commune's register; a unit outside the scope reads as absent; a bad row
// is refused with its line and column and nothing compared; the run is
// audited with the extract's hash, and each person named.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { BACKENDS, OBJ, makeDb, startServer, login, assertError, bin, env } from './lib.mjs';

const HEAD = 'national_id,full_name,sex,birth_date,commune_code,address,residence';
const LINES = [HEAD,
  `${OBJ.A.nid},Nguyễn Văn A,1,1990-05-01,26740,Số 1,1`, // A1 as registered: matched
  `${OBJ.B.nid},Võ Thị Iu,2,1988-08-08,26740,Số 3,1`, // C2 under another name: a difference
  '079070123456,Tạ Văn Ngoại,1,1970-01-01,26740,Số 9,1', // only in the extract
  `${OBJ.C.nid},Huỳnh Thị Phương,2,1995-05-05,26743,Số 5,1`, // another commune: not compared
];

for (const backend of BACKENDS) {
  describe(`reconciliation (${backend})`, () => {
    let fx, srv, commune, collab;
    before(async () => {
      fx = makeDb(backend);
      srv = await startServer(fx.db);
      commune = await login(srv.base, 'commune', fx.pw.commune);
      collab = await login(srv.base, 'collaborator', fx.pw.collaborator);
    });
    after(async () => { await srv?.stop(); fx?.drop(); });

    test('the commune\'s register against the extract: matched, a difference, only in the extract, only in the register', async () => {
      const r = await commune.post('/api/v1/reconcile', { unit: '26740', lines: LINES });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.matched, 1);
      assert.equal(r.json.differences, 1);
      assert.equal(r.json.only_extract, 1);
      const d = r.json.items.find((i) => i.kind === 'difference');
      assert.deepEqual([d.person_id, d.fields, d.extract.full_name, d.line], [OBJ.B.person, ['full_name'], 'Võ Thị Iu', 3]);
      const o = r.json.items.find((i) => i.kind === 'only_extract');
      assert.deepEqual([o.person_id, o.national_id, o.extract.full_name], [null, '079070123456', 'Tạ Văn Ngoại']);
      const reg = r.json.items.filter((i) => i.kind === 'only_register').map((i) => i.person_id);
      assert.equal(reg.length, r.json.only_register);
      assert.ok(reg.includes(OBJ.A.elder) && !reg.includes(OBJ.A.person) && !reg.includes(OBJ.B.person) && !reg.includes(OBJ.C.person));
      assert.deepEqual(r.json.communes.map((c) => c.code), ['26740']);
      const hash = crypto.createHash('sha256').update(LINES.join('\n') + '\n').digest('hex');
      assert.equal(r.json.extract_sha256, hash);
      const a = spawnSync(bin, ['audit-search', '--db', fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'commune'], { env, encoding: 'utf8' });
      const rows = a.stdout.split(/\r?\n/).map((l) => l.split(',')).filter((c) => c[6] === 'reconcile');
      assert.ok(rows.some((c) => c[7] === 'extract' && c[8] === hash.slice(0, 32)), 'the run, with the file\'s hash');
      assert.ok(rows.some((c) => c[7] === 'person' && c[8] === OBJ.B.person), 'each person named');
    });

    test('a unit outside the scope reads as absent; a bad row is refused with its line and column; the officer\'s right', async () => {
      const none = await commune.post('/api/v1/reconcile', { unit: '99999', lines: LINES });
      const out = await commune.post('/api/v1/reconcile', { unit: '26743', lines: LINES });
      assertError(out, 404, 'not_found');
      assert.deepEqual(out.json, none.json);
      const bad = await commune.post('/api/v1/reconcile', { unit: '26740', lines: [...LINES.slice(0, 2), LINES[2].replace(',2,1988', ',3,1988')] });
      assertError(bad, 422, 'bad_code');
      assert.equal(bad.json.error.field, 'sex');
      assert.match(bad.json.error.message, /line 3, column sex/);
      assertError(await commune.post('/api/v1/reconcile', { unit: '26740', lines: ['national_id,full_name'] }), 422, 'csv_header');
      assertError(await commune.post('/api/v1/reconcile', { unit: '26740', extract: 'x' }), 422, 'bad_value');
      assertError(await collab.post('/api/v1/reconcile', { unit: OBJ.A.area, lines: LINES }), 403, 'forbidden');
    });
  });
}
