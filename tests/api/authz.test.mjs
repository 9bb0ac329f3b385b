// The authorisation matrix: every route of the OpenAPI document, for every
// role and anonymous, on objects of the user's own area, a sibling area, a
// sibling commune and another province.  The expected answers come from the
// policy table below, not from the server: a route without a policy fails.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKENDS, OBJ, CLASSES, ROLES, makeDb, addUser, startServer, login, anonymous, assertError, uuid, elderly,
} from './lib.mjs';

const ALL_ROLES = ['collaborator', 'commune', 'province', 'national', 'admin', 'anonymous'];
// Who holds each permission (docs/API.md, "Roles and scope").
const PERM_ROLES = {
  public: ALL_ROLES,
  user: ['collaborator', 'commune', 'province', 'national', 'admin'],
  read: ['collaborator', 'commune', 'province', 'national'],
  write: ['collaborator', 'commune'],
  officer: ['commune', 'province', 'national'],
  planner: ['province', 'national'],
  admin: ['admin'],
};

const sees = (role, cls) => role !== 'anonymous' && ROLES[role].sees.includes(cls);
const enc = encodeURIComponent;

// The policy table.  perm: the route's permission; scoped: the answer
// depends on the object's area (else one call per role); call(role, cls, ctx)
// gives the request; ok(r, role, cls, ctx) checks an allowed, in-scope answer;
// hidden(r, ...) an allowed but out-of-scope one (default: 404 not_found).
const notFound = (r) => assertError(r, 404, 'not_found');
const POLICY = {
  'GET /health': { perm: 'public', call: () => ({ url: '/health' }), ok: (r) => assert.equal(r.status, 200) },
  'GET /metrics': {
    perm: 'admin', call: () => ({ url: '/metrics' }),
    ok: (r) => { assert.equal(r.status, 200); assert.match(r.text, /danso_http_responses_total/); },
  },
  'GET /api/v1/openapi.json': { perm: 'public', call: () => ({ url: '/api/v1/openapi.json' }), ok: (r) => assert.equal(r.status, 200) },
  'POST /api/v1/login': {
    perm: 'public',
    call: (role, cls, ctx) => {
      const who = role === 'anonymous' ? 'collaborator' : role;
      return { method: 'POST', url: '/api/v1/login', body: { login: who, password: ctx.pw[who] } };
    },
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.csrf); },
  },
  'POST /api/v1/logout': {
    perm: 'user', fresh: true, call: () => ({ method: 'POST', url: '/api/v1/logout', body: {} }),
    ok: (r) => assert.equal(r.status, 200, r.text),
  },
  'GET /api/v1/me': {
    perm: 'user', call: () => ({ url: '/api/v1/me' }),
    ok: (r, role) => { assert.equal(r.status, 200); assert.equal(r.json.user.role, role); },
  },
  'POST /api/v1/me/password': {
    // The right old password and a too short new one: nothing changes.
    perm: 'user',
    call: (role, cls, ctx) => ({ method: 'POST', url: '/api/v1/me/password', body: { old: ctx.pw[role] || 'x', new: 'short' } }),
    ok: (r) => assertError(r, 422, 'weak_password'),
  },
  'GET /api/v1/units': { perm: 'user', call: () => ({ url: '/api/v1/units' }), ok: (r) => assert.equal(r.status, 200) },
  'GET /api/v1/codes': { perm: 'user', call: () => ({ url: '/api/v1/codes' }), ok: (r) => assert.equal(r.status, 200) },
  'GET /api/v1/forms': { perm: 'user', call: () => ({ url: '/api/v1/forms' }), ok: (r) => assert.equal(r.status, 200) },
  'GET /api/v1/persons': {
    perm: 'read', scoped: true, variants: 2,
    call: (role, cls, ctx, v) => ({ url: v === 0 ? `/api/v1/persons?q=${enc(OBJ[cls].name)}` : `/api/v1/persons?national_id=${OBJ[cls].nid}` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.ok(r.json.items.some((x) => x.id === OBJ[cls].person), 'found'); },
    hidden: (r, role, cls) => {
      assert.equal(r.status, 200);
      assert.ok(!r.json.items.some((x) => x.id === OBJ[cls].person), 'a search does not find what is out of scope');
    },
  },
  'GET /api/v1/persons/{id}': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/persons/${OBJ[cls].person}` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.equal(r.json.id, OBJ[cls].person); },
  },
  'GET /api/v1/persons/{id}/history': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/persons/${OBJ[cls].person}/history` }),
    ok: (r) => { assert.equal(r.status, 200); assert.ok(Array.isArray(r.json.history)); },
  },
  'GET /api/v1/persons/{id}/access': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/persons/${OBJ[cls].person}/access` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.equal(r.json.person, OBJ[cls].person); },
  },
  'GET /api/v1/persons/{id}/file': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/persons/${OBJ[cls].person}/file` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.person.id, OBJ[cls].person); },
  },
  'POST /api/v1/persons/{id}/deletion': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: `/api/v1/persons/${OBJ[cls].person}/deletion`, body: { received: '2026-11-20', channel: 'letter' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.outcome, 'refused'); },
  },
  'GET /api/v1/households': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/households?area=${OBJ[cls].area}` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.ok(r.json.items.some((x) => x.id === OBJ[cls].household)); },
  },
  'GET /api/v1/households/{id}': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/households/${OBJ[cls].household}` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.equal(r.json.id, OBJ[cls].household); },
  },
  'GET /api/v1/events/{id}': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/events/${OBJ[cls].event}` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.equal(r.json.event.id, OBJ[cls].event); },
  },
  'POST /api/v1/events': {
    perm: 'write', scoped: true, call: (role, cls) => ({ method: 'POST', url: '/api/v1/events', body: elderly(OBJ[cls].elder) }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.status, 'recorded'); },
    hidden: (r) => { assert.equal(r.status, 404, r.text); assert.equal(r.json.error.code, 'not_found'); },
  },
  'POST /api/v1/events/batch': {
    perm: 'write', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/events/batch', body: { events: [elderly(OBJ[cls].elder)] } }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.results[0].status, 'recorded', r.text); },
    hidden: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.results[0].status, 'not_found', r.text); },
  },
  'GET /api/v1/reports/{form}': {
    // Aggregates: any unit, no person data.
    perm: 'user', scoped: true, call: (role, cls) => ({ url: `/api/v1/reports/01-DSX?unit=${OBJ[cls].commune}&period=2026-11` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      for (const k of CLASSES) {
        assert.ok(!r.text.includes(OBJ[k].name), 'no names in a report');
        assert.ok(!r.text.includes(OBJ[k].nid), 'no national ids in a report');
        assert.ok(!r.text.includes(`"${OBJ[k].person}"`), 'no person ids in a report');
      }
    },
  },
  'GET /api/v1/check': {
    perm: 'user', scoped: true, call: (role, cls) => ({ url: `/api/v1/check?unit=${OBJ[cls].province}&period=2024` }),
    ok: (r, role) => {
      assert.equal(r.status, 200, r.text);
      const persons = r.json.units.flatMap((u) => (u.items || []).map((i) => i.person)).filter(Boolean);
      for (const p of persons) {
        const cls = CLASSES.find((k) => OBJ[k].person === p);
        if (cls) assert.ok(sees(role, cls), `${role} sees no item of ${p}`);
      }
      if (role === 'admin') assert.equal(persons.length, 0, 'an administrator sees no person');
    },
  },
  'GET /api/v1/quality': {
    // Aggregates for any unit, like reports; a finding that names a person
    // only for those whose scope holds the person's area.
    perm: 'user', scoped: true, call: (role, cls) => ({ url: `/api/v1/quality?unit=${OBJ[cls].province}&period=2024` }),
    ok: (r, role) => {
      assert.equal(r.status, 200, r.text);
      const persons = r.json.findings.map((f) => f.person?.id).filter(Boolean);
      for (const p of persons) {
        const cls = CLASSES.find((k) => OBJ[k].person === p || OBJ[k].elder === p);
        if (cls) assert.ok(sees(role, cls), `${role} sees no finding about ${p}`);
      }
      for (const k of CLASSES) if (!sees(role, k)) assert.ok(!r.text.includes(OBJ[k].name), `no name of class ${k}`);
      if (role === 'admin') assert.equal(persons.length, 0, 'an administrator sees no person');
    },
  },
  'GET /api/v1/slip': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/slip?area=${OBJ[cls].area}&month=2026-01` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200); assert.ok(r.json.items.some((x) => x.event.id === OBJ[cls].event)); },
  },
  'GET /api/v1/worklists/{list}': {
    // Names persons: only for a unit in the scope (an area here); outside reads as absent.
    // Dated before the elderly checks the matrix's writes record (2026-11-01).
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/worklists/elderly?unit=${OBJ[cls].area}&date=2026-10-31` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.some((x) => x.person_id === OBJ[cls].elder), 'the area\'s elder is due');
      assert.ok(r.json.items.every((x) => x.area === OBJ[cls].area));
    },
  },
  'GET /api/v1/book': {
    // The offline book: one area in the scope, with its persons; outside reads as absent.
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/book?area=${OBJ[cls].area}` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.area, OBJ[cls].area);
      assert.ok(r.json.persons.some((p) => p[0] === OBJ[cls].person));
      for (const k of CLASSES) if (k !== cls) assert.ok(!r.text.includes(OBJ[k].name), `no name of class ${k}`);
    },
  },
  'GET /api/v1/book/changes': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/book/changes?area=${OBJ[cls].area}&since=0` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.persons.some((p) => p[0] === OBJ[cls].person), 'the info_change of the class person');
      for (const k of CLASSES) if (k !== cls) assert.ok(!r.text.includes(OBJ[k].name), `no name of class ${k}`);
    },
  },
  'POST /api/v1/elderly/sessions': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/elderly/sessions', body: { unit: OBJ[cls].commune, date: '2026-11-22', place: 'Trạm Y tế', capacity: 5, areas: [OBJ[cls].area] } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.ok(r.json.id); },
  },
  'GET /api/v1/elderly/sessions': {
    // A session is seen by whoever's scope holds one of its areas.
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/elderly/sessions?unit=${OBJ[cls].area}&year=2026` }),
    ok: (r, role, cls, ctx) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.sessions.some((s) => s.id === ctx.sessions[cls])); },
  },
  'GET /api/v1/elderly/sessions/{id}': {
    perm: 'read', scoped: true, call: (role, cls, ctx) => ({ url: `/api/v1/elderly/sessions/${ctx.sessions[cls]}` }),
    ok: (r, role, cls, ctx) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.session.id, ctx.sessions[cls]); },
  },
  'POST /api/v1/elderly/sessions/{id}/invitations': {
    perm: 'write', scoped: true,
    call: (role, cls, ctx) => ({ method: 'POST', url: `/api/v1/elderly/sessions/${ctx.sessions[cls]}/invitations`, body: { persons: [OBJ[cls].elder] } }),
    ok: (r) => { assert.ok(r.status === 201 || r.status === 200, r.text); assert.equal(r.json.status, 'invited'); },
  },
  'POST /api/v1/elderly/sessions/{id}/attendance': {
    // After the invitations (routes are called in the table's order).
    perm: 'write', scoped: true,
    call: (role, cls, ctx) => ({ method: 'POST', url: `/api/v1/elderly/sessions/${ctx.sessions[cls]}/attendance`, body: { persons: [OBJ[cls].elder] } }),
    ok: (r) => { assert.ok(r.status === 201 || r.status === 200, r.text); assert.equal(r.json.status, 'checked'); },
  },
  'GET /api/v1/elderly/followup': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/elderly/followup?unit=${OBJ[cls].area}&date=2026-11-22` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.items.every((x) => x.area === OBJ[cls].area)); },
  },
  'GET /api/v1/elderly/coverage': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/elderly/coverage?unit=${OBJ[cls].area}&date=2026-11-22` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.total.unit, OBJ[cls].area); },
  },
  'GET /api/v1/targets': {
    // Aggregates, like reports: any unit.
    perm: 'user', scoped: true, call: (role, cls) => ({ url: `/api/v1/targets?unit=${OBJ[cls].commune}&year=2026` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.indicators)); },
  },
  'POST /api/v1/targets/share': {
    perm: 'planner', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/targets/share', body: { unit: OBJ[cls].province, year: 2026, indicator: '17', method: 'proportional', target: 30, dry_run: true } }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.status, 'planned'); },
  },
  'GET /api/v1/workforce': {
    // Collaborators' names and phones: officers of the unit only.
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/workforce?unit=${OBJ[cls].commune}&date=2026-11-22` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.collaborators.some((c) => c.code === 'MX')); },
  },
  'POST /api/v1/workforce/collaborators': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/workforce/collaborators', body: { unit: OBJ[cls].commune, code: 'MX', name: 'Người Thử', login: 'mx' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.key, 'MX'); },
  },
  'POST /api/v1/workforce/assignments': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/workforce/assignments', body: { area: OBJ[cls].area, collaborator: 'MX', from: '2026-01-01' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.key, 'MX/2026-01-01'); },
  },
  'POST /api/v1/workforce/trainings': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/workforce/trainings', body: { unit: OBJ[cls].commune, collaborator: 'MX', course: 'Tập huấn', date: '2026-10-01' } }),
    ok: (r) => assert.equal(r.status, 201, r.text),
  },
  'GET /api/v1/duplicates': {
    // Names persons: only for a unit in the scope; a pair counts only when both persons lie in it.
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/duplicates?unit=${OBJ[cls].area}&min_score=0.99` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.pairs.every((p) => p.a_area === OBJ[cls].area && p.b_area === OBJ[cls].area), r.text.slice(0, 300));
    },
  },
  'GET /api/v1/duplicates/plan': {
    perm: 'read', scoped: true,
    call: (role, cls) => ({ url: `/api/v1/duplicates/plan?person=${OBJ[cls].person}&duplicate=${OBJ[cls].elder}` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.moved) && Array.isArray(r.json.listed)); },
  },
  'GET /api/v1/duplicates/match': {
    // At entry: the household being entered must lie in the scope; matches only from it.
    perm: 'write', scoped: true,
    call: (role, cls) => ({ url: `/api/v1/duplicates/match?full_name=${enc(OBJ[cls].name)}&sex=1&birth_date=1990&household=${OBJ[cls].household}` }),
    ok: (r, role) => {
      assert.equal(r.status, 200, r.text);
      for (const k of CLASSES) if (!sees(role, k)) assert.ok(!r.text.includes(OBJ[k].name), `no name of class ${k}`);
    },
  },
  'POST /api/v1/duplicates/decision': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/duplicates/decision', body: { person: OBJ[cls].person, duplicate: OBJ[cls].elder, decision: 'not_same' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.decision, 'not_same'); },
  },
  'POST /api/v1/reconcile': {
    // Names the unit's persons: only for a unit in the scope; outside reads as absent.
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/reconcile', body: { unit: OBJ[cls].commune, lines: ['national_id,full_name,sex,birth_date,commune_code,address,residence'] } }),
    ok: (r, role, cls) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.unit, OBJ[cls].commune); assert.equal(r.json.matched, 0); },
  },
  'GET /api/v1/dashboard': {
    perm: 'user', scoped: true, call: (role, cls) => ({ url: `/api/v1/dashboard?unit=${OBJ[cls].commune}&year=2026` }),
    ok: (r) => {
      assert.equal(r.status, 200, r.text);
      for (const k of CLASSES) assert.ok(!r.text.includes(OBJ[k].name), 'no names on a dashboard');
    },
  },
  'POST /api/v1/targets': {
    // A planner sets targets for units in the scope; outside reads as 404.
    perm: 'planner', scoped: true, scopeBy: (role, cls) => role === 'national' || (role === 'province' && OBJ[cls].province === '79'),
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/targets', body: [{ unit: OBJ[cls].commune, year: 2026, indicator: '5', target: 10 }] }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.saved, 1); },
  },
  'GET /api/v1/projection': {
    // A planner projects the units in the scope; outside reads as a unit that does not exist.
    perm: 'planner', scoped: true, scopeBy: (role, cls) => role === 'national' || (role === 'province' && OBJ[cls].province === '79'),
    hidden: (r) => { assertError(r, 404, 'no_unit'); assert.equal(r.json.error.field, 'unit'); },
    call: (role, cls) => ({ url: `/api/v1/projection?unit=${OBJ[cls].province}&base=2025-12-31&to=2030` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.unit, OBJ[cls].province);
      for (const k of CLASSES) {
        assert.ok(!r.text.includes(OBJ[k].name), 'no names in a projection');
        assert.ok(!r.text.includes(`"${OBJ[k].person}"`), 'no person ids in a projection');
      }
    },
  },
  'GET /api/v1/scenarios': {
    perm: 'planner', scoped: true, scopeBy: (role, cls) => role === 'national' || (role === 'province' && OBJ[cls].province === '79'),
    call: (role, cls) => ({ url: `/api/v1/scenarios?unit=${OBJ[cls].province}` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.scenarios)); },
    hidden: (r) => assertError(r, 404, 'no_unit'),
  },
  'POST /api/v1/scenarios': {
    // Saved for units in the planner's scope; outside reads as 404.
    perm: 'planner', scoped: true, scopeBy: (role, cls) => role === 'national' || (role === 'province' && OBJ[cls].province === '79'),
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/scenarios', body: { unit: OBJ[cls].commune, base: '2025-12-31', name: 'matrix', tfr: { value: 1.8, year: 2030 } } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.name, 'matrix'); },
    hidden: (r) => assertError(r, 404, 'no_unit'),
  },
  // Communication sessions and clubs (api/h_comm.c): counts, no persons;
  // a unit outside the scope reads as absent.
  'GET /api/v1/comm/sessions': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/comm/sessions?unit=${OBJ[cls].area}&period=2026-Q4` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.sessions)); },
  },
  'POST /api/v1/comm/sessions': {
    perm: 'write', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/comm/sessions', body: { unit: OBJ[cls].area, date: '2026-11-01', topic: 'fp', format: 'talk', participants: { female: { '25-49': 3 } } } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.status, 'recorded'); },
  },
  'GET /api/v1/comm/summary': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/comm/summary?unit=${OBJ[cls].commune}&period=2026-Q4` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.columns.at(-1).code, OBJ[cls].commune);
      // The matrix's writers (collaborator, commune officer) record sessions in 26740 only.
      if (OBJ[cls].commune === '26740') assert.ok(r.json.columns.at(-1).sessions >= 1, 'the sessions the matrix recorded');
    },
  },
  'GET /api/v1/clubs': {
    perm: 'read', scoped: true, call: (role, cls) => ({ url: `/api/v1/clubs?unit=${OBJ[cls].area}&date=2026-11-20` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.clubs)); },
  },
  'POST /api/v1/clubs': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/clubs', body: { unit: OBJ[cls].commune, date: '2026-10-01', club: 'matrix', name: 'CLB ma trận', model: 'other', members: 10 } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.key, 'matrix'); },
  },
  'POST /api/v1/clubs/{club}/meetings': {
    // After POST /api/v1/clubs in the table: the club stands in every commune the role sees.
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/clubs/matrix/meetings', body: { unit: OBJ[cls].commune, date: '2026-10-15', topic: 'other', attendance: 5 } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.status, 'recorded'); },
  },
  // The monthly cycle (api/h_cycle.c, api/h_review.c).  Writes run in the
  // table's order, every role and class in turn: the first commune officer's
  // submission of 26740's October 2026 is recorded, the same commune's second
  // class finds it already submitted; the province approves it once.
  'GET /api/v1/review': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/review?unit=${OBJ[cls].commune}&month=2026-01` }),
    ok: (r, role, cls) => {
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.areas.some((a) => a.changes.some((x) => x.event.id === OBJ[cls].event)), 'the month\'s change');
      for (const k of CLASSES) if (!sees(role, k)) assert.ok(!r.text.includes(OBJ[k].name), `no name of ${k}`);
    },
  },
  'POST /api/v1/review': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ method: 'POST', url: '/api/v1/review', body: { area: OBJ[cls].area, month: '2026-01' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.equal(r.json.key, '2026-01'); },
  },
  'GET /api/v1/queries': {
    perm: 'read', call: () => ({ url: '/api/v1/queries?all=1' }),
    ok: (r, role) => {
      assert.equal(r.status, 200, r.text);
      for (const q of r.json.queries) assert.ok(CLASSES.some((k) => OBJ[k].area === q.area && sees(role, k)), `${role} sees the query of ${q.area}`);
    },
  },
  'POST /api/v1/queries': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/queries', body: { event: OBJ[cls].event, question: 'Trình độ học vấn có đúng không?' } }),
    ok: (r) => assert.equal(r.status, 201, r.text),
  },
  'POST /api/v1/queries/{event}/answer': {
    // The first answer closes the question: a second one is a conflict.
    perm: 'write', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: `/api/v1/queries/${OBJ[cls].event}/answer`, body: { answer: 'Đúng, đã kiểm tra.' } }),
    ok: (r) => { if (r.status !== 201) assertError(r, 409, 'query_answered'); },
  },
  'GET /api/v1/cycle/report': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/cycle/report?form=01-DSX&unit=${OBJ[cls].commune}&period=2026-10` }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.rows.length > 10); assert.ok(Array.isArray(r.json.history)); },
  },
  'POST /api/v1/cycle/submit': {
    perm: 'officer', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/cycle/submit', body: { form: '01-DSX', unit: OBJ[cls].commune, period: '2026-10' } }),
    ok: (r, role) => {
      if (role !== 'commune') assertError(r, 403, 'wrong_level');
      else if (r.status !== 201) assertError(r, 409, 'already_submitted');
    },
  },
  'POST /api/v1/cycle/approve': {
    perm: 'planner', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/cycle/approve', body: { form: '01-DSX', unit: OBJ[cls].commune, period: '2026-10' } }),
    ok: (r, role, cls) => {
      if (role !== 'province') assertError(r, 403, 'wrong_level');
      else if (cls === 'C') assertError(r, 409, 'not_submitted');
      else if (r.status !== 201) assertError(r, 409, 'already_approved');
    },
  },
  'POST /api/v1/cycle/return': {
    perm: 'planner', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/cycle/return', body: { form: '01-DSX', unit: OBJ[cls].commune, period: '2026-10', comment: 'Sai số liệu' } }),
    ok: (r, role, cls) => {
      if (role !== 'province') assertError(r, 403, 'wrong_level');
      else assertError(r, 409, cls === 'C' ? 'not_submitted' : 'already_approved');
    },
  },
  'GET /api/v1/cycle/timeliness': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/cycle/timeliness?unit=${OBJ[cls].commune}&period=2026-10` }),
    ok: (r, role, cls) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.units[0].unit, OBJ[cls].commune); },
  },
  'GET /api/v1/cycle/rollup': {
    perm: 'officer', scoped: true, call: (role, cls) => ({ url: `/api/v1/cycle/rollup?form=01-DSX&unit=${OBJ[cls].province}&period=2026-10` }),
    scopeBy: (role, cls) => role === 'national' || (role === 'province' && OBJ[cls].province === '79'),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.rows.length > 10); },
  },
  'POST /api/v1/dhis2/export': {
    perm: 'planner', scoped: true,
    call: (role, cls) => ({ method: 'POST', url: '/api/v1/dhis2/export', body: { form: '01-DSX', unit: OBJ[cls].commune, period: '2026-10', format: 'json', mapping: 'unit_code,org_unit\n26740,OuSaiGon001\n' } }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(r.json.dataValueSet); },
  },
  'GET /api/v1/users': {
    perm: 'admin', call: () => ({ url: '/api/v1/users' }), ok: (r) => { assert.equal(r.status, 200); assert.ok(Array.isArray(r.json)); },
  },
  'POST /api/v1/users': {
    perm: 'admin',
    call: () => ({ method: 'POST', url: '/api/v1/users', body: { login: `m${uuid().slice(-8)}`, name: 'Người thử', role: 'province', unit: '79' } }),
    ok: (r) => assert.equal(r.status, 201, r.text),
  },
  'PATCH /api/v1/users/{login}': {
    perm: 'admin', call: () => ({ method: 'PATCH', url: '/api/v1/users/dummy', body: { name: 'Tên mới' } }),
    ok: (r) => assert.equal(r.status, 200, r.text),
  },
  'POST /api/v1/tokens': {
    perm: 'user', call: () => ({ method: 'POST', url: '/api/v1/tokens', body: { label: 'matrix' } }),
    ok: (r) => { assert.equal(r.status, 201, r.text); assert.match(r.json.token, /^dso_/); },
  },
  'GET /api/v1/tokens': {
    perm: 'user', call: () => ({ url: '/api/v1/tokens' }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.tokens)); },
  },
  'DELETE /api/v1/tokens/{id}': {
    // One's own tokens only: an id that is not one of them is not found.
    perm: 'user', call: () => ({ method: 'DELETE', url: '/api/v1/tokens/0000000000000000' }),
    ok: (r) => assert.equal(r.status, 404, r.text),
  },
  'GET /api/v1/audit': {
    perm: 'admin', call: () => ({ url: '/api/v1/audit' }), ok: (r) => { assert.equal(r.status, 200); assert.ok(Array.isArray(r.json.entries)); },
  },
  'POST /api/v1/admin/units/preview': {
    perm: 'admin',
    call: () => ({ method: 'POST', url: '/api/v1/admin/units/preview?name=x.csv', body: 'old_code,new_code,new_name,level,new_parent,effective\n26743,26743,Phường Tân Định Mới,,,2027-01-01\n' }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.units[0].code, '26743'); },
  },
  'POST /api/v1/admin/units/apply': {
    // A refused crosswalk, so that the matrix changes no map.
    perm: 'admin',
    call: () => ({ method: 'POST', url: '/api/v1/admin/units/apply?name=x.csv', body: 'old_code,new_code,new_name,level,new_parent,effective\n99999,,,,,2027-01-01\n' }),
    ok: (r) => { assertError(r, 422, 'bad_crosswalk'); assert.equal(r.json.problems[0].reason, 'no_unit'); },
  },
  'GET /api/v1/series': {
    // Aggregates, like reports: any user, any commune.
    perm: 'user', call: () => ({ url: '/api/v1/series?row=2&unit=26743&from=2026-01&to=2026-02' }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.equal(r.json.points.length, 2); },
  },
  'GET /api/v1/audit/search': {
    perm: 'admin', call: () => ({ url: '/api/v1/audit/search?from=2020-01-01&to=2099-12-31&limit=10' }),
    ok: (r) => { assert.equal(r.status, 200, r.text); assert.ok(Array.isArray(r.json.entries)); },
  },
};

for (const backend of BACKENDS) {
  describe(`authorisation matrix (${backend})`, () => {
    let fx;
    let srv;
    let routes;
    const clients = {};
    before(async () => {
      fx = makeDb(backend);
      addUser(fx.db, fx.dir, 'dummy', 'province', '79');
      srv = await startServer(fx.db);
      for (const role of Object.keys(ROLES)) clients[role] = await login(srv.base, role, fx.pw[role]);
      clients.anonymous = anonymous(srv.base);
      // One elderly check session per class, scheduled by the national officer.
      fx.sessions = {};
      for (const cls of CLASSES) {
        const r = await clients.national.post('/api/v1/elderly/sessions', { unit: OBJ[cls].commune, date: '2026-11-22', place: 'Trạm Y tế', capacity: 5, areas: [OBJ[cls].area] });
        assert.equal(r.status, 201, r.text);
        fx.sessions[cls] = r.json.id;
      }
      // A collaborator in each class's commune, for the workforce's routes.
      for (const cls of CLASSES) {
        const r = await clients.national.post('/api/v1/workforce/collaborators', { unit: OBJ[cls].commune, code: 'MX', name: 'Người Thử', login: 'mx' });
        assert.equal(r.status, 201, r.text);
      }
      const o = await anonymous(srv.base).get('/api/v1/openapi.json');
      routes = [];
      for (const [p, item] of Object.entries(o.json.paths))
        for (const [m, op] of Object.entries(item)) routes.push({ key: `${m.toUpperCase()} ${p}`, perm: op['x-permission'] });
    });
    after(async () => {
      await srv?.stop();
      fx?.drop();
    });

    test('every route in openapi.json has a policy, with the same permission', () => {
      const missing = routes.filter((r) => !POLICY[r.key]).map((r) => r.key);
      assert.deepEqual(missing, [], `new route without a policy: ${missing.join(', ')}`);
      for (const r of routes) assert.equal(r.perm, POLICY[r.key].perm, `${r.key}: x-permission`);
      const gone = Object.keys(POLICY).filter((k) => !routes.some((r) => r.key === k));
      assert.deepEqual(gone, [], 'policies for routes that no longer exist');
    });

    test('every route x every role x own / sibling area / sibling commune / other province', async () => {
      const failures = [];
      let calls = 0;
      // Writes made by request threads first, reads after: on SQLite a read
      // of events (history, household, event, slip) has been seen to spoil
      // the thread's connection for later writes (see api.test.mjs).
      const ordered = [...routes.filter((r) => !r.key.startsWith('GET ')), ...routes.filter((r) => r.key.startsWith('GET '))];
      for (const { key } of ordered) {
        const pol = POLICY[key];
        if (!pol) continue;
        for (const role of ALL_ROLES) {
          for (const cls of pol.scoped ? CLASSES : [null]) {
            for (let v = 0; v < (pol.variants || 1); v++) {
              let client = clients[role];
              if (pol.fresh && role !== 'anonymous') client = await login(srv.base, role, fx.pw[role]);
              const rq = pol.call(role, cls, fx, v);
              const r = await client.req(rq.method || 'GET', rq.url, rq.body);
              calls++;
              const where = `${key} as ${role}${cls ? ` on ${cls}` : ''}${v ? ` (variant ${v})` : ''}: ${r.status} ${r.text.slice(0, 160)}`;
              try {
                if (!PERM_ROLES[pol.perm].includes(role)) {
                  if (role === 'anonymous') assertError(r, 401, 'not_authenticated');
                  else assertError(r, 403, 'forbidden');
                } else if (!cls || pol.perm === 'user' && !pol.scopeBy || (pol.scopeBy ? pol.scopeBy(role, cls) : sees(role, cls))) {
                  pol.ok(r, role, cls, fx);
                } else {
                  (pol.hidden || notFound)(r, role, cls, fx);
                }
                // Security headers on every answer.
                assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
              } catch (e) {
                failures.push(`${where}\n    ${e.message.split('\n')[0]}`);
              }
            }
          }
        }
      }
      assert.ok(calls > 300, `${calls} calls`);
      assert.deepEqual(failures, [], `${failures.length} answers differ from the policy:\n${failures.join('\n')}`);
    });

    test('out of scope reads exactly as absent, for reads and for writes that move a person', async () => {
      const c = clients.collaborator;
      const nope = await c.get('/api/v1/persons/NOPE');
      const out = await c.get(`/api/v1/persons/${OBJ.B.person}`);
      assert.deepEqual(out.json, nope.json, 'the same body');
      assert.equal(out.status, 404);
      const hNope = await c.get('/api/v1/households/NOPE');
      const hOut = await c.get(`/api/v1/households/${OBJ.D.household}`);
      assert.deepEqual(hOut.json, hNope.json);
      const date = '2026-11-10';
      const cases = [
        // A transfer out of scope: own person to a household outside.
        [c, { id: uuid(), type: 'transfer', date, person: 'A4', household: OBJ.B.household }],
        // Into scope: a person outside to an own household.
        [c, { id: uuid(), type: 'transfer', date, person: 'C3', household: OBJ.A.household }],
        [clients.commune, { id: uuid(), type: 'transfer', date, person: 'A4', household: OBJ.C.household }],
        [clients.commune, { id: uuid(), type: 'transfer', date, person: 'F1', household: OBJ.A.household }],
        // A move-in into a household outside, or a new household in an area outside.
        [c, { id: uuid(), type: 'move_in', date, household: OBJ.B.household, person: { person_id: 'N1', full_name: 'Người Mới', sex: 1, birth_date: '1990', relation: 8, ethnicity: '01', education: 3, marital: 1, residence: 1 } }],
        [c, { id: uuid(), type: 'move_in', date, new_household: { household_id: 'HN1', area_code: OBJ.B.area, number: '9', type: 1 }, person: { person_id: 'N2', full_name: 'Người Mới', sex: 1, birth_date: '1990', relation: 1, ethnicity: '01', education: 3, marital: 1, residence: 1 } }],
        // A marriage naming a spouse outside.
        [c, { id: uuid(), type: 'marriage', date, person: 'A4', spouse: 'C3' }],
        // A void of an event outside.
        [c, { id: uuid(), type: 'void', date, target: OBJ.B.event, reason: 'x' }],
        [clients.commune, { id: uuid(), type: 'household_change', date, household: OBJ.D.household, address: 'Số 10' }],
      ];
      const wrong = [];
      for (const [client, ev] of cases) {
        const r = await client.post('/api/v1/events', ev);
        if (r.status !== 404 || r.json.error?.code !== 'not_found')
          wrong.push(`SERVER BUG: ${ev.type} ${JSON.stringify(ev)} -> ${r.status} ${r.text} (want 404 not_found)`);
      }
      const h9 = await clients.national.get(`/api/v1/households/${OBJ.D.household}`);
      if (h9.json.address !== 'Số 9') wrong.push(`SERVER BUG: household ${OBJ.D.household} of another province changed: address ${h9.json.address}`);
      // Nothing moved.
      const a4 = await clients.national.get('/api/v1/persons/A4');
      assert.equal(a4.json.household, 'H1');
      const c3 = await clients.national.get('/api/v1/persons/C3');
      assert.equal(c3.json.household, 'H3');
      assert.equal((await clients.national.get('/api/v1/persons/N1')).status, 404);
      assert.equal((await clients.national.get('/api/v1/households/HN1')).status, 404);
      // A transfer inside the scope works.
      const ok = await clients.commune.post('/api/v1/events', { id: uuid(), type: 'transfer', date, person: 'D1', household: OBJ.A.household });
      assert.equal(ok.status, 201, ok.text);
      assert.deepEqual(wrong, [], wrong.join('\n'));
    });

    test('reports above a user\'s level are aggregates only', async () => {
      for (const fmt of ['json', 'csv', 'html']) {
        const r = await clients.collaborator.get(`/api/v1/reports/03-DSX?unit=79&period=2024&format=${fmt}`);
        assert.equal(r.status, 200);
        for (const k of CLASSES) {
          assert.ok(!r.text.includes(OBJ[k].name), `no name in the ${fmt} report`);
          assert.ok(!r.text.includes(OBJ[k].nid));
        }
        for (const name of ['Nguyễn Văn', 'Trần Thị B', 'Phạm Văn H']) assert.ok(!r.text.includes(name));
      }
    });

    test('the country\'s report (unit VN) has a column per province, each that province\'s own total', async () => {
      const r = await clients.collaborator.get('/api/v1/reports/03-DSX?unit=VN&period=2024&format=json');
      assert.equal(r.status, 200);
      const nat = JSON.parse(r.text);
      assert.equal(nat.unit.name, 'Toàn quốc');
      const codes = nat.columns.map((c) => c.code);
      assert.equal(codes[codes.length - 1], 'VN');
      assert.ok(codes.length >= 2, 'at least one province and the country');
      for (const [i, p] of codes.slice(0, -1).entries()) {
        const own = JSON.parse((await clients.collaborator.get(`/api/v1/reports/03-DSX?unit=${p}&period=2024&format=json`)).text);
        const total = own.columns.length - 1;
        for (const [k, row] of own.rows.entries()) if (row.direction === 'count') assert.equal(nat.rows[k].values[i], row.values[total], `row ${row.code} of ${p}`);
      }
      assert.ok(!r.text.includes(OBJ[CLASSES[0]].name), 'no name in the national report');
    });
  });
}
