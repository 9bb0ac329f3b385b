// Yearly targets as a workflow: each indicator's target, value so far and
// progress by its direction (a ceiling is kept or passed, never "% reached"),
// the path month by month, the communes' targets and whether they add up;
// a province officer shares a target out to the communes, proportionally to
// a base or by hand, and sees the sum before saving.
import { api, ApiError, clearErrors, field, forms, h, setFieldError, state, table, toast, today } from './core.js';
import { getLang, num } from './i18n.js';
import { unitPicker } from './pickers.js';

const WORDS = {
  vi: {
    title: 'Chỉ tiêu kế hoạch năm {y}', unit: 'Đơn vị', year: 'Năm', show: 'Xem', indicator: 'Chỉ tiêu', target: 'Kế hoạch',
    value: 'Thực hiện', progress: 'Tiến độ', share: '% kế hoạch', reach: 'Phấn đấu đạt', ceiling: 'Không vượt quá', count: 'Số lượng',
    reached: 'Đã đạt', on_track: 'Đúng tiến độ', behind: 'Chậm tiến độ', over: 'Đã vượt mức', no_target: 'Chưa có kế hoạch',
    from1679: 'Chiến lược Dân số 1679 (2030)', fromAbove: 'theo {u}', path: 'Lộ trình theo tháng', month: 'Tháng',
    planned: 'Kế hoạch lũy kế', done: 'Thực hiện lũy kế', communes: 'Chỉ tiêu giao các xã, phường', addsUp: 'Tổng các xã khớp với kế hoạch của đơn vị',
    notAddsUp: 'Tổng các xã KHÔNG khớp với kế hoạch của đơn vị', none: 'Chưa có chỉ tiêu nào.', shareTitle: 'Giao chỉ tiêu cho các xã, phường',
    method: 'Cách giao', proportional: 'Theo tỷ lệ', manual: 'Nhập từng xã', base: 'Căn cứ', population: 'Dân số',
    women_15_49: 'Phụ nữ có chồng 15-49', elderly: 'Người từ 60 tuổi', births: 'Số sinh năm trước', preview: 'Xem trước',
    save: 'Giao chỉ tiêu', saved: 'Đã giao chỉ tiêu cho {n} xã, phường.', sum: 'Cộng: {s} / kế hoạch {t}', source: 'Nguồn: {s}',
  },
  en: {
    title: 'Targets of {y}', unit: 'Unit', year: 'Year', show: 'Show', indicator: 'Indicator', target: 'Target',
    value: 'Value', progress: 'Progress', share: '% of target', reach: 'Reach', ceiling: 'At most', count: 'Count',
    reached: 'Reached', on_track: 'On track', behind: 'Behind', over: 'Passed', no_target: 'No target',
    from1679: 'Strategy 1679 (2030)', fromAbove: 'from {u}', path: 'Path month by month', month: 'Month',
    planned: 'Planned to date', done: 'Done to date', communes: 'Communes\' targets', addsUp: 'The communes add up to the unit\'s target',
    notAddsUp: 'The communes do NOT add up to the unit\'s target', none: 'No target yet.', shareTitle: 'Share a target out to the communes',
    method: 'Method', proportional: 'Proportionally', manual: 'By hand', base: 'Base', population: 'Population',
    women_15_49: 'Married women 15-49', elderly: 'Persons 60+', births: 'Births last year', preview: 'Preview',
    save: 'Share out', saved: 'Targets given to {n} communes.', sum: 'Total: {s} / target {t}', source: 'Source: {s}',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const n2 = (v) => (v === null || v === undefined ? '—' : num(v, Number.isInteger(v) ? 0 : 1));

// A ceiling passed is "over", not "behind".
const badge = (ind, p) => {
  const word = ind.direction === 'ceiling' && p === 'behind' ? 'over' : p;
  return h('span', { class: `prog ${p}`, 'data-progress': p }, w(word));
};

function fromText(x) {
  if (x.target_from === '1679') return w('from1679');
  if (x.target_from && x.target_from !== x.unit) return w('fromAbove', { u: x.target_from });
  return '';
}

function details(ind) {
  const months = Array.from({ length: 12 }, (_, i) => i);
  const path = h('div', { class: 'scroll' }, h('table', { class: 'path' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, w('month')), months.map((m) => h('th', { scope: 'col', class: 'n' }, String(m + 1))))),
    h('tbody', {},
      h('tr', { 'data-row': 'path' }, h('th', { scope: 'row' }, w('planned')), ind.path.map((v) => h('td', { class: 'n' }, n2(v)))),
      ind.actual ? h('tr', { 'data-row': 'actual' }, h('th', { scope: 'row' }, w('done')), ind.actual.map((v) => h('td', { class: 'n' }, n2(v)))) : null)));
  const communes = ind.communes ? [h('h4', {}, w('communes')),
    table([w('unit'), w('target'), w('value'), w('progress')], ind.communes.map((c) => h('tr', { 'data-unit': c.unit },
      h('td', {}, c.name), h('td', { class: 'n' }, n2(c.target)), h('td', { class: 'n' }, n2(c.value)), h('td', {}, badge(ind, c.progress))))),
    ind.adds_up === null ? null : h('p', { class: ind.adds_up ? 'ok' : 'msg bad', 'data-adds-up': String(ind.adds_up) }, w(ind.adds_up ? 'addsUp' : 'notAddsUp'))] : null;
  return h('details', { 'data-key': ind.key }, h('summary', { class: 'tap' }, `${ind.label}: ${w('path').toLowerCase()}`),
    h('p', { class: 'muted' }, ind.target_text || ''), path, communes);
}

