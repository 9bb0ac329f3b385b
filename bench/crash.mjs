// Crashes under load (issue 11): N rounds of `danso serve` killed with
// SIGKILL at a random moment while writers record events and readers read
// personal data, then a check of the store against what the clients were
// told:
//   - every acknowledged event (201 recorded, or 200 duplicate, alone or
//     in a batch) is in the event log exactly once, under the sequence
//     number it was acknowledged with (lost 0, duplicated 0);
//   - every read answered 200 has its audit rows (reads without an audit
//     row 0).
// Events whose answer was cut off by a kill are sent again, unchanged, in
// the next round, as a client would; the answer must then be "recorded" or
// "duplicate", never a conflict.
//
// The audit rule.  Each answered read names the rows the access log must
// hold for it, from the answer itself: a person read (login, read, person,
// id); a history read_history; a household read the household and each
// member listed; an event read the event and the person it names
// (read_event); a search each person listed; a household list each
// household listed (list); the balancing check each item's person (check).
// A row counts for an answer when its login, action, object and id are the
// same and its time (the server's second) lies within the request's time
// on the client, a second either side; rows and answers are paired one to
// one (two answers need two rows), earliest deadline first, which pairs as
// many as can be paired.  Every reader has its own login.
//
//   node bench/crash.mjs [--rounds 200] [--seconds 1800] [--writers 4]
//        [--readers 4] [--load MIN-MAX (ms, default 100-1500)] [--seed N]
//        [--pg [URL template]] [--keep] [--quiet] [--json]
// DANSO_BIN names the binary (default build/danso; build-san/danso for the
// sanitizers).  --pg uses a new database on the PostgreSQL of the URL
// template (postgresql:///%s?host=...; default DANSO_TEST_PG), as the
// tests do.  Exits 1 when anything was lost, duplicated or left unaudited,
// or when the server died by itself.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeDb, addUser, startServer, bin, login, OBJ, SEARCH_NAME, sleep } from '../tests/api/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---- the fixture: the API tests' register, plus elderly persons to write about ----

// Extra households, one per class of scope, each with elderly persons that
// the writers record elderly checks for (any number of them is valid).
const EXTRA = [
  { cls: 'A', hh: 'CRA', area: OBJ.A.area, number: '90' },
  { cls: 'B', hh: 'CRB', area: OBJ.B.area, number: '91' },
  { cls: 'D', hh: 'CRD', area: OBJ.D.area, number: '92' },
];
const ELDERS_PER_HH = 12;

function amendFixture(fx) {
  const hh = EXTRA.map((e) => `${e.hh},${e.area},${e.number},Số ${e.number},1,0`).join('\n') + '\n';
  fs.appendFileSync(`${fx}/households.csv`, hh);
  const persons = [];
  for (const e of EXTRA)
    for (let i = 1; i <= ELDERS_PER_HH; i++)
      persons.push(`${e.hh}${i},${e.hh},Lê Văn Thọ,${1 + (i % 2)},194${i % 10}-0${1 + (i % 9)}-15,${i === 1 ? 1 : 8},01,1,2,1,,,,`);
  fs.appendFileSync(`${fx}/persons.csv`, persons.join('\n') + '\n');
}

const elders = (cls) => {
  const e = EXTRA.find((x) => x.cls === cls);
  return e ? Array.from({ length: ELDERS_PER_HH }, (_, i) => `${e.hh}${i + 1}`) : [];
};

// Who sees what: the classes of scope of lib.mjs (A and B in commune 26740,
// C in its province, D in another province).
const READER_ROLES = [
  { role: 'province', unit: '79', sees: ['A', 'B', 'C'] },
  { role: 'national', unit: '', sees: ['A', 'B', 'C', 'D'] },
  { role: 'commune', unit: '26740', sees: ['A', 'B'] },
];
const WRITER_UNITS = [
  { unit: '26740', classes: ['A', 'B'] },
  { unit: '00004', classes: ['D'] },
];
const HOUSEHOLDS = { A: ['H1', 'H6', 'CRA'], B: ['H3', 'CRB'], C: ['H5'], D: ['H9', 'CRD'] };

