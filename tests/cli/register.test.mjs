// The register's command line, black box: init, import, events, person,
// household, find and export against the real binary (DANSO_BIN, the
// sanitizer build under `make test`, else build/danso).  Every test works in
// its own temporary directory and checks what a user sees: the exit status,
// the "file:line: field: reason" lines on stderr, and the register's contents
// through `danso person/household/find --json` and `danso export`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.DANSO_BIN || 'build/danso');
const SMALL = path.join(ROOT, 'tests/data/small');
const AS_OF = '2024-01-01';
const ENV = { ...process.env, DANSO_TODAY: '2026-11-22', USER: 'tester' };
delete ENV.DANSO_LANG;

// Exit statuses (src/base/err.c, src/cli/cli.h).
const EXIT = { ok: 0, usage: 2, input: 3, notfound: 4, partial: 14 };

const PERSON_HEADER = fs.readFileSync(path.join(SMALL, 'persons.csv'), 'utf8').split('\n')[0];
const HOUSEHOLD_HEADER = 'household_id,area_code,number,address,type,poverty';
const UNIT_HEADER = 'code,name,level,parent_code,valid_from,valid_to';

// ---- helpers ----

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Runs danso in dir; returns {status, stdout, stderr, lines (stderr lines)}.
function danso(dir, ...args) {
  const r = spawnSync(BIN, args, { cwd: dir, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr,
           lines: r.stderr.split('\n').filter(Boolean) };
}

function ok(r, what) {
  assert.equal(r.status, 0, `${what}: exit 0 expected\nstderr:\n${r.stderr}`);
  return r;
}

// Asserts the exit status and that stderr has each line exactly.
function refused(r, status, ...messages) {
  assert.equal(r.status, status, `exit ${status} expected, got ${r.status ?? r.signal}\nstderr:\n${r.stderr}`);
  for (const m of messages)
    assert.ok(r.lines.includes(m), `stderr should have the line\n  ${m}\nbut was:\n${r.stderr}`);
}

function write(dir, name, text) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

function personsCsv(dir, rows, name = 'persons.csv') {
  return write(dir, name, [PERSON_HEADER, ...rows].join('\n') + '\n');
}

function ndjson(dir, events, name = 'e.ndjson') {
  return write(dir, name, events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n');
}

// A database with the small fixture's units only.
function unitsDb(dir) {
  const db = path.join(dir, 'r.db');
  ok(danso(dir, 'init', '--db', db), 'init');
  ok(danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv')), 'import units');
  return db;
}

// A database with the small fixture's baseline (no events).
function baselineDb(dir) {
  const db = path.join(dir, 'r.db');
  ok(danso(dir, 'init', '--db', db), 'init');
  ok(danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv'),
    '--households', path.join(SMALL, 'households.csv'),
    '--persons', path.join(SMALL, 'persons.csv'), '--as-of', AS_OF), 'import baseline');
  return db;
}

// The small fixture's baseline and its events.
function fullDb(dir) {
  const db = baselineDb(dir);
  ok(danso(dir, 'events', '--db', db, path.join(SMALL, 'events.ndjson')), 'events');
  return db;
}

let exports = 0;
// `danso export` into a fresh folder; returns {file name: Buffer}.
// (Later baselines are in baseline-N/ folders: their files are "baseline-2/persons.csv".)
function exported(dir, db) {
  const out = path.join(dir, `export-${++exports}`);
  ok(danso(dir, 'export', '--db', db, '--out', out), 'export');
  const files = {};
  for (const f of fs.readdirSync(out, { recursive: true }).sort()) {
    const p = path.join(out, f);
    if (fs.statSync(p).isFile()) files[f] = fs.readFileSync(p);
  }
  return files;
}

function exportedEvents(dir, db) {
  return exported(dir, db)['events.ndjson'].toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function json(dir, ...args) {
  const r = danso(dir, ...args, '--json');
  ok(r, args.join(' '));
  return JSON.parse(r.stdout);
}

// The register is exactly as it was: same export, file by file.
function assertSame(after, before, what) {
  assert.deepEqual(Object.keys(after), Object.keys(before), `${what}: same files`);
  for (const f of Object.keys(before))
    assert.ok(after[f].equals(before[f]), `${what}: ${f} unchanged\nbefore:\n${before[f]}\nafter:\n${after[f]}`);
}

// A good import still works after a refused one: the small fixture's
// households and persons all go in (none of them was left behind).
function goodBaselineStillImports(dir, db) {
  const r = danso(dir, 'import', '--db', db, '--households', path.join(SMALL, 'households.csv'),
    '--persons', path.join(SMALL, 'persons.csv'), '--as-of', AS_OF);
  refused(r, EXIT.ok, 'import: households: 3 added, 0 refused', 'import: persons: 6 added, 0 refused');
  assert.equal(json(dir, 'person', '--db', db, 'P6').full_name, 'Đặng Thị Phương');
}

// Likewise for events: all 17 of the fixture are recorded.
function goodEventsStillRecord(dir, db) {
  const r = danso(dir, 'events', '--db', db, path.join(SMALL, 'events.ndjson'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^events: 17 recorded, 0 already present, 0 refused /m);
  assert.equal(json(dir, 'person', '--db', db, 'P4').status, 'died');
}

// RFC 4180 CSV into rows of strings.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += ch; i++;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const uuid = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// ---- commands, help and exit statuses ----

describe('command line', () => {
  const commands = ['init', 'import', 'events', 'person', 'household', 'find', 'export',
    'report', 'check', 'targets', 'serve', 'user', 'gen', 'subject-file', 'audit-search', 'elderly', 'workforce'];

  test('--help works for every command', (t) => {
    const dir = tmpdir(t);
    for (const c of commands) {
      const r = danso(dir, c, '--help');
      assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: danso ${c} `), `${c} --help prints its usage`);
      const h = danso(dir, 'help', c);
      assert.equal(h.status, 0);
      assert.equal(h.stdout, r.stdout, `danso help ${c} is the same text`);
    }
    const all = danso(dir, '--help');
    assert.equal(all.status, 0);
    for (const c of commands) assert.match(all.stdout, new RegExp(`^  ${c} +\\S`, 'm'), `overview lists ${c}`);
    assert.deepEqual(fs.readdirSync(dir), [], 'asking for help creates no database');
  });

  test('danso with no command or an unknown one exits 2 with the overview', (t) => {
    const dir = tmpdir(t);
    const r = danso(dir);
    assert.equal(r.status, EXIT.usage);
    assert.match(r.stderr, /^usage: danso COMMAND/m);
    assert.equal(r.stdout, '');
    const u = danso(dir, 'frobnicate');
    assert.equal(u.status, EXIT.usage);
    assert.match(u.stderr, /^danso: unknown command 'frobnicate'/m);
  });

  test('usage errors exit 2 and say what is missing', (t) => {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    refused(danso(dir, 'import', '--db', db), EXIT.usage,
      'danso import: give --units, --households and/or --persons files');
    refused(danso(dir, 'import', '--db', db, '--persons', path.join(SMALL, 'persons.csv')), EXIT.usage,
      'danso import: --as-of YYYY-MM-DD is required with households or persons');
    refused(danso(dir, 'import', '--db', db, '--persons', path.join(SMALL, 'persons.csv'), '--as-of', '2026-11-23'),
      EXIT.usage, 'danso import: --as-of must be a date YYYY-MM-DD, not in the future');
    refused(danso(dir, 'import', '--db', db, '--bogus'), EXIT.usage);
    refused(danso(dir, 'events', '--db', db), EXIT.usage, 'danso events: give one NDJSON file');
    refused(danso(dir, 'find', '--db', db, '--born', 'abc', 'nguyen'), EXIT.usage,
      'danso find: --born takes a year YYYY');
    refused(danso(dir, 'person', '--db', db), EXIT.usage, 'danso person: give one id');
    refused(danso(dir, 'export', '--db', db), EXIT.usage, 'danso export: give --out DIR');
  });

  test('what does not exist exits 4', (t) => {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    refused(danso(dir, 'person', '--db', db, 'P404'), EXIT.notfound, 'danso person: no person with id P404');
    refused(danso(dir, 'household', '--db', db, 'H404'), EXIT.notfound, 'danso household: no household with id H404');
    refused(danso(dir, 'find', '--db', db, 'zzyzx'), EXIT.notfound, 'find: no match');
    const missing = path.join(dir, 'missing.db');
    refused(danso(dir, 'events', '--db', missing, path.join(SMALL, 'events.ndjson')), EXIT.notfound,
      `danso events: no database at ${missing} (run \`danso init --db ${missing}\` first)`);
    assert.equal(fs.existsSync(missing), false, 'events does not create a database');
  });
});

// ---- init and import of the small fixture ----

describe('init and import', () => {
  test('the rules between rows of a units file, whatever their order: overlapping rows, parents that exist on the dates, of the level above', (t) => {
    const dir = tmpdir(t);
    const db = path.join(dir, 'r.db');
    ok(danso(dir, 'init', '--db', db), 'init');
    const units = write(dir, 'units.csv', [UNIT_HEADER,
      '00019001,Thôn Một,village,00019,,', // line 2: its parent's rows come later, and cover it
      '00016,Xã Cát,commune,001,2025-07-01,', // 3: the district has ended by then
      '00010,Xã An,commune,001,,2025-06-30',
      '00010,Xã An,commune,01,2025-06-01,', // 5: overlaps line 4
      '001,Huyện Một,district,01,,2025-06-30',
      '00013,Xã Bình,commune,999,,', // 7: no such parent
      '00019,Xã Dương,commune,01,2025-07-01,',
      '00019,Xã Dương,commune,001,,2025-06-30',
      '00010001,Thôn An,village,00010,,',
      '00022001,Thôn Đông,village,01,,', // 11: a village under a province
      '01,Tỉnh,province,,,'].join('\n') + '\n');
    const r = danso(dir, 'import', '--db', db, '--units', units);
    refused(r, EXIT.input, `units.csv:3: parent_code: the parent unit does not exist on these dates`,
      `units.csv:5: valid_from: this unit already has a row covering these dates`,
      `units.csv:7: parent_code: no such administrative unit`,
      `units.csv:11: parent_code: the parent unit is not of the level above`,
      'import: units: 0 added, 4 refused');
    assert.equal(r.lines.filter((l) => l.startsWith('units.csv:')).length, 4, r.stderr);
    const k = danso(dir, 'import', '--db', db, '--units', units, '--keep-good');
    refused(k, EXIT.partial, 'import: units: 7 added, 4 refused');
  });

  test('init creates the database, import loads the small fixture and says how many', (t) => {
    const dir = tmpdir(t);
    const db = path.join(dir, 'r.db');
    const i = danso(dir, 'init', '--db', db);
    assert.equal(i.status, 0, i.stderr);
    assert.equal(i.stdout, `danso: register ready at ${db} (sqlite)\n`);
    ok(danso(dir, 'init', '--db', db), 'init again is harmless');
    const r = danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv'),
      '--households', path.join(SMALL, 'households.csv'),
      '--persons', path.join(SMALL, 'persons.csv'), '--as-of', AS_OF);
    refused(r, EXIT.ok, 'import: units: 11 added, 0 refused', 'import: households: 3 added, 0 refused',
      'import: persons: 6 added, 0 refused');
    assert.match(r.stderr, /^import: done in [\d.]+ s/m);

    const p1 = json(dir, 'person', '--db', db, 'P1');
    assert.equal(p1.full_name, 'Nguyễn Văn An');
    assert.equal(p1.birth_date, '1980-05-01');
    assert.equal(p1.household, 'H1');
    assert.equal(p1.area, '2673400101');
    assert.equal(p1.national_id, '079080000001');
    assert.equal(p1.entered, AS_OF);
    assert.equal(p1.status, 'present');
    assert.equal(json(dir, 'person', '--db', db, 'P4').birth_date, '1950', 'a year-only birth date is kept');
    const h1 = json(dir, 'household', '--db', db, 'H1');
    assert.equal(h1.address, 'Số 12, đường Lê Lợi', 'a quoted field with a comma');
    assert.deepEqual(h1.members.map((m) => m.id), ['P1', 'P2', 'P3']);

    const files = exported(dir, db);
    assert.deepEqual(Object.keys(files), ['events.ndjson', 'households.csv', 'manifest.json', 'persons.csv', 'units.csv']);
    for (const f of ['units.csv', 'households.csv', 'persons.csv'])
      assert.equal(files[f].toString(), fs.readFileSync(path.join(SMALL, f), 'utf8'), `${f} exports as imported`);
    const m = JSON.parse(files['manifest.json']);
    assert.equal(m.as_of, AS_OF);
    assert.equal(m.units, 11);
    assert.equal(m.events, 0);
  });

  test('a register with no events yet reports and balances (the first day of a new province)', (t) => {
    const dir = tmpdir(t);
    const db = path.join(dir, 'r.db');
    ok(danso(dir, 'init', '--db', db), 'init');
    ok(danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv'),
      '--households', path.join(SMALL, 'households.csv'),
      '--persons', path.join(SMALL, 'persons.csv'), '--as-of', AS_OF), 'import');
    const c = danso(dir, 'check', '--db', db, '--unit', '79', '--period', '2024');
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /^79\s+0\s+0\s+0\s+0\s+0\s+6\s+0\s+6\s+0$/m, 'six persons entered by the baseline, nothing else');
    const r = ok(danso(dir, 'report', '--db', db, '--form', '03-DSX', '--unit', '79', '--period', '2024', '--format', 'json'), 'report');
    assert.equal(JSON.parse(r.stdout).form, '03-DSX');
  });

  test('events are recorded and summarised', (t) => {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    const r = danso(dir, 'events', '--db', db, path.join(SMALL, 'events.ndjson'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^events: 17 recorded, 0 already present, 0 refused \(/m);
    assert.equal(r.stdout, '', 'nothing on stdout without --keep-good');
    const p7 = json(dir, 'person', '--db', db, 'P7');
    assert.equal(p7.full_name, 'Nguyễn Thị Hoa');
    assert.equal(p7.birth_date, '2024-03-05');
    assert.equal(p7.household, 'H1', 'a newborn joins the mother\'s household');
    const p4 = json(dir, 'person', '--db', db, 'P4');
    assert.equal(p4.status, 'died');
    assert.equal(p4.exit_date, '2024-04-01');
    assert.equal(json(dir, 'person', '--db', db, 'P1').full_name, 'Nguyễn Văn Ân', 'info_change renames');
    assert.equal(exportedEvents(dir, db).length, 17);
  });
});

// ---- bad baseline input: refused with file, line, field and reason; nothing changes ----

describe('bad baseline rows are refused and change nothing', () => {
  // Imports the small households and the given persons rows into a
  // units-only database; checks the status and messages, that the register
  // is unchanged, and that the good fixture still imports afterwards.
  function badPersons(t, rows, ...messages) {
    const dir = tmpdir(t);
    const db = unitsDb(dir);
    const before = exported(dir, db);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const file = Array.isArray(rows) ? personsCsv(bad, rows) : write(bad, 'persons.csv', rows);
    const r = danso(dir, 'import', '--db', db, '--households', path.join(SMALL, 'households.csv'),
      '--persons', file, '--as-of', AS_OF);
    refused(r, EXIT.input, ...messages,
      'import: nothing was imported: fix the rows above, or use --keep-good to import the good rows');
    assertSame(exported(dir, db), before, 'refused import');
    goodBaselineStillImports(dir, db);
    return r;
  }

  const good = 'P10,H1,Lê Văn Mười,1,1970-01-01,7,01,3,2,1,,,,';

  test('unbalanced quotes', (t) => {
    badPersons(t, [good, 'P11,H1,"Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,,,'],
      'persons.csv:3: full_name: unbalanced quotes: a quoted field is never closed');
  });

  test('text after a closing quote', (t) => {
    badPersons(t, [good, 'P11,H1,"Lê Văn" Mười Một,1,1970-01-01,7,01,3,2,1,,,,'],
      'persons.csv:3: full_name: text after a closing quote');
  });

  test('wrong number of columns', (t) => {
    const r = badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,,', good.replace('P10', 'P12') + ',extra'],
      'persons.csv:3: wrong number of columns', 'persons.csv:4: wrong number of columns');
    assert.match(r.stderr, /^import: persons: 0 added, 2 refused$/m);
  });

  test('invalid UTF-8', (t) => {
    const text = Buffer.concat([Buffer.from(`${PERSON_HEADER}\n${good}\nP11,H1,Nguy`),
      Buffer.from([0xc3, 0x28]), Buffer.from('n,1,1970-01-01,7,01,3,2,1,,,,\n')]);
    badPersons(t, text, 'persons.csv:3: full_name: not valid UTF-8 text');
  });

  test('unknown sex code 3', (t) => {
    badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,3,1970-01-01,7,01,3,2,1,,,,'], 'persons.csv:3: sex: unknown code');
  });

  test('unknown ethnicity 99', (t) => {
    badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,1,1970-01-01,7,99,3,2,1,,,,'], 'persons.csv:3: ethnicity: unknown code');
  });

  test('duplicate person ids in one file', (t) => {
    badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,,,', good.replace('Mười', 'Mươi')],
      'persons.csv:4: person_id: this id is already used');
  });

  test('a person in a household that does not exist', (t) => {
    badPersons(t, [good, 'P11,H9,Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,,,'],
      'persons.csv:3: household_id: no such household');
  });

  test('a national id that is not 12 digits', (t) => {
    badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,07908000001,,'],
      'persons.csv:3: national_id: a national id (CCCD) must be exactly 12 digits');
  });

  test('a national id used twice in one file', (t) => {
    badPersons(t, ['P10,H1,Lê Văn Mười,1,1970-01-01,7,01,3,2,1,,079070000010,,',
      'P11,H1,Lê Văn Mười Một,1,1970-01-01,7,01,3,2,1,,079070000010,,'],
    'persons.csv:3: national_id: this national id is already used by another person');
  });

  test('a birth date after the baseline date', (t) => {
    badPersons(t, [good, 'P11,H1,Lê Văn Mười Một,1,2024-01-02,3,01,0,1,1,,,,'],
      'persons.csv:3: birth_date: birth date is after the baseline date');
  });

  // Header problems: the header names every expected column exactly once.
  test('a header without an expected column', (t) => {
    const header = PERSON_HEADER.replace(',national_id', '');
    badPersons(t, `${header}\nP10,H1,Lê Văn Mười,1,1970-01-01,7,01,3,2,1,,,\n`,
      'persons.csv:1: national_id: header line does not have the expected columns');
  });

  test('a header with an unknown column', (t) => {
    badPersons(t, `${PERSON_HEADER},nickname\n${good},Mười\n`,
      'persons.csv:1: nickname: header line does not have the expected columns');
  });

  test('a household in an area that does not exist', (t) => {
    const dir = tmpdir(t);
    const db = unitsDb(dir);
    const before = exported(dir, db);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const hh = write(bad, 'households.csv', `${HOUSEHOLD_HEADER}\nH1,2673400101,1,Số 1,1,0\nH2,2673400199,2,Số 2,1,0\n`);
    const r = danso(dir, 'import', '--db', db, '--households', hh, '--as-of', AS_OF);
    refused(r, EXIT.input, 'households.csv:3: area_code: no such administrative unit');
    assertSame(exported(dir, db), before, 'refused import');
    goodBaselineStillImports(dir, db);
  });

  test('a household in a unit that is not a collaborator area', (t) => {
    const dir = tmpdir(t);
    const db = unitsDb(dir);
    const before = exported(dir, db);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const hh = write(bad, 'households.csv', `${HOUSEHOLD_HEADER}\nH1,26734001,1,Số 1,1,0\n`);
    refused(danso(dir, 'import', '--db', db, '--households', hh, '--as-of', AS_OF), EXIT.input,
      'households.csv:2: area_code: a household must belong to a collaborator area');
    assertSame(exported(dir, db), before, 'refused import');
    goodBaselineStillImports(dir, db);
  });

  test('unknown unit level "hamlet"', (t) => {
    const dir = tmpdir(t);
    const db = path.join(dir, 'r.db');
    ok(danso(dir, 'init', '--db', db), 'init');
    const before = exported(dir, db);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const lines = fs.readFileSync(path.join(SMALL, 'units.csv'), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('2673700101,'));
    lines[i] = lines[i].replace(',area,', ',hamlet,');
    const units = write(bad, 'units.csv', lines.join('\n'));
    refused(danso(dir, 'import', '--db', db, '--units', units), EXIT.input,
      `units.csv:${i + 1}: level: level must be province, district, commune, village or area`);
    assertSame(exported(dir, db), before, 'refused import');
    refused(danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv')), EXIT.ok,
      'import: units: 11 added, 0 refused');
  });

  // Against what the database already holds.
  function badAgainstBaseline(t, rows, ...messages) {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    const before = exported(dir, db);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    refused(danso(dir, 'import', '--db', db, '--persons', personsCsv(bad, rows), '--as-of', AS_OF),
      EXIT.input, ...messages);
    assertSame(exported(dir, db), before, 'refused import');
    // A good second baseline still goes in.
    const fine = path.join(dir, 'fine');
    fs.mkdirSync(fine);
    refused(danso(dir, 'import', '--db', db, '--persons',
      personsCsv(fine, ['P20,H2,Lê Văn Hai Mươi,1,1960,7,01,0,1,1,,079060000020,,']), '--as-of', AS_OF),
    EXIT.ok, 'import: persons: 1 added, 0 refused');
    assert.equal(json(dir, 'person', '--db', db, 'P20').household, 'H2');
    assert.equal(json(dir, 'person', '--db', db, 'P1').full_name, 'Nguyễn Văn An');
  }

  test('a person id already in the database', (t) => {
    badAgainstBaseline(t, ['P1,H2,Người Khác,1,1970-01-01,7,01,3,2,1,,,,'], 'persons.csv:2: person_id: this id is already used');
  });

  test('a national id already used in the database', (t) => {
    badAgainstBaseline(t, ['P21,H2,Người Khác,1,1970-01-01,7,01,3,2,1,,079080000001,,'],
      'persons.csv:2: national_id: this national id is already used by another person');
  });
});

// ---- bad events: refused with file, line, field and reason; nothing is recorded ----

describe('bad events are refused and record nothing', () => {
  // Records the events into the small baseline; checks status and messages,
  // that nothing changed (not even the good lines of the file), and that
  // the fixture's events still record afterwards.
  function badEvents(t, events, messages, setup) {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    if (setup) setup(dir, db);
    const before = exported(dir, db);
    const r = danso(dir, 'events', '--db', db, ndjson(dir, events));
    refused(r, EXIT.input, ...messages);
    assert.match(r.stderr, /^events: 0 recorded, 0 already present, \d+ refused; nothing was recorded/m);
    assertSame(exported(dir, db), before, 'refused events');
    goodEventsStillRecord(dir, db);
    return { dir, db, r };
  }

  const check = (n, person, date) => ({ id: uuid(0x900 + n), type: 'elderly_check', date, person, facility: 'TYT' });

  test('a death before the birth', (t) => {
    badEvents(t, [{ id: uuid(0x901), type: 'death', date: '1979-12-31', person: 'P1' }],
      ['e.ndjson:1: date: the date is before the birth']);
  });

  test('a birth to a man', (t) => {
    badEvents(t, [check(1, 'P4', '2024-02-01'), { id: uuid(0x902), type: 'birth', date: '2024-03-05', mother: 'P1',
      child: { person_id: 'P70', full_name: 'Nguyễn Thị Bé', sex: 2 }, order: 1, place: 1 }],
    ['e.ndjson:2: mother: the mother is recorded as male']);
  });

  test('a mother aged 8', (t) => {
    const { dir, db } = badEvents(t, [{ id: uuid(0x903), type: 'birth', date: '2024-06-01', mother: 'P20',
      child: { person_id: 'P70', full_name: 'Nguyễn Thị Bé', sex: 2 }, order: 1, place: 1 }],
    ['e.ndjson:1: mother: the mother would be younger than 10'],
    (d, b) => {
      const girl = path.join(d, 'girl');
      fs.mkdirSync(girl);
      ok(danso(d, 'import', '--db', b, '--persons',
        personsCsv(girl, ['P20,H1,Nguyễn Thị Bé Tám,2,2016-01-01,3,01,1,1,1,,,,']), '--as-of', AS_OF), 'import the girl');
    });
    refused(danso(dir, 'person', '--db', db, 'P70'), EXIT.notfound);
  });

  test('a date in the future', (t) => {
    badEvents(t, [check(1, 'P4', '2026-11-22'), check(2, 'P4', '2026-11-23')], ['e.ndjson:2: date: date is in the future']);
  });

  test('an event for a person who already died', (t) => {
    badEvents(t, [{ id: uuid(0x904), type: 'death', date: '2024-04-01', person: 'P4' }, check(1, 'P4', '2024-05-01'),
      { id: uuid(0x905), type: 'death', date: '2024-06-01', person: 'P4' }],
    ['e.ndjson:2: person: the person had died or left before this date',
      'e.ndjson:3: person: the person has already died']);
  });

  test('an unknown member', (t) => {
    badEvents(t, [{ ...check(1, 'P4', '2024-05-01'), colour: 'red' }], ['e.ndjson:1: colour: unknown member']);
  });

  test('invalid JSON', (t) => {
    badEvents(t, [check(1, 'P4', '2024-05-01'), '{"id":"' + uuid(0x906) + '","type":"death",'],
      ['e.ndjson:2: not valid JSON']);
  });

  test('an unknown person', (t) => {
    badEvents(t, [{ id: uuid(0x907), type: 'death', date: '2024-04-01', person: 'P404' }],
      ['e.ndjson:1: person: no such person']);
  });

  test('an event id reused with different content', (t) => {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    const change = (n, date, address) => ({ id: uuid(0x900 + n), type: 'household_change', date, household: 'H1', address });
    ok(danso(dir, 'events', '--db', db, ndjson(dir, [change(1, '2024-05-01', 'Số 1')], 'first.ndjson')), 'first event');
    const before = exported(dir, db);
    // The same event again, members in another order: accepted and ignored.
    const same = { address: 'Số 1', household: 'H1', date: '2024-05-01', type: 'household_change', id: uuid(0x901) };
    const r0 = danso(dir, 'events', '--db', db, ndjson(dir, [same], 'same.ndjson'));
    assert.equal(r0.status, 0, r0.stderr);
    assert.match(r0.stderr, /^events: 0 recorded, 1 already present, 0 refused /m);
    // Different content under the same id: refused, and so is the whole file.
    const r = danso(dir, 'events', '--db', db, ndjson(dir, [change(2, '2024-05-01', 'Số 2'), change(1, '2024-05-01', 'Số 3')]));
    refused(r, EXIT.input, 'e.ndjson:2: id: this event id was already used for a different event');
    assertSame(exported(dir, db), before, 'refused events');
    // Within one file too.
    const r2 = danso(dir, 'events', '--db', db, ndjson(dir, [change(3, '2024-06-01', 'Số 4'), change(3, '2024-06-02', 'Số 4')]));
    refused(r2, EXIT.input, 'e.ndjson:2: id: this event id was already used for a different event');
    assertSame(exported(dir, db), before, 'refused events');
    goodEventsStillRecord(dir, db);
  });
});

// ---- --keep-good ----

describe('--keep-good', () => {
  test('import applies the good rows and writes the bad ones with their reasons', (t) => {
    const dir = tmpdir(t);
    const db = unitsDb(dir);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const rows = [
      'P1,H1,"Nguyễn, Văn An",1,1980-05-01,1,01,3,2,1,,079080000001,,',
      'P2,H1,Bad Sex,3,1980-05-01,1,01,3,2,1,,,,',
      'P3,H1,Few,1',
      'P4,H9,"No ""Household""",1,1980-05-01,1,01,3,2,1,,,,',
      'P5,H2,Ok,2,1950,1,01,0,3,1,,,,',
    ];
    const rejects = path.join(dir, 'rejects.csv');
    const r = danso(dir, 'import', '--db', db, '--households', path.join(SMALL, 'households.csv'),
      '--persons', personsCsv(bad, rows), '--as-of', AS_OF, '--keep-good', '--rejects', rejects);
    refused(r, EXIT.partial, 'persons.csv:3: sex: unknown code', 'persons.csv:4: wrong number of columns',
      'persons.csv:5: household_id: no such household',
      'import: households: 3 added, 0 refused', 'import: persons: 2 added, 3 refused');
    assert.match(r.stderr, /refused rows are in the rejects file$/m);
    assert.deepEqual(parseCsv(fs.readFileSync(rejects, 'utf8')), [
      ['file', 'line', 'field', 'code', 'reason', 'row'],
      ['persons.csv', '3', 'sex', 'bad_code', 'unknown code', rows[1]],
      ['persons.csv', '4', '', 'csv_columns', 'wrong number of columns', rows[2]],
      ['persons.csv', '5', 'household_id', 'no_household', 'no such household', rows[3]],
    ]);
    assert.equal(json(dir, 'person', '--db', db, 'P1').full_name, 'Nguyễn, Văn An');
    assert.equal(json(dir, 'person', '--db', db, 'P5').household, 'H2');
    for (const id of ['P2', 'P3', 'P4'])
      refused(danso(dir, 'person', '--db', db, id), EXIT.notfound, `danso person: no person with id ${id}`);
    assert.equal(json(dir, 'household', '--db', db, 'H3').members.length, 0);
  });

  test('a second baseline into a register that has persons: found by name, given name and national id; ids already used refused', (t) => {
    // A district's baseline added to the province's register: the rows go
    // in batches and the search keys sorted, between the register's own.
    const found = (d, b, ...args) => {
      const f = danso(d, 'find', '--db', b, '--json', ...args);
      return f.status === 0 ? JSON.parse(f.stdout).map((p) => p.id).sort() : f.status;
    };
    const dir = tmpdir(t);
    const db = fullDb(dir);
    const more = path.join(dir, 'more');
    fs.mkdirSync(more);
    const rows = [
      'P100,H1,Võ Văn Tám,1,1970-01-01,5,01,3,2,1,,079080000001,,',
      'P101,H2,Hồ Thị Chín,2,1990-02-02,5,01,3,2,1,,079190000099,,',
      'P1,H2,Hồ Thị Mười,2,1991-02-02,5,01,3,2,1,,,,',
      'P102,H3,Nguyễn Văn Mạnh,1,1992-03-03,5,01,3,2,1,,,,',
    ];
    const r = danso(dir, 'import', '--db', db, '--persons', personsCsv(more, rows), '--as-of', AS_OF,
      '--keep-good', '--rejects', path.join(dir, 'rejects.csv'));
    refused(r, EXIT.partial, 'persons.csv:2: national_id: this national id is already used by another person',
      'persons.csv:4: person_id: this id is already used', 'import: persons: 2 added, 2 refused');
    assert.deepEqual(found(dir, db, 'ho thi chin'), ['P101']);
    assert.deepEqual(found(dir, db, 'chin'), ['P101'], 'by the given name alone');
    assert.deepEqual(found(dir, db, 'nguyen van'), ['P1', 'P102', 'P3'], 'beside the register\'s own');
    assert.equal(found(dir, db, 'vo van tam'), EXIT.notfound);
    assert.equal(json(dir, 'person', '--db', db, 'P101').national_id, '079190000099');
    assert.equal(json(dir, 'person', '--db', db, 'P1').full_name, 'Nguyễn Văn Ân', 'P1 unchanged');
    // The national id now taken is refused to the next row that gives it.
    const again = danso(dir, 'import', '--db', db, '--persons',
      personsCsv(more, ['P103,H1,Lý Văn Một,1,1980-01-01,5,01,3,2,1,,079190000099,,']), '--as-of', AS_OF);
    refused(again, EXIT.input, 'persons.csv:2: national_id: this national id is already used by another person');
  });

  test('import: a row with broken quoting goes to the rejects file as it was written', (t) => {
    const dir = tmpdir(t);
    const db = unitsDb(dir);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const rows = ['P1,H1,Few,1', 'P2,H1,"Open quote,1,1980-05-01,1,01,3,2,1,,,,', 'P3,H1,Ok,1,1980-05-01,1,01,3,2,1,,,,'];
    const rejects = path.join(dir, 'rejects.csv');
    const r = danso(dir, 'import', '--db', db, '--households', path.join(SMALL, 'households.csv'),
      '--persons', personsCsv(bad, rows), '--as-of', AS_OF, '--keep-good', '--rejects', rejects);
    refused(r, EXIT.partial, 'persons.csv:3: full_name: unbalanced quotes: a quoted field is never closed');
    const got = parseCsv(fs.readFileSync(rejects, 'utf8'));
    assert.deepEqual(got[2], ['persons.csv', '3', 'full_name', 'csv_quote',
      'unbalanced quotes: a quoted field is never closed', rows[1]]);
    assert.equal(json(dir, 'person', '--db', db, 'P3').full_name, 'Ok');
  });

  test('events: good events committed, refused ones written as JSON with the original event', (t) => {
    const dir = tmpdir(t);
    const db = baselineDb(dir);
    const good1 = { id: uuid(0xa01), type: 'elderly_check', date: '2024-05-01', person: 'P4', facility: 'TYT xã' };
    const young = { id: uuid(0xa02), type: 'elderly_check', date: '2024-05-01', person: 'P1', facility: 'TYT' };
    const nobody = { id: uuid(0xa03), type: 'death', date: '2024-04-01', person: 'P404' };
    const good2 = { id: uuid(0xa04), type: 'death', date: '2024-06-01', person: 'P4' };
    const garbage = '{"id": oops}';
    const rejects = path.join(dir, 'rejects.ndjson');
    const r = danso(dir, 'events', '--db', db, '--keep-good', '--rejects', rejects,
      ndjson(dir, [good1, young, garbage, nobody, good2]));
    refused(r, EXIT.partial, 'e.ndjson:2: person: the person is younger than 60', 'e.ndjson:3: not valid JSON',
      'e.ndjson:4: person: no such person');
    assert.match(r.stderr, /^events: 2 recorded, 0 already present, 3 refused \(/m);
    assert.equal(r.stdout, 'committed through line 5\n');
    const rj = fs.readFileSync(rejects, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(rj, [
      { line: 2, field: 'person', code: 'not_elderly', reason: 'the person is younger than 60', event: young },
      { line: 3, field: '', code: 'json_syntax', reason: 'not valid JSON', event: garbage },
      { line: 4, field: 'person', code: 'no_person', reason: 'no such person', event: nobody },
    ]);
    assert.deepEqual(exportedEvents(dir, db).map((e) => e.id), [good1.id, good2.id]);
    assert.equal(json(dir, 'person', '--db', db, 'P4').status, 'died');
  });
});

// ---- idempotency, crash safety, round trip ----

describe('events are recorded exactly once', () => {
  test('importing the same events twice records them once; the export is byte-identical', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    const before = exported(dir, db);
    const r = danso(dir, 'events', '--db', db, path.join(SMALL, 'events.ndjson'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^events: 0 recorded, 17 already present, 0 refused \(/m);
    assertSame(exported(dir, db), before, 'second run');
    const k = danso(dir, 'events', '--db', db, '--keep-good', '--rejects', path.join(dir, 'rj.ndjson'),
      path.join(SMALL, 'events.ndjson'));
    assert.equal(k.status, 0, k.stderr);
    assert.match(k.stderr, /^events: 0 recorded, 17 already present, 0 refused \(/m);
    assertSame(exported(dir, db), before, 'third run, --keep-good');
  });

  test('kill -9 during a long --keep-good run loses nothing committed; a re-run completes it once', { timeout: 150_000 }, async (t) => {
    const dir = tmpdir(t);
    // A baseline of persons aged 60+ (born 1930-1959), three to a household.
    // Spread over many persons: checking an event replays its person's
    // history, so a few hundred persons with ~700 checks each take minutes.
    const NP = 10_000, NE = 200_000, BATCH = 20_000;
    const hh = [HOUSEHOLD_HEADER], pp = [PERSON_HEADER];
    for (let i = 0; i < NP / 2; i++) hh.push(`G${i},${i % 2 ? '2673700101' : '2673400101'},${i + 1},Số ${i + 1},1,0`);
    for (let i = 0; i < NP; i++)
      pp.push(`G${i},G${i >> 1},Người Cao Tuổi ${i},${1 + (i % 2)},${1930 + (i % 30)}${i % 3 ? '' : '-06-15'},${i % 2 ? 2 : 1},01,0,2,1,,,,`);
    write(dir, 'households.csv', hh.join('\n') + '\n');
    write(dir, 'persons.csv', pp.join('\n') + '\n');
    const db = path.join(dir, 'r.db');
    ok(danso(dir, 'init', '--db', db), 'init');
    refused(danso(dir, 'import', '--db', db, '--units', path.join(SMALL, 'units.csv'), '--households', 'households.csv',
      '--persons', 'persons.csv', '--as-of', AS_OF), EXIT.ok, `import: persons: ${NP.toLocaleString('en')} added, 0 refused`);
    // elderly_check events with fresh UUIDs over 2024-01-02 .. 2026-11-20.
    const d0 = Date.UTC(2024, 0, 2), days = (Date.UTC(2026, 10, 20) - d0) / 86_400_000;
    const ids = [], lines = [];
    for (let i = 0; i < NE; i++) {
      const id = crypto.randomUUID();
      const date = new Date(d0 + Math.floor((i * days) / NE) * 86_400_000).toISOString().slice(0, 10);
      ids.push(id);
      lines.push(JSON.stringify({ id, type: 'elderly_check', date, person: `G${(i * 7919) % NP}`, facility: 'TYT' }));
    }
    write(dir, 'checks.ndjson', lines.join('\n') + '\n');

    // First run: killed as soon as a batch is reported committed.
    const child = spawn(BIN, ['events', '--db', db, '--keep-good', '--rejects', 'rejects.ndjson', 'checks.ndjson'],
      { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '', killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s) => {
      out += s;
      if (!killed && /committed through line \d+\n/.test(out)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const [code, signal] = await new Promise((res) => child.on('exit', (c, s) => res([c, s])));
    assert.equal(signal, 'SIGKILL', `the run was killed (exit ${code}, stdout ${JSON.stringify(out)})`);
    const reported = [...out.matchAll(/committed through line (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(reported.length >= 1 && reported[0] === BATCH, `first report after ${BATCH} lines: ${out}`);
    const last = reported.at(-1);

    // Every event through the last reported line is there, and only whole
    // batches from the start of the file.
    const after = exportedEvents(dir, db).map((e) => e.id);
    assert.ok(after.length >= last, `${after.length} events present, ${last} reported committed`);
    assert.equal(after.length % BATCH, 0, 'only whole batches are committed');
    assert.ok(after.length < NE, 'the run was killed before the end');
    assert.deepEqual(after, ids.slice(0, after.length), 'the committed events are the first lines, in order');
    t.diagnostic(`killed after "committed through line ${last}"; ${after.length} of ${NE} events were committed`);

    // Second run: completes, recording the rest once.
    const r = danso(dir, 'events', '--db', db, '--keep-good', '--rejects', 'rejects.ndjson', 'checks.ndjson');
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const fmt = (n) => n.toLocaleString('en');
    assert.match(r.stderr, new RegExp(`^events: ${fmt(NE - after.length)} recorded, ${fmt(after.length)} already present, 0 refused `, 'm'));
    assert.match(r.stdout, new RegExp(`committed through line ${NE}\n$`));
    assert.equal(fs.readFileSync(path.join(dir, 'rejects.ndjson'), 'utf8'), '');
    const all = exportedEvents(dir, db);
    assert.equal(all.length, NE, 'every event is there');
    assert.equal(new Set(all.map((e) => e.id)).size, NE, 'exactly once');
    assert.deepEqual(all.map((e) => e.id), ids, 'in the order of the file');
    assert.deepEqual(all[NE - 1], JSON.parse(lines[NE - 1]), 'as sent');
  });

  test('export, import into a fresh database, export again: byte-identical files', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    const out1 = path.join(dir, 'out1'), out2 = path.join(dir, 'out2');
    ok(danso(dir, 'export', '--db', db, '--out', out1), 'export 1');
    const manifest = JSON.parse(fs.readFileSync(path.join(out1, 'manifest.json'), 'utf8'));
    assert.equal(manifest.as_of, AS_OF);
    assert.equal(manifest.events, 17);
    const db2 = path.join(dir, 'copy.db');
    ok(danso(dir, 'init', '--db', db2), 'init copy');
    ok(danso(dir, 'import', '--db', db2, '--units', path.join(out1, 'units.csv'),
      '--households', path.join(out1, 'households.csv'), '--persons', path.join(out1, 'persons.csv'),
      '--as-of', manifest.as_of), 'import the export');
    const ev = danso(dir, 'events', '--db', db2, path.join(out1, 'events.ndjson'));
    assert.equal(ev.status, 0, ev.stderr);
    assert.match(ev.stderr, /^events: 17 recorded, 0 already present, 0 refused /m);
    ok(danso(dir, 'export', '--db', db2, '--out', out2), 'export 2');
    const names = fs.readdirSync(out1).sort();
    assert.deepEqual(fs.readdirSync(out2).sort(), names);
    assert.deepEqual(names, ['events.ndjson', 'households.csv', 'manifest.json', 'persons.csv', 'units.csv']);
    for (const f of names) {
      const a = fs.readFileSync(path.join(out1, f)), b = fs.readFileSync(path.join(out2, f));
      assert.ok(a.equals(b), `${f} differs:\n${a}\n---\n${b}`);
    }
    // The copy says the same about people as the original.
    for (const id of ['P1', 'P4', 'P7', 'P8']) {
      const p = json(dir, 'person', '--db', db, id), q = json(dir, 'person', '--db', db2, id);
      for (const k of ['full_name', 'birth_date', 'household', 'status']) assert.equal(q[k], p[k], `${id}.${k}`);
    }
  });
});

// ---- reading: find, person, household ----

describe('find, person and household', () => {
  const found = (dir, db, ...args) => {
    const r = danso(dir, 'find', '--db', db, '--json', ...args);
    return r.status === 0 ? JSON.parse(r.stdout).map((p) => p.id).sort() : r.status;
  };

  test('find ignores diacritics and case', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    assert.deepEqual(found(dir, db, 'nguyen van'), ['P1', 'P3']);
    assert.deepEqual(found(dir, db, 'nguyen', 'van'), ['P1', 'P3'], 'the words may be separate arguments');
    assert.deepEqual(found(dir, db, 'NGUYỄN VĂN'), ['P1', 'P3']);
    assert.deepEqual(found(dir, db, 'Nguyễn Văn Ân'), ['P1'], 'the name as corrected by info_change');
    assert.deepEqual(found(dir, db, 'đặng'), ['P6']);
    assert.deepEqual(found(dir, db, 'dang'), ['P6']);
    assert.deepEqual(found(dir, db, 'ĐẶNG THỊ PHƯƠNG'), ['P6']);
    assert.deepEqual(found(dir, db, 'dang thi phuong'), ['P6']);
    assert.deepEqual(found(dir, db, 'phuong'), ['P6'], 'a single word finds the given name');
    const r = danso(dir, 'find', '--db', db, 'dang');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^P6 +Đặng Thị Phương +1995-12-31 H3$/m);
    const left = danso(dir, 'find', '--db', db, 'nguyen van cuong');
    assert.match(left.stdout, /^P3 +Nguyễn Văn Cường +2010-09-09 H1 +\(left\)$/m, 'a person who moved out is marked');
  });

  test('find --born keeps the persons born that year', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    assert.deepEqual(found(dir, db, '--born', '2010', 'nguyen van'), ['P3']);
    assert.deepEqual(found(dir, db, '--born', '1980', 'nguyen van'), ['P1']);
    assert.deepEqual(found(dir, db, '--born', '1950', 'le thi dung'), ['P4'], 'a year-only birth date');
    assert.equal(found(dir, db, '--born', '1999', 'nguyen van'), EXIT.notfound);
    assert.deepEqual(found(dir, db, '--limit', '1', 'nguyen van').length, 1);
  });

  test('person shows the dated history', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    const p8 = json(dir, 'person', '--db', db, 'P8');
    assert.equal(p8.household, 'H2');
    assert.equal(p8.entered, '2024-04-02');
    assert.deepEqual(p8.history.map((h) => [h.event.date, h.event.type, h.event.id]), [
      ['2024-04-02', 'move_in', uuid(4)],
      ['2024-10-01', 'transfer', uuid(9)],
    ]);
    const text = danso(dir, 'person', '--db', db, 'P8');
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^P8  Võ Văn Giang$/m);
    assert.match(text.stdout, /^  2024-04-02  Move in .*"origin":"01\/00004"/m);
    assert.match(text.stdout, /^  2024-10-01  Transfer between households +\{"household":"H2","person":"P8"\}$/m);
    // A voided event stays in the history, marked.
    const p4 = json(dir, 'person', '--db', db, 'P4');
    const voided = p4.history.find((h) => h.event.id === uuid(12));
    assert.ok(voided && voided.voided_by, 'the cancelled elderly check is marked voided');
    assert.match(danso(dir, 'person', '--db', db, 'P4').stdout, /^  2024-03-15  .*\[voided\]$/m);
  });

  test('a transfer appears in both households\' views', (t) => {
    const dir = tmpdir(t);
    const db = fullDb(dir);
    const h2 = json(dir, 'household', '--db', db, 'H2');
    const h3 = json(dir, 'household', '--db', db, 'H3');
    assert.ok(h2.members.some((m) => m.id === 'P8'), 'P8 is a member of H2 now');
    assert.ok(!h3.members.some((m) => m.id === 'P8'), 'P8 is no longer a member of H3');
    assert.ok(h2.history.some((h) => h.event.id === uuid(9)), 'H2 (arrival) lists the transfer');
    assert.ok(h3.history.some((h) => h.event.id === uuid(4)), 'H3 lists the move_in');
    assert.ok(h3.history.some((h) => h.event.id === uuid(9)), 'H3 (departure) lists the transfer');
    assert.deepEqual(h2.poverty_by_year, { 2025: 1 }, 'household_change applies');
    const text = danso(dir, 'household', '--db', db, 'H2');
    assert.match(text.stdout, /^  2024-10-01  Transfer between households/m);
  });
});
