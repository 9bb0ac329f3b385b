// danso reconcile against the generator's planted extract of the national
// population database (--plant-extract, truth/extract.*): the counts equal
// the planted truth exactly; a bad header, a bad row or a wrong encoding is
// refused with its line and field and nothing is compared; the run is in
// the access log with the file's hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = process.env.DANSO_BIN || 'build/danso';
const env = { ...process.env, DANSO_TODAY: '2026-11-22' };
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });

function province(t) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-rec-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  const dir = path.join(d, 'p'), db = path.join(d, 'p.db');
  run('gen', '--out', dir, '--persons', '20000', '--seed', '3', '--years', '0', '--plant-duplicates', '--plant-extract', '--quiet');
  run('init', '--db', db);
  run('import', '--db', db, '--units', path.join(dir, 'units.csv'), '--households', path.join(dir, 'households.csv'),
    '--persons', path.join(dir, 'persons.csv'), '--as-of', '2023-01-01', '--quiet');
  return { d, dir, db };
}

const audits = (db) => run('audit-search', '--db', db, '--from', '2000-01-01', '--to', '2100-01-01')
  .trim().split('\n').map((l) => l.split(',')).filter((c) => c[6] === 'reconcile');

test('the counts equal the planted truth exactly, and so do the items; the run is audited with the file\'s hash', (t) => {
  const { dir, db } = province(t);
  const extract = path.join(dir, 'extract.csv');
  const r = JSON.parse(run('reconcile', '--db', db, '--extract', extract, '--unit', '79'));
  const want = JSON.parse(fs.readFileSync(path.join(dir, 'truth', 'extract.json'), 'utf8'));
  assert.deepEqual({ matched: r.matched, differences: r.differences, only_register: r.only_register, only_extract: r.only_extract }, want);
  assert.ok(want.differences > 0 && want.only_register > 0 && want.only_extract > 0);
  // Each item as planted: its kind and national id (a person recorded twice
  // without an id may be paired in its copy's place: the same counts).
  const truth = fs.readFileSync(path.join(dir, 'truth', 'extract.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',')).filter((c) => c[0] !== 'matched').map((c) => `${c[0]}/${c[2]}`).sort();
  assert.deepEqual(r.items.map((i) => `${i.kind}/${i.national_id ?? ''}`).sort(), truth);
  // Every planted kind of difference is found, with the extract's values to propose the fix.
  const fields = new Set(r.items.flatMap((i) => i.fields));
  for (const f of ['full_name', 'birth_date', 'residence', 'national_id']) assert.ok(fields.has(f), f);
  const d = r.items.find((i) => i.kind === 'difference' && i.fields.includes('full_name'));
  assert.ok(d.person_id && d.extract.full_name && d.line > 1);
  const o = r.items.find((i) => i.kind === 'only_extract');
  assert.match(o.extract.full_name, /^Tạ (Văn|Thị) Ngoại$/);
  // Per commune, adding up to the whole.
  for (const k of ['matched', 'differences', 'only_register', 'only_extract'])
    assert.equal(r.communes.reduce((s, c) => s + c[k], 0), r[k], k);
  // The run in the access log: the first 32 hex digits of the file's SHA-256.
  const hash = crypto.createHash('sha256').update(fs.readFileSync(extract)).digest('hex');
  assert.equal(r.extract_sha256, hash);
  const a = audits(db);
  assert.equal(a.length, 1);
  assert.deepEqual([a[0][7], a[0][8], a[0][9], a[0][10]], ['extract', hash.slice(0, 32), '79', 'ok']);
  // A commune: its rows only.
  const c = r.communes[0].code;
  const rc = JSON.parse(run('reconcile', '--db', db, '--extract', extract, '--unit', c, '--format', 'json'));
  assert.equal(rc.matched, r.communes[0].matched);
  const csv = run('reconcile', '--db', db, '--extract', extract, '--unit', c, '--format', 'csv').trim().split('\n');
  assert.equal(csv[0], 'kind,person_id,national_id,commune,fields');
  assert.equal(csv.length, rc.items.length + 1);
});

test('a bad header, a bad row or a wrong encoding is refused with its line and field, and nothing is compared', (t) => {
  const { d, db } = province(t);
  const head = 'national_id,full_name,sex,birth_date,commune_code,address,residence\n';
  const good = '079071426457,Nguyễn Văn Long,1,1971-06-12,27731,Số 1,1\n';
  const cases = [
    ['header', 'national_id,full_name,sex,birth_date,commune_code,address\n', /header\.csv:1: residence: /],
    ['row', head + good + '079181871155,Nguyễn Thị Khuê,3,1981-04-02,27731,Số 1,2\n', /row\.csv:3: sex: /],
    ['date', head + good + good.replace('1971-06-12', '1971-02-30'), /date\.csv:3: birth_date: /],
    ['res', head + good.replace(/,1\n$/, ',7\n'), /res\.csv:2: residence: /],
    ['latin1', Buffer.concat([Buffer.from(head), Buffer.from('079071426457,Nguy\xe9n V\xe0n Long,1,1971-06-12,27731,S\xf6 1,1\n', 'latin1')]), /latin1\.csv:2: full_name: not valid UTF-8/],
  ];
  for (const [name, text, msg] of cases) {
    const f = path.join(d, `${name}.csv`);
    fs.writeFileSync(f, text);
    const r = spawnSync(bin, ['reconcile', '--db', db, '--extract', f, '--unit', '79'], { env, encoding: 'utf8' });
    assert.notEqual(r.status, 0, name);
    assert.match(r.stderr, msg, name);
    assert.match(r.stderr, /nothing was compared/);
    assert.equal(r.stdout, '');
  }
  assert.equal(audits(db).length, 0, 'nothing compared, nothing shown');
  const u = spawnSync(bin, ['reconcile', '--db', db, '--unit', '79'], { env, encoding: 'utf8' });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /give --extract FILE and --unit CODE/);
});
