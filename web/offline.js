// The collaborator's phone without a connection (spec sync.md): the
// household book and the outbox (book.js), the sync with the server, the
// status always shown in the header, and the book's and outbox's pages.
//
// Recording: the event gets its UUID on the phone, the phone's own checks
// run (those that need only the book), and it goes to the outbox; the book
// shows it at once, marked "chưa gửi".  Sync: the outbox is sent in order,
// in batches, through POST /api/v1/events/batch; each event gets its own
// result: recorded or already present (a re-send after a cut connection)
// leave the outbox, refused ones stay, visible with the server's reason,
// until they are corrected or dropped.  An event that names a person or
// household created by another waiting event is sent only after it, and
// held with the reason if that one is refused.  Then the book fetches what
// changed since its sequence.  The server's decision is final.
import { h, label, state, today } from './core.js';
import { date, getLang } from './i18n.js';
import * as B from './book.js';

const BATCH = 50;
const EXPIRY_DAYS = 30;
const DAY_MS = 86400000;
const vi = () => getLang() === 'vi';
const tr = (v, e) => (vi() ? v : e);

// What the header shows; filled by refresh().
const status = { waiting: 0, refused: 0, lastSync: 0, expired: false, error: '', busy: false, ready: false };

// ---- talking to the server (not through core.api: a 401 here must not leave the page) ----

async function call(path, opts = {}) {
  const headers = { 'Accept-Language': getLang() };
  const init = { method: opts.method || 'GET', headers, credentials: 'same-origin' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = state.csrf;
    init.body = JSON.stringify(opts.body);
  }
  const r = await fetch(path, init); // throws when offline
  let json = null;
  try { json = await r.json(); } catch { json = null; }
  return { status: r.status, json };
}

// ---- the session as the phone remembers it ----

// The user /api/v1/me answered, kept so that the app opens offline.
export async function rememberUser(me) {
  try { await B.setMeta({ me: { user: me.user, unit: me.unit || null, today: me.today || null, csrf: me.csrf } }); } catch { /* a phone without storage records online only */ }
}

// The remembered user, when the book belongs to them (opening offline).
export async function offlineUser() {
  try {
    const m = await B.getMeta();
    return m.me?.user && m.owner === m.me.user.login ? m.me : null;
  } catch { return null; }
}

// ---- the header's status ----

async function refresh() {
  try {
    const [list, m] = await Promise.all([B.outbox(), B.getMeta()]);
    status.waiting = list.filter((e) => e.status !== 'sent').length;
    status.refused = list.filter((e) => e.status === 'refused' || e.status === 'held').length;
    status.lastSync = m.lastSync || 0;
    status.ready = Boolean(m.area) && m.owner === state.user?.login;
  } catch { /* no storage: nothing waits */ }
  draw();
}

