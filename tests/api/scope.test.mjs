// The scope matrix (issue 11): every route that writes register events
// (one event, a batch), and the routes that name an event in a workflow
// record (a query, its answer), as a collaborator and as a commune officer,
// x every event type x every object the type names.  Each object is given
// (1) in the writer's scope, (2) out of it but existing: a sibling area, a
// sibling commune, another province, and (3) not existing at all, in an
// event whose only fault is that object.  (2) must be answered exactly as
// (3), byte for byte but for the echoed ids, and must record nothing.  Ids
// that must stay unique (a new person's or household's id, a national id)
// are given held in the scope, held out of it and never used: a held id is
// refused the same wherever it is held, and behind an object out of scope
// the refusal is "not found", as for an id never used.  An event id held
// out of the scope is not found, whether the body sent is its own or not.
//
// The fixture gives every cell objects of its own, so that an in-scope
// event is recorded and no cell depends on another.  Refusals for held ids
// are throttled per user after FREE_PROBES (api/h_register.c): the writers
// are several accounts of each role, each used for fewer.  A failing cell
// is named with its route, role, type, member and variant; the last test
// prints how many cells were checked.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BACKENDS, OBJ, makeDb, addUser, addUserAsync, startServer, login, uuid } from './lib.mjs';

const DATE = '2026-11-10'; // the cells' events
const EARLIER = '2026-07-01'; // the recorded events that cells name
const BORN = '2026-06-01'; // the fixture's newborns
const FREE_PROBES = 10; // api/h_register.c

// The writers, with the classes of lib.mjs out of their scope (A is in).
const ROLES = {
  collaborator: { unit: OBJ.A.area, out: ['B', 'C', 'D'] },
  commune: { unit: OBJ.A.commune, out: ['C', 'D'] },
};
const CLASSES = ['B', 'C', 'D'];
const AREA = Object.fromEntries(['A', ...CLASSES].map((k) => [k, OBJ[k].area]));
// Ids held in each class (lib.mjs's fixture).
const HELD = {
  person: Object.fromEntries(['A', ...CLASSES].map((k) => [k, OBJ[k].person])),
  household: Object.fromEntries(['A', ...CLASSES].map((k) => [k, OBJ[k].household])),
  nid: Object.fromEntries(['A', ...CLASSES].map((k) => [k, OBJ[k].nid])),
};
const DUP_CODE = { person: 'duplicate_id', household: 'duplicate_id', nid: 'duplicate_national_id' };
const PROBE_CODES = new Set(['duplicate_id', 'duplicate_national_id', 'event_id_reused']);
// What stands for an object that does not exist.
const ABSENT = { person: () => 'KHONGCO9', household: () => 'HKHONGCO9', area: () => '9999900199', event: () => uuid() };

let freshN = 0;
const FRESH = {
  person: () => `QN${++freshN}`,
  household: () => `QNH${++freshN}`,
  nid: () => `0799${String(++freshN).padStart(8, '0')}`,
};

const TYPES = ['birth', 'newborn_screening', 'death', 'move_in', 'move_out', 'transfer', 'marriage', 'divorce',
  'widowed', 'info_change', 'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening', 'elderly_check',
  'household_change', 'void'];

