// The projection page (#/projection), for province and national officers:
// a unit's projection from its own register, its population pyramid for any
// year with a slider, trend charts, the saved scenarios compared side by
// side, and a form to save a new scenario.  Every chart and table names its
// inputs: the base date, the years of rates and the scenario.
import { api, clearErrors, dateInput, field, h, isoOf, setFieldError, state, table, toast } from './core.js';
import { pyramid } from './charts.js';
import { date, getLang, num, t } from './i18n.js';
import { unitPicker } from './pickers.js';

const W = {
  vi: {
    title: 'Dự báo dân số', unit: 'Đơn vị', base: 'Ngày gốc', to: 'Dự báo đến năm', show: 'Dự báo',
    scenarios: 'Kịch bản', baseScenario: 'Cơ sở (giữ nguyên các tỷ suất)', inputs: 'Đầu vào của dự báo',
    rates: 'Tỷ suất tính từ số liệu các năm', map: 'Bản đồ hành chính ngày', scenario: 'Kịch bản',
    sources: 'Nguồn số liệu', fertility: 'Mức sinh', mortality: 'Mức chết', srb: 'Tỷ số giới tính khi sinh',
    migration: 'Di cư thuần mỗi năm', notes: 'Ghi chú', year: 'Năm', pyramid: 'Tháp dân số năm {y}',
    trends: 'Xu hướng', population: 'Dân số', births: 'Số sinh', bornCount: 'trẻ sinh ra trong các năm đó', deaths: 'Số chết', tfr: 'Tổng tỷ suất sinh (TFR)',
    e0m: 'Tuổi thọ nam (e0)', e0f: 'Tuổi thọ nữ (e0)', dr: 'Tỷ số phụ thuộc (%)', ai: 'Chỉ số già hóa (%)',
    s60: 'Tỷ lệ dân số từ 60 tuổi (%)', compare: 'So sánh các kịch bản', male: 'Nam', female: 'Nữ',
    download: 'Tải về', newScenario: 'Lưu kịch bản mới', name: 'Tên (chữ, số, - và _)', label: 'Mô tả',
    tfrTo: 'TFR đạt', srbTo: 'SRB đạt (số bé trai trên một bé gái)', byYear: 'vào năm', e0gain: 'Tuổi thọ tăng mỗi năm (năm)',
    mig: 'Tính di cư', save: 'Lưu kịch bản', saved: 'Đã lưu kịch bản {n}.', fix: 'Hãy sửa các ô được đánh dấu.',
    src: { register: 'số liệu của đơn vị', 'national-scaled': 'lịch của cả nước, điều chỉnh theo số sinh của đơn vị',
      'brass-1': 'lịch của cả nước, mô hình Brass (alpha)', 'brass-2': 'lịch của cả nước, mô hình Brass (alpha, beta)',
      national: 'lịch của cả nước' },
    on: 'có', off: 'không', pick: 'Chọn đơn vị, ngày gốc và năm cuối, rồi bấm Dự báo.',
  },
  en: {
    title: 'Population projections', unit: 'Unit', base: 'Base date', to: 'Project to year', show: 'Project',
    scenarios: 'Scenarios', baseScenario: 'Base (rates held constant)', inputs: 'Inputs of the projection',
    rates: 'Rates from the years', map: 'Administrative map of', scenario: 'Scenario',
    sources: 'Sources', fertility: 'Fertility', mortality: 'Mortality', srb: 'Sex ratio at birth',
    migration: 'Net migration a year', notes: 'Notes', year: 'Year', pyramid: 'Population pyramid, {y}',
    trends: 'Trends', population: 'Population', births: 'Births', bornCount: 'births in those years', deaths: 'Deaths', tfr: 'Total fertility rate (TFR)',
    e0m: 'Life expectancy, men (e0)', e0f: 'Life expectancy, women (e0)', dr: 'Dependency ratio (%)', ai: 'Ageing index (%)',
    s60: 'Share aged 60 and over (%)', compare: 'Scenarios compared', male: 'Male', female: 'Female',
    download: 'Download', newScenario: 'Save a new scenario', name: 'Name (letters, digits, - and _)', label: 'Description',
    tfrTo: 'TFR reaching', srbTo: 'SRB reaching (boys per girl)', byYear: 'by year', e0gain: 'Life expectancy gain a year (years)',
    mig: 'With migration', save: 'Save the scenario', saved: 'Scenario {n} saved.', fix: 'Please fix the marked fields.',
    src: { register: "the unit's own register", 'national-scaled': "the national schedule, scaled to the unit's births",
      'brass-1': 'the national schedule, Brass model (alpha)', 'brass-2': 'the national schedule, Brass model (alpha, beta)',
      national: 'the national schedule' },
    on: 'on', off: 'off', pick: 'Choose a unit, a base date and a last year, then press Project.',
  },
};
const w = (k, args) => {
  let s = W[getLang()][k] ?? W.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const COLORS = ['#0b5d4b', '#bf3989', '#1f6feb', '#9a6700', '#6e7781', '#8250df', '#cf222e', '#1a7f37'];

// A colour key as a small SVG square (the page's policy allows no inline styles).
const swatch = (color) => h('svg', { width: 12, height: 12, viewBox: '0 0 12 12', 'aria-hidden': 'true' },
  h('rect', { width: 12, height: 12, rx: 2, fill: color }));

// ---- a line chart over the years, one line a series ----
function yearLines(series, { decimals = 0, caption }) {
  const W0 = 400, H = 220, L = 52, B = 24, T = 10, R = 8;
  const years = series[0].points.map((p) => p.year);
  const vals = series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => Number.isFinite(v));
  if (!vals.length) return h('p', { class: 'muted' }, '–');
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (hi === lo) { hi += 1; lo = Math.max(0, lo - 1); }
  const pad = (hi - lo) * 0.08;
  lo = Math.max(0, lo - pad);
  hi += pad;
  const x = (i) => L + ((W0 - L - R) * i) / Math.max(1, years.length - 1);
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    g.push(h('line', { x1: L, x2: W0 - R, y1: y(v), y2: y(v), stroke: '#d0d7de' }),
      h('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#57606a' }, num(v, decimals)));
  }
  const step = Math.max(1, Math.ceil(years.length / 6));
  years.forEach((yr, i) => {
    if (i % step === 0 || i === years.length - 1)
      g.push(h('text', { x: x(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 12, fill: '#57606a' }, yr));
  });
  series.forEach((s, k) => {
    const pts = s.points.map((p, i) => (Number.isFinite(p.v) ? `${x(i).toFixed(1)},${y(p.v).toFixed(1)}` : null)).filter(Boolean).join(' ');
    g.push(h('polyline', { points: pts, fill: 'none', stroke: COLORS[k % COLORS.length], 'stroke-width': 2.5 },
      h('title', {}, s.name)));
  });
  return h('figure', {},
    h('svg', { class: 'chart', viewBox: `0 0 ${W0} ${H}`, role: 'img', 'aria-label': caption }, g),
    h('figcaption', { class: 'legend' }, series.map((s, k) => h('span', {}, swatch(COLORS[k % COLORS.length]), ` ${s.name}`)),
      h('span', { class: 'muted' }, caption)));
}