function when(ms) {
  const d = new Date(ms);
  const p = (x) => String(x).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}`;
}

function draw() {
  let el = document.getElementById('sync');
  if (!state.user || state.user.role !== 'collaborator') { el?.remove(); return; }
  if (!el) {
    // A link to the outbox whose text is its state, announced as it changes (a link may not take role=status).
    el = h('a', { id: 'sync', class: 'sync', href: '#/outbox', 'aria-live': 'polite' });
    document.getElementById('logout').before(el);
  }
  const online = navigator.onLine && !status.error;
  el.dataset.online = navigator.onLine ? '1' : '0';
  el.dataset.waiting = String(status.waiting);
  el.replaceChildren(...[
    h('span', { class: `dot ${navigator.onLine ? 'on' : 'off'}` }, navigator.onLine ? tr('Trực tuyến', 'Online') : tr('Ngoại tuyến', 'Offline')),
    ' · ', h('span', { class: 'count' }, tr(`${status.waiting} chờ gửi`, `${status.waiting} waiting`)),
    status.refused ? h('span', { class: 'bad' }, tr(` (${status.refused} cần sửa)`, ` (${status.refused} to fix)`)) : null,
    ' · ', h('span', { class: 'last' }, status.lastSync ? tr(`gửi lúc ${when(status.lastSync)}`, `synced ${when(status.lastSync)}`) : tr('chưa đồng bộ', 'never synced')),
    status.busy ? h('span', {}, tr(' · đang gửi…', ' · sending…')) : null,
    status.expired ? h('span', { class: 'bad' }, tr(' · Phiên đăng nhập đã hết: đăng nhập lại để gửi', ' · Session over: log in again to send')) : null,
    !online && status.error ? h('span', { class: 'bad' }, ` · ${status.error}`) : null].filter(Boolean));
  // The outbox page's button follows the connection (not while it is sending).
  const send = document.getElementById('sync-now');
  if (send && !status.busy) send.disabled = !navigator.onLine;
}

// ---- recording ----

const ageAt = (birth, day) => {
  const b = String(birth || '');
  if (!/^\d{4}/.test(b)) return null;
  const [y, m = '07', d = '01'] = b.split('-');
  const [Y, M, D] = day.split('-');
  return Number(Y) - Number(y) - (`${M}-${D}` < `${m}-${d}` ? 1 : 0);
};

// The ids of persons and households an event names, and those it creates.
function names(ev) {
  const p = typeof ev.person === 'string' ? [ev.person] : [];
  return [...p, ev.mother, ev.spouse, ev.head, ev.household].filter((x) => typeof x === 'string' && x);
}
function creates(ev) {
  if (ev.type === 'birth') return [ev.child?.person_id];
  if (ev.type === 'move_in') return [ev.person?.person_id, ev.new_household?.id || ev.new_household?.household_id];
  return [];
}

// The book as the phone shows it: the server's rows with the outbox applied.
export async function view(skip) {
  const [hs, ps, all] = await Promise.all([B.households(), B.persons(), B.outbox()]);
  const list = all.filter((e) => String(e.n) !== String(skip)); // an entry being corrected
  const households = new Map(hs.map((x) => [x.id, { ...x, marks: [] }]));
  const persons = new Map(ps.map((x) => [x.id, { ...x, marks: [] }]));
  for (const e of list) {
    const ev = e.ev;
    const mark = { id: e.id, n: e.n, type: ev.type, status: e.status };
    const p = typeof ev.person === 'string' ? persons.get(ev.person) : null;
    if (p) p.marks.push(mark);
    switch (ev.type) {
      case 'birth': {
        const m = persons.get(ev.mother);
        if (m) m.marks.push(mark);
        const c = ev.child || {};
        persons.set(c.person_id, { id: c.person_id, name: c.full_name, sex: c.sex, birth: ev.date,
          household: ev.household || m?.household || '', relation: 3, marital: 1, fp: 0, marks: [mark], added: true });
        break;
      }
      case 'death': case 'move_out': if (p) p.exit = ev.type; break;
      case 'transfer': if (p) p.household = ev.household; break;
      case 'marriage': if (p) p.marital = 2; break;
      case 'divorce': if (p) p.marital = 4; break;
      case 'widowed': if (p) p.marital = 3; break;
      case 'fp_start': if (p) p.fp = ev.method; break;
      case 'fp_stop': if (p) p.fp = 0; break;
      case 'pregnancy': if (p) p.pregnancy = [ev.date, ev.outcome]; break;
      case 'elderly_check': if (p) p.elderly_check = ev.date; break;
      case 'info_change': if (p && ev.field === 'full_name') p.name = ev.value; break;
      case 'move_in': {
        const np = ev.person || {};
        persons.set(np.person_id, { id: np.person_id, name: np.full_name, sex: np.sex, birth: np.birth_date,
          household: ev.household, relation: np.relation, marital: np.marital, fp: 0, marks: [mark], added: true });
        break;
      }
      case 'household_change': {
        const x = households.get(ev.household);
        if (x) {
          x.marks.push(mark);
          if (ev.poverty !== undefined) x.poverty = ev.poverty;
          if (ev.address) x.address = ev.address;
        }
        break;
      }
      default: break;
    }
  }
  return { households, persons, list };
}

// The phone's own checks (those that need only the book): {field, message}, or null.
function check(ev, v) {
  const p = typeof ev.person === 'string' ? v.persons.get(ev.person) : null;
  if (typeof ev.person === 'string' && ev.type !== 'move_in') {
    if (!p) return { field: 'person', message: tr('Người này không có trong sổ hộ của địa bàn.', 'This person is not in the area\'s book.') };
    if (p.exit) return { field: 'person', message: tr('Người này đã được ghi chết hoặc chuyển đi.', 'This person has already died or moved out.') };
  }
  if (ev.type === 'birth') {
    const m = v.persons.get(ev.mother);
    if (!m) return { field: 'mother', message: tr('Người mẹ không có trong sổ hộ của địa bàn.', 'The mother is not in the area\'s book.') };
    if (m.exit) return { field: 'mother', message: tr('Người mẹ đã được ghi chết hoặc chuyển đi.', 'The mother has died or moved out.') };
    if (Number(m.sex) !== 2) return { field: 'mother', message: tr('Người mẹ phải là nữ.', 'The mother must be a woman.') };
    const a = ageAt(m.birth, ev.date);
    if (a !== null && (a < 12 || a > 60)) return { field: 'mother', message: tr(`Tuổi của mẹ khi sinh (${a}) không hợp lý.`, `The mother's age at the birth (${a}) is not plausible.`) };
    if (v.persons.has(ev.child?.person_id)) return { field: 'child.person_id', message: tr('Mã người này đã có trong sổ.', 'This person id is already in the book.') };
  }
  if (ev.type === 'elderly_check' && p) {
    const a = ageAt(p.birth, ev.date);
    if (a !== null && a < 60) return { field: 'person', message: tr(`Người này mới ${a} tuổi: khám sức khỏe người cao tuổi từ 60 tuổi.`, `This person is ${a}: elderly checks are from 60.`) };
  }
  if ((ev.type === 'fp_start' || ev.type === 'fp_stop' || ev.type === 'pregnancy') && p && Number(p.sex) !== 2)
    return { field: 'person', message: tr('Chỉ ghi cho phụ nữ.', 'Only for a woman.') };
  if (ev.date && ev.date > today()) return { field: 'date', message: tr('Ngày không được ở tương lai', 'The date cannot be in the future') };
  return null;
}

