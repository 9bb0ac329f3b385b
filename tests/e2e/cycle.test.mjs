// One month of the reporting cycle in a real browser (Debian's chromium
// driven by playwright-core) through the real server, on a generated
// province, with the server's today placed after the month (25 February
// 2026, after the Tết week) so that deadlines can be missed:
//   - a collaborator records an elderly check and a birth of January;
//   - the commune officer reviews January (areas without a change first),
//     asks about the birth, and the collaborator corrects it (a void and a
//     new birth, from the question) with an answer the officer then sees;
//   - the officer submits; the province returns it with a comment; the
//     officer reviews the remaining areas and submits again; the province
//     approves;
//   - a death of January arrives late: the report shows as changed after
//     approval, the rows that differ, each with the death behind it; the
//     officer submits the revision and a second province officer approves;
//   - the province's timeliness page shows the commune 8 working days late
//     and the other commune missing, with the roll-up beside the approved sum.
// Every page is photographed 360 pixels wide (the directory is printed)
// and must not scroll sideways.
//
// Run from the repository root: node --test --test-concurrency=1 tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csv, viNum, world } from './lib.mjs';

// January 2026 is due on Friday 6 February (the 5th working day: 2-6
// February).  On Wednesday 25 February a report is 8 working days late:
// 9-13 February and 23-25 February; 16-20 February are Tết.
const TODAY = '2026-02-25';
const MONTH = '2026-01';

let w, dir, shots, base;
const W = {}; // what the walk works on, picked from the generated data

// A row's value in a commune's or the province's 01-DSX of the month, from the API.
async function value(unit, code, col = -1) {
  const r = await W.get(`/api/v1/reports/01-DSX?unit=${unit}&period=${MONTH}`);
  return r.rows.find((x) => x.code === code).values.at(col);
}

before(async () => {
  w = await world({ name: 'cycle', today: TODAY });
  ({ dir, base } = w);
  shots = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-cycle-shots-'));
  process.stderr.write(`# screenshots in ${shots}\n`);
  const p = w.gen;
  const units = csv(`${p}/units.csv`);
  const communes = units.filter((u) => u.level === 'commune' && !u.valid_to);
  const areasOf = (c) => {
    const villages = new Set(units.filter((u) => u.level === 'village' && u.parent_code === c && !u.valid_to).map((u) => u.code));
    return [...new Set(units.filter((u) => u.level === 'area' && villages.has(u.parent_code)).map((u) => u.code))];
  };
  assert.ok(communes.length >= 2, 'two communes in the province');
  W.commune = communes[0].code;
  W.communeName = communes[0].name;
  W.other = communes[1];
  W.areas = areasOf(W.commune);
  W.area = W.areas[0];
  w.addUser('ctv', 'collaborator', W.area, 'Nguyễn Thị Hoa');
  w.addUser('canbo', 'commune', W.commune, 'Trần Văn Bình');
  w.addUser('tinh', 'province', '79', 'Lê Thị Tỉnh');
  w.addUser('tinh2', 'province', '79', 'Phạm Văn Duyệt');
  // In the collaborator's area: a woman of 20-40 to be a mother, a person
  // of 61 or more for the check, and a man of 20-55 of a household of
  // several for the late death (so that only the population and deaths move).
  W.get = await w.apiAs('canbo');
  const age = (m) => 2026 - Number(m.birth_date.slice(0, 4));
  const list = (await W.get(`/api/v1/households?area=${W.area}&size=100`)).items;
  for (const hh of list) {
    const x = await W.get(`/api/v1/households/${hh.id}`);
    const present = x.members.filter((m) => m.present);
    W.mother ??= present.find((m) => m.sex === 2 && age(m) >= 20 && age(m) <= 40);
    W.elder ??= present.find((m) => age(m) >= 61 && m !== W.mother);
    if (present.length >= 3) W.late ??= present.find((m) => m.sex === 1 && age(m) >= 20 && age(m) <= 55 && m !== W.elder);
    if (W.mother && W.elder && W.late) break;
  }
  assert.ok(W.mother && W.elder && W.late, 'persons to work on');
  W.before = { births: await value(W.commune, '5'), checks: await value(W.commune, '17'), pop: await value(W.commune, '2') };
  W.otherPop = await value(W.other.code, '2');
});

