// The changes offered on a person's page fit the person (issue 13): no
// birth for a man or a child, contraception first for a married woman of
// 15-49, an elderly check for the elderly, and death always last; the
// household page's quick link for a member is never a death.  Persons are
// chosen from a generated province by their state today, read through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { world } from './lib.mjs';

const TODAY = '2026-11-22';
let w, api;
const X = {};

const age = (birth) => {
  const [y, m = '01', d = '01'] = birth.split('-');
  let a = Number(TODAY.slice(0, 4)) - Number(y);
  if (TODAY.slice(5) < `${m}-${d}`) a--;
  return a;
};

before(async () => {
  w = await world({ today: TODAY, name: 'actions' });
  const units = fs.readFileSync(`${w.gen}/units.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const province = units.find((u) => u[2] === 'province')[0];
  w.addUser('tinh', 'province', province, 'Cán Bộ Tỉnh');
  api = await w.apiAs('tinh');
  const persons = fs.readFileSync(`${w.gen}/persons.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const want = {
    man: (p) => Number(p.sex) === 1 && age(p.birth_date) >= 25 && age(p.birth_date) <= 40,
    wife: (p) => Number(p.sex) === 2 && Number(p.marital) === 2 && age(p.birth_date) >= 20 && age(p.birth_date) <= 40,
    child: (p) => age(p.birth_date) >= 3 && age(p.birth_date) <= 10,
    elder: (p) => age(p.birth_date) >= 65,
  };
  // Candidates from the baseline file, then their state today from the API
  // (a few calls: the server limits a client's rate).
  const asFile = (r) => ({ sex: r[3], birth_date: r[4], marital: r[8] });
  for (const [k, ok] of Object.entries(want)) {
    for (const row of persons.filter((r) => ok(asFile(r))).slice(0, 10)) {
      const p = await api(`/api/v1/persons/${row[0]}`);
      if (p.status === 'present' && ok(p)) { X[k] = p; break; }
    }
  }
  for (const k of Object.keys(want)) assert.ok(X[k], `a ${k} in the generated province`);
});
after(async () => { await w?.close(); });

async function actions(page, p) {
  await w.nav(page, `#/person/${p.id}`, '#person-actions');
  return page.locator('#person-actions a').allInnerTexts();
}

test('a person\'s page offers the changes that fit them, death last', async () => {
  const page = await w.loggedIn('tinh');
  const man = await actions(page, X.man);
  assert.ok(!man.includes('Sinh'), `no birth for a man: ${man}`);
  assert.ok(!man.includes('Bắt đầu sử dụng BPTT'));
  assert.equal(man.at(-1), 'Chết');
  assert.notEqual(man[0], 'Chết');
  const child = await actions(page, X.child);
  assert.ok(!child.includes('Sinh') && !child.includes('Kết hôn') && !child.includes('Bắt đầu sử dụng BPTT'), `${child}`);
  assert.equal(child.at(-1), 'Chết');
  const wife = await actions(page, X.wife);
  assert.ok(['Bắt đầu sử dụng BPTT', 'Ngừng sử dụng BPTT'].includes(wife[0]), `contraception first: ${wife}`);
  assert.ok(wife.includes('Sinh') && wife.includes('Mang thai') && wife.includes('Ly hôn'));
  assert.ok(!wife.includes('Kết hôn'), 'already married');
  const elder = await actions(page, X.elder);
  assert.ok(elder.includes('Khám sức khỏe người cao tuổi'), `${elder}`);
  assert.equal(elder.at(-1), 'Chết');
  // The household page's quick link for each member is never a death.
  await w.nav(page, `#/household/${X.man.household}`, 'main table');
  const quick = await page.locator('main table tbody td.noprint a').allInnerTexts();
  assert.ok(quick.length >= 1 && !quick.includes('Chết'), `${quick}`);
  assert.deepEqual(page.errors, []);
});