// True when recording goes through the phone's book (a collaborator whose book is here).
export function offlineActive() {
  return state.user?.role === 'collaborator' && status.ready;
}

// An error of the phone's own: shown by the form like the server's.
export class LocalRefusal extends Error {
  constructor(p) { super(p.message); this.field = p.field; }
}

export const storageFullText = () => tr(
  'Bộ nhớ của điện thoại đã đầy nên sự kiện này chưa được lưu. Các sự kiện đã lưu trước vẫn còn nguyên. Hãy xóa bớt ảnh, video hoặc ứng dụng rồi bấm Lưu.',
  'The phone\'s storage is full, so this event was not saved. Events saved before are all kept. Free some space (photos, videos, apps), then Save again.');

// Saves an event in the outbox (replace: the outbox entry it corrects) and starts a sync.
export async function recordOffline(ev, replace) {
  const v = await view(replace);
  const p = check(ev, v);
  if (p) throw new LocalRefusal(p);
  const made = new Map();
  // A correction keeps its place in the order; what waited for the old entry now waits for this one.
  const old = replace ? (await B.outbox()).find((e) => String(e.n) === String(replace)) : null;
  const before = replace ? v.list.filter((e) => e.n < Number(replace)) : v.list;
  for (const e of before) for (const id of creates(e.ev)) if (id) made.set(id, e.id);
  const deps = [...new Set(names(ev).map((id) => made.get(id)).filter(Boolean))];
  const also = old ? v.list.filter((e) => (e.deps || []).includes(old.id))
    .map((e) => ({ ...e, deps: e.deps.map((d) => (d === old.id ? ev.id : d)), status: e.status === 'held' ? 'pending' : e.status })) : [];
  try {
    await B.queue({ id: ev.id, ev, status: 'pending', deps, at: Date.now(), who: subject(ev, v) }, replace, also);
  } catch (e) {
    // Nothing was written (the transaction is whole or nothing): the form keeps what was typed.
    if (e instanceof B.StorageFull) throw new LocalRefusal({ field: null, message: storageFullText() });
    throw e;
  }
  await refresh();
}