after(async () => { await w?.close(); });

const loggedIn = (user) => w.loggedIn(user);
const nav = (page, hash, ready) => w.nav(page, hash, ready);

// Clicks and waits until the page the click leads to (a reload of the same route) is drawn.
async function clickAndRedraw(page, locator, ready) {
  const old = await page.evaluate(() => location.hash);
  await locator.click();
  await w.drawn(page, { not: old });
  if (ready) await page.waitForSelector(ready);
}

// A full-page photograph 360 px wide; the page must not scroll sideways.
async function shoot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${name}: the page is ${sw} px wide on a ${iw} px screen`);
}

async function record(page, type, fields) {
  await nav(page, `#/record?type=${type}`, 'form[aria-label] button[type=submit]');
  for (const [name, v] of Object.entries(fields)) {
    const el = page.locator(`[name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(String(v));
    else await el.fill(String(v));
  }
  await page.locator('form[aria-label] button[type=submit]').click();
  await page.waitForSelector('form[aria-label] .msg');
  return page.locator('form[aria-label] .msg').first().innerText();
}

const text = (page, sel) => page.locator(sel).innerText();
const area = (page, code) => page.locator(`section.area[data-area="${code}"]`);

test('a collaborator records an elderly check and a birth of January', async () => {
  const page = await loggedIn('ctv');
  assert.match(await record(page, 'elderly_check', { date: '12/01/2026', person: W.elder.id, facility: 'Trạm y tế phường' }),
    /Đã lưu: Khám sức khỏe người cao tuổi/);
  await nav(page, '#/record?type=birth', '[name="mother"]');
  assert.equal(await page.locator('[name="date"]').inputValue(), '25/02/2026', "the form's date is the server's today");
  await page.locator('[name="date"]').fill('20/01/2026');
  await page.locator('[name="mother"]').fill(W.mother.id);
  await page.locator('[name="mother"]').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[name="order"]').value !== '');
  await page.locator('[name="child.full_name"]').fill('Phạm Gia Bảo');
  await page.locator('[name="child.sex"]').selectOption('1');
  await page.locator('[name="place"]').selectOption('1');
  await page.locator('form[aria-label] button[type=submit]').click();
  await page.waitForSelector('form[aria-label] .msg');
  assert.match(await text(page, 'form[aria-label] .msg'), /Đã lưu: Sinh/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the commune officer reviews January, areas without a change first, and asks about the birth', async () => {
  const page = await loggedIn('canbo');
  await nav(page, '#/review', 'section.area');
  assert.match(await text(page, 'h1'), /Rà soát biến động – Tháng 01\/2026/, 'last month by default');
  assert.match(await text(page, 'main'), /Hạn rà soát: 04\/02\/2026/);
  const codes = await page.locator('section.area').evaluateAll((s) => s.map((x) => x.dataset.area));
  assert.deepEqual([...codes].sort(), [...W.areas].sort(), 'every area of the commune');
  assert.equal(codes.at(-1), W.area, 'the area with changes comes after those without');
  const quiet = page.locator('section.area.quiet');
  assert.equal(await quiet.count(), W.areas.length - 1);
  assert.match(await quiet.first().innerText(), /Không có biến động nào trong tháng – có thể thiếu phiếu/);
  assert.match(await quiet.first().innerText(), /Chưa có cộng tác viên phụ trách/, 'an area without a collaborator says so');
  const mine = area(page, W.area);
  const t = await mine.innerText();
  for (const s of ['Cộng tác viên: Nguyễn Thị Hoa', '2 biến động trong tháng', 'Khám sức khỏe người cao tuổi', W.elder.full_name, 'Sinh',
    `Phạm Gia Bảo (mẹ: ${W.mother.full_name})`, 'Người ghi: Nguyễn Thị Hoa', '12/01/2026', '20/01/2026']) assert.ok(t.includes(s), `the area shows ${s}`);
  assert.match(t, /Người ghi: Nguyễn Thị Hoa, \d\d\/\d\d\/\d{4} \d\d:\d\d/, 'who recorded it and when');
  assert.ok(!t.includes(W.mother.id) && !t.includes('birth'), 'names, not ids or codes');
  // A question must have a text; then it goes.
  const item = mine.locator('li.change', { hasText: 'Phạm Gia Bảo' });
  await item.getByRole('button', { name: 'Gửi câu hỏi' }).click();
  assert.match(await item.locator('.msg.bad').innerText(), /Hãy nhập câu hỏi/);
  await item.getByLabel('Hỏi lại cộng tác viên').fill('Trẻ là bé trai hay bé gái?');
  await clickAndRedraw(page, item.getByRole('button', { name: 'Gửi câu hỏi' }), 'section.area');
  // The redrawn page, not the one being left (the hash changes before the new page is busy).
  await area(page, W.area).locator('li.change', { hasText: 'Câu hỏi: Trẻ là bé trai hay bé gái?' }).waitFor();
  const asked = await area(page, W.area).locator('li.change', { hasText: 'Phạm Gia Bảo' }).innerText();
  assert.match(asked, /Câu hỏi: Trẻ là bé trai hay bé gái\? – Trần Văn Bình, 25\/02\/2026/);
  assert.match(asked, /Cộng tác viên chưa trả lời/);
  await shoot(page, 'review');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the collaborator sees the question and corrects the birth: a void, a new birth and the answer', async () => {
  const page = await loggedIn('ctv');
  await nav(page, '#/queries', 'section.question');
  const card = page.locator('section.question');
  const c = await card.innerText();
  for (const s of [`Sinh – Phạm Gia Bảo (mẹ: ${W.mother.full_name})`, '20/01/2026', 'Trẻ là bé trai hay bé gái?', 'Trần Văn Bình']) assert.ok(c.includes(s), `the question shows ${s}`);
  await shoot(page, 'questions');
  await card.getByRole('link', { name: 'Sửa biến động' }).click();
  await page.waitForSelector('#correcting');
  assert.equal(await text(page, 'h1'), 'Sửa biến động');
  assert.match(await text(page, '#correcting'), /bản ghi cũ sẽ được hủy/);
  // The form comes filled in from the entry asked about.
  assert.equal(await page.locator('[name="date"]').inputValue(), '20/01/2026');
  // The mother by name (issue 17), her id kept at the end for the form.
  await page.waitForFunction(() => document.querySelector('[name="mother"]').value.includes('('));
  const mother = await page.locator('[name="mother"]').inputValue();
  assert.ok(mother.startsWith(`${W.mother.full_name}, `) && mother.endsWith(`(${W.mother.id})`), mother);
  assert.equal(await page.locator('[name="child.full_name"]').inputValue(), 'Phạm Gia Bảo');
  assert.equal(await page.locator('[name="child.sex"]').inputValue(), '1');
  await shoot(page, 'correct');
  await page.locator('[name="child.full_name"]').fill('Phạm Gia Hân');
  await page.locator('[name="child.sex"]').selectOption('2');
  await page.getByLabel('Trả lời cán bộ xã').fill('Bé gái, đã sửa');
  await page.locator('form[aria-label] button[type=submit]').click();
  await page.waitForSelector('form[aria-label] [role=status], form[aria-label] [role=alert]');
  assert.match(await text(page, 'form[aria-label]'), /Đã sửa và đã trả lời cán bộ xã/);
  await nav(page, '#/queries', '#no-questions');
  assert.match(await text(page, 'main'), /Đã trả lời[\s\S]*Trả lời: Bé gái, đã sửa \(đã sửa\)/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the officer sees the answer and the correction, reviews the area and submits late', async () => {
  const page = await loggedIn('canbo');
  await nav(page, `#/review?month=${MONTH}`, 'section.area');
  const t = await area(page, W.area).innerText();
  assert.ok(t.includes(`Phạm Gia Hân (mẹ: ${W.mother.full_name})`), 'the new birth');
  assert.ok(!t.includes('Phạm Gia Bảo'), 'the cancelled one is gone');
  assert.match(t, /Trả lời: Bé gái, đã sửa – Nguyễn Thị Hoa/);
  assert.match(t, /Đã sửa: bản ghi cũ đã hủy và được thay bằng bản ghi này/);
  await clickAndRedraw(page, area(page, W.area).getByRole('button', { name: 'Đánh dấu đã rà soát' }), 'section.area');
  assert.match(await area(page, W.area).innerText(), /Đã rà soát ngày 25\/02\/2026 – Trần Văn Bình/);
  assert.match(await text(page, '#review-summary'), new RegExp(`${W.areas.length} địa bàn: ${W.areas.length - 1} không có biến động nào, 1 đã rà soát`));

  // February has not ended on the 25th: nothing to submit yet, and the page says from when.
  await nav(page, '#/cycle?period=2026-02', '#cycle-state');
  assert.equal(await text(page, '#not-ended'), 'Kỳ báo cáo chưa kết thúc: gửi được từ ngày 01/03/2026.');
  assert.equal(await page.locator('#submit').count(), 0);
  await nav(page, '#/cycle', '#cycle-state');
  assert.equal(await text(page, '#cycle-state h2'), `01-DSX – ${W.communeName} – Tháng 01/2026`);
  assert.equal(await text(page, '#cycle-status'), 'Chưa gửi');
  assert.match(await text(page, '#cycle-state'), /Hạn gửi: 06\/02\/2026 · Chưa gửi – đã quá hạn 8 ngày làm việc/);
  // Today's values before submitting: the birth and the check are counted.
  assert.match(await text(page, '#cycle-values h2'), /Số liệu hiện nay/);
  const cell = async (code, k) => viNum(await page.locator(`#cycle-values tr[data-row="${code}"] td.n`).nth(k).innerText());
  assert.equal(await cell('5', 1), W.before.births + 1);
  assert.equal(await cell('17', 1), W.before.checks + 1);
  await clickAndRedraw(page, page.locator('#submit'), '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Đã gửi, chờ duyệt');
  assert.match(await text(page, '#cycle-state'), /Gửi lần đầu ngày 25\/02\/2026 – chậm 8 ngày làm việc/);
  assert.equal(await page.locator('#submit').count(), 0, 'nothing to submit while it waits');
  assert.match(await text(page, '#cycle-history'), /25\/02\/2026\s+Gửi lần 1\s+Trần Văn Bình/);
  await shoot(page, 'cycle-submitted');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the province returns it with a comment, the officer reviews the other areas and submits again, the province approves', async () => {
  const prov = await loggedIn('tinh');
  await nav(prov, '#/timeliness', '#timely-units');
  assert.match(await text(prov, '#timely-summary'), /1\/2 xã đã gửi: 0 đúng hạn, 1 chậm; 1 chưa gửi/);
  await clickAndRedraw(prov, prov.getByRole('link', { name: W.communeName }), '#approve');
  assert.equal(await text(prov, '#cycle-status'), 'Đã gửi, chờ duyệt');
  await prov.locator('#return').click();
  assert.match(await text(prov, '#cycle-state .msg.bad'), /Hãy ghi ý kiến/);
  const comment = `Còn ${W.areas.length - 1} địa bàn chưa rà soát, đề nghị rà soát rồi gửi lại.`;
  await prov.getByLabel('Ý kiến khi trả lại').fill(comment);
  await clickAndRedraw(prov, prov.locator('#return'), '#cycle-state');
  assert.equal(await text(prov, '#cycle-status'), 'Bị trả lại');
  await shoot(prov, 'cycle-returned');

  const page = await loggedIn('canbo');
  await nav(page, '#/cycle', '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Bị trả lại');
  assert.equal(await text(page, '#cycle-comment'), `Ý kiến của tỉnh: ${comment}`);
  assert.equal(await text(page, '#submit'), 'Gửi lại báo cáo');
  await nav(page, `#/review?month=${MONTH}`, 'section.area');
  while (await page.getByRole('button', { name: 'Đánh dấu đã rà soát' }).count())
    await clickAndRedraw(page, page.getByRole('button', { name: 'Đánh dấu đã rà soát' }).first(), 'section.area');
  assert.match(await text(page, '#review-summary'), new RegExp(`${W.areas.length} đã rà soát`));
  await nav(page, '#/cycle', '#submit');
  await clickAndRedraw(page, page.locator('#submit'), '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Đã gửi, chờ duyệt');

  await nav(prov, `#/cycle?unit=${W.commune}&period=${MONTH}`, '#approve');
  await clickAndRedraw(prov, prov.locator('#approve'), '#cycle-state');
  assert.equal(await text(prov, '#cycle-status'), 'Đã duyệt');
  const hist = await prov.locator('#cycle-history tbody tr').allInnerTexts();
  assert.deepEqual(hist.map((r) => r.split('\t').slice(1, 3).join(' / ').trim()), ['Gửi lần 1 / Trần Văn Bình', 'Trả lại / Lê Thị Tỉnh',
    'Gửi lần 2 / Trần Văn Bình', 'Duyệt / Lê Thị Tỉnh']);
  assert.ok(hist[1].includes(comment), 'the comment in the history');
  assert.match(await text(prov, '#cycle-values h2'), /Số liệu đã duyệt/);
  await shoot(prov, 'cycle-approved');
  await nav(page, '#/cycle', '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Đã duyệt');
  assert.equal(await page.locator('#submit').count(), 0, 'an approved report is locked');
  assert.deepEqual([...page.errors, ...prov.errors], []);
  await prov.context().close();
  await page.context().close();
});

