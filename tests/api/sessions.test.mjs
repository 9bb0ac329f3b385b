// Sessions: login throttling, idle and absolute expiry, revocation at
// logout and at a password change, cookie flags, CSRF on every
// state-changing route.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  OBJ, makeDb, startServer, login, anonymous, assertError, elderly, sleep, Client,
} from './lib.mjs';

const PERM_ROLE = { user: 'commune', read: 'commune', write: 'commune', officer: 'commune', planner: 'province', admin: 'admin' };

async function tryLogin(base, user, password) {
  const r = await fetch(`${base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' },
    body: JSON.stringify({ login: user, password }),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: JSON.parse(text) };
}

describe('sessions', () => {
  let fx;
  before(() => { fx = makeDb('sqlite'); });
  after(() => fx?.drop());

  // Failed logins are kept across restarts: each throttling test has its
  // own database, so that what it leaves does not reach the next.
  test('five failures for an account: 429 throttled with Retry-After, even with the right password', async () => {
    const own = makeDb('sqlite');
    const srv = await startServer(own.db);
    try {
      for (let i = 0; i < 5; i++) assertError(await tryLogin(srv.base, 'collaborator', `wrong${i}`), 401, 'bad_credentials');
      const r = await tryLogin(srv.base, 'collaborator', own.pw.collaborator);
      assertError(r, 429, 'throttled');
      const retry = Number(r.headers.get('retry-after'));
      assert.ok(retry > 0 && retry <= 900, `Retry-After ${r.headers.get('retry-after')}`);
      // Another account from the same address is not locked by that.
      assert.equal((await tryLogin(srv.base, 'commune', own.pw.commune)).status, 200);
      // An unknown account answers like a known one.
      const unknown = await tryLogin(srv.base, 'nobody-here', 'x');
      const known = await tryLogin(srv.base, 'province', 'x');
      assert.equal(unknown.status, 401);
      assert.deepEqual(unknown.json, known.json);
    } finally { await srv.stop(); own.drop(); }
  });

  test('twenty failures from an address: 429 for every account', async () => {
    const own = makeDb('sqlite');
    const srv = await startServer(own.db);
    try {
      for (let i = 0; i < 20; i++) {
        const r = await tryLogin(srv.base, `ghost${i}`, 'wrong');
        assert.equal(r.status, 401, `attempt ${i + 1}: ${r.text}`);
      }
      const r = await tryLogin(srv.base, 'national', own.pw.national);
      assertError(r, 429, 'throttled');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    } finally { await srv.stop(); own.drop(); }
  });

  test('a session ends after the idle time, and activity keeps it', async () => {
    const srv = await startServer(fx.db, ['--session-idle', '2', '--session-max', '600']);
    try {
      // The idle one first: a login (a password hash, slow under the
      // sanitizers on a busy machine) between the busy one's login and its
      // first request once took the busy one past the 2 s.
      const idle = await login(srv.base, 'province', fx.pw.province);
      const busy = await login(srv.base, 'commune', fx.pw.commune);
      for (let i = 0; i < 4; i++) {
        await sleep(1000);
        assert.equal((await busy.get('/api/v1/me')).status, 200, `active session, second ${i + 1}`);
      }
      assertError(await idle.get('/api/v1/me'), 401, 'not_authenticated');
      // And it does not come back.
      assertError(await idle.get('/api/v1/me'), 401);
    } finally { await srv.stop(); }
  });

  test('a session ends after the absolute time, however active', async () => {
    const srv = await startServer(fx.db, ['--session-idle', '600', '--session-max', '3']);
    try {
      const c = await login(srv.base, 'commune', fx.pw.commune);
      assert.equal((await c.get('/api/v1/me')).status, 200);
      let ended = null;
      for (let i = 0; i < 8 && ended === null; i++) {
        await sleep(1000);
        if ((await c.get('/api/v1/me')).status === 401) ended = i + 1;
      }
      assert.ok(ended !== null && ended >= 3 && ended <= 5, `ended after ${ended} s`);
    } finally { await srv.stop(); }
  });

  test('cookie flags; logout and password change revoke sessions', async () => {
    const srv = await startServer(fx.db);
    try {
      const r = await fetch(`${srv.base}/api/v1/login`, {
        method: 'POST', body: JSON.stringify({ login: 'national', password: fx.pw.national }),
      });
      assert.equal(r.status, 200);
      const sc = r.headers.get('set-cookie');
      assert.match(sc, /^danso_session=[^;]{20,}/);
      assert.match(sc, /;\s*HttpOnly/i);
      assert.match(sc, /;\s*SameSite=Strict/i);
      assert.match(sc, /;\s*Path=\//);
      const body = await r.json();
      assert.deepEqual(Object.keys(body.user).sort(), ['login', 'must_change_password', 'name', 'role', 'unit']);
      const c = new Client(srv.base, { cookie: sc.split(';')[0], csrf: body.csrf });
      const me = await c.get('/api/v1/me');
      assert.equal(me.json.csrf, body.csrf, 'the CSRF token of /me is the login\'s');
      const out = await c.post('/api/v1/logout', {});
      assert.equal(out.status, 200);
      assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
      assertError(await c.get('/api/v1/me'), 401, 'not_authenticated');

      // Password change: every session of the user ends, this one too.
      const a = await login(srv.base, 'collaborator', fx.pw.collaborator);
      const b = await login(srv.base, 'collaborator', fx.pw.collaborator);
      const other = await login(srv.base, 'commune', fx.pw.commune);
      assertError(await a.post('/api/v1/me/password', { old: 'wrong', new: 'a-new-password-1' }), 403, 'bad_credentials');
      assertError(await a.post('/api/v1/me/password', { old: fx.pw.collaborator, new: 'short' }), 422, 'weak_password');
      const ch = await a.post('/api/v1/me/password', { old: fx.pw.collaborator, new: 'a-new-password-1' });
      assert.equal(ch.status, 200, ch.text);
      assertError(await a.get('/api/v1/me'), 401);
      assertError(await b.get('/api/v1/me'), 401);
      assert.equal((await other.get('/api/v1/me')).status, 200, 'other users keep their sessions');
      assertError(await tryLogin(srv.base, 'collaborator', fx.pw.collaborator), 401, 'bad_credentials');
      const n = await login(srv.base, 'collaborator', 'a-new-password-1');
      assert.equal((await n.get('/api/v1/me')).status, 200);
      // Put it back for the other tests.
      assert.equal((await n.post('/api/v1/me/password', { old: 'a-new-password-1', new: fx.pw.collaborator })).status, 200);
    } finally { await srv.stop(); }
  });

  test('CSRF: every state-changing request with the cookie but without the token is refused (403 csrf)', async () => {
    const srv = await startServer(fx.db);
    try {
      const o = await anonymous(srv.base).get('/api/v1/openapi.json');
      const routes = [];
      for (const [p, item] of Object.entries(o.json.paths))
        for (const [m, op] of Object.entries(item))
          if (m !== 'get' && op['x-permission'] !== 'public') routes.push({ method: m.toUpperCase(), path: p, perm: op['x-permission'] });
      assert.ok(routes.length >= 8, `${routes.length} state-changing routes`);
      const sessions = {};
      for (const role of new Set(Object.values(PERM_ROLE))) sessions[role] = await login(srv.base, role, fx.pw[role]);
      const ev = elderly(OBJ.A.elder);
      const bodies = {
        '/api/v1/events': ev,
        '/api/v1/events/batch': { events: [ev] },
        '/api/v1/targets': [{ unit: '79', year: 2026, indicator: '5', target: 1 }],
        '/api/v1/users': { login: 'csrfuser', name: 'X', role: 'national' },
        '/api/v1/tokens': { label: 'x' },
        '/api/v1/me/password': { old: 'x', new: 'yyyyyyyyyyyy' },
      };
      for (const r of routes) {
        const role = PERM_ROLE[r.perm];
        assert.ok(role, `a role for ${r.perm}`);
        const s = sessions[role];
        const url = r.path.replace('{login}', 'national');
        const body = bodies[r.path] ?? {};
        for (const csrf of [null, 'wrong-token']) {
          const c = new Client(srv.base, { cookie: s.cookie, csrf });
          const res = await c.req(r.method, url, body);
          assertError(res, 403, 'csrf');
        }
      }
      // Nothing happened: the event is absent, the session still works.
      assert.equal((await sessions.commune.get(`/api/v1/events/${ev.id}`)).status, 404);
      assert.equal((await sessions.commune.get('/api/v1/me')).status, 200, 'logout without CSRF did not log out');
      const users = await sessions.admin.get('/api/v1/users');
      assert.ok(!users.json.some((u) => u.login === 'csrfuser'));
      // With the token the same request goes through.
      assert.equal((await sessions.commune.post('/api/v1/events', ev)).status, 201);
    } finally { await srv.stop(); }
  });
});