// Rows added to lib.mjs's fixture: households, persons, and events
// recorded through the command line (which has no scope).
class Extra {
  constructor() { Object.assign(this, { households: [], persons: [], events: [], n: 0 }); }
  next() { return ++this.n; }
  household(area) {
    const n = this.next();
    this.households.push(`QH${n},${area},${n},Số ${n} đường Thử,1,0`);
    return `QH${n}`;
  }
  person(hh, sex, born, marital, fp = ['', '']) {
    const n = this.next();
    this.persons.push([`QP${n}`, hh, `Người Thử ${n}`, sex, born, 8, '01', 3, marital, 1, '', '', ...fp].join(','));
    return `QP${n}`;
  }
  man(hh) { return this.person(hh, 1, '1990-01-01', 1); }
  single(hh) { return this.person(hh, 2, '1996-03-03', 1); }
  wife(hh) { return this.person(hh, 2, '1992-02-02', 2, [4, '2020-01']); }
  elder(hh) { return this.person(hh, 1, '1950-01-01', 2); }
  event(ev) {
    const e = { id: uuid(), ...ev };
    this.events.push(e);
    return e;
  }
  newborn(hh) {
    const id = `QB${this.next()}`;
    this.event({ type: 'birth', date: BORN, mother: this.wife(hh), child: { person_id: id, full_name: 'Bé Thử', sex: 2 }, order: 1, place: 1 });
    return id;
  }
  write(dir) {
    fs.appendFileSync(`${dir}/households.csv`, this.households.join('\n') + '\n');
    fs.appendFileSync(`${dir}/persons.csv`, this.persons.join('\n') + '\n');
    fs.appendFileSync(`${dir}/events.ndjson`, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
}

// The events of one subject: the subject's kind, the other members.
const PERSON_EVENTS = {
  newborn_screening: [(x, hh) => x.newborn(hh), { facility: 'BV Từ Dũ', results: { hypothyroidism: 'normal', g6pd: 'normal' } }],
  death: [(x, hh) => x.man(hh), {}],
  move_out: [(x, hh) => x.man(hh), { destination: '01/00004' }],
  divorce: [(x, hh) => x.wife(hh), {}],
  widowed: [(x, hh) => x.wife(hh), {}],
  info_change: [(x, hh) => x.man(hh), { field: 'education', value: '4' }],
  fp_start: [(x, hh) => x.wife(hh), { method: 1, source: 1 }],
  fp_stop: [(x, hh) => x.wife(hh), { method: 4 }],
  pregnancy: [(x, hh) => x.wife(hh), { outcome: 'pregnant', order: 1 }],
  prenatal_screening: [(x, hh) => x.wife(hh), { week: 12, results: { down: 'low', edwards: 'low', patau: 'low', thalassaemia: 'low' } }],
  elderly_check: [(x, hh) => x.elder(hh), { facility: 'TYT' }],
};

const arrival = (person_id, national_id) => ({
  person_id, full_name: 'Lý Văn Đến', sex: 1, birth_date: '1990-01-01', relation: 8, ethnicity: '01',
  education: 3, marital: 1, residence: 1, ...(national_id ? { national_id } : {}),
});
const ev = (type, members) => ({ id: uuid(), type, date: DATE, ...members });
const birth = (mother, extra = {}, child = {}) => ev('birth', {
  mother, child: { person_id: FRESH.person(), full_name: 'Bé Mới', sex: 1, ...child }, order: 1, place: 1, ...extra,
});

// One recorded event of the type, on objects of its own in the area: what
// a void targets and whose id is sent again.
function recorded(x, area, type) {
  const hh = x.household(area);
  const at = { type, date: EARLIER };
  switch (type) {
  case 'birth':
    return x.event({ ...at, mother: x.wife(hh), child: { person_id: `QB${x.next()}`, full_name: 'Bé Thử', sex: 1 }, order: 1, place: 1 });
  case 'move_in': return x.event({ ...at, household: hh, person: arrival(`QI${x.next()}`), origin: 'abroad' });
  case 'transfer': return x.event({ ...at, person: x.man(hh), household: x.household(area) });
  case 'marriage': return x.event({ ...at, person: x.man(hh), spouse: x.single(hh), consanguineous: false, premarital_check: true });
  case 'household_change': return x.event({ ...at, household: hh, poverty: 1, year: 2026 });
  case 'void': {
    const check = x.event({ type: 'elderly_check', date: EARLIER, person: x.elder(hh), facility: 'TYT' });
    return x.event({ ...at, target: check.id, reason: 'nhập trùng' });
  }
  default: {
    const [subject, members] = PERSON_EVENTS[type];
    return x.event({ ...at, person: subject(x, hh), ...members });
  }
  }
}

// Every object each event type names.  build(x, area) makes, in the area,
// what an event needs, and answers {value, make(v)}: the object, and the
// event with v in its place.  kind: what stands for it out of scope or
// absent; "new" kinds are ids that the event creates and that must be
// unique; "id" is the event's own id.
const OBJECTS = [
  { type: 'birth', member: 'mother', kind: 'person', build: (x, area) => ({ value: x.wife(x.household(area)), make: (v) => birth(v) }) },
  {
    type: 'birth', member: 'household', kind: 'household',
    build: (x, area) => { const m = x.wife(x.household(area)); return { value: x.household(area), make: (v) => birth(m, { household: v }) }; },
  },
  // New ids, each behind every object that places the event: build(x,
  // where, home) puts that object in where and the others in home.  A held
  // id is compared in scope once per id (held: false for the others).
  ...[['person_id', 'person'], ['national_id', 'nid']].flatMap(([member, of]) => [
    { type: 'birth', member: `child.${member} (behind mother)`, kind: 'new', of, build: (x, where) => { const m = x.wife(x.household(where)); return { make: (v) => birth(m, {}, { [member]: v }) }; } },
    {
      type: 'birth', member: `child.${member} (behind household)`, kind: 'new', of, held: false,
      build: (x, where, home) => { const m = x.wife(x.household(home)); const hh = x.household(where); return { make: (v) => birth(m, { household: hh }, { [member]: v }) }; },
    },
  ]),
  ...Object.entries(PERSON_EVENTS).map(([type, [subject, members]]) => ({
    type, member: 'person', kind: 'person',
    build: (x, area) => ({ value: subject(x, x.household(area)), make: (v) => ev(type, { person: v, ...members }) }),
  })),
  { type: 'move_in', member: 'household', kind: 'household', build: (x, area) => ({ value: x.household(area), make: (v) => ev('move_in', { household: v, person: arrival(FRESH.person()), origin: 'abroad' }) }) },
  {
    type: 'move_in', member: 'new_household.area_code', kind: 'area',
    build: (x, area) => ({ value: area, make: (v) => ev('move_in', { new_household: { household_id: FRESH.household(), area_code: v, number: '901', type: 1 }, person: arrival(FRESH.person()) }) }),
  },
  {
    type: 'move_in', member: 'new_household.household_id', kind: 'new', of: 'household',
    build: (x, where) => ({ make: (v) => ev('move_in', { new_household: { household_id: v, area_code: where, number: '902', type: 1 }, person: arrival(FRESH.person()) }) }),
  },
  ...[['person_id', 'person'], ['national_id', 'nid']].flatMap(([member, of]) => {
    const person = (v) => (of === 'person' ? arrival(v) : arrival(FRESH.person(), v));
    return [
      { type: 'move_in', member: `person.${member} (behind household)`, kind: 'new', of, build: (x, where) => { const hh = x.household(where); return { make: (v) => ev('move_in', { household: hh, person: person(v) }) }; } },
      {
        type: 'move_in', member: `person.${member} (behind new_household.area_code)`, kind: 'new', of, held: false,
        build: (x, where) => ({ make: (v) => ev('move_in', { new_household: { household_id: FRESH.household(), area_code: where, number: '903', type: 1 }, person: person(v) }) }),
      },
    ];
  }),
  {
    type: 'transfer', member: 'person', kind: 'person',
    build: (x, area) => { const to = x.household(area); return { value: x.man(x.household(area)), make: (v) => ev('transfer', { person: v, household: to }) }; },
  },
  {
    type: 'transfer', member: 'household', kind: 'household',
    build: (x, area) => { const p = x.man(x.household(area)); return { value: x.household(area), make: (v) => ev('transfer', { person: p, household: v }) }; },
  },
  {
    type: 'marriage', member: 'person', kind: 'person',
    build: (x, area) => { const hh = x.household(area); const s = x.single(hh); return { value: x.man(hh), make: (v) => ev('marriage', { person: v, spouse: s }) }; },
  },
  {
    type: 'marriage', member: 'spouse', kind: 'person',
    build: (x, area) => { const hh = x.household(area); const m = x.man(hh); return { value: x.single(hh), make: (v) => ev('marriage', { person: m, spouse: v }) }; },
  },
  { type: 'info_change', member: 'value (national_id, behind person)', kind: 'new', of: 'nid', build: (x, where) => { const p = x.man(x.household(where)); return { make: (v) => ev('info_change', { person: p, field: 'national_id', value: v }) }; } },
  { type: 'household_change', member: 'household', kind: 'household', build: (x, area) => ({ value: x.household(area), make: (v) => ev('household_change', { household: v, address: 'Số 99 đường Mới' }) }) },
  {
    type: 'household_change', member: 'head', kind: 'person',
    build: (x, area) => { const hh = x.household(area); return { value: x.man(hh), make: (v) => ev('household_change', { household: hh, head: v }) }; },
  },
  ...TYPES.map((t) => ({
    type: 'void', member: `target (${t})`, kind: 'event', expect: t === 'void' ? { status: 'refused', code: 'void_void' } : undefined,
    build: (x, area) => ({ value: recorded(x, area, t).id, make: (v) => ev('void', { target: v, reason: 'nhập sai' }) }),
  })),
  ...TYPES.map((t) => ({ type: t, member: 'id', kind: 'id', build: (x, area) => ({ value: recorded(x, area, t) }) })),
];

// The variants of one object in one lane: [{tag, ev, out}] in the order
// sent (in scope last, so that what it records cannot matter to the others),
// and the checks to make of their answers.
function variants(obj, inB, outB, out) {
  const v = [];
  const checks = [];
  // probe: refused because the id is held (in scope), which counts
  // against the writer's free refusals.
  const add = (tag, e, outOfScope = true, probe = false) => { v.push({ tag, ev: e, out: outOfScope, probe }); return tag; };
  if (obj.kind === 'id') {
    const mine = inB.value;
    for (const k of out) {
      const theirs = outB[k].value;
      const absent = add(`${k} body, unused id`, { ...theirs, id: uuid() });
      checks.push({ expect: absent, want: { status: 'not_found' } });
      for (const [tag, e] of [[`${k} id, its body`, { ...theirs }], [`${k} id, other body`, { ...theirs, date: '2026-07-02' }]])
        checks.push({ same: [add(tag, e), absent] });
      checks.push({ expect: add(`${k} id, an in-scope body`, { ...mine, id: theirs.id }), want: { status: 'not_found' } });
    }
    checks.push({ expect: add('in, its body', { ...mine }, false), want: { status: 'duplicate' } });
    checks.push({ expect: add('in, other body', { ...mine, date: '2026-07-02' }, false, true), want: { status: 'refused', code: 'event_id_reused' } });
  } else if (obj.kind === 'new') {
    const held = obj.held !== false && add('held in scope', inB.make(HELD[obj.of].A), false, true);
    if (held) checks.push({ expect: held, want: { status: 'refused', code: DUP_CODE[obj.of] } });
    for (const k of out) {
      if (held) checks.push({ same: [add(`held in ${k}`, inB.make(HELD[obj.of][k]), false, true), held] });
      const unused = add(`${k} event, unused id`, outB[k].make(FRESH[obj.of]()));
      checks.push({ same: [add(`${k} event, id held in ${k}`, outB[k].make(HELD[obj.of][k])), unused] });
      checks.push({ expect: unused, want: { status: 'not_found' } });
    }
    checks.push({ expect: add('unused', inB.make(FRESH[obj.of]()), false), want: { status: 'recorded' } });
  } else {
    const absent = add('absent', inB.make(ABSENT[obj.kind]()));
    checks.push({ expect: absent, want: { status: 'not_found' } });
    for (const k of out) checks.push({ same: [add(k, inB.make(outB[k].value)), absent] });
    checks.push({ expect: add('in', inB.make(inB.value), false), want: obj.expect || { status: 'recorded' } });
  }
  return { variants: v, checks };
}

// The whole plan: the fixture's rows and every lane's cells.
function plan(routes) {
  const x = new Extra();
  const lanes = [];
  for (const route of routes) {
    for (const [role, { out }] of Object.entries(ROLES)) {
      const cells = OBJECTS.map((obj) => {
        const inB = obj.build(x, AREA.A, AREA.A);
        const outB = Object.fromEntries(out.map((k) => [k, obj.build(x, AREA[k], AREA.A)]));
        return { obj, ...variants(obj, inB, outB, out) };
      });
      lanes.push({ route, role, cells });
    }
  }
  // The workflow routes: queries on events of every type, answered.
  // Class B's, C's and D's queries are asked by their own officers.
  const asked = { A: [], B: [], C: [], D: [] };
  const answers = {};
  const classEvents = Object.fromEntries(CLASSES.map((k) => [k, Object.fromEntries(TYPES.map((t) => [t, recorded(x, AREA[k], t).id]))]));
  for (const k of CLASSES) asked[k].push(...Object.values(classEvents[k]));
  for (const role of Object.keys(ROLES)) {
    const mine = Object.fromEntries(TYPES.map((t) => [t, recorded(x, AREA.A, t).id]));
    // An answer may name the void and the correction it made: one open
    // query each.
    const named = {};
    for (const member of ['void', 'correction']) {
      named[member] = [...ROLES[role].out, 'absent', 'in'].map((tag) => ({ tag, query: recorded(x, AREA.A, 'elderly_check').id,
        value: tag === 'in' ? recorded(x, AREA.A, 'elderly_check').id : tag === 'absent' ? null : classEvents[tag].elderly_check }));
      asked.A.push(...named[member].map((n) => n.query));
    }
    answers[role] = { mine, named };
  }
  return { x, lanes, classEvents, asked, answers };
}

// A writer's accounts: each is used until the refusals for held ids that
// the next request expects could take it past the free ones (a server that
// refuses more is caught by the cells, and the account is left at once).
// They are made on the command line, as the operator makes them: an
// administrator's account must change its password before it may write,
// six password hashes and checks in all instead of two.  The next two
// accounts are made while the current one works: with only the next one,
// the lanes spent 7 of their 24 s under ASan waiting for accounts, with
// two 4 of 21 s.
let accounts = 0;
async function writer(srv, fx, role) {
  const name = `w${++accounts}${role}`;
  const pw = await addUserAsync(fx.db, fx.dir, name, role, ROLES[role].unit);
  return { client: await login(srv.base, name, pw), probes: 0 };
}
class Writers {
  constructor(srv, fx, role) {
    this.make = () => writer(srv, fx, role);
    this.next = [this.make(), this.make()];
  }
  async get(n) {
    if (!this.cur || this.cur.probes + n > FREE_PROBES) {
      this.cur = await this.next.shift();
      this.next.push(this.make());
    }
    return this.cur;
  }
  async close() { await Promise.all(this.next); }
}

// An answer reduced to what is compared: the outcome, the error, and the
// text with the event's own id taken out.
function single(r, e) {
  const status = r.status === 201 ? 'recorded' : r.status === 200 ? r.json?.status : r.status === 404 ? 'not_found'
    : r.status === 429 ? 'throttled' : [409, 422].includes(r.status) ? 'refused' : `http ${r.status}`;
  return { status, code: r.json?.error?.code, text: `${r.status} ${r.text.split(e.id).join('<id>')}` };
}
function perRecord(res, e) {
  if (!res) return { status: 'missing', text: 'no result' };
  const { index, ...rest } = res;
  return { status: res.status, code: res.error?.code, text: JSON.stringify(rest).split(e.id).join('<id>') };
}
const HTTP = { recorded: 201, duplicate: 200, not_found: 404 };

// On PostgreSQL the batches only: the same ledger, the same lookups, a
// third of the time.
for (const backend of BACKENDS) describe(`scope matrix (${backend}): every write route x event type x named object, in scope, out of scope, absent`, () => {
  const P = plan(backend === 'sqlite' ? ['single', 'batch'] : ['batch']);
  let fx;
  let srv;
  let admin;
  let national;
  let paths;
  const cells = [];
  const failures = [];
  const check = (name, ok, detail) => {
    cells.push(name);
    if (!ok) failures.push(`${name}: ${detail}`);
  };
  let recordedAnswers = 0;
  const outOfScope = []; // events of (2) and (3): none may be recorded

  before(async () => {
    fx = makeDb(backend, { extend: (dir) => P.x.write(dir) });
    const pw = {
      offB: fx.pw.commune,
      offC: addUser(fx.db, fx.dir, 'offc', 'commune', OBJ.C.commune),
      offD: addUser(fx.db, fx.dir, 'offd', 'commune', OBJ.D.commune),
    };
    srv = await startServer(fx.db);
    admin = await login(srv.base, 'admin', fx.pw.admin);
    national = await login(srv.base, 'national', fx.pw.national);
    P.officers = {
      B: await login(srv.base, 'commune', pw.offB),
      C: await login(srv.base, 'offc', pw.offC),
      D: await login(srv.base, 'offd', pw.offD),
    };
    paths = Object.keys((await national.get('/api/v1/openapi.json')).json.paths);
  });
  after(async () => {
    await srv?.stop();
    fx?.drop();
  });

  const metric = async (name) => {
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec((await admin.get('/metrics')).text);
    return m ? Number(m[1]) : null;
  };

  test('events: one at a time and in batches, as collaborator and commune officer', async () => {
    const recordedBefore = await metric('danso_events_recorded_total');
    for (const lane of P.lanes) {
      const writers = new Writers(srv, fx, lane.role);
      for (const cell of lane.cells) {
        const base = `${lane.route} ${lane.role} ${cell.obj.type}.${cell.obj.member}`;
        const got = {};
        if (lane.route === 'single') {
          // All at once but the last, the in-scope event that may record.
          const send = async (list) => {
            const w = await writers.get(list.filter((v) => v.probe).length);
            await Promise.all(list.map(async (v) => {
              got[v.tag] = single(await w.client.post('/api/v1/events', v.ev), v.ev);
              w.probes += PROBE_CODES.has(got[v.tag].code);
            }));
          };
          await send(cell.variants.slice(0, -1));
          await send(cell.variants.slice(-1));
        } else {
          const w = await writers.get(cell.variants.filter((v) => v.probe).length);
          const r = await w.client.post('/api/v1/events/batch', { events: cell.variants.map((v) => v.ev) });
          cell.variants.forEach((v, i) => {
            got[v.tag] = r.status === 200 ? perRecord(r.json.results[i], v.ev) : { status: `http ${r.status}`, text: r.text };
            w.probes += PROBE_CODES.has(got[v.tag].code);
          });
        }
        for (const v of cell.variants) {
          recordedAnswers += got[v.tag].status === 'recorded';
          if (v.out) outOfScope.push({ name: `${base} [${v.tag}]`, ev: v.ev, held: cell.obj.kind === 'id' && !v.tag.includes('unused') });
        }
        for (const c of cell.checks) {
          if (c.same) {
            const [a, b] = c.same.map((t) => got[t]);
            check(`${base} [${c.same[0]}] = [${c.same[1]}]`, a.text === b.text, `${a.text}  vs  ${b.text}`);
          } else {
            const a = got[c.expect];
            const wantHttp = HTTP[c.want.status] || (c.want.code === 'event_id_reused' ? 409 : 422);
            const ok = a.status === c.want.status && (!c.want.code || a.code === c.want.code) &&
              (lane.route === 'batch' || a.text.startsWith(`${wantHttp} `));
            check(`${base} [${c.expect}] is ${c.want.status}${c.want.code ? ` ${c.want.code}` : ''}`, ok, a.text.slice(0, 240));
          }
        }
      }
      await writers.close();
    }
    // Nothing out of scope or absent was recorded: the server's count of
    // recorded events grew by the recorded answers alone, and no event of
    // (2) or (3) can be read (an id that was held already reads as before).
    const recordedAfter = await metric('danso_events_recorded_total');
    check('events recorded = recorded answers', recordedAfter - recordedBefore === recordedAnswers,
      `${recordedAfter - recordedBefore} recorded, ${recordedAnswers} answered recorded`);
    const reads = await inParallel(outOfScope.filter((o) => !o.held), 8, (o) => national.get(`/api/v1/events/${o.ev.id}`));
    outOfScope.filter((o) => !o.held).forEach((o, i) => check(`${o.name} recorded nothing`, reads[i].status === 404, reads[i].text.slice(0, 200)));
    // The targets of voids out of scope are not voided.
    const targets = P.lanes.flatMap((l) => l.cells.filter((c) => c.obj.kind === 'event')
      .flatMap((c) => c.variants.filter((v) => v.out && v.tag !== 'absent').map((v) => ({ name: `${l.route} ${l.role} void.${c.obj.member} [${v.tag}]`, id: v.ev.target }))));
    const tr = await inParallel(targets, 8, (t) => national.get(`/api/v1/events/${t.id}`));
    targets.forEach((t, i) => check(`${t.name}: its target not voided`, tr[i].status === 200 && tr[i].json.voided_by === undefined,
      `${tr[i].status} voided_by ${tr[i].json?.voided_by}`));
  });

  test('a batch tells no more held ids than single events would: past the free refusals, its events wait', async () => {
    const w = await writer(srv, fx, 'collaborator');
    const events = Array.from({ length: FREE_PROBES + 6 }, (_, i) =>
      ev('move_in', { household: OBJ.A.household, person: arrival(FRESH.person(), HELD.nid[CLASSES[i % 3]]) }));
    const r = await w.client.post('/api/v1/events/batch', { events });
    const codes = (r.json?.results || []).map((x) => x.error?.code);
    const told = codes.filter((c) => c === 'duplicate_national_id').length;
    check('batch of held national ids: at most the free refusals and one more are told', r.status === 200 && told <= FREE_PROBES + 1,
      `${r.status} ${codes.join(',')}`);
    check('batch of held national ids: the others are refused as throttled',
      codes.length === events.length && codes.slice(FREE_PROBES + 1).every((c) => c === 'throttled'), codes.join(','));
    const next = await w.client.post('/api/v1/events', ev('elderly_check', { person: OBJ.A.elder, facility: 'TYT' }));
    check('batch of held national ids: the next write waits', next.status === 429 && Number(next.headers.get('retry-after')) > 0,
      `${next.status} ${next.text.slice(0, 200)}`);
    // Single events sent all at once pass the door together; the writer
    // stops them at the same point.
    const w2 = await writer(srv, fx, 'collaborator');
    const all = await Promise.all(events.map((e) => w2.client.post('/api/v1/events', { ...e, id: uuid() })));
    const statuses = all.map((x) => x.status);
    check('single held national ids at once: at most the free refusals and one more are told',
      statuses.filter((x) => x === 422).length <= FREE_PROBES + 1 && statuses.every((x) => x === 422 || x === 429), statuses.join(','));
    check('single held national ids at once: the others wait, with Retry-After',
      all.filter((x) => x.status === 429).every((x) => x.json?.error?.code === 'throttled' && Number(x.headers.get('retry-after')) > 0),
      all.filter((x) => x.status === 429).map((x) => x.text).join(' '));
  });

  test('workflow records that name an event: a query, its answer and the void and correction it names', async () => {
    // A binary without queries fails here: a test that cannot run is not passed.
    assert.ok(paths.includes('/api/v1/queries/{event}/answer'), 'the API lists /api/v1/queries/{event}/answer');
    const ask = (client, id) => client.post('/api/v1/queries', { event: id, question: 'Thông tin này có đúng không?' });
    const text = (r, id) => `${r.status} ${r.text.split(id).join('<event>')}`;
    // The classes' officers ask about their own events.
    for (const k of CLASSES) {
      for (const id of P.asked[k]) {
        const r = await ask(P.officers[k], id);
        assert.equal(r.status, 201, `${k} asks: ${r.text}`);
      }
    }
    // The commune officer asks about events of every type: out of scope
    // as absent, in scope recorded.
    const commune = P.officers.B;
    for (const type of TYPES) {
      const absentId = uuid();
      const absent = text(await ask(commune, absentId), absentId);
      check(`query commune event (${type}) [absent] is 404`, absent.startsWith('404 '), absent);
      for (const k of ROLES.commune.out) {
        const id = P.classEvents[k][type];
        const a = text(await ask(commune, id), id);
        check(`query commune event (${type}) [${k}] = [absent]`, a === absent, `${a}  vs  ${absent}`);
      }
      for (const role of Object.keys(ROLES)) {
        const r = await ask(commune, P.answers[role].mine[type]);
        check(`query commune event (${type}) [in, for the ${role}] is 201`, r.status === 201, r.text);
      }
    }
    for (const id of P.asked.A) assert.equal((await ask(commune, id)).status, 201);
    // Each writer answers: out of scope as absent, in scope recorded.
    for (const role of Object.keys(ROLES)) {
      const w = await writer(srv, fx, role);
      const answer = (id, extra = {}) => w.client.post(`/api/v1/queries/${id}/answer`, { answer: 'Đã kiểm tra, đúng.', ...extra });
      for (const type of TYPES) {
        const absentId = uuid();
        const absent = text(await answer(absentId), absentId);
        check(`answer ${role} event (${type}) [absent] is 404`, absent.startsWith('404 '), absent);
        for (const k of ROLES[role].out) {
          const id = P.classEvents[k][type];
          const a = text(await answer(id), id);
          check(`answer ${role} event (${type}) [${k}] = [absent]`, a === absent, `${a}  vs  ${absent}`);
        }
        const r = await answer(P.answers[role].mine[type]);
        check(`answer ${role} event (${type}) [in] is 201`, r.status === 201, r.text);
      }
      // The void and correction an answer names are references only: the
      // answer is the same whatever they name.
      for (const [member, list] of Object.entries(P.answers[role].named)) {
        const got = {};
        for (const n of list) {
          const r = await answer(n.query, { [member]: n.value || uuid() });
          got[n.tag] = { status: r.status, text: `${r.status} ${JSON.stringify({ ...r.json, id: '<id>', key: '<key>', seq: '<seq>' })}` };
        }
        check(`answer ${role} ${member} [in] is 201`, got.in.status === 201, got.in.text);
        for (const k of ROLES[role].out) check(`answer ${role} ${member} [${k}] = [absent]`, got[k].text === got.absent.text, `${got[k].text}  vs  ${got.absent.text}`);
      }
    }
  });

  test('cells', () => {
    console.log(`scope matrix (${backend}): ${cells.length} cells checked, ${failures.length} failing`);
    assert.ok(cells.length > 1000, `${cells.length} cells`);
    assert.deepEqual(failures, [], `${failures.length} of ${cells.length} cells failed:\n${failures.join('\n')}`);
  });
});

// fn over items, at most n at a time; the answers in the items' order.
async function inParallel(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}
