// The household book on the phone (spec sync.md): the collaborator's own
// area in IndexedDB, so that it survives closing the browser and
// restarting the phone offline, and the outbox of events recorded on the
// phone, in the order they were saved.  Nothing of another area is ever
// written here: the server sends only the caller's area.
//
// Stores: meta {k, v} (the owner's login, the area, the event sequence the
// book is current to, the last sync, the user as /me answered), households
// and persons (rows by id, as GET /api/v1/book sends them, turned into
// objects), outbox (by n, the order of saving; each {n, id, ev, status,
// deps, error, conflict, at}).
const NAME = 'danso-book';
const STORES = ['meta', 'households', 'persons', 'outbox'];
let dbp = null;

// A refused write of the phone's storage (quota): the caller says so and keeps what it had.
export class StorageFull extends Error {}

export function open() {
  if (dbp) return dbp;
  dbp = new Promise((resolve, reject) => {
    const r = indexedDB.open(NAME, 1);
    r.onupgradeneeded = () => {
      const db = r.result;
      db.createObjectStore('meta', { keyPath: 'k' });
      db.createObjectStore('households', { keyPath: 'id' });
      db.createObjectStore('persons', { keyPath: 'id' }).createIndex('household', 'household');
      db.createObjectStore('outbox', { keyPath: 'n', autoIncrement: true }).createIndex('id', 'id', { unique: true });
    };
    r.onsuccess = () => {
      r.result.onversionchange = () => { r.result.close(); dbp = null; };
      resolve(r.result);
    };
    r.onerror = () => { dbp = null; reject(r.error); };
  });
  return dbp;
}

const quota = (e) => e && (e.name === 'QuotaExceededError' || /quota/i.test(e.message || ''));

// Runs fn(stores) in one transaction; resolves with fn's value once it is committed.
async function tx(names, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    let t;
    try { t = db.transaction(names, mode); } catch (e) { reject(e); return; }
    const s = Object.fromEntries(names.map((n) => [n, t.objectStore(n)]));
    let out;
    t.oncomplete = () => resolve(out);
    t.onabort = () => reject(quota(t.error) ? new StorageFull(t.error?.message) : t.error || new Error('aborted'));
    t.onerror = (ev) => { if (quota(t.error)) ev.preventDefault?.(); };
    try { out = fn(s); } catch (e) { t.abort(); reject(quota(e) ? new StorageFull(e.message) : e); }
  });
}

const all = (store) => new Promise((resolve, reject) => {
  const r = store.getAll();
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

export async function getMeta() {
  const rows = await tx(['meta'], 'readonly', (s) => all(s.meta));
  return Object.fromEntries((await rows).map((x) => [x.k, x.v]));
}

export function setMeta(values) {
  return tx(['meta'], 'readwrite', (s) => { for (const [k, v] of Object.entries(values)) s.meta.put({ k, v }); });
}

// Rows of the server's arrays as objects named by its field list.
const objects = (fields, rows) => rows.map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i]])));

// The whole book (GET /api/v1/book): replaces what was held.
export function saveBook(b, owner) {
  return tx(['meta', 'households', 'persons'], 'readwrite', (s) => {
    s.households.clear();
    s.persons.clear();
    for (const x of objects(b.household_fields, b.households)) s.households.put(x);
    for (const x of objects(b.person_fields, b.persons)) s.persons.put(x);
    for (const [k, v] of Object.entries({ owner, area: b.area, areaName: b.area_name, seq: b.seq, codes: b.codes, today: b.today }))
      s.meta.put({ k, v });
  });
}

// Changes since the book's sequence (GET /api/v1/book/changes): rows replaced, the gone removed.
export function applyChanges(c) {
  return tx(['meta', 'households', 'persons'], 'readwrite', (s) => {
    for (const x of objects(c.household_fields, c.households)) s.households.put(x);
    for (const x of objects(c.person_fields, c.persons)) s.persons.put(x);
    for (const [id] of c.gone) s.persons.delete(id);
    s.meta.put({ k: 'seq', v: c.seq });
    s.meta.put({ k: 'today', v: c.today });
  });
}

export async function households() { return tx(['households'], 'readonly', (s) => all(s.households)); }
export async function persons() { return tx(['persons'], 'readonly', (s) => all(s.persons)); }
export async function outbox() { return tx(['outbox'], 'readonly', (s) => all(s.outbox)); }

// Saves an event at the end of the outbox, or in the place of the entry it corrects (replace: its n),
// with other entries rewritten (those that depended on the corrected one); StorageFull when the phone is full.
export function queue(entry, replace, also = []) {
  return tx(['outbox'], 'readwrite', (s) => {
    if (replace) s.outbox.put({ ...entry, n: Number(replace) });
    else s.outbox.add(entry);
    for (const e of also) s.outbox.put(e);
  });
}

// Writes the outbox entries given (by n) and removes those listed in drop.
export function updateOutbox(put, drop = []) {
  return tx(['outbox'], 'readwrite', (s) => {
    for (const e of put) s.outbox.put(e);
    for (const n of drop) s.outbox.delete(n);
  });
}

// Everything personal goes: the book, the outbox, the remembered user.
export async function clear() {
  if (dbp) {
    try { (await dbp).close(); } catch { /* not open */ }
    dbp = null;
  }
  await new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(NAME);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}

export const STORE_NAMES = STORES;

// A name as typed: no case, no diacritics (đ as d), single spaces.
export function fold(s) {
  return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}