// Online, the event is sent at once and its own result answered: {status: 'recorded' (with the
// server's warning, if any) | 'refused' (with the error) | 'waiting' (not sent: no connection, server
// busy, session over)}.  A refused one leaves the outbox (the form shows why, with what was typed),
// unless keep (a correction made from the outbox stays there until it is right or dropped).
export async function sendNow(id, keep = false) {
  await sync();
  if (running) await running; // a sync already under way when this one was saved
  const e = (await B.outbox()).find((x) => x.id === id);
  const res = results.get(id);
  if (!e || e.status === 'sent') return { status: 'recorded', warning: res?.warning || null };
  if (e.status === 'refused') {
    if (!keep) await B.updateOutbox([], [e.n]);
    await refresh();
    return { status: 'refused', error: e.error || {} };
  }
  return { status: 'waiting' };
}

// ---- sync ----

const results = new Map(); // event id -> the server's result, this page's life
let running = null;
// One sync at a time; resolves when it is over (whatever came of it).
export function sync() {
  if (!running) running = doSync().finally(() => { running = null; status.busy = false; refresh(); });
  return running;
}

// The session ended (401): the outbox stays; the login page asks for the password, and the
// sync after the login sends what waits.
function sessionOver() {
  status.expired = true;
  state.user = null;
  state.csrf = '';
  location.hash = '#/login?over=1';
}

async function doSync() {
  if (!state.user || state.user.role !== 'collaborator' || !navigator.onLine) return;
  const login = state.user.login; // the book's owner, whatever the page does meanwhile
  status.busy = true;
  status.error = '';
  draw();
  try {
    // Before sending (after opening offline the CSRF token may be an old
    // session's), the session is asked again; with nothing to send the book
    // is asked for at once (a first sync on a slow link).
    if ((await B.outbox()).some((e) => e.status !== 'sent' && e.status !== 'refused')) {
      const me = await call('/api/v1/me');
      if (me.status === 401) { sessionOver(); return; }
      if (me.status !== 200) { status.error = tr('Máy chủ chưa sẵn sàng, sẽ thử lại', 'The server is not ready; will try again'); return; }
      state.csrf = me.json.csrf;
      await rememberUser(me.json);
      if (!(await sendOutbox())) return;
    }
    if (!(await refreshBook(login))) return;
    status.expired = false;
    await B.setMeta({ lastSync: Date.now() });
  } catch (e) {
    status.error = e instanceof B.StorageFull ? storageFullText() : tr('Mất kết nối, sẽ gửi lại', 'Connection lost; will send again');
  }
}

