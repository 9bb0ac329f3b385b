// The Personal Data Protection Law's duties (issue 11): a person's file with
// every access to it, a deletion request refused with its legal basis and
// recorded, and the breach investigation's search of the audit log, over
// the API and on the server's command line; what an administrator may do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { BACKENDS, OBJ, bin, env, served, login, assertError, sleep } from './lib.mjs';

// The audit log's times are the machine's clock (DANSO_TODAY moves only the
// register's today): a range around now.
const day = (d) => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
const FROM = day(-1);
const TO = day(1);

function cli(...args) {
  return execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function csvRows(text) {
  const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\n');
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
}

for (const backend of BACKENDS) {
  describe(`privacy (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'province', 'national', 'admin']);
    const u = s.u;

    test('a person\'s file holds their data and every access, not their household\'s other members', async () => {
      assert.equal((await u.collaborator.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
      assert.equal((await u.province.get(`/api/v1/persons/${OBJ.A.person}/history`)).status, 200);
      const r = await u.commune.get(`/api/v1/persons/${OBJ.A.person}/file`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-disposition'), /attachment; filename="danso-A1\.json"/);
      const f = r.json;
      assert.equal(f.file, 'danso-subject-file');
      assert.equal(f.made_by, 'commune');
      assert.equal(f.person.id, OBJ.A.person);
      assert.equal(f.person.full_name, OBJ.A.name);
      assert.equal(f.person.national_id, OBJ.A.nid);
      assert.ok(f.person.history.some((h) => h.event.id === OBJ.A.event), 'the events that name the person');
      assert.equal(f.household.id, OBJ.A.household);
      assert.ok(f.household.address);
      for (const other of ['Trần Thị B', 'Nguyễn Thị C', 'Nguyễn Văn D'])
        assert.ok(!r.text.includes(other), `another member's name (${other}) is not in the file`);
      const who = f.access.map((a) => `${a.login}:${a.action}`);
      assert.ok(who.includes('collaborator:read') && who.includes('province:read_history'), who.join(' '));
      const times = f.access.map((a) => a.at);
      assert.deepEqual(times, [...times].sort(), 'the access log is oldest first');
      // Making the file is itself in the person's access log, before it is answered.
      const again = (await u.commune.get(`/api/v1/persons/${OBJ.A.person}/file`)).json;
      assert.ok(again.access.some((a) => a.login === 'commune' && a.action === 'subject_file'));
      assert.notEqual(again.notice.vi.indexOf('91/2025'), -1);
    });

    test('the file: out of scope is "not found", as an unknown person; collaborators and administrators may not', async () => {
      const out = await u.commune.get(`/api/v1/persons/${OBJ.C.person}/file`);
      const none = await u.commune.get('/api/v1/persons/NOBODY/file');
      assertError(out, 404, 'not_found');
      assert.equal(out.text, none.text);
      assertError(await u.collaborator.get(`/api/v1/persons/${OBJ.A.person}/file`), 403, 'forbidden');
      assertError(await u.admin.get(`/api/v1/persons/${OBJ.A.person}/file`), 403, 'forbidden');
      assert.equal((await u.national.get(`/api/v1/persons/${OBJ.D.person}/file`)).status, 200);
    });

    test('a deletion request is refused with its legal basis, recorded, and shown in the file', async () => {
      const r = await u.commune.post(`/api/v1/persons/${OBJ.A.person}/deletion`, { received: '2026-11-20', channel: 'letter', note: 'Yêu cầu xóa toàn bộ dữ liệu' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.outcome, 'refused');
      assert.equal(r.json.basis, 'register_kept_by_law');
      assert.match(r.json.legal_basis.vi, /91\/2025\/QH15/);
      assert.match(r.json.legal_basis.vi, /thay đổi thông tin/);
      assert.match(r.json.legal_basis.en, /Personal Data Protection Law/);
      const f = (await u.commune.get(`/api/v1/persons/${OBJ.A.person}/file`)).json;
      const req = f.requests.find((x) => x.request === 'deletion');
      assert.ok(req, JSON.stringify(f.requests));
      assert.equal(req.received, '2026-11-20');
      assert.equal(req.channel, 'letter');
      assert.equal(req.outcome, 'refused');
      assert.equal(req.recorded_by, 'commune');
      assert.equal(req.note, 'Yêu cầu xóa toàn bộ dữ liệu');
      assert.ok(f.access.some((a) => a.action === 'deletion_request' && a.outcome === 'refused'));
      // The person is still there.
      assert.equal((await u.commune.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
    });

    test('a deletion request: each wrong field named, nothing recorded; out of scope is "not found"', async () => {
      const cases = [
        [{ channel: 'letter' }, 'received'],
        [{ received: '2099-01-01', channel: 'letter' }, 'received'],
        [{ received: '2026-13-01', channel: 'letter' }, 'received'],
        [{ received: '2026-11-20', channel: 'pigeon' }, 'channel'],
        [{ received: '2026-11-20', channel: 'letter', note: 'x'.repeat(2001) }, 'note'],
        [{ received: '2026-11-20', channel: 'letter', erase: true }, 'erase'],
      ];
      const before = (await u.commune.get(`/api/v1/persons/${OBJ.B.person}/file`)).json.requests.length;
      for (const [body, field] of cases) {
        const r = await u.commune.post(`/api/v1/persons/${OBJ.B.person}/deletion`, body);
        assertError(r, 422, 'bad_value');
        assert.equal(r.json.error.field, field, JSON.stringify(body));
      }
      const after = (await u.commune.get(`/api/v1/persons/${OBJ.B.person}/file`)).json.requests.length;
      assert.equal(after, before);
      const out = await u.commune.post(`/api/v1/persons/${OBJ.D.person}/deletion`, { received: '2026-11-20', channel: 'letter' });
      const none = await u.commune.post('/api/v1/persons/NOBODY/deletion', { received: '2026-11-20', channel: 'letter' });
      assertError(out, 404, 'not_found');
      assert.equal(out.text, none.text);
      const vi = await u.commune.post(`/api/v1/persons/${OBJ.B.person}/deletion?lang=vi`, { received: 'hôm qua', channel: 'letter' });
      assert.match(vi.json.error.message, /ngày nhận yêu cầu/);
    });

    test('breach search: every access by an account, and to a unit, in a time range, as JSON and CSV', async () => {
      assert.equal((await u.collaborator.get(`/api/v1/persons/${OBJ.A.person}`)).status, 200);
      assert.equal((await u.national.get(`/api/v1/persons/${OBJ.D.person}`)).status, 200);
      assert.equal((await u.national.get(`/api/v1/households/${OBJ.C.household}`)).status, 200);
      // By account.
      const byLogin = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&login=collaborator`);
      assert.equal(byLogin.status, 200, byLogin.text);
      assert.ok(byLogin.json.entries.length > 0);
      assert.ok(byLogin.json.entries.every((e) => e.login === 'collaborator'));
      const read = byLogin.json.entries.find((e) => e.object === 'person' && e.id === OBJ.A.person && e.action === 'read');
      assert.ok(read, 'the read is found');
      assert.equal(read.area, OBJ.A.area, 'with the area the person was in');
      const seqs = byLogin.json.entries.map((e) => [e.at, e.seq]);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])), 'in time order');
      // By unit: the other province's person, not province 79's.
      const d = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&unit=${OBJ.D.province}`);
      assert.equal(d.status, 200, d.text);
      assert.ok(d.json.entries.some((e) => e.login === 'national' && e.id === OBJ.D.person));
      assert.ok(d.json.entries.every((e) => e.area === OBJ.D.area), JSON.stringify(d.json.entries.map((e) => e.area)));
      const c = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&unit=${OBJ.C.commune}&login=national`);
      const ids = new Set(c.json.entries.map((e) => e.id));
      assert.ok(ids.has(OBJ.C.household) && ids.has(OBJ.C.person), [...ids].join(' '));
      assert.ok(!ids.has(OBJ.D.person) && !ids.has(OBJ.A.person));
      // Paged: one entry at a time reaches the same entries.
      const all = (await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&login=collaborator`)).json.entries.map((e) => e.seq);
      const paged = [];
      let after = '';
      for (let i = 0; i < 200; i++) {
        const p = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&login=collaborator&limit=1${after ? `&after=${after}` : ''}`);
        paged.push(...p.json.entries.map((e) => e.seq));
        if (!p.json.next) break;
        after = p.json.next;
      }
      assert.deepEqual(paged.slice(0, all.length), all);
      // A range before everything is empty.
      const old = await u.admin.get('/api/v1/audit/search?from=2020-01-01&to=2020-01-02');
      assert.deepEqual(old.json.entries, []);
      assert.equal(old.json.next, null);
      // CSV for the investigation's file.
      const csv = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&unit=${OBJ.A.area}&format=csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type'), /text\/csv/);
      assert.match(csv.headers.get('content-disposition'), /attachment/);
      const rows = csvRows(csv.text);
      assert.ok(rows.some((x) => x.login === 'collaborator' && x.object_id === OBJ.A.person && x.action === 'read'));
      assert.ok(rows.every((x) => x.area === OBJ.A.area));
      assert.ok(rows.every((x) => /\+07:00$/.test(x.at_vietnam) && /Z$/.test(x.at_utc)));
    });

    test('breach search: refusals, and the search is itself audited', async () => {
      for (const [q, field] of [['to=2026-12-01', 'from'], ['from=yesterday&to=2026-12-01', 'from'], [`from=${TO}&to=${FROM}`, 'to'],
        [`from=${FROM}T25:00&to=${TO}`, 'from'], [`from=${FROM}&to=${TO}&unit=99999`, 'unit']]) {
        const r = await u.admin.get(`/api/v1/audit/search?${q}`);
        assertError(r, 422, 'bad_value');
        assert.equal(r.json.error.field, field, q);
      }
      for (const role of ['national', 'province', 'commune', 'collaborator'])
        assertError(await u[role].get(`/api/v1/audit/search?from=${FROM}&to=${TO}`), 403, 'forbidden');
      const hhmm = await u.admin.get(`/api/v1/audit/search?from=${FROM}T00:00%2B07:00&to=${TO}T23:59Z&login=admin`);
      assert.equal(hhmm.status, 200, hhmm.text);
      await sleep(300);
      const mine = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&login=admin`);
      assert.ok(mine.json.entries.some((e) => e.action === 'audit_search' && e.object === 'audit'));
    });

    test('command line: subject-file and audit-search give the same as the API, audited', async () => {
      const out = `${s.fx.dir}/file.json`;
      cli('subject-file', '--db', s.fx.db, '--person', OBJ.B.person, '--out', out);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'personal data written 0600');
      const f = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(f.person.id, OBJ.B.person);
      assert.ok(f.access.some((a) => a.login === 'commune' && a.action === 'subject_file'));
      assert.throws(() => cli('subject-file', '--db', s.fx.db, '--person', 'NOBODY'), /no person with id NOBODY/);
      const csvFile = `${s.fx.dir}/audit.csv`;
      cli('audit-search', '--db', s.fx.db, '--from', FROM, '--to', TO, '--unit', OBJ.D.province, '--out', csvFile);
      const rows = csvRows(fs.readFileSync(csvFile, 'utf8'));
      assert.ok(rows.some((x) => x.login === 'national' && x.object_id === OBJ.D.person));
      assert.ok(rows.every((x) => x.area === OBJ.D.area || x.object === 'audit'), 'and the searches of the unit');
      const api = csvRows((await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&unit=${OBJ.D.province}&format=csv`)).text);
      assert.deepEqual(rows.map((x) => x.seq), api.map((x) => x.seq).slice(0, rows.length));
      assert.throws(() => cli('audit-search', '--db', s.fx.db, '--from', 'now', '--to', TO), /--from takes YYYY-MM-DD/);
      // The command line's own reads are in the log, by the system user.
      await sleep(300);
      const r = await u.admin.get(`/api/v1/audit/search?from=${FROM}&to=${TO}&unit=${OBJ.B.area}`);
      assert.ok(r.json.entries.some((e) => e.login.startsWith('cli:') && e.action === 'subject_file' && e.id === OBJ.B.person));
    });

    test('the server operator resets, disables and enables accounts; the user sees it', async () => {
      const reset = cli('user', 'reset', '--db', s.fx.db, '--login', 'province');
      const pw = reset.match(/password (\S+)/)[1];
      assert.match(reset, /to be changed at the next login/);
      await sleep(300); // the server hears of the commit at once (NOTIFY, or SQLite's data_version)
      const p = await login(s.srv.base, 'province', pw);
      assertError(await p.get(`/api/v1/persons/${OBJ.A.person}`), 403, 'password_change_required');
      const me = (await p.get('/api/v1/me')).json;
      assert.equal(me.user.must_change_password, true);
      assert.ok(me.account_changes.some((x) => x.by.startsWith('cli:') && x.action === 'reset_password'));
      assert.equal(cli('user', 'disable', '--db', s.fx.db, '--login', 'national').trim(), 'national disabled');
      await sleep(300);
      assertError(await u.national.get('/api/v1/me'), 401);
      cli('user', 'enable', '--db', s.fx.db, '--login', 'national');
      u.national = await login(s.srv.base, 'national', s.fx.pw.national);
      const changes = (await u.national.get('/api/v1/me')).json.account_changes.map((x) => x.action);
      assert.deepEqual(changes.slice(0, 2), ['enable', 'disable']);
      // An administrator may stop a national account at once, not give it back.
      assert.equal((await u.admin.patch('/api/v1/users/national', { disabled: true })).status, 200);
      assertError(await u.admin.patch('/api/v1/users/national', { disabled: false }), 403, 'admin_limit');
      cli('user', 'enable', '--db', s.fx.db, '--login', 'national');
    });
  });
}