// ---- the page ----
function lastYearEnd() {
  return `${new Date().getFullYear() - 1}-12-31`;
}

// The projections of the answer, one per scenario, whatever its shape.
function projections(p) {
  if (p.scenarios) return p.scenarios;
  return [{ scenario: p.inputs.scenario, indicators: p.indicators, groups: p.groups }];
}

function scenarioName(s) {
  return s.name === 'base' && !s.saved ? w('baseScenario') : `${s.name}${s.label ? ` – ${s.label}` : ''}`;
}

// "Ngày gốc 31/12/2025 · tỷ suất 2023-2025 · kịch bản thap": what every view says of its inputs.
function inputsLine(p, names) {
  return `${w('base')} ${date(p.inputs.base_date)} · ${w('rates')} ${p.inputs.rates_years.from}-${p.inputs.rates_years.to} · `
    + `${w('scenario')}: ${names.join(', ')}`;
}

function inputsCard(p, all) {
  const i = p.inputs;
  const src = (s) => W[getLang()].src[s] || s;
  return h('div', { class: 'card', id: 'inputs' },
    h('h2', {}, w('inputs')),
    h('p', {}, `${p.unit_name} (${p.unit}) · ${w('map')} ${date(p.map_date)}`),
    h('p', { id: 'inputs-line' }, inputsLine(p, all.map((x) => scenarioName(x.scenario)))),
    h('ul', {},
      h('li', {}, `${w('fertility')}: TFR ${num(i.fertility.tfr, 2)} (${src(i.fertility.source)}; ${num(i.fertility.births)} ${w('bornCount')})`),
      h('li', {}, `${w('mortality')}: e0 ${w('male').toLowerCase()} ${num(i.mortality.male.e0, 1)} (${src(i.mortality.male.source)}), `
        + `${w('female').toLowerCase()} ${num(i.mortality.female.e0, 1)} (${src(i.mortality.female.source)})`),
      h('li', {}, `${w('srb')}: ${num(i.srb.value, 3)} (${src(i.srb.source)})`),
      h('li', {}, `${w('migration')}: ${num(i.migration.net_per_year, 1)}`)),
    i.notes.length ? [h('h3', {}, w('notes')), h('ul', { id: 'notes' }, i.notes.map((n) => h('li', {}, n)))] : null);
}