function statusTable(s) {
  if (!s.indicators.length) return h('p', { class: 'muted' }, w('none'));
  return [table([w('indicator'), w('target'), w('value'), w('share'), w('progress')], s.indicators.map((x) =>
    h('tr', { 'data-key': x.key, 'data-direction': x.direction },
      h('td', {}, x.label, h('div', { class: 'muted' }, `${w(x.direction)}${fromText({ ...x, unit: s.unit }) ? ` · ${fromText({ ...x, unit: s.unit })}` : ''}`)),
      h('td', { class: 'n' }, x.direction === 'ceiling' ? `≤ ${n2(x.target)}` : n2(x.target)),
      h('td', { class: 'n' }, n2(x.value)),
      h('td', { class: 'n' }, x.share === null ? '' : `${num(x.share, 1)}%`),
      h('td', {}, badge(x, x.progress))))),
  s.indicators.map(details),
  h('p', { class: 'muted' }, w('source', { s: s.source_1679 }))];
}

function shareForm(s, onDone) {
  const ind = h('select', {}, s.all.map((x) => h('option', { value: x.key }, x.label)));
  const method = h('select', {}, ['proportional', 'manual'].map((m) => h('option', { value: m }, w(m))));
  const base = h('select', {}, ['', 'population', 'women_15_49', 'elderly', 'births'].map((b) => h('option', { value: b }, b ? w(b) : '—')));
  const target = h('input', { type: 'number', min: 0, step: 'any', inputmode: 'decimal' });
  const rows = h('div', { id: 'tg-rows' });
  const sum = h('p', { id: 'tg-sum', 'aria-live': 'polite' });
  const msg = h('div', { 'aria-live': 'polite' });
  const body = (dry) => {
    const b = { unit: s.unit, year: s.year, indicator: ind.value, method: method.value, base: base.value || undefined, dry_run: dry };
    if (target.value !== '') b.target = Number(target.value);
    if (method.value === 'manual') b.shares = [...rows.querySelectorAll('input')].map((x) => ({ unit: x.name, value: x.value === '' ? null : Number(x.value) }));
    return b;
  };
  const send = async (dry) => {
    clearErrors(form);
    msg.replaceChildren();
    const b = body(dry);
    // By hand with nothing typed yet: the proportional shares as a start.
    const start = b.method === 'manual' && !rows.children.length;
    if (start) Object.assign(b, { method: 'proportional', dry_run: true, shares: undefined });
    try {
      const r = await api('/api/v1/targets/share', { method: 'POST', body: b });
      sum.textContent = w('sum', { s: n2(r.total), t: n2(r.target) });
      if (method.value === 'proportional' || start) {
        rows.replaceChildren(...r.communes.map((c) => field(c.unit, `${c.name} (${num(c.base)})`,
          h('input', { type: 'number', min: 0, step: 'any', value: c.value, inputmode: 'decimal', readonly: method.value === 'proportional' }))));
        rows.querySelectorAll('input').forEach((x, i) => { x.name = r.communes[i].unit; });
      }
      if (!dry && !start) { toast(w('saved', { n: num(r.communes.length) })); onDone(); }
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (!setFieldError(form, (e.field || '').replace(/\[\d+\].*$/, ''), e.message)) msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, e.message));
    }
  };
  method.addEventListener('change', () => {
    rows.querySelectorAll('input').forEach((x) => { x.readOnly = method.value === 'proportional'; });
  });
  const form = h('form', { class: 'f card noprint', id: 'tg-share', onsubmit: (e) => { e.preventDefault(); send(false); } },
    h('h2', {}, w('shareTitle')),
    h('div', { class: 'row2' }, field('indicator', w('indicator'), ind), field('target', w('target'), target)),
    h('div', { class: 'row2' }, field('method', w('method'), method), field('base', w('base'), base)),
    h('div', { class: 'fld', 'data-field': 'shares' }, h('div', { class: 'err', 'aria-live': 'polite' }), rows, sum),
    msg, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', id: 'tg-preview', onclick: () => send(true) }, w('preview')),
      h('button', { type: 'submit', id: 'tg-save' }, w('save'))));
  return form;
}

// #/targets?unit&year
export async function targetsPage(main, params) {
  const unit = params.get('unit') || state.user?.unit || '79';
  const year = Number(params.get('year') || today().slice(0, 4));
  const s = await api(`/api/v1/targets?${q({ unit, year })}`);
  const keys = new Set(((await forms()).find((f) => f.code === '03-DSX')?.rows || []).map((r) => r.code));
  s.all = s.indicators.length ? s.indicators : [];
  // The share-out may be of any indicator with a target key; those shown first.
  const labels = new Map(s.indicators.map((x) => [x.key, x.label]));
  const more = ['17', '12', '10', '5b', 'ELC', 'MCPR', 'PMC', 'SRB'].filter((k) => !labels.has(k) && keys.has(k));
  s.all = [...s.indicators.map((x) => ({ key: x.key, label: x.label })), ...more.map((k) => ({ key: k, label: k }))];
  const up = await unitPicker(unit);
  const yearIn = h('input', { type: 'number', value: year, min: 1900, max: 2200, inputmode: 'numeric' });
  const pick = h('form', { class: 'f card noprint', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/targets?${q({ unit: String(up.value).trim(), year: yearIn.value })}`;
  } }, h('div', { class: 'row2' }, up.attach(field('unit', w('unit'), up.input)), field('year', w('year'), yearIn)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('show'))));
  const planner = ['province', 'national'].includes(state.user?.role);
  main.replaceChildren(h('h1', {}, w('title', { y: year })), h('p', {}, `${s.unit_name} (${s.unit})`), pick,
    h('section', { class: 'card', id: 'tg-status' }, statusTable(s)),
    planner ? shareForm(s, () => targetsPage(main, params)) : null);
}