test('a late death: the report shows its difference row by row, the revision is submitted and approved', async () => {
  const ctv = await loggedIn('ctv');
  assert.match(await record(ctv, 'death', { date: '28/01/2026', person: W.late.id }), /Đã lưu: Chết/);
  await ctv.context().close();

  const page = await loggedIn('canbo');
  await nav(page, '#/cycle', '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Có thay đổi sau khi duyệt');
  assert.equal(await text(page, '#cycle-values h2'), 'Khác biệt so với số đã duyệt');
  // A man of 20-55 of a household of several: the population and deaths only.
  const rows = await page.locator('#cycle-values tr[data-row]').evaluateAll((r) => r.map((x) => x.dataset.row));
  assert.deepEqual(rows, ['2', '6']);
  const cells = async (code) => (await page.locator(`#cycle-values tr[data-row="${code}"] td.n`).allInnerTexts()).map((x) => x.split('\n'));
  const pop = W.before.pop + 1; // the birth
  assert.deepEqual(await cells('2'), [[num(pop)], [num(pop - 1), '(−1)']]);
  assert.deepEqual(await cells('6'), [['0'], ['1', '(+1)']]);
  for (const code of ['2', '6'])
    assert.equal(await text(page, `#cycle-values tr[data-why="${code}"]`), `Chết: ${W.late.full_name}, 28/01/2026 – ghi bởi Nguyễn Thị Hoa`);
  await shoot(page, 'cycle-revised');
  assert.equal(await text(page, '#submit'), 'Gửi bản điều chỉnh');
  await clickAndRedraw(page, page.locator('#submit'), '#cycle-state');
  assert.equal(await text(page, '#cycle-status'), 'Đã gửi, chờ duyệt (bản điều chỉnh)');

  const prov = await loggedIn('tinh2');
  await nav(prov, `#/cycle?unit=${W.commune}&period=${MONTH}`, '#approve');
  await clickAndRedraw(prov, prov.locator('#approve'), '#cycle-state');
  assert.equal(await text(prov, '#cycle-status'), 'Đã duyệt');
  assert.match(await text(prov, '#cycle-history'), /Gửi lần 3 \(bản điều chỉnh\)\s+Trần Văn Bình[\s\S]*Duyệt\s+Phạm Văn Duyệt/);
  assert.deepEqual([...page.errors, ...prov.errors], []);
  await prov.context().close();
  await page.context().close();
});

