// The pieces every page uses: building elements, calling the API, the
// session, code lists.
import { getLang, t } from './i18n.js';

// h('a', {href: '#/x'}, 'text', child...) builds an element; text is never parsed as HTML.
export function h(tag, attrs, ...kids) {
  const svg = ['svg', 'g', 'rect', 'line', 'text', 'polyline', 'circle', 'path', 'title'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k in el && !svg && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

export const state = { user: null, unit: null, csrf: '', codes: null, today: null };

// A new event id: a time-ordered UUID (version 7, RFC 9562), 48 bits of
// Unix milliseconds then 74 random bits.  Ids made one after another sort
// together, so the server's index of event ids grows at its end instead of
// at random pages: a fifth of the disk writes per event (docs/BENCHMARKS.md).
// Built by hand: crypto.randomUUID makes only version 4, and only on https
// or localhost.
export function eventId(now = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, t = now; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.field = body?.error?.field;
    this.body = body;
    this.retryAfter = 0;
  }
}

// Calls the API in the interface's language; a 401 outside the login sends to the login page.
export async function api(path, opts = {}) {
  const headers = { 'Accept-Language': getLang(), ...(opts.headers || {}) };
  const init = { method: opts.method || 'GET', headers, credentials: 'same-origin' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (init.method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let r;
  try {
    r = await fetch(path, init);
  } catch {
    throw new ApiError(0, { error: { code: 'offline', message: t('offline') } });
  }
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!r.ok) {
    const e = new ApiError(r.status, body);
    e.retryAfter = Number(r.headers.get('Retry-After') || 0);
    if (r.status === 401 && !path.endsWith('/login')) {
      state.user = null;
      location.hash = '#/login';
    }
    throw e;
  }
  return body;
}

let codesPromise = null;
export function codes() {
  // Offline, the lists the phone's book brought (offline.js) serve.
  if (!codesPromise) codesPromise = api('/api/v1/codes').then((c) => (state.codes = c))
    .catch((e) => { codesPromise = null; if (state.codes) return state.codes; throw e; });
  return codesPromise;
}

// The report forms and their rows (GET /api/v1/forms, 38 KB): they change
// only with the program, so they are asked once a page load (and the server
// answers 304 to the browser's ETag); every page takes them from here.
let formsPromise = null;
export function forms() {
  if (!formsPromise) formsPromise = api('/api/v1/forms').catch((e) => { formsPromise = null; throw e; });
  return formsPromise;
}

// The label of a code in the current language.
export function label(list, value) {
  const l = state.codes?.[list]?.find((x) => String(x.value) === String(value));
  if (!l) return value ?? '';
  return (getLang() === 'en' && l.en) || l.vi;
}

export function options(list, current, withEmpty = true) {
  const items = (state.codes?.[list] || []).map((x) =>
    h('option', { value: x.value, selected: String(x.value) === String(current) }, (getLang() === 'en' && x.en) || x.vi));
  return withEmpty ? [h('option', { value: '' }, '—'), ...items] : items;
}

export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 4000);
}

export function errorBox(e) {
  return h('div', { class: 'msg bad', role: 'alert' }, e.status === 404 ? t('notFound') : t('error', { m: e.message }));
}

// Dates are typed and shown DD/MM/YYYY whatever the browser's own locale.
export function dateInput(iso, attrs = {}) {
  const el = h('input', { type: 'text', inputmode: 'numeric', placeholder: 'dd/mm/yyyy', maxlength: 10,
    pattern: '\\d{1,2}/\\d{1,2}/\\d{4}', autocomplete: 'off', ...attrs });
  el.dataset.kind = 'date';
  if (iso) el.value = `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  return el;
}

// The ISO date of a DD/MM/YYYY field: '' when empty, null when not a real date.
export function isoOf(el) {
  const v = el.value.trim();
  if (!v) return '';
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Today as the server has it (GET /api/v1/me), else the browser's.
export function today() {
  if (state.today) return state.today;
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// A form field: label, control, place for the server's or the check's message.
export function field(name, text, control, hint) {
  control.id = control.id || `f-${name.replace(/\W/g, '-')}`;
  control.name = name;
  const err = h('div', { class: 'err', id: `${control.id}-err`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', err.id);
  return h('div', { class: 'fld', 'data-field': name },
    h('label', { for: control.id }, text, hint ? h('span', { class: 'hint' }, ` (${hint})`) : null), control, err);
}

export function setFieldError(form, name, text) {
  let box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  // A server field like "child.sex" or "person.national_id" may name a nested input.
  if (!box && name.includes('.')) box = form.querySelector(`[data-field="${CSS.escape(name.split('.').pop())}"]`);
  if (!box) return false;
  const input = box.querySelector('input, select, textarea');
  if (input) input.setAttribute('aria-invalid', 'true');
  box.querySelector('.err').textContent = text;
  return true;
}

export function clearErrors(form) {
  form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
  form.querySelectorAll('.err').forEach((x) => { x.textContent = ''; });
}

// A table inside its own scrolling box, so that a phone page never scrolls
// sideways; the box can be reached by the keyboard to scroll it.  A tall
// table scrolls inside its box with its header kept in sight.  An empty
// header cell (a column of buttons) is named for screen readers by `blank`.
export function table(head, rows, opts = {}) {
  const th = (c) => (c instanceof Node ? c : h('th', { scope: 'col' }, c === '' ? h('span', { class: 'sr-only' }, opts.blank || t('actions')) : c));
  return h('div', { class: `scroll${opts.tall ? ' tall' : ''}`, tabindex: 0, role: opts.label ? 'region' : null, 'aria-label': opts.label },
    h('table', {}, h('thead', {}, h('tr', {}, head.map(th))), h('tbody', {}, rows)));
}
