// Pickers that speak in names: a unit chosen by its name from the tree
// under the user's unit (searchable, diacritics optional: "ha noi" finds
// "Hà Nội"), and a period chosen by month, quarter, half-year or year.
// Both give the codes the API wants (unitPicker().value, periodPicker().value).
import { api, codes, h, label, state, today } from './core.js';
import { getLang, t } from './i18n.js';

// The search key of a name, as the server's base/text folds it: no marks, đ as d, lower case, single spaces.
export const fold = (s) => String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();

// The units under root on the map of `date` (today's by default), `levels`
// deep, in tree order (fetched once a page load for each root, date and depth).
const trees = new Map();
export function unitsUnder(root, levels = 2, date = today()) {
  const key = `${root}|${date}|${levels}`;
  if (!trees.has(key)) {
    const qs = new URLSearchParams({ ...(root ? { root } : {}), date, levels });
    trees.set(key, api(`/api/v1/units?${qs}`).then((tree) => {
      const out = [];
      const walk = (u, depth, parent) => {
        out.push({ code: u.code, name: u.name, level: u.level, depth, parent, key: fold(u.name) });
        for (const c of u.children || []) walk(c, depth + 1, u.name);
      };
      tree.units.forEach((u) => walk(u, 0, ''));
      return out;
    }).catch((e) => { trees.delete(key); throw e; }));
  }
  return trees.get(key);
}

let pickers = 0;

/*
 * A unit picker: a combobox whose list is the tree (indented) while the
 * field holds a chosen unit, and the units whose names contain what is
 * typed otherwise.  Arrow keys move, Enter chooses, Escape closes.  A code
 * typed as digits is taken as it is.  The tree is that of the map of
 * opts.date (today's by default); p.setDate(iso) changes it, for a page
 * whose own map date is chosen (an old unit is found under the old map).
 * Returns {input, value, attach, setDate, knows}: put
 * field(name, text, p.input) in the form, then p.attach(thatField).
 */
export async function unitPicker(current, opts = {}) {
  await codes();
  const n = ++pickers;
  const root = opts.root ?? (state.user?.unit || '');
  const levels = opts.levels ?? 2;
  let units = [];
  let byCode = new Map();
  let code = current || '';
  // The chosen unit's name, kept when the tree of another date does not hold it.
  let codeName = '';
  let asked = 0;
  const load = async (date) => {
    const mine = ++asked;
    let got = [];
    try { got = await unitsUnder(root, levels, date || today()); } catch { /* a code can still be typed */ }
    if (mine !== asked) return; // a later date was asked for meanwhile
    units = got;
    byCode = new Map(units.map((u) => [u.code, u]));
    if (byCode.has(code)) codeName = byCode.get(code).name;
  };
  await load(opts.date);
  const listId = `unit-pick-${n}`;
  const input = h('input', { type: 'text', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': listId, autocomplete: 'off', spellcheck: 'false', required: opts.required,
    placeholder: getLang() === 'vi' ? 'Gõ tên, ví dụ: Tân Phú' : 'Type a name' });
  input.value = byCode.get(code)?.name || code;
  const list = h('ul', { id: listId, role: 'listbox', class: 'picklist', hidden: true, 'aria-label': t('unit') });
  let shown = [];
  let active = -1;
  const chosenName = () => byCode.get(code)?.name || codeName;
  const setOpen = (open) => {
    list.hidden = !open;
    input.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (!open) input.removeAttribute('aria-activedescendant');
  };
  const choose = (u) => {
    code = u.code;
    codeName = u.name;
    input.value = u.name;
    setOpen(false);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const mark = (i) => {
    active = i;
    [...list.children].forEach((li, k) => li.classList.toggle('active', k === i));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    }
  };
  const render = () => {
    const q = fold(input.value);
    const browsing = !q || input.value === chosenName();
    shown = browsing ? units.slice(0, 400) : units.filter((u) => u.key.includes(q) || u.code.startsWith(q)).slice(0, 100);
    list.replaceChildren(...shown.map((u, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', class: browsing ? `d${Math.min(u.depth, 4)}` : '',
      'aria-selected': u.code === code ? 'true' : 'false',
      onmousedown: (e) => { e.preventDefault(); choose(u); },
    }, u.name, h('span', { class: 'lvl' }, ` · ${label('level', u.level)}${!browsing && u.parent ? `, ${u.parent}` : ''}`))));
    if (!shown.length) list.append(h('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false', class: 'lvl' }, t('noResult')));
    setOpen(true);
    mark(browsing ? shown.findIndex((u) => u.code === code) : -1);
  };
  input.addEventListener('input', () => { code = ''; render(); });
  input.addEventListener('focus', () => { if (units.length) render(); });
  input.addEventListener('click', () => { if (list.hidden && units.length) render(); });
  input.addEventListener('blur', () => setOpen(false));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) render();
      const k = shown.length ? (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1) + (active < 0 && e.key === 'ArrowUp' ? 1 : 0)) % shown.length : -1;
      mark(k);
    } else if (e.key === 'Enter' && !list.hidden && active >= 0 && shown[active]) {
      e.preventDefault();
      choose(shown[active]);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      setOpen(false);
    }
  });
  return {
    input,
    // Puts the list under the field (the field's box is its positioning parent).
    attach(fld) { fld.classList.add('pick'); input.after(list); return fld; },
    // Another map: the list becomes its units, and the chosen unit is shown by its name on that map.
    async setDate(iso) {
      const shown = input.value === chosenName() || input.value === code;
      await load(iso);
      if (code && shown) input.value = chosenName() || code;
      if (!list.hidden) render();
    },
    // Whether the tree of the picker's map holds a unit.
    knows: (c) => byCode.has(c),
    // The chosen unit's code; typed digits; else the one unit named as typed, or the first whose name holds it.
    get value() {
      const v = input.value.trim();
      if (code && v === chosenName()) return code;
      if (/^\d+$/.test(v)) return v;
      const q = fold(v);
      const hit = units.find((u) => u.key === q) || units.find((u) => u.key.includes(q));
      return q && hit ? hit.code : v;
    },
  };
}