test('the timeliness page shows the commune 8 working days late and the other missing, with the roll-up', async () => {
  const page = await loggedIn('tinh');
  await nav(page, '#/timeliness', '#timely-units');
  assert.match(await text(page, 'h1'), /Tiến độ gửi báo cáo – Tháng 01\/2026/);
  assert.match(await text(page, 'main'), /Hạn gửi 01-DSX: 06\/02\/2026/);
  assert.match(await text(page, '#timely-summary'),
    new RegExp(`^1/2 xã đã gửi: 0 đúng hạn, 1 chậm; 1 chưa gửi, 0 bị trả lại, 1 đã duyệt, 0 có thay đổi sau duyệt\\. ${W.areas.length}/\\d+ địa bàn đã rà soát\\.$`));
  const row = async (code) => (await page.locator(`#timely-units tr[data-unit="${code}"] td`).allInnerTexts()).map((x) => x.replace(/\n/g, ' '));
  assert.deepEqual(await row(W.commune), [W.communeName, 'Đã duyệt gửi 25/02/2026', '8', `${W.areas.length}/${W.areas.length}`]);
  const other = await row(W.other.code);
  assert.deepEqual(other.slice(0, 3), [W.other.name, 'Chưa gửi quá hạn', '8']);
  assert.equal(await page.locator(`#timely-units tr[data-unit="${W.commune}"]`).getAttribute('class'), 'bad', 'late is marked');
  // The roll-up: live from the register beside the sum of the approved reports.
  await page.locator('#rollup summary').click();
  assert.match(await text(page, '#rollup'), new RegExp(`Chưa duyệt: ${W.other.name}`));
  assert.equal(await page.locator('#rollup tr[data-row="5"]').count(), 0, 'rows without a difference are hidden at first');
  await page.getByRole('button', { name: 'Hiện mọi dòng' }).click();
  const roll = async (code) => (await page.locator(`#rollup tr[data-row="${code}"] td.n`).allInnerTexts()).map(viNum);
  const [births, birthsSum, birthsDiff] = await roll('5');
  assert.deepEqual([births, birthsSum, birthsDiff], [W.before.births + 1, W.before.births + 1, 0], 'the only birth of January is in the approved report');
  const [live, sum, diff] = await roll('2');
  assert.equal(sum, W.before.pop);  // the approved revision: + the birth - the death
  assert.equal(diff, W.otherPop, 'the difference is the commune not approved');
  assert.equal(live, sum + diff);
  await shoot(page, 'timeliness');
  // A quarter: its form, nobody has submitted it, no areas' review.
  await nav(page, '#/timeliness?period=2025-Q4', '#timely-units');
  assert.match(await text(page, 'h1'), /Tiến độ gửi báo cáo – Quý IV\/2025/);
  assert.match(await text(page, 'main'), /Hạn gửi 02-DSX: 09\/01\/2026/);
  assert.equal(await text(page, '#timely-summary'), '0/2 xã đã gửi: 0 đúng hạn, 0 chậm; 2 chưa gửi, 0 bị trả lại, 0 đã duyệt, 0 có thay đổi sau duyệt.');
  await nav(page, '#/timeliness', '#timely-units');
  // The same as CSV, in Vietnamese.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về CSV' }).click()]);
  const file = path.join(dir, 't.csv');
  await dl.saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').split('\r\n');
  assert.match(lines[0], /Số ngày làm việc chậm/);
  assert.ok(lines.some((l) => l.startsWith(`${MONTH},${W.commune},${W.communeName},01-DSX,Đã duyệt,2026-02-06,2026-02-25,8,3,1,`)), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith(`${MONTH},${W.other.code},${W.other.name},01-DSX,Chưa gửi,2026-02-06,,8,0,0,`)), lines.join('\n'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Vietnamese digits grouping, as the page shows numbers.
function num(n) {
  return new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }).format(n);
}
