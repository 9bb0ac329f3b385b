// An interface that speaks in names (issue 17, part 2), in a real browser
// against the real server on a generated province:
//   - units are picked by name (diacritics optional) and periods by month,
//     quarter and year, on the reports page, the dashboard and the series
//     page (an old commune under the map of its last day);
//   - the birth form shows the mother by name and no generated child id,
//     and says whose birth was saved; histories name persons; the slip
//     names who recorded; the dashboard's quiet areas are names;
//   - the person search and the household list say "1–50 trong 312";
//   - the person page gives age and relation to the head;
//   - downloads are named by form, unit and period; the printed form says
//     when it was made in Viet Nam's time;
//   - a report on a phone is a card a row, with nothing off-screen; a long
//     table keeps its header in sight;
//   - the reports page asks for the forms once;
//   - axe-core finds no violation on any page at 360 and 1366 pixels, and
//     no page scrolls sideways at 360.
// Run from the repository root: node --test --test-concurrency=1 tests/e2e/names.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, DESKTOP, PHONE, axe, assertAccessible, assertFits, csv, dmy, fold, viNum, world } from './lib.mjs';

let w;
const X = {}; // what the tests work on, picked from the generated data
// The work lists' tabs (web/worklist.js) and the kinds of change of the record form (web/record.js).
const WORKLISTS = ['elderly', 'prenatal', 'newborn', 'premarital', 'poor-fp', 'third-births'];
const RECORD_TYPES = ['birth', 'death', 'move_in', 'move_out', 'transfer', 'marriage', 'divorce', 'widowed', 'info_change',
  'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening', 'newborn_screening', 'elderly_check', 'household_change', 'void'];

before(async () => {
  w = await world({ name: 'names' });
  const units = csv(`${w.gen}/units.csv`);
  const now = units.filter((u) => !u.valid_to);
  const communes = now.filter((u) => u.level === 'commune');
  const villagesOf = (c) => new Set(now.filter((u) => u.level === 'village' && u.parent_code === c).map((u) => u.code));
  const areasOf = (c) => { const v = villagesOf(c); return now.filter((u) => u.level === 'area' && v.has(u.parent_code)); };
  // A commune whose name has diacritics and is unique once they are folded away.
  const count = new Map();
  for (const c of communes) count.set(fold(c.name), (count.get(fold(c.name)) || 0) + 1);
  X.commune = communes.find((c) => /[^\x00-\x7f]/.test(c.name) && count.get(fold(c.name)) === 1);
  assert.ok(X.commune, 'a commune with a Vietnamese name');
  X.area = areasOf(X.commune.code)[0];
  X.province = units.find((u) => u.level === 'province');
  w.addUser('canbo', 'commune', X.commune.code, 'Cán bộ Xã Thử');
  w.addUser('tinh', 'province', X.province.code, 'Cán bộ Tỉnh');
  w.addUser('ctv', 'collaborator', X.area.code, 'Cộng tác viên');
  w.addUser('quantri', 'admin', null, 'Quản trị');
  // A woman of the area to record a birth for, and a common family name to search.
  const get = X.get = await w.apiAs('canbo');
  const year = Number(w.today.slice(0, 4));
  const hhs = (await get(`/api/v1/households?area=${X.area.code}&size=100`)).items;
  for (const hh of hhs) {
    const x = await get(`/api/v1/households/${hh.id}`);
    const woman = x.members.find((m) => m.present && m.sex === 2 && year - Number(m.birth_date.slice(0, 4)) >= 20 && year - Number(m.birth_date.slice(0, 4)) <= 38);
    if (woman) { Object.assign(X, { hh: x, woman }); break; }
  }
  assert.ok(X.woman, 'a woman to record a birth for');
  const persons = csv(`${w.gen}/persons.csv`);
  X.person = persons.find((p) => p.person_id === X.woman.id);
  const family = new Map();
  for (const p of persons) family.set(p.full_name.split(' ')[0], (family.get(p.full_name.split(' ')[0]) || 0) + 1);
  X.family = [...family.entries()].sort((a, b) => b[1] - a[1])[0][0];
  X.month = w.today.slice(0, 7);
  // A commune the 2025 reform ended, to be found under its old map.
  X.old = units.find((u) => u.level === 'commune' && u.valid_to);
  assert.ok(X.old, 'a commune of the old map');
  // An elderly check session today in the area, with the first two due invited.
  const s = await get.post('/api/v1/elderly/sessions', { unit: X.commune.code, date: w.today, place: 'Trạm Y tế xã', capacity: 20, areas: [X.area.code] });
  X.session = s.id;
  const due = (await get(`/api/v1/worklists/elderly?unit=${X.area.code}&date=${w.today}`)).items.slice(0, 2).map((i) => i.person_id);
  if (due.length) await get.post(`/api/v1/elderly/sessions/${X.session}/invitations`, { persons: due });
  // A pair of persons that may be one, to review side by side.
  X.pair = (await get(`/api/v1/duplicates?unit=${X.commune.code}`)).pairs[0];
  assert.ok(X.pair, 'a candidate pair in the commune');
  // An extract of the national database for the reconciliation: a person as
  // in the register, one with another name, and one the register lacks.
  const withId = persons.filter((p) => X.hh.members.some((m) => m.id === p.person_id) && /^\d{12}$/.test(p.national_id));
  const line = (p, name) => [p.national_id, name, p.sex, p.birth_date, X.commune.code, 'Số 1', '1'].join(',');
  X.extract = ['national_id,full_name,sex,birth_date,commune_code,address,residence',
    ...withId.slice(0, 1).map((p) => line(p, p.full_name)), ...withId.slice(1, 2).map((p) => line(p, `${p.full_name} Khác`)),
    `079070123456,Tạ Văn Ngoại,1,1970-01-01,${X.commune.code},Số 9,1`].join('\n') + '\n';
});

