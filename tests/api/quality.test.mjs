// The quality report through the API, on both backends: a finding about a
// person is shown, with the name, to those whose scope holds the person's
// area and audited; others get the counts only; a unit below the commune
// outside the scope is not found; CSV and XLSX; refusals.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BACKENDS, OBJ, makeDb, addUser, startServer, login, assertError, uuid, bin, env } from './lib.mjs';

const Q = (unit, period, extra = '') => `/api/v1/quality?unit=${unit}&period=${period}${extra}`;
const NAME = 'Cụ Ông Trăm Tuổi';

for (const backend of BACKENDS) {
  describe(`quality report (${backend})`, () => {
    let fx, srv, commune, other, national, collab;
    before(async () => {
      fx = makeDb(backend);
      const pw2 = addUser(fx.db, fx.dir, 'commune2', 'commune', OBJ.C.commune);
      srv = await startServer(fx.db);
      commune = await login(srv.base, 'commune', fx.pw.commune);
      collab = await login(srv.base, 'collaborator', fx.pw.collaborator);
      national = await login(srv.base, 'national', fx.pw.national);
      other = await login(srv.base, 'commune2', pw2);
      // A man born in 1910 arrives in household H1 (area A): 116 on 2026-11-30.
      const r = await collab.post('/api/v1/events', {
        id: uuid(), type: 'move_in', date: '2026-11-01', household: OBJ.A.household, origin: 'abroad',
        person: { person_id: 'Q110', full_name: NAME, sex: 1, birth_date: '1910-01-01', relation: 8, ethnicity: '01', education: 1, marital: 3, residence: 1 },
      });
      assert.equal(r.status, 201, r.text);
    });
    after(async () => {
      await srv?.stop();
      fx?.drop();
    });

    test('in scope: the person named in a sentence, with a link target, and audited', async () => {
      const r = await commune.get(Q('79', '2026-11', '&lang=vi'));
      assert.equal(r.status, 200, r.text);
      const old = r.json.findings.filter((f) => f.check === 'age_over_110');
      assert.equal(old.length, 1);
      assert.deepEqual(old[0].person, { id: 'Q110', name: NAME });
      assert.equal(old[0].area, OBJ.A.area);
      assert.equal(old[0].text, `${NAME} được ghi là 116 tuổi vào ngày 30/11/2026.`);
      assert.equal(r.json.checks.find((c) => c.id === 'age_over_110').count, 1);
      const en = await commune.get(Q('79', '2026-11', '&lang=en'));
      assert.equal(en.json.findings.find((f) => f.check === 'age_over_110').text, `${NAME} is recorded as 116 years old on 2026-11-30.`);
      const a = spawnSync(bin, ['audit-search', '--db', fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'commune'], { env, encoding: 'utf8' });
      assert.equal(a.status, 0, a.stderr);
      const rows = a.stdout.split(/\r?\n/).map((l) => l.split(',')).filter((c) => c[6] === 'quality' && c[7] === 'person');
      assert.ok(rows.length >= 2 && rows.every((c) => c[8] === 'Q110' && c[9] === OBJ.A.area), a.stdout.slice(0, 300));
    });

    test('out of scope: counted, never named', async () => {
      const r = await other.get(Q('79', '2026-11'));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.findings.filter((f) => f.check === 'age_over_110').length, 0);
      assert.equal(r.json.checks.find((c) => c.id === 'age_over_110').count, 1);
      assert.ok(r.json.hidden >= 1);
      assert.ok(!r.text.includes(NAME) && !r.text.includes('Q110'));
      const a = spawnSync(bin, ['audit-search', '--db', fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'commune2'], { env, encoding: 'utf8' });
      assert.ok(!a.stdout.split(/\r?\n/).some((l) => l.includes(',quality,person,')), 'nothing about a person audited');
      // A national officer sees every person.
      const n = await national.get(Q('79', '2026-11'));
      assert.equal(n.json.findings.filter((f) => f.check === 'age_over_110').length, 1);
    });

    test('a unit below the commune: for its scope only, out of scope as not found', async () => {
      assert.equal((await commune.get(Q(OBJ.A.area, '2026-11'))).status, 200);
      assertError(await other.get(Q(OBJ.A.area, '2026-11')), 404, 'no_unit');
      assertError(await other.get(Q('2699999999', '2026-11')), 404, 'no_unit');
    });

    test('CSV and XLSX', async () => {
      const c = await commune.get(Q('79', '2026-11', '&format=csv&lang=en'));
      assert.equal(c.status, 200);
      assert.match(c.headers.get('content-type'), /^text\/csv/);
      const lines = c.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      assert.equal(lines[0], 'Severity,Check,Unit code,Unit,Area,Person id,Name,Date,Finding,What to do');
      assert.ok(lines.some((l) => l.includes(`,Q110,${NAME},2026-11-30,`)));
      const x = await fetch(`${srv.base}${Q('79', '2026-11', '&format=xlsx')}`, { headers: { Cookie: commune.cookie } });
      assert.equal(x.status, 200);
      assert.equal(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString(), 'PK');
    });

    test('refusals name the field', async () => {
      assertError(await commune.get('/api/v1/quality?unit=79'), 400);
      assertError(await commune.get(Q('99999', '2026-11')), 404, 'no_unit');
      assertError(await commune.get(Q('79', '2026-13')), 400);
      assertError(await commune.get(Q('79', '2026-11', '&format=pdf')), 400, 'bad_code');
    });

    test('a household whose head died: flagged until a head is named, again when that is voided, not once the relation says head, nor while the head is away', async () => {
      // The server keeps its engine current as these arrive (the follower), and October is asked again after each.
      const person = (id, name, sex, birth, relation) => ({ person_id: id, full_name: name, sex, birth_date: birth, relation,
        ethnicity: '01', education: 3, marital: relation === 3 ? 1 : 2, residence: 1 });
      const post = async (fields) => {
        const ev = { id: uuid(), ...fields };
        const r = await collab.post('/api/v1/events', ev);
        assert.equal(r.status, 201, r.text);
        return ev;
      };
      await post({ type: 'move_in', date: '2026-10-01', origin: 'abroad', person: person('NH1', 'Lạc Văn Chủ', 1, '1970-01-01', 1),
        new_household: { household_id: 'HNH', area_code: OBJ.A.area, number: '77', address: 'Số 77', type: 1, poverty: 0 } });
      await post({ type: 'move_in', date: '2026-10-01', origin: 'abroad', household: 'HNH', person: person('NH2', 'Lạc Văn Con', 1, '2000-01-01', 3) });
      await post({ type: 'move_in', date: '2026-10-01', origin: 'abroad', household: 'HNH', person: person('NH3', 'Lạc Thị Út', 2, '2004-01-01', 3) });
      const october = async () => (await commune.get(Q(OBJ.A.commune, '2026-10', '&lang=vi'))).json.findings
        .filter((f) => f.check === 'no_head' && f.household.id === 'HNH');
      assert.deepEqual(await october(), [], 'NH1 heads it');
      await post({ type: 'death', date: '2026-10-15', person: 'NH1' });
      const [f] = await october();
      assert.equal(f.text, 'Hộ số 77 ở Địa bàn 01 có người thường trú nhưng không ai là chủ hộ (tính đến ngày 31/10/2026).');
      assert.equal(f.severity, 'warning');
      assert.match(f.do, /chủ hộ mới/);
      const named = await post({ type: 'household_change', date: '2026-10-20', household: 'HNH', head: 'NH2' });
      assert.deepEqual(await october(), [], 'NH2 named head');
      await post({ type: 'void', date: '2026-10-21', target: named.id, reason: 'nhầm' });
      assert.equal((await october()).length, 1, 'the naming voided');
      await post({ type: 'info_change', date: '2026-10-25', person: 'NH2', field: 'relation', value: '1' });
      assert.deepEqual(await october(), [], 'NH2 recorded as head');
      // A head away for long (residence 2) still heads the household; one who left does not.
      await post({ type: 'info_change', date: '2026-10-26', person: 'NH2', field: 'residence', value: '2' });
      assert.deepEqual(await october(), [], 'NH2 away, still the head');
      await post({ type: 'move_out', date: '2026-10-28', person: 'NH2', destination: '01/00004' });
      assert.equal((await october()).length, 1, 'NH2 gone: NH3 stays, heading nothing');
      const sep = (await commune.get(Q(OBJ.A.commune, '2026-09'))).json.findings.filter((x) => x.check === 'no_head' && x.household.id === 'HNH');
      assert.deepEqual(sep, [], 'not there before it arrived');
    });
  });
}