const KINDS = {
  vi: { month: 'Tháng', quarter: 'Quý', half: 'Nửa năm', year: 'Cả năm' },
  en: { month: 'Month', quarter: 'Quarter', half: 'Half-year', year: 'Whole year' },
};
const ROMAN = ['I', 'II', 'III', 'IV'];

// The kind and parts of a period code: 2024, 2024-Q1, 2024-H1, 2024-03.
function parsePeriod(p) {
  const m = /^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}))?$/.exec(p || '');
  if (!m) return null;
  if (!m[2]) return { kind: 'year', year: m[1], part: '' };
  if (m[2][0] === 'Q') return { kind: 'quarter', year: m[1], part: m[2] };
  if (m[2][0] === 'H') return { kind: 'half', year: m[1], part: m[2] };
  return { kind: 'month', year: m[1], part: m[2] };
}

/*
 * A period picker: the kind of period (month, quarter, half-year, year:
 * those of opts.kinds), the year and the month, quarter or half.  One
 * labelled group; .value is the API's period code.
 */
export function periodPicker(value, opts = {}) {
  const vi = getLang() === 'vi';
  const kinds = opts.kinds || ['month', 'quarter', 'half', 'year'];
  const p = parsePeriod(value) || { kind: kinds[0], year: today().slice(0, 4), part: today().slice(5, 7) };
  if (!kinds.includes(p.kind)) p.kind = kinds[0];
  const thisYear = Number(today().slice(0, 4));
  const first = Math.min(2015, Number(p.year));
  const years = [];
  for (let y = Math.max(thisYear, Number(p.year)); y >= first; y--) years.push(y);
  const n = ++pickers;
  const kindSel = h('select', { id: `pp-${n}-kind` }, kinds.map((k) => h('option', { value: k, selected: k === p.kind }, KINDS[vi ? 'vi' : 'en'][k])));
  const yearSel = h('select', { id: `pp-${n}-year` }, years.map((y) => h('option', { value: y, selected: String(y) === p.year }, y)));
  const partSel = h('select', { id: `pp-${n}-part` });
  const partLabel = h('label', { for: partSel.id });
  const partBox = h('div', { class: 'pp-part' }, partLabel, partSel);
  const parts = (kind) => kind === 'month'
    ? Array.from({ length: 12 }, (_, i) => [String(i + 1).padStart(2, '0'), vi ? `Tháng ${i + 1}` : new Date(2000, i, 1).toLocaleString('en-GB', { month: 'long' })])
    : kind === 'quarter' ? ROMAN.map((r, i) => [`Q${i + 1}`, vi ? `Quý ${r}` : `Q${i + 1}`])
      : kind === 'half' ? [['H1', vi ? '6 tháng đầu năm' : 'First half'], ['H2', vi ? '6 tháng cuối năm' : 'Second half']] : [];
  const drawParts = (keep) => {
    const kind = kindSel.value;
    partBox.hidden = kind === 'year';
    partLabel.textContent = KINDS[vi ? 'vi' : 'en'][kind];
    const items = parts(kind);
    partSel.replaceChildren(...items.map(([v, text]) => h('option', { value: v, selected: v === keep }, text)));
  };
  kindSel.addEventListener('change', () => drawParts(''));
  drawParts(p.part);
  const el = h('fieldset', { class: 'period' }, h('legend', {}, opts.legend || t('period')),
    h('div', { class: 'pp' },
      h('div', { hidden: kinds.length === 1 }, h('label', { for: kindSel.id }, vi ? 'Loại kỳ' : 'Kind'), kindSel),
      h('div', {}, h('label', { for: yearSel.id }, vi ? 'Năm' : 'Year'), yearSel),
      partBox));
  return {
    el,
    get value() { return kindSel.value === 'year' ? yearSel.value : `${yearSel.value}-${partSel.value}`; },
  };
}