// Sends the outbox in rounds; false when it had to stop (session over, server busy).
async function sendOutbox() {
  for (;;) {
    const list = await B.outbox();
    const byId = new Map(list.map((e) => [e.id, e]));
    const batch = [];
    const changed = [];
    for (const e of list) {
      if (e.status === 'refused' || e.status === 'sent') continue;
      const open = (e.deps || []).map((d) => byId.get(d)).filter((d) => d && d.status !== 'sent');
      const blocker = open.find((d) => d.status === 'refused' || d.status === 'held');
      if (blocker) {
        if (e.status !== 'held' || e.heldBy !== blocker.id) changed.push({ ...e, status: 'held', heldBy: blocker.id });
        continue;
      }
      if (open.length) continue; // sent in a later round, after what it depends on
      if (e.status === 'held') changed.push({ ...e, status: 'pending', heldBy: null });
      if (batch.length < BATCH) batch.push(e);
    }
    if (changed.length) await B.updateOutbox(changed);
    if (!batch.length) return true;
    const r = await call('/api/v1/events/batch', { method: 'POST', body: { events: batch.map((e) => e.ev) } });
    if (r.status === 401) { sessionOver(); return false; }
    if (r.status !== 200 || !r.json?.results) {
      status.error = r.json?.error?.message || tr('Máy chủ chưa ghi được, sẽ gửi lại', 'The server could not record; will send again');
      return false;
    }
    const put = [];
    r.json.results.forEach((res, i) => {
      const e = batch[i];
      results.set(e.id, res);
      if (res.status === 'recorded' || res.status === 'duplicate') put.push({ ...e, status: 'sent', result: res.status, error: null, conflict: null });
      else if (res.status !== 'failed') put.push({ ...e, status: 'refused', error: res.error || null, conflict: res.conflict || null });
    });
    await B.updateOutbox(put);
    await refresh();
    // Let the page breathe between batches (500 events never freeze it).
    await new Promise((ok) => setTimeout(ok, 0));
  }
}

// The book brought up to the server: the changes since its sequence, or the whole book.
async function refreshBook(login) {
  const m = await B.getMeta();
  let done = false;
  if (m.owner === login && Number.isInteger(m.seq)) {
    const r = await call(`/api/v1/book/changes?since=${m.seq}`);
    if (r.status === 401) { sessionOver(); return false; }
    if (r.status === 200 && !r.json.full) {
      await B.applyChanges(r.json);
      done = true;
    } else if (r.status !== 200 && r.status !== 400) throw new Error('changes');
  }
  if (!done) {
    const r = await call('/api/v1/book');
    if (r.status === 401) { sessionOver(); return false; }
    if (r.status !== 200) throw new Error('book');
    if (m.owner && m.owner !== login) await B.clear();
    await B.saveBook(r.json, login);
  }
  // What the server recorded is now in the book's own rows.
  const sent = (await B.outbox()).filter((e) => e.status === 'sent').map((e) => e.n);
  if (sent.length) await B.updateOutbox([], sent);
  return true;
}

// ---- starting, leaving ----

let started = false;
// After the session is known: the codes from the book when offline, the 30-day rule, the first sync.
export async function startOffline() {
  if (!state.user || state.user.role !== 'collaborator') { draw(); return; }
  let m = {};
  try { m = await B.getMeta(); } catch { return; }
  // The session may have ended while the book was read (a logout, an expired session).
  if (!state.user) { draw(); return; }
  if (m.owner && m.owner !== state.user.login) {
    // Another collaborator's book: it is not this user's to see.
    const waiting = (await B.outbox()).length;
    if (!waiting || confirm(tr(`Máy còn ${waiting} sự kiện chưa gửi của tài khoản ${m.owner}. Xóa để dùng tài khoản này?`, `${waiting} events of ${m.owner} are not sent. Delete them to use this account?`))) {
      await B.clear();
      m = {};
    }
  }
  const last = m.lastSync || 0;
  if (last && Date.now() - last > EXPIRY_DAYS * DAY_MS && !(await expire())) { await refresh(); return; }
  if (!state.codes && m.codes) state.codes = m.codes;
  await refresh();
  if (!started) {
    started = true;
    window.addEventListener('online', () => { refresh(); sync(); });
    window.addEventListener('offline', () => draw());
    setInterval(() => { if (navigator.onLine && status.waiting) sync(); }, 60000);
  }
  if (navigator.onLine) sync();
}

