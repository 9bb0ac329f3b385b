// The work-list page in a real browser against the real server on the
// work-list fixture (tests/data/worklist/README.md): a collaborator's home
// page is their area's lists, with names; a commune officer opens the
// commune's elderly list of a day, grouped by area, printable and
// downloadable; it fits a 360 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ART, e2eFixture, fits, loggedIn, worklistDb } from './fixture.mjs';

// E4 turned 60 on 2026-09-01
const fx = e2eFixture({
  name: 'worklist', today: '2026-11-22',
  users: [['ctv', 'collaborator', '2673400101'], ['xa', 'commune', '26734']],
  setup: worklistDb,
});

test('a collaborator\'s home page is their area\'s work lists, on a phone', async () => {
  const page = await loggedIn(fx, 'ctv', { width: 360, height: 740 });
  await page.waitForSelector('section[data-list="elderly"]');
  const elderly = await page.locator('section[data-list="elderly"]').innerText();
  assert.match(elderly, /Người cao tuổi cần khám sức khỏe năm nay \(3\)/);
  assert.match(elderly, /Bùi Thị Năm Chín/);
  assert.match(elderly, /Nguyễn Văn Bảy Mươi/);
  assert.match(elderly, /Hoàng Văn Sáu Mươi/);
  assert.doesNotMatch(elderly, /Trịnh Văn Tám Lăm/, 'another area\'s elder is not shown');
  assert.equal(await page.locator('section[data-list]').count(), 6);
  // Then the area's households, by book number with the head's name
  // (tests/data/worklist: E1 heads H1, E3 heads H2, a poor household).
  const hh = await page.locator('#my-households li').allInnerTexts();
  assert.match(hh[0], /^Hộ số 1: Nguyễn Văn Bảy Mươi · \d+ người$/);
  assert.match(hh[1], /^Hộ số 2: Hoàng Văn Sáu Mươi · \d+ người · Nghèo$/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'worklist-home-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('a commune officer: the commune\'s elderly list of a day, by area, printable and downloadable', async () => {
  const page = await loggedIn(fx, 'xa', { width: 1000, height: 900 });
  await page.goto(`${fx.base}/#/worklist?list=elderly&unit=26734&date=2026-06-30`);
  await page.waitForSelector('#worklist');
  const names = await page.locator('#worklist tbody tr td:first-child').allTextContents();
  assert.deepEqual(names, ['Nguyễn Văn Bảy Mươi', 'Hoàng Văn Sáu Mươi', 'Trịnh Văn Tám Lăm']);
  const areas = await page.locator('#worklist h3').allTextContents();
  assert.deepEqual(areas, ['Địa bàn 01 (2673400101) · 2 người', 'Địa bàn 02 (2673400102) · 1 người']);
  assert.ok(await page.getByRole('button', { name: 'In danh sách' }).count());
  const csv = await page.locator('#worklist a', { hasText: 'CSV' }).getAttribute('href');
  const got = await page.evaluate(async (u) => (await fetch(u)).text(), csv);
  assert.match(got, /Trịnh Văn Tám Lăm/);
  await page.getByRole('link', { name: /Phụ nữ có chồng 15-49/ }).click();
  await page.waitForSelector('#wl-plan');
  // The fixture's plan on 2026-06-30 (tests/data/worklist/README.md): the
  // women by method, those without one included, then 3 months' supplies.
  const rows = (k) => page.locator('#wl-plan .scroll').nth(k).locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(await rows(0), [['Không sử dụng', '2'], ['Dụng cụ tử cung', '1'], ['Thuốc cấy', '1'], ['Thuốc uống', '1'], ['Bao cao su', '1']]);
  assert.deepEqual(await rows(1), [['Thuốc uống', '1', '3 vỉ thuốc uống'], ['Bao cao su', '1', '30 bao cao su'],
    ['Thuốc tiêm', '0', '0 liều thuốc tiêm'], ['Thuốc cấy', '1', '1 que cấy tránh thai'], ['Dụng cụ tử cung', '1', '1 dụng cụ tử cung (vòng)']]);
  await page.setViewportSize({ width: 360, height: 740 });
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#worklist .actions').isVisible(), false, 'buttons are not printed');
  assert.deepEqual(page.errors, []);
});

// A commune officer's home page leads with the programmes' lists: how many
// are due on each today, each a link to its list (the counts are the lists'
// own, read through the API as the officer).
test('a commune officer\'s home: the programmes\' lists with their counts, then the figures', async () => {
  const page = await loggedIn(fx, 'xa', { width: 360, height: 740 });
  await page.waitForSelector('#programmes li');
  const items = await page.locator('#programmes li').evaluateAll((ls) => ls.map((l) => [l.dataset.list, l.querySelector('strong').textContent]));
  assert.deepEqual(items.map((x) => x[0]), ['elderly', 'prenatal', 'newborn', 'premarital', 'poor-fp', 'third-births']);
  for (const [list, n] of items) {
    const full = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/v1/worklists/${list}?unit=26734`);
    assert.equal(Number(n), full.count, `${list}: ${n} on the home page, ${full.count} on the list`);
  }
  // Then the figures, each with a target saying how far it is: reached, on
  // track or behind (a ceiling kept or passed, never "% reached"), as the
  // dashboard's API says for the commune.
  const kpis = await page.locator('#kpis .kpi .t').evaluateAll((ts) => ts.map((x) => [x.dataset.progress, x.textContent]));
  const d = await page.evaluate(async () => (await fetch('/api/v1/dashboard?unit=26734')).json());
  const shown = ['2', '5', 'SRB', 'P3', 'MCPR', 'PNS', 'NBS', 'ELC'].filter((k) => d.headline[k]?.target);
  assert.ok(shown.length >= 2, 'the national targets are loaded');
  assert.deepEqual(kpis.map((x) => x[0]), shown.map((k) => d.headline[k].progress));
  const words = { reached: /đã đạt$/, on_track: /đúng tiến độ$/, behind: /(chậm tiến độ|đã vượt mức)$/ };
  for (const [[progress, text], k] of kpis.map((x, i) => [x, shown[i]])) {
    assert.match(text, words[progress], `${k}: ${text}`);
    if (d.headline[k].direction === 'ceiling') assert.doesNotMatch(text, /đạt \d/, `${k} is a ceiling`);
  }
  await page.locator('#programmes li[data-list="elderly"] a').click();
  await page.waitForSelector('#worklist[data-list="elderly"]');
  assert.ok(await fits(page));
  assert.deepEqual(page.errors, []);
});

// The collaborator's area household list (#/area): each household's book
// number, head, members today and poverty (tests/data/worklist on
// 2026-11-22: H1 keeps 6 of its 7 after E6's death and gains K1, H2 gains
// K2; H2 is poor), each link and row a thumb's tap target of 44 px.
test('a collaborator\'s households: head, members and poverty, with 44 px tap targets, on a phone', async () => {
  const page = await loggedIn(fx, 'ctv', { width: 360, height: 740 });
  await page.goto(`${fx.base}/#/area`);
  // The area's page drawn, not the home page's tables still showing.
  await page.waitForFunction(() => !document.querySelector('main[aria-busy]') &&
    document.querySelector('main h1')?.textContent === 'Danh sách hộ' && document.querySelector('main table tbody tr'));
  const rows = await page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows, [['1', 'Nguyễn Văn Bảy Mươi', '7', '', 'Số 1'], ['2', 'Hoàng Văn Sáu Mươi', '7', 'Nghèo', 'Số 2']]);
  const links = page.locator('main table tbody a');
  assert.equal(await links.count(), 4, 'the number and the head link to the household');
  for (const el of [...await links.all(), ...await page.locator('main table tbody tr').all()]) {
    const box = await el.boundingBox();
    assert.ok(box && box.height >= 44, `tap height ${box?.height} px`);
  }
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'area-households-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});