function pyramidCard(p, all) {
  const years = all[0].indicators.map((x) => x.year);
  const slider = h('input', { type: 'range', id: 'year-slider', min: years[0], max: years[years.length - 1], step: 1, value: years[0], 'aria-label': w('year') });
  const which = h('select', { id: 'pyramid-scenario', 'aria-label': w('scenario') },
    all.map((x, k) => h('option', { value: k }, scenarioName(x.scenario))));
  const heading = h('h2', {});
  const box = h('div', { id: 'pyramid' });
  const caption = h('p', { class: 'muted' });
  const draw = () => {
    const k = Number(slider.value) - years[0];
    const pr = all[Number(which.value)];
    const rows = pr.groups.ages.map((age, g) => ({ age, male: pr.groups.male[k][g], female: pr.groups.female[k][g] }));
    heading.textContent = w('pyramid', { y: slider.value });
    box.replaceChildren(pyramid(rows));
    caption.textContent = inputsLine(p, [scenarioName(pr.scenario)]);
  };
  slider.addEventListener('input', draw);
  which.addEventListener('change', draw);
  draw();
  return h('div', { class: 'card' }, heading,
    h('div', { class: 'row2 noprint' }, field('year', `${w('year')} (${years[0]}–${years[years.length - 1]})`, slider),
      all.length > 1 ? field('scenario', w('scenario'), which) : null),
    box, caption);
}

function trendCards(p, all) {
  const line = all.map((x) => scenarioName(x.scenario));
  const cap = inputsLine(p, line);
  const chart = (key, decimals) => yearLines(all.map((x) => ({ name: scenarioName(x.scenario),
    points: x.indicators.map((y) => ({ year: y.year, v: y[key] })) })), { decimals, caption: cap });
  const card = (title, key, decimals) => h('div', { class: 'card' }, h('h3', {}, title), chart(key, decimals));
  return h('div', { id: 'trends' }, h('h2', {}, w('trends')),
    h('div', { class: 'two' }, card(w('population'), 'population', 0), card(w('births'), 'births', 0)),
    h('div', { class: 'two' }, card(w('deaths'), 'deaths', 0), card(w('tfr'), 'tfr', 2)),
    h('div', { class: 'two' }, card(w('e0m'), 'e0_male', 1), card(w('e0f'), 'e0_female', 1)),
    h('div', { class: 'two' }, card(w('dr'), 'dependency_ratio', 1), card(w('ai'), 'ageing_index', 1)),
    h('div', { class: 'two' }, card(w('s60'), 'share_60_plus', 1)));
}

// Years every five from the base, and the horizon, with each scenario side by side.
function compareTable(p, all) {
  const years = all[0].indicators.map((x) => x.year);
  const shown = years.filter((y, i) => i % 5 === 0 || i === years.length - 1);
  const cols = [['population', 0], ['births', 0], ['deaths', 0], ['tfr', 2], ['e0_male', 1], ['e0_female', 1],
    ['dependency_ratio', 1], ['ageing_index', 1], ['share_60_plus', 1]];
  const names = { population: w('population'), births: w('births'), deaths: w('deaths'), tfr: 'TFR', e0_male: w('e0m'),
    e0_female: w('e0f'), dependency_ratio: w('dr'), ageing_index: w('ai'), share_60_plus: w('s60') };
  const rows = [];
  for (const y of shown)
    all.forEach((x, k) => {
      const ind = x.indicators.find((r) => r.year === y);
      rows.push(h('tr', {}, h('td', {}, k === 0 ? String(y) : ''), h('td', {}, scenarioName(x.scenario)),
        cols.map(([c, d]) => h('td', { class: 'n' }, ind[c] === null ? '' : num(ind[c], d)))));
    });
  return h('div', { class: 'card', id: 'compare' }, h('h2', {}, w('compare')),
    h('p', { class: 'muted' }, inputsLine(p, all.map((x) => scenarioName(x.scenario)))),
    table([w('year'), w('scenario'), ...cols.map(([c]) => h('th', { scope: 'col', class: 'n' }, names[c]))], rows));
}

