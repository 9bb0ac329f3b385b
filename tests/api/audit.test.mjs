// The audit log: every read of a person is recorded, without the person's
// data; an officer can list who accessed a person.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, OBJ, served, assertError, sleep } from './lib.mjs';

async function poll(fn, ms = 5000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v || Date.now() - t0 > ms) return v;
    await sleep(100);
  }
}

for (const backend of BACKENDS) {
  describe(`audit (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'national', 'admin']);
    const u = s.u;

    test('a person read makes an audit entry without personal data', async () => {
      assert.equal((await u.commune.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
      assert.equal((await u.collaborator.get(`/api/v1/persons?q=${encodeURIComponent('nguyen van a')}`)).status, 200);
      assert.equal((await u.collaborator.get(`/api/v1/persons/${OBJ.B.person}`)).status, 404);
      const find = async () => {
        const r = await u.admin.get(`/api/v1/audit?object=person&id=${OBJ.A.person}`);
        assert.equal(r.status, 200, r.text);
        const e = r.json.entries.find((x) => x.login === 'commune' && x.action === 'read');
        const hit = r.json.entries.some((x) => x.login === 'collaborator' && x.action === 'search');
        return e && hit && r;
      };
      const r = await poll(find);
      assert.ok(r, 'the read and the search hit are in the audit log within seconds');
      const e = r.json.entries.find((x) => x.login === 'commune' && x.action === 'read');
      assert.equal(e.object, 'person');
      assert.equal(e.id, OBJ.A.person);
      assert.equal(e.role, 'commune');
      assert.equal(e.unit, '26740');
      assert.equal(e.outcome, 'ok');
      assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(r.json.entries.some((x) => x.login === 'collaborator' && x.action === 'search'), 'search hits are audited');
      // A refused read is recorded too.
      const denied = await poll(async () => {
        const d = await u.admin.get(`/api/v1/audit?object=person&id=${OBJ.B.person}`);
        return d.json.entries.find((x) => x.login === 'collaborator' && x.outcome === 'not_found');
      });
      assert.ok(denied, 'an out-of-scope read is audited as not_found');
      // No personal data anywhere in the log.
      const all = await u.admin.get('/api/v1/audit');
      assert.ok(all.json.entries.length > 3);
      for (const k of Object.keys(OBJ)) {
        assert.ok(!all.text.includes(OBJ[k].name), `no name (${OBJ[k].name}) in the audit log`);
        assert.ok(!all.text.includes(OBJ[k].nid), 'no national id in the audit log');
      }
      assert.ok(!all.text.includes('Nguyễn') && !all.text.includes('1990-05-01'));
      for (const x of all.json.entries)
        assert.deepEqual(Object.keys(x).sort(), ['action', 'at', 'id', 'login', 'object', 'outcome', 'role', 'seq', 'unit']);
      // Newest first.
      const seqs = all.json.entries.map((x) => x.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
      // Only administrators read the log.
      assertError(await u.national.get('/api/v1/audit'), 403, 'forbidden');
    });

    test('an officer lists who accessed a person', async () => {
      assert.equal((await u.collaborator.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
      const r = await poll(async () => {
        const a = await u.commune.get(`/api/v1/persons/${OBJ.A.person}/access`);
        assert.equal(a.status, 200, a.text);
        return a.json.access.some((x) => x.login === 'collaborator' && x.action === 'read') && a;
      });
      assert.ok(r, 'the collaborator\'s read is listed');
      assert.equal(r.json.person, OBJ.A.person);
      for (const x of r.json.access) assert.deepEqual(Object.keys(x).sort(), ['action', 'at', 'login', 'outcome', 'role', 'unit']);
      assert.ok(!r.text.includes(OBJ.A.name));
      assertError(await u.collaborator.get(`/api/v1/persons/${OBJ.A.person}/access`), 403, 'forbidden');
      assertError(await u.commune.get(`/api/v1/persons/${OBJ.D.person}/access`), 404, 'not_found');
      assert.equal((await u.national.get(`/api/v1/persons/${OBJ.D.person}/access`)).status, 200);
    });
  });
}
