// The offline book through the API, on both backends: a collaborator gets
// their own area's households and present persons with the facts the forms
// need (worked out by hand from the fixture, tests/data/rules/README.md);
// a commune officer one area of the commune; nothing of another area ever;
// changes since a sequence; a death the commune recorded first comes back
// as a conflict with who and when; responses are gzipped and static files
// carry ETags.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { BACKENDS, OBJ, served, assertError, bin, env, raw, headerOf, uuid } from './lib.mjs';

const col = (r, name) => r.json.person_fields.indexOf(name);
const row = (r, id) => r.json.persons.find((p) => p[0] === id);
const personIds = (r) => r.json.persons.map((p) => p[0]).sort();
// Every person id of the fixture outside area A (areas B, C, D), and A's
// persons who are no longer present (B2 died, A3 moved to area B, A5's birth voided).
const NOT_IN_A = ['C1', 'C2', 'C3', 'C4', 'D1', 'D2', 'E1', 'F1', 'F9', 'Z1', 'Z9', 'B9', 'A3', 'A5', 'B2'];
const S = Array.from({ length: 110 }, (_, i) => `S${i + 1}`);

for (const backend of BACKENDS) {
  describe(`offline book (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'province']);

    test("a collaborator's book: their area's households and present persons, with the forms' facts", async () => {
      const r = await s.u.collaborator.get('/api/v1/book');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.area, OBJ.A.area);
      assert.ok(r.json.seq >= 29, `seq ${r.json.seq}`);
      assert.deepEqual(r.json.households.map((x) => x[0]).sort(), ['H1', 'H2', 'H6']);
      assert.deepEqual(personIds(r), ['A1', 'A2', 'A4', 'A9', 'B1', ...S].sort());
      for (const id of NOT_IN_A) assert.ok(!r.text.includes(`"${id}"`), `${id} is not in area A's book`);
      // A2: married, stopped her method on 2024-04-10, miscarriage on 2024-09-15.
      const a2 = row(r, 'A2');
      assert.equal(a2[col(r, 'name')], 'Trần Thị B');
      assert.equal(a2[col(r, 'sex')], 2);
      assert.equal(a2[col(r, 'birth')], '1992-02-10');
      assert.equal(a2[col(r, 'household')], 'H1');
      assert.equal(a2[col(r, 'relation')], 2);
      assert.equal(a2[col(r, 'marital')], 2);
      assert.equal(a2[col(r, 'fp')], 0);
      assert.deepEqual(a2[col(r, 'pregnancy')], ['2024-09-15', 'miscarriage']);
      // A4 married on 2024-06-15 (single at the baseline); B1's second check of the day was voided.
      assert.equal(row(r, 'A4')[col(r, 'marital')], 2);
      assert.equal(row(r, 'B1')[col(r, 'elderly_check')], '2024-07-15');
      assert.equal(row(r, 'B1')[col(r, 'birth')], '1964');
      assert.equal(row(r, 'A9')[col(r, 'elderly_check')], null);
      // H1 is poor (2), H2 not.
      const hf = r.json.household_fields;
      const h1 = r.json.households.find((x) => x[0] === 'H1');
      assert.equal(h1[hf.indexOf('poverty')], 2);
      assert.equal(h1[hf.indexOf('address')], 'Số 1');
      assert.ok(r.json.codes.sex.length >= 2 && r.json.codes.ethnicity.length > 50);
      // Every person sent is in the audit log.
      const a = spawnSync(bin, ['audit-search', '--db', s.fx.db, '--from', '2000-01-01', '--to', '2100-01-01', '--login', 'collaborator'], { env, encoding: 'utf8' });
      assert.equal(a.status, 0, a.stderr);
      const rows = a.stdout.split(/\r?\n/).map((l) => l.split(',')).filter((c) => c[6] === 'offline_book' && c[7] === 'person');
      for (const id of ['A1', 'A2', 'B1', 'S110']) assert.ok(rows.some((c) => c[8] === id), `${id} audited`);
    });

    test('another area, a commune or no such code reads as absent', async () => {
      const none = await s.u.collaborator.get('/api/v1/book?area=9999999999');
      assertError(none, 404, 'not_found');
      for (const area of [OBJ.B.area, OBJ.C.area, OBJ.D.area, OBJ.A.commune]) {
        const r = await s.u.collaborator.get(`/api/v1/book?area=${area}`);
        assert.deepEqual(r.json, none.json, `${area} looks absent`);
        const ch = await s.u.collaborator.get(`/api/v1/book/changes?area=${area}&since=0`);
        assert.deepEqual(ch.json, none.json, `${area}'s changes look absent`);
      }
      assertError(await s.u.commune.get(`/api/v1/book?area=${OBJ.C.area}`), 404, 'not_found');
      assertError(await s.u.commune.get(`/api/v1/book?area=${OBJ.D.area}`), 404, 'not_found');
    });

    test("an officer's scope: one area of the commune at a time, never the others'", async () => {
      const r = await s.u.commune.get(`/api/v1/book?area=${OBJ.B.area}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.households.map((x) => x[0]).sort(), ['H3', 'H4']);
      // C1 moved out; A3 and D1 moved into H4 and H3; E1 arrived; C4 was born.
      assert.deepEqual(personIds(r), ['A3', 'B9', 'C2', 'C3', 'C4', 'D1', 'D2', 'E1']);
      for (const id of ['A1', 'A2', 'S1', 'F1', 'Z1', 'C1']) assert.ok(!r.text.includes(`"${id}"`), id);
      const p = await s.u.province.get(`/api/v1/book?area=${OBJ.C.area}`);
      assert.deepEqual(personIds(p), ['F1', 'F9']);
    });

    test('changes since a sequence: what changed in the area only, and who left it', async () => {
      const book = await s.u.collaborator.get('/api/v1/book');
      const seq = book.json.seq;
      const empty = await s.u.collaborator.get(`/api/v1/book/changes?since=${seq}`);
      assert.equal(empty.status, 200, empty.text);
      assert.deepEqual([empty.json.persons, empty.json.households, empty.json.gone], [[], [], []]);
      // The collaborator checks A9; the commune officer records A1's death and checks B9 (area B).
      const check = uuid(), death = uuid();
      const e1 = await s.u.collaborator.post('/api/v1/events', { id: check, type: 'elderly_check', date: '2026-11-02', person: 'A9' });
      assert.equal(e1.status, 201, e1.text);
      const e2 = await s.u.commune.post('/api/v1/events', { id: death, type: 'death', date: '2026-11-03', person: 'A1' });
      assert.equal(e2.status, 201, e2.text);
      // A household's history holds its changes (A1's death in H1), not its
      // members' checks, which are in their own histories.
      const h1 = await s.u.commune.get('/api/v1/households/H1');
      assert.ok(h1.json.history.some((x) => x.event.id === death), 'the death is in the household');
      const a9 = await s.u.collaborator.get('/api/v1/persons/A9/history');
      assert.ok(a9.json.history.some((x) => x.event.id === check), "the check is in A9's history");
      const h9 = await s.u.collaborator.get(`/api/v1/households/${a9.json.household}`);
      assert.equal(h9.status, 200, h9.text);
      assert.ok(!h9.json.history.some((x) => x.event.id === check), "the check is not in A9's household's");
      const e3 = await s.u.commune.post('/api/v1/events', { id: uuid(), type: 'elderly_check', date: '2026-11-03', person: 'B9' });
      assert.equal(e3.status, 201, e3.text);
      const ch = await s.u.collaborator.get(`/api/v1/book/changes?since=${seq}`);
      assert.equal(ch.status, 200, ch.text);
      assert.ok(ch.json.seq >= seq + 3);
      assert.deepEqual(personIds(ch), ['A9']);
      assert.equal(row(ch, 'A9')[col(ch, 'elderly_check')], '2026-11-02');
      assert.deepEqual(ch.json.gone, [['A1', 'exited']]);
      assert.ok(!ch.text.includes('B9'));
      // From the start of the log: A3 left the area (she moved to H4), B2 died.
      const all = await s.u.collaborator.get('/api/v1/book/changes?since=0');
      const gone = Object.fromEntries(all.json.gone);
      assert.equal(gone.A3, 'left_area');
      assert.equal(gone.B2, 'exited');
      assert.equal(gone.D1, undefined, 'D1 never lived in area A');
      for (const id of ['C2', 'D2', 'E1', 'F9', 'Z1']) assert.ok(!all.text.includes(`"${id}"`), id);
      for (const bad of ['', 'x', '-1', `${ch.json.seq + 1000}`]) {
        const r = await s.u.collaborator.get(`/api/v1/book/changes?since=${bad}`);
        assertError(r, 400, 'bad_number');
        assert.equal(r.json.error.field, 'since');
      }
    });

    test('a death the commune recorded first: refused with who recorded it and when', async () => {
      const first = await s.u.commune.post('/api/v1/events', { id: uuid(), type: 'death', date: '2026-11-04', person: 'A4' });
      assert.equal(first.status, 201, first.text);
      const mine = uuid();
      const r = await s.u.collaborator.post('/api/v1/events/batch', { events: [
        { id: mine, type: 'death', date: '2026-11-05', person: 'A4' },
        { id: uuid(), type: 'elderly_check', date: '2026-11-05', person: 'B1' },
      ] }, { headers: { 'Accept-Language': 'vi' } });
      assert.equal(r.status, 200, r.text);
      const [death, check] = r.json.results;
      assert.equal(death.status, 'refused');
      assert.equal(death.error.code, 'already_dead');
      assert.equal(death.error.field, 'person');
      assert.match(death.error.message, /[àáảãạăâđèéêìíòóôơùúưỳý]/, 'the reason in Vietnamese');
      assert.equal(death.conflict.type, 'death');
      assert.equal(death.conflict.date, '2026-11-04');
      assert.equal(death.conflict.by, 'commune');
      assert.ok(death.conflict.by_name);
      assert.ok(Math.abs(death.conflict.recorded_at - Date.now() / 1000) < 3600);
      assert.equal(check.status, 'recorded', 'a refusal does not block the next event');
    });

    test('gzip when the client takes it, for bodies of 1 KiB or more', async () => {
      const auth = { Cookie: s.u.collaborator.cookie };
      const head = (extra) => [`GET /api/v1/book HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${Object.entries({ ...auth, ...extra }).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`];
      const z = await raw(s.srv.port, head({ 'Accept-Encoding': 'gzip, deflate, br' }));
      assert.equal(z.status, 200);
      assert.equal(headerOf(z.head, 'content-encoding'), 'gzip');
      assert.match(headerOf(z.head, 'vary') || '', /Accept-Encoding/);
      const plain = await raw(s.srv.port, head({}));
      assert.equal(headerOf(plain.head, 'content-encoding'), null);
      const refused = await raw(s.srv.port, head({ 'Accept-Encoding': 'gzip;q=0' }));
      assert.equal(headerOf(refused.head, 'content-encoding'), null);
      const zipped = Number(headerOf(z.head, 'content-length'));
      const whole = Number(headerOf(plain.head, 'content-length'));
      assert.ok(zipped > 0 && zipped < whole / 2, `${zipped} of ${whole} bytes`);
      // The gzipped bytes are the same JSON.
      const r = await fetch(`${s.srv.base}/api/v1/book`, { headers: { ...auth, 'Accept-Encoding': 'gzip' } });
      assert.equal(r.headers.get('content-encoding'), 'gzip');
      const j = JSON.parse(await r.text());
      assert.equal(j.area, OBJ.A.area);
      assert.ok(zlib.gunzipSync, 'node decodes gzip');
      // A small answer is sent as it is.
      const small = await raw(s.srv.port, [`GET /health HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`]);
      assert.equal(headerOf(small.head, 'content-encoding'), null);
    });

    test('static files: ETag, 304 on If-None-Match, caching', async () => {
      const a = await fetch(`${s.srv.base}/static/app.js`);
      const tag = a.headers.get('etag');
      assert.match(tag, /^"[0-9a-f]{24}"$/);
      assert.equal(a.headers.get('cache-control'), 'public, max-age=3600');
      const again = await fetch(`${s.srv.base}/static/app.js`, { headers: { 'If-None-Match': tag } });
      assert.equal(again.status, 304);
      assert.equal((await again.text()).length, 0);
      assert.equal(again.headers.get('etag'), tag);
      const other = await fetch(`${s.srv.base}/static/app.js`, { headers: { 'If-None-Match': '"0000"' } });
      assert.equal(other.status, 200);
      const page = await fetch(`${s.srv.base}/`);
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.notEqual(page.headers.get('etag'), tag);
      const js = await raw(s.srv.port, ['GET /static/views.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n']);
      assert.equal(headerOf(js.head, 'content-encoding'), 'gzip');
    });
  });
}
