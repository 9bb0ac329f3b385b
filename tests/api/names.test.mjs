// An interface that speaks in names (issue 17, part 2), through the API on
// both backends: searches and household lists say how many there are in
// all; downloads are named by form, unit and period; the printed form
// says when it was made in Viet Nam's time; histories, the slip and the
// dashboard name persons, users and areas; the forms list is cached; the
// quality report's files are named like the reports'.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, OBJ, SEARCH_NAME, SEARCH_COUNT, served, elderly } from './lib.mjs';

// filename*=UTF-8''... decoded (RFC 5987), and the ASCII filename= beside it.
function disposition(h) {
  const ascii = /filename="([^"]*)"/.exec(h)?.[1];
  const utf8 = /filename\*=UTF-8''([^;\s]+)/.exec(h)?.[1];
  return { ascii, utf8: utf8 && decodeURIComponent(utf8) };
}

for (const backend of BACKENDS) {
  describe(`names (${backend})`, () => {
    const s = served(backend, ['collaborator', 'commune', 'province']);

    test('a name search says how many in all, and pages through them', async () => {
      const q = encodeURIComponent(SEARCH_NAME);
      const p1 = await s.u.province.get(`/api/v1/persons?q=${q}&size=50`);
      assert.equal(p1.status, 200, p1.text);
      assert.equal(p1.json.total, SEARCH_COUNT);
      assert.equal(p1.json.total_more, false);
      assert.equal(p1.json.items.length, 50);
      const p3 = await s.u.province.get(`/api/v1/persons?q=${q}&size=50&page=3`);
      assert.equal(p3.json.items.length, SEARCH_COUNT - 100);
      assert.equal(p3.json.total, SEARCH_COUNT);
      // Diacritics are optional: "nguyen van tim" finds the same 110.
      const bare = await s.u.province.get('/api/v1/persons?q=nguyen%20van%20tim&size=10');
      assert.equal(bare.json.total, SEARCH_COUNT);
      // The count keeps to the scope: Nguyễn Văn A is in area A, not in C's commune.
      const nid = await s.u.commune.get(`/api/v1/persons?national_id=${OBJ.A.nid}`);
      assert.equal(nid.json.total, 1);
      // The household by its book number (tests/data/rules/households.csv: H1 is number 1).
      assert.deepEqual([nid.json.items[0].household, nid.json.items[0].household_number], ['H1', '1']);
      const none = await s.u.commune.get(`/api/v1/persons?national_id=${OBJ.C.nid}`);
      assert.equal(none.json.total, 0);
    });

    test('the household list says how many households in all', async () => {
      // tests/data/rules/households.csv: H1, H2 in area 2673400101, H3, H4 in 2673700101;
      // lib.mjs adds H6 in 2673400101 and H5 in commune 26743.
      const area = await s.u.commune.get(`/api/v1/households?area=${OBJ.A.area}&size=2`);
      assert.equal(area.status, 200, area.text);
      assert.equal(area.json.total, 3);
      assert.equal(area.json.items.length, 2);
      const all = await s.u.commune.get('/api/v1/households?size=2');
      assert.equal(all.json.total, 5);
      const prov = await s.u.province.get('/api/v1/households?size=50');
      assert.equal(prov.json.total, 6);
      assert.equal(prov.json.items.length, 6);
      const mine = await s.u.collaborator.get('/api/v1/households');
      assert.equal(mine.json.total, 3);
    });

    test('the household list names the head, counts the members and gives the year\'s poverty', async () => {
      const r = await s.u.collaborator.get(`/api/v1/households?area=${OBJ.A.area}`);
      assert.equal(r.status, 200, r.text);
      const h1 = r.json.items.find((x) => x.id === OBJ.A.household);
      // tests/data/rules/persons.csv: A1 Nguyễn Văn A is H1's head (relation 1).
      assert.equal(h1.head_name, 'Nguyễn Văn A');
      const page = await s.u.collaborator.get(`/api/v1/households/${OBJ.A.household}`);
      assert.equal(h1.member_count, page.json.members.length);
      assert.equal(String(h1.poverty), String(page.json.poverty_now));
      assert.ok(page.json.members.every((m) => m.relation), 'each member with a relation to the head');
    });

    test('the other downloads too: timeliness, work lists, projection, communication', async () => {
      const name = async (u, url) => {
        const r = await u.get(url);
        assert.equal(r.status, 200, `${url}: ${r.text}`);
        return disposition(r.headers.get('content-disposition'));
      };
      assert.deepEqual(await name(s.u.commune, `/api/v1/cycle/timeliness?unit=${OBJ.A.commune}&period=2026-10&format=csv`),
        { ascii: 'nop-bao-cao_Phuong Sai Gon_2026-10.csv', utf8: 'nop-bao-cao_Phường Sài Gòn_2026-10.csv' });
      assert.equal((await name(s.u.province, '/api/v1/cycle/timeliness?unit=79&from=2026-07&to=2026-09&format=xlsx')).utf8,
        'nop-bao-cao_TP Hồ Chí Minh_2026-07_2026-09.xlsx');
      assert.equal((await name(s.u.commune, `/api/v1/worklists/elderly?unit=${OBJ.A.commune}&date=2026-10-31&format=xlsx`)).utf8,
        'elderly_Phường Sài Gòn_2026-10-31.xlsx');
      assert.equal((await name(s.u.province, '/api/v1/projection?unit=79&base=2025-12-31&to=2030&format=csv')).utf8,
        'du-bao-dan-so_TP Hồ Chí Minh_2025-12-31.csv');
      assert.equal((await name(s.u.commune, `/api/v1/comm/summary?unit=${OBJ.A.commune}&period=2026-Q4&format=csv`)).utf8,
        'truyen-thong_Phường Sài Gòn_2026-Q4.csv');
    });

    test('report downloads are named by form, unit and period, with an ASCII fallback', async () => {
      const url = `/api/v1/reports/01-DSX?unit=${OBJ.A.commune}&period=2026-10`;
      const x = await s.u.commune.get(`${url}&format=xlsx`);
      assert.equal(x.status, 200, x.text);
      const d = disposition(x.headers.get('content-disposition'));
      assert.equal(d.utf8, '01-DSX_Phường Sài Gòn_2026-10.xlsx');
      assert.equal(d.ascii, '01-DSX_Phuong Sai Gon_2026-10.xlsx');
      const c = await s.u.commune.get(`${url}&format=csv`);
      assert.equal(disposition(c.headers.get('content-disposition')).utf8, '01-DSX_Phường Sài Gòn_2026-10.csv');
      const q = await s.u.province.get('/api/v1/reports/01-DSX?unit=79&period=2026-Q3&format=xlsx');
      assert.equal(disposition(q.headers.get('content-disposition')).utf8, '01-DSX_TP Hồ Chí Minh_2026-Q3.xlsx');
      // The quality report's files too.
      const qx = await s.u.commune.get(`/api/v1/quality?unit=${OBJ.A.commune}&period=2026-10&format=xlsx`);
      assert.equal(qx.status, 200, qx.text);
      assert.deepEqual(disposition(qx.headers.get('content-disposition')),
        { ascii: 'chat-luong_Phuong Sai Gon_2026-10.xlsx', utf8: 'chat-luong_Phường Sài Gòn_2026-10.xlsx' });
      const qc = await s.u.commune.get(`/api/v1/quality?unit=${OBJ.A.commune}&period=2026-10&format=csv`);
      assert.equal(disposition(qc.headers.get('content-disposition')).utf8, 'chat-luong_Phường Sài Gòn_2026-10.csv');
    });

    test('the printed form says when it was made, in Viet Nam\'s time, Vietnamese style', async () => {
      const before = Date.now();
      const r = await s.u.commune.get(`/api/v1/reports/01-DSX?unit=${OBJ.A.commune}&period=2026-10&format=html&lang=vi`);
      const after = Date.now();
      assert.equal(r.status, 200);
      const m = /Lập lúc (\d{2}):(\d{2}) ngày (\d{2})\/(\d{2})\/(\d{4})/.exec(r.text);
      assert.ok(m, r.text.slice(-400));
      assert.doesNotMatch(r.text, /Lập lúc: \d{4}-/);
      // Viet Nam is UTC+7 all year: the stamp lies between the request's start and end, to the minute.
      const stamp = Date.UTC(+m[5], +m[4] - 1, +m[3], +m[1], +m[2]) - 7 * 3600e3;
      assert.ok(stamp >= Math.floor(before / 60e3) * 60e3 && stamp <= after, `${m[0]} vs ${new Date(before).toISOString()}`);
      const en = await s.u.commune.get(`/api/v1/reports/01-DSX?unit=${OBJ.A.commune}&period=2026-10&format=html&lang=en`);
      assert.match(en.text, /Made at \d{2}:\d{2} on \d{2}\/\d{2}\/\d{4} \(Viet Nam time\)/);
    });

    test('the forms list is cached: an ETag, and 304 when unchanged', async () => {
      const a = await s.u.commune.get('/api/v1/forms');
      assert.equal(a.status, 200);
      const tag = a.headers.get('etag');
      assert.match(tag, /^"[0-9a-f]{16}"$/);
      assert.equal(a.headers.get('cache-control'), 'private, no-cache');
      const b = await s.u.commune.get('/api/v1/forms', { headers: { 'If-None-Match': tag } });
      assert.equal(b.status, 304);
      assert.equal(b.buf.length, 0);
      const c = await s.u.commune.get('/api/v1/forms', { headers: { 'If-None-Match': '"0000000000000000"' } });
      assert.equal(c.status, 200);
      assert.deepEqual(c.json, a.json);
    });

    test('histories name the persons, those who left too; the slip names who recorded', async () => {
      // H2: Lê Văn G (B2) died on 2024-04-01; H3: Phạm Văn H (C1) moved out on 2024-06-01.
      const h2 = await s.u.commune.get(`/api/v1/households/H2`);
      const death = h2.json.history.find((x) => x.event.type === 'death');
      assert.equal(death.person_name, 'Lê Văn G');
      assert.ok(!h2.json.members.some((m) => m.id === 'B2'), 'no longer a member');
      assert.equal(h2.json.area_name, 'Địa bàn 01');
      const h3 = await s.u.commune.get(`/api/v1/households/H3`);
      assert.equal(h3.json.history.find((x) => x.event.type === 'move_out').person_name, 'Phạm Văn H');
      assert.equal(h3.json.history.find((x) => x.event.type === 'birth').mother_name, 'Võ Thị I');
      // An event recorded through the API names its account; one imported from a file, none.
      const w = await s.u.commune.post('/api/v1/events', elderly('A9'));
      assert.ok(w.status < 300, w.text);
      const slip = await s.u.commune.get(`/api/v1/slip?area=${OBJ.A.area}&month=2026-11`);
      const mine = slip.json.items.find((x) => x.event.person === 'A9');
      assert.equal(mine.recorded_by, 'commune');
      assert.equal(mine.recorded_by_name, 'commune');
      const old = await s.u.commune.get(`/api/v1/slip?area=${OBJ.A.area}&month=2024-07`);
      const imported = old.json.items.find((x) => x.event.type === 'elderly_check');
      assert.ok(imported, old.text);
      assert.equal(imported.recorded_by_name, null);
    });

    test('the dashboard names the areas not updated, with their villages', async () => {
      const d = await s.u.commune.get(`/api/v1/dashboard?unit=${OBJ.A.commune}`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.json.not_updated_units.length, d.json.not_updated.length);
      const villages = { 2673400101: 'Khu phố 1', 2673700101: 'Khu phố 2' };
      for (const u of d.json.not_updated_units) {
        assert.equal(u.name, 'Địa bàn 01');
        assert.equal(u.village, villages[u.code]);
      }
    });
  });
}
