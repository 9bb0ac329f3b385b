// The monthly cycle's figures (docs/BENCHMARKS.md, issue 12): the time to
// submit a commune's report, and the time to compute the province's
// timeliness page over twelve months, on a copy of a generated province.
//
//   node bench/cycle.mjs DB [--today 2027-01-20] [--from 2026-01] [--to 2026-12] [--keep FILE]
//
// DB is a SQLite file with a generated province imported (it is copied
// first; the copy is removed at the end).  The server runs with
// DANSO_TODAY=--today.  Every commune of the province (on the last
// period's map) gets an officer; for each month each commune submits
// through the API (one in ten is left missing), one officer at a time,
// then the last two months with eight officers at once; a province officer
// approves nine in ten of the submissions and returns the others with a
// comment.  Then GET /api/v1/cycle/timeliness is timed for the twelve
// months as JSON, CSV and XLSX, and for one month; and `danso status` for
// one month from the command line (which loads the register first).
// Last, events are recorded beside the server with `danso events` (as a
// commune's slips entered at the office would be) and the page timed
// again: first 5,000 elderly checks dated after the twelve months, then
// 200 dated in them; each unit's state on the page is checked against the
// state its own report gives (which compares every approved value).
// --keep FILE keeps the database with its submissions (for a profile).
// DANSO_TODAY is after every deadline, so every submission is late: the
// page's cost does not depend on it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const src = args[0];
if (!src || !fs.existsSync(src)) {
  console.error('usage: node bench/cycle.mjs DB [--today YYYY-MM-DD] [--from YYYY-MM] [--to YYYY-MM] [--keep FILE]');
  process.exit(2);
}
const bin = path.resolve(process.env.BIN || 'build/danso');
const TODAY = opt('today', '2027-01-20');
const FROM = opt('from', '2026-01');
const TO = opt('to', '2026-12');
const env = { ...process.env, DANSO_TODAY: TODAY };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-cycle-bench-'));
const db = path.join(work, 'c.db');
for (const ext of ['', '-wal']) if (fs.existsSync(src + ext)) fs.copyFileSync(src + ext, db + ext);
const run = (...a) => execFileSync(bin, a, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const months = [];
for (let [y, m] = FROM.split('-').map(Number); `${y}-${String(m).padStart(2, '0')}` <= TO; m === 12 ? (y++, m = 1) : m++)
  months.push(`${y}-${String(m).padStart(2, '0')}`);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `n=${s.length} median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1)} ms`;
};

let server;
process.on('exit', () => { server?.kill('SIGTERM'); fs.rmSync(work, { recursive: true, force: true }); });

const pw = {};
const addUser = (login, role, unit) => {
  const f = path.join(work, `${login}.pw`);
  run('user', 'add', '--db', db, '--login', login, '--role', role, '--unit', unit, '--password-file', f);
  pw[login] = fs.readFileSync(f, 'utf8').trim();
};