function saveForm(unit, base, onSaved) {
  const name = h('input', { type: 'text', required: true, pattern: '[A-Za-z0-9_-]{1,40}', autocomplete: 'off' });
  const label = h('input', { type: 'text', maxlength: 200 });
  const tfr = h('input', { type: 'number', step: '0.01', min: 0.5, max: 10 });
  const tfrYear = h('input', { type: 'number', step: 1 });
  const srb = h('input', { type: 'number', step: '0.001', min: 0.9, max: 1.3 });
  const srbYear = h('input', { type: 'number', step: 1 });
  const gain = h('input', { type: 'number', step: '0.01', min: -1, max: 1, value: 0 });
  const mig = h('input', { type: 'checkbox', name: 'migration', checked: true });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card noprint', id: 'scenario-form', onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    msg.replaceChildren();
    const body = { unit, base, name: name.value.trim(), migration: mig.checked, e0_gain: Number(gain.value || 0) };
    if (label.value.trim()) body.label = label.value.trim();
    if (tfr.value || tfrYear.value) body.tfr = { value: Number(tfr.value), year: Number(tfrYear.value) };
    if (srb.value || srbYear.value) body.srb = { value: Number(srb.value), year: Number(srbYear.value) };
    try {
      await api('/api/v1/scenarios', { method: 'POST', body });
      toast(w('saved', { n: body.name }));
      onSaved(body.name);
    } catch (err) {
      if (!(err.field && setFieldError(form, err.field, err.message)))
        msg.append(h('div', { class: 'msg bad', role: 'alert' }, err.message));
      else msg.append(h('div', { class: 'msg bad', role: 'alert' }, w('fix')));
    }
  } },
  h('h2', {}, w('newScenario')),
  h('div', { class: 'row2' }, field('name', w('name'), name), field('label', w('label'), label)),
  h('div', { class: 'row2' }, field('tfr.value', w('tfrTo'), tfr), field('tfr.year', w('byYear'), tfrYear),
    field('srb.value', w('srbTo'), srb), field('srb.year', w('byYear'), srbYear)),
  h('div', { class: 'row2' }, field('e0_gain', w('e0gain'), gain), h('div', { class: 'fld', 'data-field': 'migration' },
    h('label', { class: 'inline' }, mig, ` ${w('mig')}`), h('div', { class: 'err' }))),
  msg, h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  return form;
}

export async function projectionPage(main, params) {
  const unit = params.get('unit') || state.user?.unit || '79';
  const base = params.get('base') || lastYearEnd();
  const to = params.get('to') || '2050';
  const chosen = (params.get('scenario') || 'base').split(',').filter(Boolean);
  const lang = getLang();
  let saved = [];
  try { saved = (await api(`/api/v1/scenarios?${q({ unit })}`)).scenarios; } catch { /* none to offer */ }
  const up = await unitPicker(unit, { required: true, levels: 1 });
  const baseIn = dateInput(base);
  const toIn = h('input', { type: 'number', value: to, min: 1900, max: 2200, step: 1, required: true });
  const boxes = [{ name: 'base', label: '' }, ...saved.filter((s) => s.name !== 'base')].map((s) => h('label', { class: 'inline' },
    h('input', { type: 'checkbox', name: 'scenario', value: s.name, checked: chosen.includes(s.name) }),
    ` ${s.name === 'base' ? w('baseScenario') : `${s.name}${s.label ? ` – ${s.label}` : ''}`} `));
  const go = (names) => {
    const iso = isoOf(baseIn);
    location.hash = `#/projection?${q({ unit: up.value, base: iso || base, to: toIn.value, scenario: names.join(',') })}`;
  };
  const picker = h('form', { class: 'f card noprint', id: 'projection-form', onsubmit: (e) => {
    e.preventDefault();
    const names = boxes.map((b) => b.querySelector('input')).filter((x) => x.checked).map((x) => x.value);
    go(names.length ? names : ['base']);
  } }, h('div', { class: 'row2' }, up.attach(field('unit', w('unit'), up.input)), field('base', w('base'), baseIn, 'dd/mm/yyyy'),
    field('to', w('to'), toIn)),
  h('fieldset', {}, h('legend', {}, w('scenarios')), h('div', { class: 'actions' }, boxes)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('show'))));
  main.replaceChildren(h('h1', {}, w('title')), picker);
  if (!params.get('unit') && !params.get('base')) {
    main.append(h('p', { class: 'muted' }, w('pick')));
    return;
  }
  const url = `/api/v1/projection?${q({ unit, base, to, scenario: chosen.join(','), lang })}`;
  const p = await api(url);
  const all = projections(p);
  main.append(
    h('h2', {}, `${p.unit_name} (${p.unit}): ${all[0].indicators[0].year}–${all[0].indicators[all[0].indicators.length - 1].year}`),
    h('div', { class: 'actions noprint' }, ['xlsx', 'csv'].map((fmt) =>
      h('a', { class: 'btn secondary', href: `${url}&format=${fmt}`, download: `du-bao-${unit}.${fmt}` }, `${w('download')} ${fmt.toUpperCase()}`))),
    inputsCard(p, all), pyramidCard(p, all), trendCards(p, all), compareTable(p, all),
    saveForm(unit, base, (name) => go([...new Set([...chosen, name])])));
}