// The 30 days without a sync are over: the personal data leave the phone (after a warning if events wait).
async function expire() {
  const waiting = (await B.outbox()).filter((e) => e.status !== 'sent').length;
  const ok = !waiting || confirm(tr(
    `Điện thoại đã hơn ${EXPIRY_DAYS} ngày chưa đồng bộ nên dữ liệu cá nhân sẽ bị xóa khỏi máy. Còn ${waiting} sự kiện chưa gửi sẽ bị mất. Bấm Hủy để kết nối mạng và gửi trước.`,
    `The phone has not synced for over ${EXPIRY_DAYS} days, so the personal data will be deleted from it. ${waiting} unsent events will be lost. Cancel to connect and send them first.`));
  if (!ok) return true;
  await B.clear();
  status.ready = false;
  return false;
}

// Before logging out: a warning when events wait; then the phone's personal data are deleted.
export async function beforeLogout() {
  let waiting = 0;
  try { waiting = (await B.outbox()).filter((e) => e.status !== 'sent').length; } catch { waiting = 0; }
  if (waiting && !confirm(tr(`Còn ${waiting} sự kiện chưa gửi. Đăng xuất sẽ xóa chúng khỏi điện thoại. Vẫn đăng xuất?`,
    `${waiting} events are not sent. Logging out deletes them from the phone. Log out anyway?`))) return false;
  await B.clear();
  Object.assign(status, { waiting: 0, refused: 0, lastSync: 0, ready: false, expired: false, error: '' });
  document.getElementById('sync')?.remove();
  return true;
}

// ---- pickers: by name, from the phone's book ----

// Datalist options of persons whose name starts with (or holds a word starting with) q.
export async function bookLookup(q, max = 20) {
  const key = B.fold(q);
  const v = await view();
  const out = [];
  for (const p of v.persons.values()) {
    if (p.exit) continue;
    const n = B.fold(p.name);
    if (n.startsWith(key) || n.includes(` ${key}`) || p.id.toLowerCase() === key) out.push(p);
    if (out.length >= max) break;
  }
  const hh = new Map([...v.households.values()].map((x) => [x.id, x]));
  return out.map((p) => h('option', { value: `${p.id} – ${p.name}, ${date(p.birth)}${hh.get(p.household) ? `, ${tr('hộ số', 'household')} ${hh.get(p.household).number}` : ''}` }));
}

// Datalist options of the book's households, by number.
export async function householdOptions() {
  const v = await view();
  const heads = new Map();
  for (const p of v.persons.values()) if (Number(p.relation) === 1 && !p.exit) heads.set(p.household, p.name);
  return [...v.households.values()].sort((a, b) => String(a.number).localeCompare(String(b.number), undefined, { numeric: true }))
    .map((x) => h('option', { value: `${x.id} – ${tr('Hộ số', 'Household')} ${x.number}${heads.get(x.id) ? `, ${heads.get(x.id)}` : ''}, ${x.address}` }));
}

// ---- pages ----

const statusText = (s) => ({
  pending: tr('chưa gửi', 'not sent'), held: tr('đang chờ', 'waiting'), refused: tr('bị từ chối', 'refused'), sent: tr('đã gửi', 'sent'),
}[s] || s);

function badge(m) {
  return h('span', { class: `badge ${m.status}` }, `${label('event_type', m.type)}: ${statusText(m.status)}`);
}

