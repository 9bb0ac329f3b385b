// Persons recorded twice, in a real browser against the real server on the
// API fixture with one person recorded twice (tests/api/duplicates.test.mjs):
// the commune officer reviews the pair side by side with names and
// histories in Vietnamese on a 360 px phone, merges it and undoes the
// merge; a collaborator recording an arrival of a person who is already in
// the register is shown the match first; a commune officer reconciles an
// extract of the national population database and opens the correction a
// difference proposes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeDb, OBJ } from '../api/lib.mjs';
import { ART, fits, loggedIn as login, serve } from './server.mjs';

const bin = path.resolve(process.env.DANSO_BIN || 'build/danso');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ENV = { ...process.env, DANSO_TODAY: '2026-11-22' };
let fx, server, base, browser;

before(async () => {
  fx = makeDb('sqlite', {
    extend: (dir) => {
      fs.appendFileSync(`${dir}/persons.csv`, 'M1,H1,Lê Thị Mận,2,1990-04-12,5,01,3,2,1,,,,\nM2,H3,Le Thi Man,2,1990-04-12,5,01,3,2,1,,,,\n');
      fs.appendFileSync(`${dir}/events.ndjson`, JSON.stringify({ id: '00000000-0000-4000-8000-00000000d001', type: 'fp_start', date: '2026-03-05', person: 'M2', method: 3, source: 1 }) + '\n');
    },
  });
  server = await serve(bin, fx.db, 'duplicates', ENV);
  base = server.base;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.stop();
  fx?.drop();
});

const loggedIn = (user, viewport) => login(browser, base, user, fx.pw[user], viewport);

test('a commune officer reviews a pair side by side on a phone, merges it and undoes the merge', async () => {
  const page = await loggedIn('commune', { width: 360, height: 740 });
  await page.goto(`${base}/#/duplicates?unit=26740`);
  await page.waitForSelector('ul.pairs');
  const list = await page.locator('ul.pairs').innerText();
  assert.match(list, /Lê Thị Mận – Le Thi Man|Le Thi Man – Lê Thị Mận/);
  assert.match(list, /cùng ngày sinh/, 'the reasons in Vietnamese');
  assert.doesNotMatch(list, /\bM[12]\b/, 'names, not ids');
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.locator('ul.pairs li', { hasText: 'Le Thi Man' }).getByRole('link', { name: 'Xem xét' }).click();
  await page.waitForSelector('.sides .side');
  assert.equal(await page.locator('.sides .side').count(), 2);
  const sides = await page.locator('.sides').innerText();
  assert.match(sides, /Lê Thị Mận/);
  assert.match(sides, /Le Thi Man/);
  assert.match(sides, /Bắt đầu sử dụng BPTT/, 'the histories, with the changes named');
  assert.match(await page.locator('main').innerText(), /được tính cho người còn lại/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'duplicates-pair-360.png'), fullPage: true });
  await page.getByRole('button', { name: /giữ hồ sơ Lê Thị Mận/ }).click();
  await page.waitForSelector('text=Đã gộp');
  assert.equal((await (await fetch(`${base}/health`)).json()).status, 'ok');
  await page.getByRole('button', { name: 'Hoàn tác việc gộp' }).click();
  await page.waitForSelector('text=Đã hoàn tác');
  assert.deepEqual(page.errors, []);
});

test('a collaborator recording an arrival of someone already in the register sees the match first', async () => {
  const page = await loggedIn('collaborator', { width: 360, height: 740 });
  await page.goto(`${base}/#/record?type=move_in&household=${OBJ.A.household}`);
  await page.waitForSelector('form.f');
  const f = (name) => page.locator(`[name="${name}"]`);
  await f('person.full_name').fill('Lê Thị Mận');
  await f('person.sex').selectOption('2');
  await f('person.birth_date').fill('12/04/1990');
  await f('person.relation').selectOption('5');
  await f('person.ethnicity').selectOption('01');
  await f('person.education').selectOption('3');
  await f('person.marital').selectOption('2');
  await f('person.residence').selectOption('1');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.waitForSelector('.card.match');
  const m = await page.locator('.card.match').innerText();
  assert.match(m, /có thể đã có trong sổ/);
  assert.match(m, /Lê Thị Mận/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'duplicates-entry-360.png'), fullPage: true });
  await page.getByRole('button', { name: /Đúng là người này/ }).click();
  await page.waitForSelector('text=Chưa ghi');
  assert.deepEqual(page.errors, []);
});

test('a commune officer reconciles an extract of the national database: counts per commune, lists, one action per difference', async () => {
  const page = await loggedIn('commune', { width: 360, height: 740 });
  await page.goto(`${base}/#/reconcile`);
  await page.waitForSelector('input[type=file]');
  const lines = ['national_id,full_name,sex,birth_date,commune_code,address,residence',
    `${OBJ.A.nid},Nguyễn Văn A,1,1990-05-01,26740,Số 1,1`,
    `${OBJ.B.nid},Võ Thị Iu,2,1988-08-08,26740,Số 3,1`,
    '079070123456,Tạ Văn Ngoại,1,1970-01-01,26740,Số 9,1'];
  await page.locator('input[type=file]').setInputFiles({ name: 'extract.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  // The officer's own commune, shown by its name; picked again by the name typed without diacritics.
  const unit = page.getByRole('combobox', { name: 'Đơn vị' });
  assert.equal(await unit.inputValue(), 'Phường Sài Gòn');
  await unit.fill('sai gon');
  await page.getByRole('option', { name: /^Phường Sài Gòn ·/ }).click();
  assert.equal(await unit.inputValue(), 'Phường Sài Gòn');
  await page.getByRole('button', { name: 'Đối chiếu' }).click();
  await page.waitForSelector('#reconcile');
  const text = await page.locator('#reconcile').innerText();
  assert.match(text, /1 khớp, 1 khác nhau/);
  assert.match(text, /Võ Thị I/, 'the register\'s name, not an id');
  assert.match(text, /Tạ Văn Ngoại/);
  assert.ok(await fits(page), 'no sideways scrolling at 360 px');
  await page.screenshot({ path: path.join(ART, 'reconcile-360.png'), fullPage: true });
  await page.getByRole('link', { name: 'Đề xuất sửa họ tên' }).click();
  await page.waitForSelector('form.f [name="value"]');
  assert.equal(await page.locator('[name="value"]').inputValue(), 'Võ Thị Iu');
  // The form shows the person by name, the id last in brackets (record.js).
  assert.match(await page.locator('[name="person"]').inputValue(), new RegExp(`^Võ Thị I, 08/08/1988 \\(${OBJ.B.person}\\)$`));
  assert.deepEqual(page.errors, []);
});
