// A change of the administrative map while servers run, on both backends
// (tests/data/reform: see tests/cli/reform.test.mjs for its hand counts).
// A running server picks up a crosswalk applied from the command line on
// the same database without a restart (the follower), and one applied by
// an administrator through the API (the writer); the preview applies
// nothing; a refused crosswalk names line and reason and changes nothing;
// the time series of a new commune runs across 1 July 2025.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS, addUser, bin, env, login, makeDb, sleep, startServer } from './lib.mjs';

const FX = 'tests/data/reform';
const HEADER = 'old_code,new_code,new_name,level,new_parent,effective,areas';

function makeReformDb(backend) {
  const fx = makeDb(backend, { users: false, fixture: FX });
  fx.pw = { admin: addUser(fx.db, fx.dir, 'admin', 'admin', ''), national: addUser(fx.db, fx.dir, 'national', 'national', ''),
    commune: addUser(fx.db, fx.dir, 'commune', 'commune', '00022') };
  return fx;
}

const pop2024 = (u, unit, map) => u.get(`/api/v1/reports/03-DSX?unit=${unit}&period=2024&format=json${map ? `&map_date=${map}` : ''}`);
const value = (r, code) => { const row = r.json.rows.find((x) => x.code === code); return row.values[row.values.length - 1]; };

