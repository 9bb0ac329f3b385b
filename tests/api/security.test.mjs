// What an attacker with a collaborator's account tried (issue 11), on both
// backends: writing outside the scope through what an event names,
// learning what exists elsewhere from the refusals, tokens that outlive
// their owner's password, and throttling that a restart forgets.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  OBJ, BACKENDS, makeDb, addUser, startServer, login, assertError, uuid, Client,
} from './lib.mjs';

for (const backend of BACKENDS) {
  describe(`security (${backend})`, () => {
    let fx;
    let srv;
    let col;
    let nat;
    let hanoi;
    before(async () => {
      fx = makeDb(backend);
      const pw = addUser(fx.db, fx.dir, 'hanoi', 'commune', OBJ.D.commune);
      srv = await startServer(fx.db);
      col = await login(srv.base, 'collaborator', fx.pw.collaborator);
      nat = await login(srv.base, 'national', fx.pw.national);
      hanoi = await login(srv.base, 'hanoi', pw);
    });
    after(async () => { await srv?.stop(); fx?.drop(); });

    test("a void names another province's household change: not found, nothing written", async () => {
      // A commune officer of province 01 records a household change there.
      const hc = { id: uuid(), type: 'household_change', date: '2026-02-01', household: OBJ.D.household, poverty: 1, year: 2026 };
      assert.equal((await hanoi.post('/api/v1/events', hc)).status, 201);
      const before = (await nat.get(`/api/v1/events/${hc.id}`)).json;
      const r = await col.post('/api/v1/events', { id: uuid(), type: 'void', date: '2026-02-02', target: hc.id, reason: 'sai' });
      assertError(r, 404, 'not_found');
      const after = (await nat.get(`/api/v1/events/${hc.id}`)).json;
      assert.deepEqual(after, before, 'the household change is not voided');
      // The same void of a change in the collaborator's own area is recorded.
      const own = { id: uuid(), type: 'household_change', date: '2026-02-01', household: OBJ.A.household, poverty: 1, year: 2026 };
      assert.equal((await col.post('/api/v1/events', own)).status, 201);
      assert.equal((await col.post('/api/v1/events', { id: uuid(), type: 'void', date: '2026-02-02', target: own.id, reason: 'sai' })).status, 201);
    });

    test("another scope's event id, with its exact body or another: not found, as an unused id is not", async () => {
      const exact = { id: OBJ.D.event, type: 'info_change', date: '2026-01-10', person: OBJ.D.person, field: 'education', value: '4' };
      assertError(await col.post('/api/v1/events', exact), 404, 'not_found');
      assertError(await col.post('/api/v1/events', { ...exact, value: '5' }), 404, 'not_found');
      // In scope, the exact body again is a duplicate and another body a conflict, as before.
      const mine = { id: OBJ.A.event, type: 'info_change', date: '2026-01-10', person: OBJ.A.person, field: 'education', value: '4' };
      const dup = await col.post('/api/v1/events', mine);
      assert.equal(dup.status, 200, dup.text);
      assert.equal(dup.json.status, 'duplicate');
      assertError(await col.post('/api/v1/events', { ...mine, value: '5' }), 409);
    });

    const arrival = (household, nid) => ({
      id: uuid(), type: 'move_in', date: '2026-03-01', household,
      person: { person_id: `X${uuid().slice(-10)}`, full_name: 'Lý Văn Đến', sex: 1, birth_date: '1990-01-01',
        relation: 8, ethnicity: '01', education: 3, marital: 1, residence: 1, national_id: nid },
    });

    test('a registered national id tells nothing through an out-of-scope household; in scope it is refused, audited and throttled', async () => {
      // Into another province's household: not found, whether the id is registered or not.
      const known = await col.post('/api/v1/events', arrival(OBJ.D.household, OBJ.D.nid));
      const unknown = await col.post('/api/v1/events', arrival(OBJ.D.household, '079099999999'));
      assertError(known, 404, 'not_found');
      assertError(unknown, 404, 'not_found');
      assert.deepEqual(known.json.error, unknown.json.error, 'the same answer but for the echoed event id');
      // Into the collaborator's own household: refused as taken, without saying where.
      const taken = await col.post('/api/v1/events', arrival(OBJ.A.household, OBJ.D.nid));
      assertError(taken, 422, 'duplicate_national_id');
      assert.ok(!taken.text.includes(OBJ.D.area) && !taken.text.includes(OBJ.D.person));
      const audit = await (await login(srv.base, 'admin', fx.pw.admin)).get('/api/v1/audit?object=event');
      assert.ok(audit.json.entries.some((e) => e.login === 'collaborator' && e.action === 'duplicate_national_id' && e.outcome === 'refused'),
        'the refusal is in the audit log');
      // A stream of them makes the user wait.
      let throttled = null;
      for (let i = 0; i < 12 && !throttled; i++) {
        const r = await col.post('/api/v1/events', arrival(OBJ.A.household, OBJ.B.nid));
        if (r.status === 429) throttled = r;
        else assertError(r, 422, 'duplicate_national_id');
      }
      assert.ok(throttled, 'probing for registered ids is throttled');
      assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    });

    test('reports: below the commune only in scope; outside it, counts of 1-4 are left empty', async () => {
      const com = await login(srv.base, 'commune', fx.pw.commune);
      assertError(await com.get(`/api/v1/reports/01-DSX?unit=${OBJ.D.area}&period=2026-01`), 404);
      assert.equal((await com.get(`/api/v1/reports/01-DSX?unit=${OBJ.A.area}&period=2026-01`)).status, 200);
      // The other province's commune, for the year: the national officer sees every count.
      const url = `/api/v1/reports/03-DSX?unit=${OBJ.D.commune}&period=2026&format=json`;
      const all = await nat.get(url);
      const mine = await com.get(url);
      assert.equal(all.status, 200);
      assert.equal(mine.status, 200);
      const small = [];
      all.json.rows.forEach((r, i) => {
        if (r.values[0] !== null && r.values[0] > 0 && r.values[0] < 5 && Number.isInteger(r.values[0])) small.push(i);
      });
      assert.ok(small.length > 0, 'the fixture has small counts there');
      for (const i of small) assert.equal(mine.json.rows[i].values[0], null, `row ${all.json.rows[i].code} left empty`);
      assert.ok(mine.json.suppressed_cells >= small.length);
      assert.equal(all.json.suppressed_cells, 0);
    });

    test('every answered read of a person is in the access log when the answer arrives; an event read counts', async () => {
      const com = await login(srv.base, 'commune', fx.pw.commune);
      const prov = await login(srv.base, 'province', fx.pw.province);
      const before = (await prov.get(`/api/v1/persons/${OBJ.A.person}/access`)).json.access.length;
      assert.equal((await com.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
      assert.equal((await com.get(`/api/v1/events/${OBJ.A.event}`)).status, 200);
      const log = (await prov.get(`/api/v1/persons/${OBJ.A.person}/access`)).json.access;
      assert.ok(log.length >= before + 2, 'both reads are there at once');
      assert.ok(log.some((e) => e.login === 'commune' && e.action === 'read_event'), 'the event read is a read of the person');
    });

    test('a new password that everyone uses, or that holds the login or name, is refused', async () => {
      const me = await login(srv.base, 'province', fx.pw.province);
      for (const weak of ['1234567890', 'Mật Khẩu 123', 'aaaaaaaaaaaa', 'qwertyuiop', 'tôi là province 2026']) {
        const r = await me.post('/api/v1/me/password', { old: fx.pw.province, new: weak });
        assertError(r, 422, 'weak_password');
      }
      // Wrong old passwords are throttled like wrong logins.
      let throttled = false;
      for (let i = 0; i < 8 && !throttled; i++) {
        const r = await me.post('/api/v1/me/password', { old: `sai${i}`, new: 'một câu dài khó đoán 77' });
        throttled = r.status === 429;
        if (!throttled) assertError(r, 403, 'bad_credentials');
      }
      assert.ok(throttled, 'guessing the old password is throttled');
    });

    test('API tokens expire, are listed without their secret, are revoked one by one and by a password change', async () => {
      const me = await login(srv.base, 'commune', fx.pw.commune);
      const made = await me.post('/api/v1/tokens', { label: 'báo cáo', days: 2 });
      assert.equal(made.status, 201, made.text);
      const other = await me.post('/api/v1/tokens', { label: 'đồng bộ' });
      assertError(await me.post('/api/v1/tokens', { label: 'x', days: 400 }), 422);
      const list = await me.get('/api/v1/tokens');
      assert.equal(list.status, 200);
      const t = list.json.tokens.find((x) => x.label === 'báo cáo');
      assert.ok(t && t.id && !JSON.stringify(list.json).includes(made.json.token), 'listed, never the secret');
      const expires = Date.parse(t.expires_at) - Date.parse(t.created_at);
      assert.ok(Math.abs(expires - 2 * 86400e3) < 5000, `expires in 2 days: ${t.expires_at}`);
      const bearer = new Client(srv.base, { token: made.json.token });
      assert.equal((await bearer.get('/api/v1/me')).status, 200);
      const del = await me.req('DELETE', `/api/v1/tokens/${t.id}`);
      assert.equal(del.status, 200, del.text);
      assert.equal((await bearer.get('/api/v1/me')).status, 401, 'a revoked token is refused at once');
      const second = new Client(srv.base, { token: other.json.token });
      assert.equal((await second.get('/api/v1/me')).status, 200);
      const pwc = await me.post('/api/v1/me/password', { old: fx.pw.commune, new: 'một mật khẩu mới dài 2026' });
      assert.equal(pwc.status, 200, pwc.text);
      assert.equal((await second.get('/api/v1/me')).status, 401, 'a password change ends the tokens');
    });
  });
}

describe('login limits', () => {
  test('failures are kept across a restart', async () => {
    const fx = makeDb('sqlite');
    let srv = await startServer(fx.db);
    try {
      const tryLogin = (pw) => fetch(`${srv.base}/api/v1/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'province', password: pw }),
      });
      // Five wrong: the fifth makes the next try wait two seconds.
      for (let i = 0; i < 5; i++) assert.equal((await tryLogin(`wrong${i}`)).status, 401);
      await new Promise((r) => setTimeout(r, 2200));
      await srv.stop();
      srv = await startServer(fx.db);
      // The sixth, after the restart, counts as the sixth: the next waits four seconds.
      assert.equal((await tryLogin('wrong6')).status, 401);
      const r = await tryLogin(fx.pw.province);
      assert.equal(r.status, 429, 'the count went on after the restart');
    } finally { await srv.stop(); fx.drop(); }
  });
});

describe('TLS', () => {
  test('HSTS on every answer and a Secure session cookie', async () => {
    const { execFileSync } = await import('node:child_process');
    const https = await import('node:https');
    const fx = makeDb('sqlite');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', `${fx.dir}/key.pem`, '-out', `${fx.dir}/cert.pem`], { stdio: 'ignore' });
    const port = 19000 + (process.pid % 1000);
    const { spawn } = await import('node:child_process');
    const p = spawn(process.env.DANSO_BIN || 'build/danso', ['serve', '--db', fx.db, '--listen', `127.0.0.1:${port}`,
      '--cert', `${fx.dir}/cert.pem`, '--key', `${fx.dir}/key.pem`], { stdio: 'ignore', env: { ...process.env, DANSO_TODAY: '2026-11-22' } });
    const req = (method, path, body) => new Promise((resolve, reject) => {
      const r = https.request({ host: '127.0.0.1', port, path, method, rejectUnauthorized: false,
        headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      r.on('error', reject);
      if (body) r.write(JSON.stringify(body));
      r.end();
    });
    try {
      let h = null;
      for (let i = 0; i < 100 && !h; i++) {
        try { h = await req('GET', '/health'); } catch { await new Promise((r) => setTimeout(r, 100)); }
      }
      assert.equal(h.status, 200);
      assert.match(h.headers['strict-transport-security'] || '', /max-age=\d+/);
      const l = await req('POST', '/api/v1/login', { login: 'national', password: fx.pw.national });
      assert.equal(l.status, 200, l.text);
      assert.match(l.headers['set-cookie'][0], /; Secure/);
      assert.match(l.headers['strict-transport-security'] || '', /max-age/);
    } finally {
      p.kill('SIGTERM');
      await new Promise((r) => p.on('exit', r));
      fx.drop();
    }
  });
});
