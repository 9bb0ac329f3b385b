// Chuỗi số liệu: one row of the monthly report (01-DSX), month by month
// from 2023, for one unit under one administrative map.  By default the map
// of today when the unit exists today, so a commune made on 1 July 2025
// has a series that runs on across the reform (its earlier months are
// counted on the areas it holds now); for a unit that no longer exists,
// the map of its last day (the old map).  GET /api/v1/series.
import { api, clearErrors, dateInput, errorBox, field, forms, h, isoOf, setFieldError, today } from './core.js';
import { getLang, num, t } from './i18n.js';
import { periodPicker, unitPicker } from './pickers.js';

const TX = {
  vi: {
    title: 'Chuỗi số liệu theo tháng', unit: 'Đơn vị', row: 'Chỉ tiêu (mẫu 01-DSX)', from: 'Từ tháng', to: 'Đến tháng',
    map: 'Theo địa giới hành chính ngày', mapHint: 'để trống: địa giới hiện nay (đơn vị đã giải thể: địa giới ngày cuối)',
    show: 'Xem', reform: 'Sắp xếp đơn vị hành chính 1/7/2025', month: 'Tháng', value: 'Giá trị', numbers: 'Bảng số liệu',
    under: 'theo địa giới hành chính ngày {d}', empty: 'để trống: số nhỏ ngoài phạm vi của bạn',
  },
  en: {
    title: 'Monthly series', unit: 'Unit', row: 'Indicator (form 01-DSX)', from: 'From month', to: 'To month',
    map: 'Under the administrative map of', mapHint: 'empty: today\'s map (a unit that no longer exists: its last day\'s)',
    show: 'Show', reform: 'Reform of administrative units 1/7/2025', month: 'Month', value: 'Value', numbers: 'Numbers',
    under: 'under the administrative map of {d}', empty: 'empty: small counts outside your scope',
  },
};
const tx = (k, args = {}) => (TX[getLang()][k] || k).replace(/\{(\w+)\}/g, (_, a) => args[a] ?? '');
const dmy = (iso) => iso.split('-').reverse().join('/');

// A line over the months, a dot at each, and the day of the reform marked.
function seriesChart(points, label) {
  const W = 640, H = 260, L = 44, B = 30, T = 14, R = 10;
  const vals = points.map((p) => p.value ?? 0);
  const max = Math.max(4, Math.ceil(Math.max(...vals) / 4) * 4);
  const n = points.length;
  const x = (i) => L + (n > 1 ? (i * (W - L - R)) / (n - 1) : 0);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    g.push(h('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#d0d7de' }),
      h('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 13, fill: '#57606a' }, num(v)));
  }
  points.forEach((p, i) => {
    if (p.period.endsWith('-01'))
      g.push(h('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 13, fill: '#57606a' }, p.period.slice(0, 4)));
  });
  const cut = points.findIndex((p) => p.period === '2025-07');
  if (cut > 0)
    g.push(h('line', { x1: x(cut), x2: x(cut), y1: T, y2: H - B, stroke: '#bf3989', 'stroke-dasharray': '5 4', class: 'reform-line' },
      h('title', {}, tx('reform'))));
  const pts = points.map((p, i) => (p.value == null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)).filter(Boolean);
  g.push(h('polyline', { points: pts.join(' '), fill: 'none', stroke: '#0b5d4b', 'stroke-width': 2.5 }));
  points.forEach((p, i) => {
    if (p.value != null)
      g.push(h('circle', { cx: x(i), cy: y(p.value), r: 3, fill: '#0b5d4b' }, h('title', {}, `${p.period}: ${num(p.value)}`)));
  });
  return h('figure', { class: 'card' },
    h('svg', { class: 'chart', id: 'series-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, style: 'width:100%;height:auto' }, g),
    h('figcaption', { class: 'legend' }, h('span', {}, h('span', { class: 'sw b' }), label), ' ',
      cut > 0 ? h('span', {}, '┆ ', tx('reform')) : null));
}

function numbers(s) {
  return h('details', {}, h('summary', {}, tx('numbers')), h('div', { class: 'scroll', tabindex: 0 }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tx('month')), h('th', { scope: 'col', class: 'n' }, tx('value')))),
    h('tbody', {}, s.points.map((p) => h('tr', {}, h('td', {}, p.period), h('td', { class: 'n' }, p.value == null ? '' : num(p.value, s.decimals))))))));
}

export async function seriesPage(page, params) {
  const form = (await forms()).find((f) => f.code === '01-DSX');
  const vi = getLang() === 'vi';
  const mapParam = params.get('map') || '';
  // The unit by its name on the map chosen below: an old unit is found under the old map.
  const up = await unitPicker(params.get('unit') || '', { required: true, date: mapParam });
  const row = h('select', {}, form.rows.map((r) => h('option', { value: r.code, selected: r.code === (params.get('row') || '5') },
    `${r.code}. ${vi ? r.label_vi : r.label_en}`)));
  const from = periodPicker(params.get('from') || '2023-01', { kinds: ['month'], legend: tx('from') });
  const to = periodPicker(params.get('to') || today().slice(0, 7), { kinds: ['month'], legend: tx('to') });
  const map = dateInput(mapParam);
  // A whole date typed (or the field emptied): the picker lists the units of that day's map.
  map.addEventListener('input', () => { const iso = isoOf(map); if (iso !== null) up.setDate(iso); });
  const f = h('form', { class: 'f card', id: 'series-form', onsubmit: (e) => {
    e.preventDefault();
    clearErrors(f);
    const iso = isoOf(map);
    if (iso === null) { setFieldError(f, 'map', t('badDate')); return; }
    const q = new URLSearchParams({ unit: String(up.value).trim(), row: row.value, from: from.value });
    if (to.value !== today().slice(0, 7)) q.set('to', to.value);
    if (iso) q.set('map', iso);
    location.hash = `#/series?${q}`;
  } },
  h('div', { class: 'row2' }, up.attach(field('unit', tx('unit'), up.input)), field('row', tx('row'), row)),
  h('div', { class: 'row2' }, from.el, to.el),
  field('map', tx('map'), map, `dd/mm/yyyy; ${tx('mapHint')}`),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, tx('show'))));
  page.append(h('h1', {}, tx('title')), f);
  if (!params.get('unit')) return;
  const q = new URLSearchParams({ form: '01-DSX', row: params.get('row') || '5', unit: params.get('unit'), from: params.get('from') || '2023-01' });
  if (params.get('to')) q.set('to', params.get('to'));
  if (mapParam) q.set('map_date', mapParam);
  try {
    const s = await api(`/api/v1/series?${q}`);
    // A unit that no longer exists is counted under its last day's map: the form says which, and lists that map's units.
    if (!mapParam && !up.knows(s.unit) && s.map_date !== today()) {
      map.value = dmy(s.map_date);
      await up.setDate(s.map_date);
    }
    page.append(h('h2', {}, `${s.label} – ${s.unit_name || s.unit} (${s.unit})`),
      h('p', { class: 'muted' }, tx('under', { d: dmy(s.map_date) })),
      seriesChart(s.points, s.label), numbers(s));
  } catch (e) {
    page.append(errorBox(e));
  }
}