const port = 18000 + (process.pid % 1000);
const base = `http://127.0.0.1:${port}`;
async function login(name) {
  const r = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: name, password: pw[name] }) });
  if (r.status !== 200) throw new Error(`login ${name}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  return {
    get: async (p) => fetch(base + p, { headers: { Cookie: cookie } }),
    post: async (p, body) => fetch(base + p, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

const t0 = process.hrtime.bigint();
addUser('tinh', 'province', '79');
// The communes of the last period's map, from the province's report.
const rep = JSON.parse(run('report', '--db', db, '--form', '01-DSX', '--unit', '79', '--period', TO, '--format', 'json'));
const communes = rep.columns.filter((c) => !c.total).map((c) => c.code);
const tu = process.hrtime.bigint();
for (const c of communes) addUser(`xa${c}`, 'commune', c);
console.log(`${communes.length} communes, ${months.length} months (${FROM}..${TO}), today ${TODAY}; accounts made in ${(ms(tu) / 1000).toFixed(1)} s`);

server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const ts = process.hrtime.bigint();
for (let i = 0; i < 3000; i++) {
  try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* loading */ }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(`server answering after ${(ms(ts) / 1000).toFixed(1)} s (the register loaded)`);
const prov = await login('tinh');
const officer = {};
for (const c of communes) officer[c] = await login(`xa${c}`);

// Submissions: one officer at a time for all but the last two months, then eight at once.
const missing = (i, j) => (j * 7 + i) % 10 === 0;
const submitted = [];
const one = async (p, c) => {
  const t = process.hrtime.bigint();
  const r = await officer[c].post('/api/v1/cycle/submit', { unit: c, period: p });
  const d = ms(t);
  if (r.status !== 201) throw new Error(`submit ${c} ${p}: ${r.status} ${await r.text()}`);
  submitted.push([p, c]);
  return d;
};
const serial = [];
const split = Math.max(0, months.length - 2);
for (let i = 0; i < split; i++)
  for (let j = 0; j < communes.length; j++) if (!missing(i, j)) serial.push(await one(months[i], communes[j]));
console.log(`submit, one officer at a time: ${stats(serial)}`);
const queue = [];
for (let i = split; i < months.length; i++)
  for (let j = 0; j < communes.length; j++) if (!missing(i, j)) queue.push([months[i], communes[j]]);
const par = [];
const tp = process.hrtime.bigint();
await Promise.all(Array.from({ length: 8 }, async () => { for (let x; (x = queue.shift());) par.push(await one(...x)); }));
const wall = ms(tp);
if (par.length) console.log(`submit, eight officers at once: ${stats(par)}; ${par.length} in ${(wall / 1000).toFixed(2)} s = ${(par.length / wall * 1000).toFixed(0)}/s`);

// Decisions: nine in ten approved, the others returned with a comment.
const dec = [];
for (let k = 0; k < submitted.length; k++) {
  const [p, c] = submitted[k];
  const t = process.hrtime.bigint();
  const r = k % 10 === 9 ? await prov.post('/api/v1/cycle/return', { unit: c, period: p, comment: 'Kiểm tra lại số sinh' })
    : await prov.post('/api/v1/cycle/approve', { unit: c, period: p });
  dec.push(ms(t));
  if (r.status !== 201) throw new Error(`decide ${c} ${p}: ${r.status} ${await r.text()}`);
}
console.log(`approve or return: ${stats(dec)}`);

// The timeliness page.
const time = async (label, p, n) => {
  const xs = [];
  let body;
  for (let k = 0; k < n; k++) {
    const t = process.hrtime.bigint();
    const r = await prov.get(p);
    body = Buffer.from(await r.arrayBuffer());
    xs.push(ms(t));
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${body}`);
  }
  console.log(`${label}: ${stats(xs)}; ${body.length} bytes`);
  return body;
};
const year = `/api/v1/cycle/timeliness?unit=79&from=${FROM}&to=${TO}`;
const j = JSON.parse(await time(`timeliness, ${communes.length} communes x ${months.length} months, JSON`, year, 7));
const sum = j.summary.reduce((a, s) => { for (const k of ['units', 'submitted', 'on_time', 'late', 'missing', 'returned', 'approved', 'revised']) a[k] = (a[k] || 0) + s[k]; return a; }, {});
console.log(`rows: ${j.units.length}; ${JSON.stringify(sum)}`);
await time('the same as CSV', `${year}&format=csv`, 5);
await time('the same as XLSX', `${year}&format=xlsx`, 5);
await time(`timeliness, one month (${TO}), JSON`, `/api/v1/cycle/timeliness?unit=79&period=${TO}`, 7);
await time(`a commune's report of the cycle (${communes[0]}, ${TO})`, `/api/v1/cycle/report?unit=${communes[0]}&period=${TO}`, 7);
// Events recorded after the approvals: first 5,000 elderly checks dated
// after the twelve months (the next month's work: nothing of the months
// changes), then 200 dated in them (late events: some reports change).
// Written with `danso events` beside the server, which follows the log.
// The persons are the imported ones born before 1960 who are still there
// (present since the register's start); an event the register refuses
// (one who was away on its date) goes to the rejects file and is counted.
const health = async () => (await (await fetch(`${base}/health`)).json()).event_sequence;
let batch = 0;
const ingest = async (label, dates) => {
  const born = Date.UTC(1960, 0, 1) / 86400000;
  const ids = execFileSync('sqlite3', [db, `SELECT id FROM person WHERE exit_day IS NULL AND birth < ${born} ORDER BY rid LIMIT ${dates.length}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const file = path.join(work, 'late.ndjson');
  const stamp = String(Date.now()).slice(-6);
  batch++;
  fs.writeFileSync(file, ids.map((id, k) => JSON.stringify({ id: `00000000-0000-4000-8${String(batch).padStart(3, '0')}-${stamp}${String(k).padStart(6, '0')}`,
    type: 'elderly_check', date: dates[k], person: id })).join('\n') + '\n');
  const before = await health();
  const out = spawnSync(bin, ['events', '--db', db, '--keep-good', '--rejects', path.join(work, 'rejects.ndjson'), file], { env, encoding: 'utf8' });
  const count = (what) => Number((new RegExp(`([\\d,]+) ${what}`).exec(out.stderr) || [0, '0'])[1].replace(/,/g, ''));
  const recorded = count('recorded');
  if (!recorded) throw new Error(`danso events: ${out.stderr}`);
  for (let i = 0; i < 600 && (await health()) < before + recorded; i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`${label}: ${recorded} recorded, ${count('refused')} refused`);
  const y = JSON.parse(await time(`timeliness, ${months.length} months, JSON, after ${label}`, year, 5));
  // Each state against the report's own, which compares every approved value.
  let same = 0;
  const differ = [];
  for (const u of y.units) {
    const r = await (await prov.get(`/api/v1/cycle/report?unit=${u.unit}&period=${u.period}`)).json();
    if (r.state === u.state) same++;
    else differ.push(`${u.unit} ${u.period}: ${u.state} / ${r.state}`);
  }
  console.log(`  revised: ${y.summary.reduce((a, x) => a + x.revised, 0)}; states equal to each report's: ${same}/${y.units.length}${differ.length ? `; differ: ${differ.join(', ')}` : ''}`);
};
const after = new Date(`${TODAY}T00:00:00Z`);
after.setUTCDate(after.getUTCDate() - 10);
await ingest('5,000 events dated after the months', Array.from({ length: 5000 }, () => after.toISOString().slice(0, 10)));
await ingest('200 more dated in the months', Array.from({ length: 200 }, (_, k) => `${months[k % months.length]}-15`));
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
server = null;
const tc = process.hrtime.bigint();
run('status', '--db', db, '--unit', '79', '--period', TO, '--format', 'json');
console.log(`danso status --unit 79 --period ${TO} (loads the register): ${(ms(tc) / 1000).toFixed(2)} s`);
console.log(`total ${(ms(t0) / 1000).toFixed(0)} s`);
if (opt('keep')) fs.copyFileSync(db, opt('keep'));