for (const backend of BACKENDS) {
  describe(`changes of the map while the server runs (${backend})`, () => {
    let fx; let srv; let admin; let nat; let xa;
    before(async () => {
      fx = makeReformDb(backend);
      srv = await startServer(fx.db);
      admin = await login(srv.base, 'admin', fx.pw.admin);
      nat = await login(srv.base, 'national', fx.pw.national);
      xa = await login(srv.base, 'commune', fx.pw.commune);
    });
    after(async () => { await srv?.stop(); fx?.drop(); });

    test('a crosswalk applied from the command line is picked up by the running server', async () => {
      const old = await pop2024(nat, '00013');
      assert.equal(old.status, 200, old.text);
      const oldText = old.text.replace(/"generated_at":"[^"]*",?/, '');
      assert.equal((await pop2024(nat, '00100', '2026-01-01')).status, 404);
      await promisify(execFile)(bin, ['units', 'apply', '--db', fx.db, '--crosswalk', `${FX}/crosswalk.csv`], { env });
      let r;
      for (let i = 0; i < 200; i++) { // the follower looks every second
        r = await pop2024(nat, '00100', '2026-01-01');
        if (r.status === 200) break;
        await sleep(100);
      }
      assert.equal(r.status, 200, r.text);
      assert.equal(value(r, '2'), 11);
      assert.equal(value(r, '5'), 2);
      // The 2024 map's report is what it was.
      const again = await pop2024(nat, '00013');
      assert.equal(again.text.replace(/"generated_at":"[^"]*",?/, ''), oldText);
      // The unit tree of today has the new communes under the province.
      const units = await nat.get('/api/v1/units?date=2026-11-22');
      assert.equal(units.status, 200);
      assert.match(units.text, /"code":"00100"/);
      assert.doesNotMatch(units.text, /"code":"001"/);
    });

    test('the time series of a new commune runs across 1 July 2025, and an old one under its map', async () => {
      const s = await nat.get('/api/v1/series?row=5&unit=00100&from=2024-01&to=2025-12');
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.points.length, 24);
      const births = Object.fromEntries(s.json.points.filter((p) => p.value).map((p) => [p.period, p.value]));
      assert.deepEqual(births, { '2024-03': 1, '2024-05': 1, '2025-09': 1 });
      const old = await nat.get('/api/v1/series?row=5&unit=00013&from=2025-01&to=2025-12');
      assert.equal(old.status, 200, old.text);
      assert.equal(old.json.map_date, '2025-06-30');
      assert.equal(old.json.points.find((p) => p.period === '2025-09').value, 1);
      assert.equal((await nat.get('/api/v1/series?row=99&unit=00100')).status, 404);
      // Another commune's counts of 1-4 are left empty, as in reports; one's own are shown.
      const other = await xa.get('/api/v1/series?row=5&unit=00100&from=2024-03&to=2024-04');
      assert.equal(other.status, 200, other.text);
      assert.deepEqual(other.json.points, [{ period: '2024-03', value: null }, { period: '2024-04', value: 0 }]);
      const own = await xa.get('/api/v1/series?row=5&unit=00022&from=2026-01&to=2026-02');
      assert.deepEqual(own.json.points, [{ period: '2026-01', value: 0 }, { period: '2026-02', value: 1 }]);
      assert.equal((await nat.get('/api/v1/series?row=5&unit=00100&from=2024-13')).status, 400);
    });

    test('an administrator previews, then applies; the server answers with the new map at once', async () => {
      const text = [HEADER, '00022,00022,Xã Đông Mới,,,2026-12-01,', ',00109,Xã Tây,commune,01,2026-12-01,'].join('\n') + '\n';
      const pv = await admin.post('/api/v1/admin/units/preview?name=dong.csv', text);
      assert.equal(pv.status, 200, pv.text);
      const pop = Object.fromEntries(pv.json.units.map((u) => [u.code, u.population]));
      assert.deepEqual(pop, { '00022': 3, '00109': 0 }); // Đông: 2 and the birth of 2026-02
      assert.equal(pv.json.areas_moved, 0);
      const before = await nat.get('/api/v1/units?date=2026-12-05');
      assert.doesNotMatch(before.text, /Xã Đông Mới/);
      assert.equal((await nat.post('/api/v1/admin/units/apply', text)).status, 403);
      const ap = await admin.post('/api/v1/admin/units/apply?name=dong.csv', text);
      assert.equal(ap.status, 200, ap.text);
      assert.equal(ap.json.closed, 1);
      assert.equal(ap.json.opened, 2);
      const now = await nat.get('/api/v1/units?date=2026-12-05');
      assert.match(now.text, /Xã Đông Mới/);
      assert.match(now.text, /"code":"00109"/);
      const old = await nat.get('/api/v1/units?date=2026-11-30');
      assert.doesNotMatch(old.text, /Xã Đông Mới/);
    });

    test('a refused crosswalk names line, field and reason, and nothing is applied', async () => {
      const text = [HEADER, '00100,00100,Xã Hợp Nhất Mới,,,2027-01-01,', '00103,00010,Xã Cũ,commune,01,2027-01-01,'].join('\n') + '\n';
      for (const route of ['preview', 'apply']) {
        const r = await admin.post(`/api/v1/admin/units/${route}?name=bad.csv`, text);
        assert.equal(r.status, 422, r.text);
        assert.equal(r.json.error.code, 'bad_crosswalk');
        assert.deepEqual(r.json.problems.map((p) => [p.file, p.line, p.field, p.reason]),
          [['bad.csv', 3, 'new_code', 'code_taken']]);
      }
      const units = await nat.get('/api/v1/units?date=2027-02-01');
      assert.doesNotMatch(units.text, /Hợp Nhất Mới/);
    });

    test('the map changed between the preview and the apply: 409 unit_changed, nothing applied; previewed again, applied', async () => {
      const text = [HEADER, '00103,00103,Xã Dương Bắc Mới,,,2027-01-01,'].join('\n') + '\n';
      const pv = await admin.post('/api/v1/admin/units/preview?name=bac.csv', text);
      assert.equal(pv.status, 200, pv.text);
      assert.match(pv.json.map, /^[0-9a-f]{16}$/);
      // Meanwhile another administrator renames Dương Nam from the command line.
      const nam = path.join(fx.dir, 'nam.csv');
      fs.writeFileSync(nam, [HEADER, '00106,00106,Xã Dương Nam Mới,,,2027-01-01,'].join('\n') + '\n');
      await promisify(execFile)(bin, ['units', 'apply', '--db', fx.db, '--crosswalk', nam], { env });
      const stale = await admin.post(`/api/v1/admin/units/apply?name=bac.csv&map=${pv.json.map}`, text);
      assert.equal(stale.status, 409, stale.text);
      assert.equal(stale.json.error.code, 'unit_changed');
      assert.equal(stale.json.error.field, 'map');
      // Nothing of it was applied; the other change was.
      let units;
      for (let i = 0; i < 200; i++) { // the follower looks every second
        units = await nat.get('/api/v1/units?date=2027-02-01');
        if (/Dương Nam Mới/.test(units.text)) break;
        await sleep(100);
      }
      assert.match(units.text, /Dương Nam Mới/);
      assert.doesNotMatch(units.text, /Dương Bắc Mới/);
      // Previewed again on the map of now, it applies.
      const again = await admin.post('/api/v1/admin/units/preview?name=bac.csv', text);
      assert.equal(again.status, 200, again.text);
      assert.notEqual(again.json.map, pv.json.map);
      const ap = await admin.post(`/api/v1/admin/units/apply?name=bac.csv&map=${again.json.map}`, text);
      assert.equal(ap.status, 200, ap.text);
      assert.match((await nat.get('/api/v1/units?date=2027-02-01')).text, /Dương Bắc Mới/);
    });
  });
}