// The household book: every household of the area with its members, the phone's changes marked.
export async function bookPage(main, params) {
  await refresh();
  const m = await B.getMeta();
  if (!m.area) {
    main.replaceChildren(h('h1', {}, tr('Sổ hộ trên máy', 'Household book')),
      h('p', { class: 'msg bad' }, navigator.onLine ? tr('Đang tải sổ hộ về máy…', 'Downloading the book…') : tr('Chưa có sổ hộ trên máy: hãy kết nối mạng một lần để tải về.', 'No book on this phone yet: connect once to download it.')));
    if (navigator.onLine) sync().then(() => { if (location.hash.startsWith('#/book')) window.dispatchEvent(new HashChangeEvent('hashchange')); });
    return;
  }
  const v = await view();
  const q = B.fold(params.get('q') || '');
  const filter = h('input', { type: 'search', id: 'book-q', value: params.get('q') || '', placeholder: tr('Gõ tên để lọc', 'Type a name to filter') });
  filter.addEventListener('change', () => { location.hash = `#/book?q=${encodeURIComponent(filter.value)}`; });
  const byHh = new Map();
  for (const p of v.persons.values()) {
    if (!byHh.has(p.household)) byHh.set(p.household, []);
    byHh.get(p.household).push(p);
  }
  const present = [...v.persons.values()].filter((p) => !p.exit).length;
  const list = h('div', { id: 'book' });
  const hs = [...v.households.values()].sort((a, b) => String(a.number).localeCompare(String(b.number), undefined, { numeric: true }));
  // A household's members are drawn when it is opened (1,500 rows at once are slow on a cheap
  // phone); those with a change not yet sent, or matching the filter, are open from the start.
  const memberList = (members) => h('ul', { class: 'members' }, members.map((p) => h('li', { 'data-person': p.id, class: p.exit ? 'exited' : null },
    h('span', { class: 'pname' }, p.name), ` · ${label('sex', p.sex)} · ${date(p.birth)}`,
    p.exit ? h('span', { class: 'badge gone' }, p.exit === 'death' ? tr('đã chết', 'died') : tr('chuyển đi', 'moved out')) : null,
    p.marks.map(badge),
    h('a', { class: 'btn secondary small', href: `#/record?type=${Number(p.sex) === 2 ? 'pregnancy' : 'death'}&person=${encodeURIComponent(p.id)}` }, tr('Ghi', 'Record')))));
  for (const x of hs) {
    const members = (byHh.get(x.id) || []).filter((p) => !q || B.fold(p.name).includes(q));
    if (q && !members.length) continue;
    const open = Boolean(q) || x.marks.length > 0 || members.some((p) => p.marks.length);
    const box = h('details', { class: 'card hh', 'data-household': x.id, open },
      h('summary', {}, h('strong', {}, `${tr('Hộ số', 'Household')} ${x.number}`), ` · ${x.address} · ${tr(`${members.filter((p) => !p.exit).length} người`, `${members.filter((p) => !p.exit).length} persons`)}`,
        x.marks.map(badge), members.some((p) => p.marks.length) ? h('span', { class: 'badge pending' }, tr('có thay đổi', 'changed')) : null));
    if (open) box.append(memberList(members));
    else box.addEventListener('toggle', () => { if (box.open && !box.querySelector('ul')) box.append(memberList(members)); });
    list.append(box);
  }
  main.replaceChildren(h('h1', {}, `${tr('Sổ hộ', 'Household book')} – ${m.areaName || m.area}`),
    h('p', { class: 'muted', id: 'book-count' }, tr(`${hs.length} hộ · ${present} người đang cư trú`, `${hs.length} households · ${present} persons present`)),
    h('div', { class: 'card' }, filter), list);
}

// The form's words for the event member a refusal names.
const FIELDS = {
  person: ['Người', 'Person'], mother: ['Mẹ', 'Mother'], date: ['Ngày xảy ra', 'Date'], household: ['Hộ', 'Household'],
  spouse: ['Vợ/chồng', 'Spouse'], head: ['Chủ hộ', 'Head'], method: ['Biện pháp', 'Method'], order: ['Lần sinh thứ', 'Birth order'],
  'child.person_id': ['Mã người của trẻ', "Child's person id"], 'child.full_name': ['Họ tên trẻ', "Child's name"],
  'child.sex': ['Giới tính của trẻ', "Child's sex"], 'person.person_id': ['Mã người mới', 'New person id'],
  target: ['Bản ghi cần hủy', 'Entry to cancel'], value: ['Giá trị mới', 'New value'], week: ['Tuần thai', 'Week'],
};
const fieldName = (f) => (FIELDS[f] ? FIELDS[f][vi() ? 0 : 1] : f);