// ---- small helpers ----

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function query(db, sql) {
  const pg = db.startsWith('postgresql:');
  const r = pg
    ? spawnSync('psql', [db, '-AtqF', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync('sqlite3', ['-batch', '-separator', '\t', db, sql], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`query failed: ${sql}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

// ---- the clients ----

// The rows an answered read must have in the audit log, from its answer.
const READS = [
  { kind: 'person', weight: 30, url: (s) => `/api/v1/persons/${s.person}`, rows: (b) => [['read', 'person', b.id]] },
  { kind: 'history', weight: 8, url: (s) => `/api/v1/persons/${s.fixed}/history`, rows: (b) => [['read_history', 'person', b.id]] },
  {
    kind: 'household', weight: 15, url: (s) => `/api/v1/households/${s.household}`,
    rows: (b) => [['read', 'household', b.id], ...(b.members || []).map((m) => ['read', 'person', m.id])],
  },
  {
    kind: 'event', weight: 20, url: (s) => `/api/v1/events/${s.event}`,
    rows: (b, s) => [['read', 'event', s.event], ...(typeof b.event?.person === 'string' ? [['read_event', 'person', b.event.person]] : [])],
  },
  {
    kind: 'search', weight: 10, url: (s) => `/api/v1/persons?q=${encodeURIComponent(SEARCH_NAME)}&size=${s.size}&page=${s.page}`,
    rows: (b) => b.items.map((i) => ['search', 'person', i.id]),
  },
  { kind: 'list', weight: 10, url: (s) => `/api/v1/households?area=${s.area}`, rows: (b) => b.items.map((i) => ['list', 'household', i.id]) },
  {
    kind: 'check', weight: 4, url: () => '/api/v1/check?unit=26740&period=2026',
    rows: (b) => (b.units || []).flatMap((u) => (u.items || []).map((i) => ['check', 'person', i.person])),
  },
];
const READ_WEIGHT = READS.reduce((a, r) => a + r.weight, 0);

class Run {
  constructor(o) {
    Object.assign(this, o);
    this.rand = rng(o.seed);
    this.events = new Map(); // id -> {id, body, cls, seq, sends}
    this.acked = { A: [], B: [], C: [], D: [] }; // acknowledged event ids by class, for readers
    this.expect = new Map(); // "login\taction\tobject\tid" -> [[from, to, answer#]]
    this.answers = 0;
    this.answersByKind = {};
    this.ackAnswers = 0;
    this.resent = 0;
    this.cutOff = 0;
    this.seqMismatch = 0;
    this.unexpected = {};
    this.clientErrors = 0;
  }

  pick(a) { return a[Math.floor(this.rand() * a.length)]; }

  note(what) { this.unexpected[what] = (this.unexpected[what] || 0) + 1; }

  newEvent(w) {
    const cls = this.pick(w.classes);
    const day = 1 + Math.floor(this.rand() * 300);
    const date = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
    const ev = { id: crypto.randomUUID(), type: 'elderly_check', date, person: this.pick(elders(cls)), facility: 'TYT' };
    const rec = { id: ev.id, body: ev, cls, seq: null, sends: 0 };
    this.events.set(ev.id, rec);
    return rec;
  }

  ack(rec, status, seq) {
    if (typeof seq !== 'number') { this.note(`event ${status} without a seq`); return; }
    this.ackAnswers++;
    if (rec.seq === null) {
      // Stored before a kill that cut its answer off: found again by its id.
      if (status === 'duplicate' || status === 200) this.cutOff++;
      rec.seq = seq;
      this.acked[rec.cls].push(rec.id);
    } else if (rec.seq !== seq) {
      this.seqMismatch++;
    }
  }

  async writer(w, srv, round) {
    while (!round.dead) {
      let recs;
      if (w.pending.length) {
        recs = w.pending.splice(0, 8);
        this.resent += recs.length;
      } else {
        const n = this.rand() < 0.25 ? 2 + Math.floor(this.rand() * 7) : 1;
        recs = Array.from({ length: n }, () => this.newEvent(w));
      }
      const batch = recs.length > 1 || this.rand() < 0.1;
      for (const r of recs) r.sends++;
      const body = JSON.stringify(batch ? { events: recs.map((r) => r.body) } : recs[0].body);
      try {
        const res = await fetch(`${srv.base}/api/v1/events${batch ? '/batch' : ''}`, {
          method: 'POST', body, signal: AbortSignal.timeout(30000),
          headers: { Authorization: `Bearer ${w.token}`, 'Content-Type': 'application/json', 'Accept-Language': 'en' },
        });
        const text = await res.text();
        if (res.status === 503) {
          w.pending.push(...recs);
        } else if (!batch && (res.status === 201 || res.status === 200)) {
          this.ack(recs[0], res.status, JSON.parse(text).seq);
        } else if (batch && res.status === 200) {
          const results = JSON.parse(text).results;
          recs.forEach((r, i) => {
            const x = results[i];
            if (x && x.id === r.id && (x.status === 'recorded' || x.status === 'duplicate')) this.ack(r, x.status, x.seq);
            else this.note(`batch item ${x ? x.status : 'missing'}`);
          });
        } else {
          this.note(`write ${res.status} ${text.slice(0, 120)}`);
        }
      } catch {
        // Cut off by the kill (or before it: counted): sent again next round.
        w.pending.push(...recs);
        if (!round.dead) this.clientErrors++;
      }
    }
  }

  readTarget(r) {
    const cls = this.pick(r.sees);
    const withEvents = r.sees.filter((c) => this.acked[c].length);
    const evCls = withEvents.length && this.rand() < 0.8 ? this.pick(withEvents) : cls;
    return {
      person: this.rand() < 0.5 && elders(cls).length ? this.pick(elders(cls)) : this.pick([OBJ[cls].person, OBJ[cls].elder]),
      fixed: this.pick([OBJ[cls].person, OBJ[cls].elder]),
      household: this.pick(HOUSEHOLDS[cls]),
      event: this.acked[evCls].length && this.rand() < 0.8 ? this.pick(this.acked[evCls]) : OBJ[evCls].event,
      area: OBJ[cls].area,
      size: 1 + Math.floor(this.rand() * 20),
      page: 1 + Math.floor(this.rand() * 6),
    };
  }

  pickRead(r) {
    let x = this.rand() * READ_WEIGHT;
    for (const k of READS) {
      if (x < k.weight) return k.kind === 'check' && !r.sees.includes('B') ? READS[0] : k;
      x -= k.weight;
    }
    return READS[0];
  }

  async reader(r, srv, round) {
    while (!round.dead) {
      const op = this.pickRead(r);
      const s = this.readTarget(r);
      const t0 = Date.now();
      try {
        const res = await fetch(srv.base + op.url(s), {
          headers: { Authorization: `Bearer ${r.token}`, 'Accept-Language': 'en' }, signal: AbortSignal.timeout(30000),
        });
        const text = await res.text();
        const t1 = Date.now();
        if (res.status !== 200) {
          this.note(`read ${op.kind} ${res.status}`);
          continue;
        }
        this.answers++;
        this.answersByKind[op.kind] = (this.answersByKind[op.kind] || 0) + 1;
        const id = this.answers;
        const from = Math.floor(t0 / 1000) - 1;
        const to = Math.floor(t1 / 1000) + 1;
        for (const [action, object, oid] of op.rows(JSON.parse(text), s)) {
          const key = `${r.login}\t${action}\t${object}\t${oid}`;
          let l = this.expect.get(key);
          if (!l) this.expect.set(key, (l = []));
          l.push([from, to, id]);
        }
      } catch {
        if (!round.dead) this.clientErrors++;
      }
    }
  }

  // ---- the check ----

  checkEvents() {
    const hex = this.db.startsWith('postgresql:') ? "encode(uuid, 'hex')" : 'lower(hex(uuid))';
    const stored = new Map(); // id without dashes -> [seq...]
    for (const [u, seq] of query(this.db, `SELECT ${hex}, seq FROM event`)) {
      let l = stored.get(u);
      if (!l) stored.set(u, (l = []));
      l.push(Number(seq));
    }
    let lost = 0, duplicated = 0, acked = 0, storedUnacked = 0, wrongSeq = 0, dupIds = 0;
    for (const l of stored.values()) if (l.length > 1) dupIds++;
    for (const rec of this.events.values()) {
      const l = stored.get(rec.id.replaceAll('-', ''));
      if (rec.seq === null) {
        if (l) storedUnacked++;
        continue;
      }
      acked++;
      if (!l) lost++;
      else if (l.length > 1) duplicated++;
      else if (l[0] !== rec.seq) wrongSeq++;
    }
    return { acked, lost, duplicated, wrongSeq, dupIds, storedUnacked, stored: stored.size };
  }

  checkAudit() {
    const logins = this.readers.map((r) => `'${r.login}'`).join(',');
    const rows = new Map();
    for (const [lg, action, object, oid, at] of query(this.db,
      `SELECT login, action, object, object_id, at FROM audit WHERE outcome = 'ok' AND login IN (${logins})`)) {
      const key = `${lg}\t${action}\t${object}\t${oid}`;
      let l = rows.get(key);
      if (!l) rows.set(key, (l = []));
      l.push(Number(at));
    }
    const unaudited = new Set();
    let expected = 0, missing = 0;
    const examples = [], byAction = {};
    for (const [key, want] of this.expect) {
      expected += want.length;
      const have = (rows.get(key) || []).sort((a, b) => a - b);
      // next[i]: i while row i is unused, else a later row to look at.
      const next = have.map((_, i) => i);
      const find = (i) => {
        let j = i;
        while (j < have.length && next[j] !== j) j = next[j];
        while (i < j) { const k = next[i]; next[i] = j; i = k; }
        return j;
      };
      want.sort((a, b) => a[1] - b[1]);
      for (const [from, to, id] of want) {
        let lo = 0, hi = have.length;
        while (lo < hi) { const m = (lo + hi) >> 1; if (have[m] < from) lo = m + 1; else hi = m; }
        const i = find(lo);
        if (i < have.length && have[i] <= to) {
          next[i] = i + 1;
        } else {
          missing++;
          unaudited.add(id);
          const action = key.split('\t')[1];
          byAction[action] = (byAction[action] || 0) + 1;
          if (examples.length < 5) examples.push(`${key.replaceAll('\t', ' ')} at ${from + 1}..${to - 1}`);
        }
      }
    }
    return { expected, missing, unaudited: unaudited.size, examples, byAction };
  }
}

async function setup(run) {
  const t = makeDb(run.backend, { users: false, extend: amendFixture });
  run.db = t.db;
  run.drop = t.drop;
  const pw = {};
  for (let i = 1; i <= run.nwriters; i++) {
    const u = WRITER_UNITS[(i - 1) % WRITER_UNITS.length];
    run.writers.push({ login: `writer${i}`, classes: u.classes, pending: [] });
    pw[`writer${i}`] = addUser(t.db, t.dir, `writer${i}`, 'commune', u.unit);
  }
  for (let i = 1; i <= run.nreaders; i++) {
    const r = READER_ROLES[(i - 1) % READER_ROLES.length];
    run.readers.push({ login: `reader${i}`, sees: r.sees });
    pw[`reader${i}`] = addUser(t.db, t.dir, `reader${i}`, r.role, r.unit);
  }
  // API tokens, made once on a server stopped cleanly: they outlive the crashes.
  const srv = await startServer(t.db);
  try {
    for (const c of [...run.writers, ...run.readers]) {
      const cl = await login(srv.base, c.login, pw[c.login]);
      const r = await cl.post('/api/v1/tokens', { label: 'crash', days: 30 });
      if (r.status !== 201) throw new Error(`token for ${c.login}: ${r.status} ${r.text}`);
      c.token = r.json.token;
    }
  } finally {
    await srv.stop();
  }
}

async function round(run, n) {
  const srv = await startServer(run.db);
  const rd = { dead: false };
  const clients = [
    ...run.writers.map((w) => run.writer(w, srv, rd)),
    ...run.readers.map((r) => run.reader(r, srv, rd)),
  ];
  const before = { acks: run.ackAnswers, reads: run.answers };
  const ms = run.load[0] + run.rand() * (run.load[1] - run.load[0]);
  const byItself = await Promise.race([sleep(ms).then(() => null), srv.exited]);
  if (byItself) {
    rd.dead = true;
    await Promise.allSettled(clients);
    throw new Error(`round ${n}: the server exited by itself (${JSON.stringify(byItself)}):\n${srv.err().slice(-4000)}`);
  }
  srv.p.kill('SIGKILL');
  rd.dead = true;
  const ex = await srv.exited;
  await Promise.allSettled(clients);
  if (ex.sig !== 'SIGKILL') throw new Error(`round ${n}: the server ended with ${JSON.stringify(ex)}: ${srv.err().slice(-4000)}`);
  if (!run.quiet) {
    const pending = run.writers.reduce((a, w) => a + w.pending.length, 0);
    console.log(`round ${n}: killed after ${(ms / 1000).toFixed(2)} s; ${run.ackAnswers - before.acks} acknowledgements, ` +
      `${run.answers - before.reads} reads answered, ${pending} events to send again`);
  }
}

// Runs the rounds and the check; returns the summary.
export async function crashRun(opts = {}) {
  process.chdir(root);
  const run = new Run({
    backend: opts.pg ? 'pg' : 'sqlite', rounds: opts.rounds ?? 200, seconds: opts.seconds ?? 1800,
    nwriters: opts.writers ?? 4, nreaders: opts.readers ?? 4, load: opts.load ?? [100, 1500],
    seed: opts.seed ?? crypto.randomInt(1, 2 ** 31), quiet: !!opts.quiet, writers: [], readers: [],
  });
  if (opts.pg) process.env.DANSO_TEST_PG = opts.pg;
  const t0 = Date.now();
  await setup(run);
  let rounds = 0;
  try {
    // A round takes up to its load and a start: none is begun that cannot end in the budget.
    while (rounds < run.rounds && (Date.now() - t0) / 1000 + run.load[1] / 1000 + 2 < run.seconds)
      await round(run, ++rounds);
    const ev = run.checkEvents();
    const au = run.checkAudit();
    // SQLite's own check of the file after the last kill (PostgreSQL's crashes are not ours).
    const integrity = run.backend === 'sqlite'
      ? query(run.db, 'PRAGMA integrity_check').map((r) => r[0]).join('; ') : 'not checked (PostgreSQL)';
    const summary = {
      backend: run.backend, binary: bin, seed: run.seed, rounds, writers: run.nwriters, readers: run.nreaders,
      events_acknowledged: ev.acked, acknowledgements: run.ackAnswers, events_sent_again: run.resent,
      stored_before_answer_cut_off: run.cutOff,
      lost: ev.lost, duplicated: ev.duplicated + ev.dupIds, wrong_seq: ev.wrongSeq + run.seqMismatch,
      stored_unacknowledged: ev.storedUnacked, reads_answered: run.answers, reads_by_kind: run.answersByKind,
      audit_rows_expected: au.expected, audit_rows_missing: au.missing,
      audit_rows_missing_by_action: au.byAction, reads_without_audit_row: au.unaudited,
      unaudited_examples: au.examples, unexpected_answers: run.unexpected, client_errors: run.clientErrors,
      integrity, seconds: Math.round((Date.now() - t0) / 100) / 10, db: opts.keep ? run.db : undefined,
    };
    summary.problems = [
      ...(rounds ? [] : ['no round ran']),
      ...(summary.lost ? [`${summary.lost} acknowledged events lost`] : []),
      ...(summary.duplicated ? [`${summary.duplicated} events stored more than once`] : []),
      ...(summary.wrong_seq ? [`${summary.wrong_seq} events stored under another seq than acknowledged`] : []),
      ...(summary.reads_without_audit_row ? [`${summary.reads_without_audit_row} answered reads without an audit row: ` +
        au.examples.join('; ')] : []),
      ...(integrity === 'ok' || run.backend === 'pg' ? [] : [`integrity: ${integrity}`]),
      ...Object.entries(run.unexpected).map(([k, v]) => `unexpected answer (${v} times): ${k}`),
    ];
    summary.ok = !summary.problems.length;
    return summary;
  } finally {
    if (!opts.keep) run.drop();
  }
}

export function describe(s) {
  return [
    `crash: ${s.rounds} rounds of kill -9 on ${s.backend} (${s.binary}, seed ${s.seed}, ` +
      `${s.writers} writers, ${s.readers} readers) in ${s.seconds} s`,
    `  events acknowledged ${s.events_acknowledged} (${s.acknowledgements} acknowledgements, ` +
      `${s.events_sent_again} sent again after a kill, of which ${s.stored_before_answer_cut_off} were ` +
      `found stored): lost ${s.lost}, duplicated ${s.duplicated}, ` +
      `wrong seq ${s.wrong_seq}; stored without an acknowledgement (cut off by a kill) ${s.stored_unacknowledged}`,
    `  reads answered ${s.reads_answered} (${Object.entries(s.reads_by_kind).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
      `audit rows they need ${s.audit_rows_expected}: reads without an audit row ${s.reads_without_audit_row} ` +
      `(rows missing ${s.audit_rows_missing}${s.audit_rows_missing ? `: ${JSON.stringify(s.audit_rows_missing_by_action)}` : ''})`,
    ...s.unaudited_examples.map((e) => `    missing: ${e}`),
    `  unexpected answers ${JSON.stringify(s.unexpected_answers)}, client errors before a kill ${s.client_errors}, ` +
      `integrity ${s.integrity}`,
    ...(s.ok ? ['  OK'] : s.problems.map((p) => `  FAILED: ${p}`)),
  ].join('\n');
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--rounds') o.rounds = Number(val());
    else if (a === '--seconds') o.seconds = Number(val());
    else if (a === '--writers') o.writers = Number(val());
    else if (a === '--readers') o.readers = Number(val());
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--load') o.load = val().split('-').map(Number);
    else if (a === '--pg') o.pg = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : process.env.DANSO_TEST_PG;
    else if (a === '--keep') o.keep = true;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--json') o.json = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (o.pg === undefined && argv.includes('--pg')) throw new Error('--pg: give a URL template or set DANSO_TEST_PG');
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`crash: ${e.message}`);
    process.exit(2);
  }
  crashRun(o).then((s) => {
    console.log(o.json ? JSON.stringify(s, null, 2) : describe(s));
    process.exit(s.ok ? 0 : 1);
  }, (e) => {
    console.error(`crash: ${e.stack || e.message}`);
    process.exit(1);
  });
}