after(async () => { await w?.close(); });

// Types into a unit picker and chooses the option whose text starts with name.
async function pickUnit(page, typed, name) {
  const input = page.getByRole('combobox', { name: /Đơn vị/ });
  await input.fill(typed);
  const option = page.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ·`) }).first();
  await option.click();
  assert.equal(await input.inputValue(), name);
}

test('units are picked by name without diacritics, periods by quarter and month', async () => {
  const page = await w.loggedIn('tinh', PHONE);
  await w.nav(page, '#/reports', 'form button[type=submit]');
  // "ha noi" finds "Hà Nội": here the commune's name typed without its marks, in lower case.
  await pickUnit(page, fold(X.commune.name), X.commune.name);
  const period = page.getByRole('group', { name: 'Kỳ báo cáo' });
  await period.getByLabel('Loại kỳ').selectOption({ label: 'Quý' });
  await period.getByLabel('Năm').selectOption(String(Number(w.today.slice(0, 4)) - 1));
  await period.getByLabel('Quý').selectOption({ label: 'Quý III' });
  await page.getByRole('button', { name: 'Xem' }).click();
  await page.waitForSelector('#report');
  const want = `${Number(w.today.slice(0, 4)) - 1}-Q3`;
  assert.match(page.url(), new RegExp(`unit=${X.commune.code}&period=${want}`));
  assert.match(await page.locator('#report').innerText(), new RegExp(X.commune.name));
  // The keyboard: arrows move through the matches, Enter chooses.
  const input = page.getByRole('combobox', { name: /Đơn vị/ });
  await input.fill(fold(X.province.name));
  await input.press('ArrowDown');
  await input.press('Enter');
  assert.equal(await input.inputValue(), X.province.name);
  // A month on the dashboard's own picker, the commune by name.
  await w.nav(page, '#/dashboard', '#kpis');
  await pickUnit(page, fold(X.commune.name).split(' ').slice(-2).join(' '), X.commune.name);
  // The province's page stays until the commune's is drawn: wait for the new one, not the old one.
  await w.drawn(page, { has: `unit=${X.commune.code}` });
  await page.waitForSelector('#kpis');
  assert.match(await page.locator('main h1').innerText(), new RegExp(X.commune.name));
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

// The chart's points as the page titles them (web/series.js), from the API's series.
const pointTitles = (s) => s.points.filter((p) => p.value != null).map((p) => `${p.period}: ${p.value.toLocaleString('vi-VN')}`);

test('the series page: a commune picked by name on today\'s map, an old one under the map of its last day', async () => {
  const page = await w.loggedIn('tinh', PHONE);
  await w.nav(page, '#/series', '#series-form');
  await pickUnit(page, fold(X.commune.name), X.commune.name);
  await page.getByRole('button', { name: 'Xem' }).click();
  await w.drawn(page, { has: `unit=${X.commune.code}` });
  await page.waitForSelector('#series-chart');
  assert.match(await page.locator('main h2').first().innerText(), new RegExp(`– ${X.commune.name} \\(${X.commune.code}\\)$`));
  // The province officer's own figures (outside a commune officer's scope, small counts are left empty).
  const api = await w.apiAs('tinh');
  const now = await api(`/api/v1/series?form=01-DSX&row=5&unit=${X.commune.code}&from=2023-01`);
  assert.deepEqual(await page.$$eval('#series-chart circle title', (els) => els.map((e) => e.textContent)), pointTitles(now));
  // Under today's map the old commune is not there; under the map of its last day it is.
  const input = page.getByRole('combobox', { name: /Đơn vị/ });
  await input.fill(fold(X.old.name));
  await page.getByRole('option', { name: 'Không tìm thấy' }).waitFor();
  await page.getByLabel(/Theo địa giới hành chính ngày/).fill(dmy(X.old.valid_to));
  await pickUnit(page, fold(X.old.name), X.old.name);
  const from = page.getByRole('group', { name: 'Từ tháng' });
  await from.getByLabel('Năm').selectOption('2024');
  await from.getByLabel('Tháng', { exact: true }).selectOption({ label: 'Tháng 1' });
  const to = page.getByRole('group', { name: 'Đến tháng' });
  await to.getByLabel('Năm').selectOption(X.old.valid_to.slice(0, 4));
  await to.getByLabel('Tháng', { exact: true }).selectOption(X.old.valid_to.slice(5, 7));
  await page.getByRole('button', { name: 'Xem' }).click();
  await w.drawn(page, { has: `unit=${X.old.code}` });
  await page.waitForSelector('#series-chart');
  assert.match(page.url(), new RegExp(`unit=${X.old.code}&row=5&from=2024-01&to=${X.old.valid_to.slice(0, 7)}&map=${X.old.valid_to}`));
  assert.match(await page.locator('main h2').first().innerText(), new RegExp(`– ${X.old.name} \\(${X.old.code}\\)$`));
  assert.match(await page.locator('main').innerText(), new RegExp(`theo địa giới hành chính ngày ${dmy(X.old.valid_to)}`));
  const old = await api(`/api/v1/series?form=01-DSX&row=5&unit=${X.old.code}&from=2024-01&to=${X.old.valid_to.slice(0, 7)}&map_date=${X.old.valid_to}`);
  assert.equal(old.points.length, 18);
  assert.deepEqual(await page.$$eval('#series-chart circle title', (els) => els.map((e) => e.textContent)), pointTitles(old));
  // The form keeps the old map and names the old commune.
  assert.equal(await input.inputValue(), X.old.name);
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

test('the birth form names the mother and says whose birth was saved; histories and the slip name persons and users', async () => {
  const page = await w.loggedIn('canbo', DESKTOP);
  await w.nav(page, `#/record?type=birth&mother=${X.woman.id}`, '[name="mother"]');
  await page.waitForFunction(() => /\(/.test(document.querySelector('[name="mother"]').value));
  const mother = await page.locator('[name="mother"]').inputValue();
  assert.ok(mother.startsWith(X.woman.full_name), `the mother by name: ${mother}`);
  assert.equal(await page.locator('input[name="child.person_id"]').getAttribute('type'), 'hidden', 'no generated id to read');
  assert.doesNotMatch(await page.locator('form[aria-label]').innerText(), /Mã người cấp cho trẻ/);
  await page.locator('[name="child.full_name"]').fill('Lê Thị Tên Mới');
  await page.locator('[name="child.sex"]').selectOption('2');
  await page.locator('[name="order"]').fill('1');
  await page.locator('[name="place"]').selectOption('1');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('form[aria-label] .msg.good');
  assert.equal(await page.locator('form[aria-label] .msg.good').innerText().then((s) => s.split('.')[0]),
    `Đã lưu: Sinh – Lê Thị Tên Mới, con của ${X.woman.full_name}`);
  // The household's history names the mother; the slip names the officer.
  await w.nav(page, `#/household/${X.hh.id}`, '#household-history');
  const hist = await page.locator('#household-history').innerText();
  assert.match(hist, new RegExp(`Lê Thị Tên Mới.*· ${X.woman.full_name}`));
  assert.doesNotMatch(hist, /· P\d/, 'no person ids');
  assert.match(await page.locator('main .card').first().innerText(), new RegExp(`Địa bàn: ${X.area.name}`), 'the area by name');
  assert.doesNotMatch(await page.locator('main').innerText(), /Hộ nghèo: Không nghèo/);
  await w.nav(page, `#/slip?area=${X.area.code}&month=${X.month}`, '#slip');
  const row = page.locator('#slip tr', { hasText: 'Lê Thị Tên Mới' });
  assert.match(await row.innerText(), /Cán bộ Xã Thử/);
  const slip = await page.locator('#slip').innerText();
  assert.doesNotMatch(slip, /\bcli\b/);
  if (/Nhập từ tệp/.test(slip) === false) assert.ok(true);
  // Imported changes (the generator's, through the command line) say so.
  const past = await X.get(`/api/v1/slip?area=${X.area.code}&month=${String(Number(w.today.slice(0, 4)) - 1)}-06`);
  if (past.items.length) {
    await w.nav(page, `#/slip?area=${X.area.code}&month=${Number(w.today.slice(0, 4)) - 1}-06`, '#slip');
    assert.match(await page.locator('#slip').innerText(), /Nhập từ tệp/);
  }
  // The dashboard's quiet areas: village and area names, no codes.
  await w.nav(page, `#/dashboard?unit=${X.commune.code}`, '#quiet');
  const quiet = await page.locator('#quiet').innerText();
  assert.doesNotMatch(quiet, /\d{10}/, 'no area codes');
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

test('the person search and the household list count and page; the person page gives age and relation', async () => {
  const page = await w.loggedIn('tinh', DESKTOP);
  const total = (await X.get.raw(`/api/v1/persons?q=${encodeURIComponent(X.family)}&size=1`));
  assert.equal(total.status, 200);
  await w.nav(page, `#/find?q=${encodeURIComponent(X.family)}`, '#results');
  const status = await page.locator('#results .pager [role=status]').first().innerText();
  const m = /^1–50 trong ([\d.]+)$/.exec(status);
  assert.ok(m, status);
  const n = viNum(m[1]);
  assert.ok(n > 50, `more than a page of ${X.family}: ${n}`);
  await page.locator('#results .pager').first().getByRole('link', { name: 'Sau' }).click();
  await w.drawn(page, { re: /page=2/ });
  await page.waitForSelector('#results .pager');
  assert.equal(await page.locator('#results .pager [role=status]').first().innerText(), `51–${Math.min(100, n).toLocaleString('vi-VN')} trong ${m[1]}`);
  // The household list of an area.
  await w.nav(page, `#/area?area=${X.area.code}`, 'main table');
  assert.match(await page.locator('main .pager [role=status]').first().innerText(), /^1–\d+ trong [\d.]+$/);
  // The person page.
  await w.nav(page, `#/person/${X.woman.id}`, '#person-history');
  const card = await page.locator('main .card').first().innerText();
  const b = X.person.birth_date;
  const t = w.today;
  const age = Number(t.slice(0, 4)) - Number(b.slice(0, 4)) - (t.slice(5) < b.slice(5) ? 1 : 0);
  assert.match(card, new RegExp(`${age} tuổi`));
  const REL = { 1: 'Chủ hộ', 2: 'Vợ/chồng', 3: 'Con' };
  if (REL[X.person.relation]) assert.match(card, new RegExp(`Quan hệ với chủ hộ: ${REL[X.person.relation]}`));
  else assert.match(card, /Quan hệ với chủ hộ: \S/);
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

test('downloads are named by form, unit and period; the printed form gives the local time', async () => {
  const page = await w.loggedIn('tinh', DESKTOP);
  const period = `${Number(w.today.slice(0, 4)) - 1}-Q4`;
  await w.nav(page, `#/reports?form=01-DSX&unit=${X.commune.code}&period=${period}`, '#report table');
  const [x] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về XLSX' }).click()]);
  assert.equal(x.suggestedFilename(), `01-DSX_${X.commune.name}_${period}.xlsx`);
  const [c] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về CSV' }).click()]);
  assert.equal(c.suggestedFilename(), `01-DSX_${X.commune.name}_${period}.csv`);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Tải về HTML' }).click()]);
  await tab.waitForLoadState();
  const text = await tab.locator('body').innerText();
  const m = /Lập lúc (\d{2}):(\d{2}) ngày (\d{2}\/\d{2}\/\d{4})/.exec(text);
  assert.ok(m, text.slice(-300));
  const vn = new Date(Date.now() + 7 * 3600e3).toISOString();
  assert.equal(m[3], dmy(vn.slice(0, 10)), 'today in Viet Nam');
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T/);
  assert.match(await page.locator('#report').innerText(), /Theo địa giới hành chính ngày/);
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

test('a report on a phone is a card a row with nothing off-screen; a long table keeps its header', async () => {
  const page = await w.loggedIn('tinh', PHONE);
  let forms = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/forms')) forms++; });
  await w.nav(page, `#/reports?form=01-DSX&unit=${X.province.code}&period=${X.month}`, '#report table');
  // Every value is on the screen.
  const off = await page.evaluate(() => [...document.querySelectorAll('#report td')].filter((td) => td.offsetParent)
    .filter((td) => td.getBoundingClientRect().right > window.innerWidth + 0.5).length);
  assert.equal(off, 0, 'no value off-screen');
  // One commune's column at a time, chosen by name.
  const col = page.getByLabel('Xem số liệu của');
  const names = await col.locator('option').allTextContents();
  assert.ok(names.length > 2, 'the total and the communes');
  await col.selectOption({ label: X.commune.name });
  const shown = await page.evaluate(() => [...new Set([...document.querySelectorAll('#report td.n')].filter((td) => td.offsetParent).map((td) => td.dataset.label))]);
  assert.deepEqual(shown, [X.commune.name]);
  await assertFits(page, 'province report at 360');
  // The same report on a desktop: a table whose header stays in sight.
  await page.setViewportSize(DESKTOP);
  const pos = await page.locator('#report thead th').first().evaluate((e) => getComputedStyle(e).position);
  assert.equal(pos, 'sticky');
  await page.locator('#report .scroll').evaluate((e) => { e.scrollTop = e.scrollHeight; });
  const head = await page.locator('#report thead th').first().boundingBox();
  const box = await page.locator('#report .scroll').boundingBox();
  assert.ok(Math.abs(head.y - box.y) < 2, 'the header is at the top of the scrolled box');
  // Back to the reports page: the forms are not asked for again.
  await page.evaluate(() => { location.hash = '#/dashboard'; });
  await page.waitForSelector('#kpis');
  await page.evaluate(() => { location.hash = '#/reports?form=02-DSX'; });
  await page.waitForSelector('form button[type=submit]');
  assert.equal(forms, 1, 'the forms asked for once');
  await page.screenshot({ path: path.join(ART, 'names-report-phone.png') });
  assert.deepEqual(page.errors, []);
  await w.closePages();
});

test('axe-core finds nothing on any page at 360 and 1366 pixels, and nothing scrolls sideways at 360', async () => {
  const ev = (await X.get(`/api/v1/persons/${X.woman.id}/history`)).history.at(-1)?.event?.id;
  const year = Number(w.today.slice(0, 4));
  const officer = {
    dashboard: ['#/dashboard', '#kpis'], find: [`#/find?q=${encodeURIComponent(X.family)}`, '#results'],
    household: [`#/household/${X.hh.id}`, '#household-history'], person: [`#/person/${X.woman.id}`, '#person-history'],
    area: [`#/area?area=${X.area.code}`, 'main table'], 'record-birth': ['#/record?type=birth', 'form[aria-label]'],
    'record-move_in': ['#/record?type=move_in', 'form[aria-label]'], slip: [`#/slip?area=${X.area.code}&month=${X.month}`, '#slip'],
    reports: ['#/reports', 'form'], report: [`#/reports?form=01-DSX&unit=${X.commune.code}&period=${X.month}`, '#report'],
    check: [`#/check?unit=${X.commune.code}&period=${year - 1}`, 'main section.card, main .msg'],
    quality: [`#/quality?unit=${X.commune.code}&period=${X.month}`, '#quality'], review: ['#/review', 'main h1'],
    cycle: ['#/cycle', 'main h1'], worklist: ['#/worklist', 'main h1'], account: ['#/account', '#tokens'],
    comm: ['#/comm', '#comm-summary'], elderly: ['#/elderly', 'main h1'], targets: ['#/targets', 'main h1'],
    workforce: ['#/workforce', 'main h1'], duplicates: [`#/duplicates?unit=${X.commune.code}`, 'ul.pairs'],
    'duplicates-pair': [`#/duplicates?unit=${X.commune.code}&a=${X.pair.a}&b=${X.pair.b}`, '.sides .side'],
    reconcile: ['#/reconcile', 'input[type=file]'],
    'reconcile-results': ['#/reconcile', 'input[type=file]', async (page) => {
      await page.locator('input[type=file]').setInputFiles({ name: 'extract.csv', mimeType: 'text/csv', buffer: Buffer.from(X.extract) });
      await page.getByRole('button', { name: 'Đối chiếu' }).click();
      await page.waitForSelector('#reconcile');
    }],
    series: [`#/series?unit=${X.commune.code}`, '#series-chart'],
    'elderly-session': [`#/elderly/session/${X.session}`, '#el-lists'],
    ...Object.fromEntries(WORKLISTS.map((l) => [`worklist-${l}`, [`#/worklist?list=${l}`, '#worklist']])),
    ...(ev ? { event: [`#/event/${ev}`, 'pre'] } : {}),
  };
  const province = {
    'province-report': [`#/reports?form=03-DSX&unit=${X.province.code}&period=${year - 1}`, '#report'],
    timeliness: ['#/timeliness', 'main h1'], projection: ['#/projection', 'main h1'],
    'province-targets': ['#/targets', 'main h1'], 'province-workforce': ['#/workforce', 'main h1'],
    'series-old-map': [`#/series?unit=${X.old.code}&map=${X.old.valid_to}&from=2024-01&to=2025-06`, '#series-chart'],
  };
  // The collaborator's record form of every kind of change, and their view of the elderly session.
  const collaborator = { 'collaborator-home': ['#/', 'main h1'], queries: ['#/queries', 'main h1'],
    book: ['#/book', 'main h1'], outbox: ['#/outbox', 'main h1'], 'collaborator-comm': ['#/comm', '#comm-sessions'],
    'collaborator-elderly': ['#/elderly', 'main h1'], 'collaborator-elderly-session': [`#/elderly/session/${X.session}`, '#el-lists'],
    ...Object.fromEntries(RECORD_TYPES.map((k) => [`collaborator-record-${k}`, [`#/record?type=${k}`, 'form[aria-label]']])) };
  const admin = Object.fromEntries(['units', 'users', 'audit', 'auditSearch', 'mapChange'].map((tab) => [`admin-${tab}`, [`#/admin?tab=${tab}`, 'main .card, main table']]));
  const failures = [];
  for (const viewport of [PHONE, DESKTOP]) {
    const out = await w.newPage(viewport);
    await out.goto(`${w.base}/`);
    await out.waitForSelector('#login');
    const check = async (page, name) => {
      try {
        await assertAccessible(page, `${name} at ${viewport.width} px`);
        if (viewport.width === PHONE.width) await assertFits(page, name);
      } catch (e) { failures.push(e.message); }
      if (viewport.width === PHONE.width) await page.screenshot({ path: path.join(ART, `names-${name}-360.png`), fullPage: true });
    };
    await check(out, 'login');
    // axe-core is really there and finds what is wrong: an image without a text.
    if (viewport === PHONE) {
      await out.evaluate(() => { const i = document.createElement('img'); i.id = 'bad'; i.src = '/static/icon.svg'; document.body.append(i); });
      assert.ok((await axe(out)).some((v) => v.id === 'image-alt'), 'axe-core reports a broken page');
      await out.evaluate(() => document.getElementById('bad').remove());
    }
    for (const [login, pages] of [['canbo', officer], ['tinh', province], ['ctv', collaborator], ['quantri', admin]]) {
      const page = await w.loggedIn(login, viewport);
      for (const [name, [hash, ready, act]] of Object.entries(pages)) {
        await w.nav(page, hash, ready);
        if (act) await act(page);
        await page.waitForLoadState('networkidle');
        await check(page, name);
      }
      // An open unit picker, too.
      if (login === 'canbo') {
        await w.nav(page, '#/reports', 'form');
        await page.getByRole('combobox', { name: /Đơn vị/ }).click();
        await check(page, 'unit-picker-open');
      }
      assert.deepEqual(page.errors, [], `${login}: no script errors`);
    }
    await w.closePages();
  }
  assert.deepEqual(failures, []);
});