function subject(ev, v) {
  const id = typeof ev.person === 'string' ? ev.person : ev.type === 'birth' ? ev.mother : ev.person?.person_id || ev.household || '';
  const p = v.persons.get(id);
  const extra = ev.type === 'birth' ? ` → ${ev.child?.full_name || ''}` : '';
  return `${p?.name || id}${extra}`;
}

// A refused event's form again, filled in, to correct it (the old entry is replaced when saved).
function correctLink(e) {
  const flat = new URLSearchParams({ type: e.ev.type, replace: String(e.n) });
  const walk = (o, pre) => {
    for (const [k, x] of Object.entries(o)) {
      if (['id', 'type'].includes(k) && !pre) continue;
      if (x && typeof x === 'object') walk(x, `${pre}${k}.`);
      else if (x !== null && x !== undefined) flat.set(`${pre}${k}`, k === 'date' && !pre ? date(x) : String(x));
    }
  };
  walk(e.ev, '');
  return `#/record?${flat}`;
}

// The outbox: every event not yet recorded, in order, with its state and, when refused, the reason.
export async function outboxPage(main) {
  await refresh();
  const v = await view();
  const rows = v.list.filter((e) => e.status !== 'sent');
  const send = h('button', { type: 'button', id: 'sync-now', disabled: !navigator.onLine, onclick: async () => {
    send.disabled = true;
    await sync();
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } }, tr('Gửi ngay', 'Send now'));
  const items = rows.map((e) => {
    const why = [];
    if (e.status === 'refused' && e.error) {
      why.push(h('div', { class: 'msg bad reason' }, e.error.field ? `${fieldName(e.error.field)}: ` : '', e.error.message));
      if (e.conflict) {
        const at = new Date(e.conflict.recorded_at * 1000);
        why.push(h('div', { class: 'msg warn conflict' }, tr(
          `Đã được ${e.conflict.by_name || e.conflict.by} ghi ${label('event_type', e.conflict.type)} ngày ${date(e.conflict.date)} (lúc ${when(at)}).`,
          `${e.conflict.by_name || e.conflict.by} already recorded ${label('event_type', e.conflict.type)} on ${date(e.conflict.date)} (at ${when(at)}).`)));
      }
    }
    if (e.status === 'held') {
      const b = v.list.find((x) => x.id === e.heldBy);
      why.push(h('div', { class: 'msg warn' }, tr(`Chờ sự kiện ${b ? label('event_type', b.ev.type) : ''} (${b ? b.who || subject(b.ev, v) : ''}) được sửa hoặc bỏ.`,
        `Waits for the ${b ? label('event_type', b.ev.type) : ''} of ${b ? subject(b.ev, v) : ''} to be corrected or dropped.`)));
    }
    const drop = h('button', { type: 'button', class: 'secondary', onclick: async () => {
      if (!confirm(tr('Bỏ sự kiện này? Nó sẽ không được gửi.', 'Drop this event? It will not be sent.'))) return;
      await B.updateOutbox([], [e.n]);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } }, tr('Bỏ', 'Drop'));
    return h('li', { class: `card ob ${e.status}`, 'data-event': e.id },
      h('div', {}, h('strong', {}, label('event_type', e.ev.type)), ` · ${date(e.ev.date)} · ${e.who || subject(e.ev, v)} · `, h('span', { class: `badge ${e.status}` }, statusText(e.status))),
      why, e.status === 'refused' || e.status === 'held' ? h('div', { class: 'actions' }, h('a', { class: 'btn', href: correctLink(e) }, tr('Sửa', 'Correct')), drop) : null);
  });
  main.replaceChildren(h('h1', {}, tr('Sự kiện chờ gửi', 'Events waiting')),
    h('div', { class: 'actions' }, send, h('a', { class: 'btn secondary', href: '#/book' }, tr('Sổ hộ', 'Household book'))),
    rows.length ? h('ol', { class: 'outbox' }, items) : h('p', { class: 'muted' }, tr('Không còn sự kiện nào chờ gửi.', 'Nothing waits.')));
}
