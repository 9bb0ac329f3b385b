// The pages: dashboard, find, household and person, area list, monthly
// slip, reports, administration (the data check is in quality.js).
import { api, clearErrors, codes, dateInput, errorBox, field, forms, h, isoOf, label, setFieldError, state, table, today } from './core.js';

const ROLES = ['collaborator', 'commune', 'province', 'national', 'admin'];
import { auditSearch, personRights } from './account.js';
import { mapChangeTab } from './units.js';
import { monthBars, monthLines, monthTable, progress, pyramid } from './charts.js';
import { periodPicker, unitPicker } from './pickers.js';
import { date, getLang, num, role, t } from './i18n.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const userUnit = () => state.user?.unit || '79';
const thisMonth = () => today().slice(0, 7);

function kpi(text, v, target, decimals = 0, suffix = '') {
  const val = v?.value;
  const tg = target ?? v?.target;
  // A ceiling (SRB, third births) is kept or passed: never "1.250% reached".
  const ceiling = v?.direction === 'ceiling';
  const said = ceiling ? `${t('ceiling')} ${num(tg, decimals)}${suffix} · ${t(v.progress === 'behind' ? 'prog_over' : `prog_${v.progress}`)}`
    : `${t('target')}: ${num(tg, decimals)}${suffix} · ${t('reached', { p: num((100 * (val || 0)) / tg) })}${v?.progress ? ` · ${t(`prog_${v.progress}`)}` : ''}`;
  return h('div', { class: 'kpi' },
    h('div', { class: 'l' }, text),
    h('div', { class: 'v' }, val === null || val === undefined ? '–' : num(val, decimals) + suffix),
    tg ? h('div', { class: 't', 'data-progress': v?.progress }, said) : null,
    tg && !ceiling ? progress((val || 0) / tg) : null);
}

// ---- dashboard ----
export async function dashboard(main, params) {
  const unit = params.get('unit') || userUnit();
  // The figures and the unit picker's tree are asked for at once (a round trip each on a slow link).
  const [d, up] = await Promise.all([api(`/api/v1/dashboard?${q({ unit, year: params.get('year') })}`), unitPicker(unit)]);
  const year = d.year;
  const hd = d.headline;
  // The API gives the months of the year up to the server's today: the last one is "this month".
  const thisM = d.months[d.months.length - 1];
  const nowYear = Number(today().slice(0, 4));
  const go = () => { location.hash = `#/dashboard?${q({ unit: up.value, year: yearSel.value })}`; };
  const yearSel = h('select', { onchange: go },
    [0, 1, 2, 3].map((k) => Math.max(nowYear, year) - k).map((y) => h('option', { value: y, selected: y === year }, y)));
  up.input.addEventListener('change', go);
  const quiet = d.not_updated_units || [];
  main.replaceChildren(
    h('h1', {}, `${t('dashboard')}: ${d.unit_name}`),
    h('div', { class: 'row2 noprint' }, field('year', t('year'), yearSel), up.attach(field('unit', t('unit'), up.input))),
    h('div', { class: 'grid', id: 'kpis' },
      kpi(t('population'), hd['2']),
      kpi(`${t('birthsMonth')}${thisM ? ` (${String(thisM.month).padStart(2, '0')}/${year})` : ''}`, { value: thisM ? thisM.births : 0 }),
      kpi(t('birthsYear'), hd['5']),
      kpi(t('srb'), hd.SRB, null, 1),
      kpi(t('p3'), hd.P3, null, 1, '%'),
      kpi(t('mcpr'), hd.MCPR, null, 1, '%'),
      kpi(t('pns'), hd.PNS, null, 1, '%'),
      kpi(t('nbs'), hd.NBS, null, 1, '%'),
      kpi(t('elc'), hd.ELC, null, 1, '%')),
    h('div', { class: 'two' },
      h('div', { class: 'card' }, h('h2', {}, `${t('births')} – ${t('deaths')}, ${year}`), monthLines(d.months, ['births', 'deaths']), monthTable(d.months, ['births', 'deaths'])),
      h('div', { class: 'card' }, h('h2', {}, `${t('migration')}, ${year}`), monthBars(d.months, ['in', 'out']), monthTable(d.months, ['in', 'out']))),
    h('div', { class: 'two' },
      h('div', { class: 'card' }, h('h2', {}, t('pyramid')), pyramid(d.pyramid)),
      h('div', { class: 'card', id: 'quiet' }, h('h2', {}, t('notUpdated')),
        d.year !== nowYear ? h('p', { class: 'muted' }, '–')
          : quiet.length
            ? [h('p', {}, t('quietCount', { n: num(quiet.length), m: num(d.areas) })),
              h('ul', { class: 'cols' }, quiet.map((a) => h('li', {}, h('a', { href: `#/area?area=${a.code}` }, a.village ? `${a.village} – ${a.name}` : a.name))))]
            : h('p', {}, t('allUpdated')))));
}

// ---- find ----
export async function find(main, params) {
  const qs = params.get('q') || '';
  const born = params.get('born') || '';
  const input = h('input', { type: 'search', value: qs, required: true, autocomplete: 'off', 'data-autofocus': qs ? null : true });
  const bornIn = h('input', { type: 'number', inputmode: 'numeric', min: 1900, max: 2100, value: born });
  const form = h('form', { class: 'f card', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/find?${q({ q: input.value.trim(), born: bornIn.value })}`;
  } }, h('div', { class: 'row2' }, field('q', t('searchLabel'), input), field('born', t('bornYear'), bornIn)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search'))));
  const out = h('div', { id: 'results' });
  main.replaceChildren(h('h1', {}, t('find')), form, out);
  if (!qs) return;
  await codes();
  const page = Math.max(1, Number(params.get('page')) || 1);
  let items = [];
  let households = [];
  let r;
  if (/^\d{12}$/.test(qs)) items = (r = await api(`/api/v1/persons?${q({ national_id: qs })}`)).items;
  else if (/^\d+(\.\d+)?$/.test(qs)) households = (r = await api(`/api/v1/households?${q({ number: qs, size: PAGE, page })}`)).items;
  else items = (r = await api(`/api/v1/persons?${q({ q: qs, born, size: PAGE, page })}`)).items;
  if (!items.length && !households.length) { out.append(h('p', { class: 'msg bad' }, t('noResult'))); return; }
  const pg = pager(r, (p) => `#/find?${q({ q: qs, born, page: p })}`);
  out.append(pg);
  if (households.length) {
    out.append(table([t('number'), t('address'), t('area')], households.map((x) =>
      h('tr', {}, h('td', {}, h('a', { href: `#/household/${x.id}` }, x.number)), h('td', {}, x.address), h('td', {}, x.area)))));
  }
  if (items.length) {
    out.append(table([t('name'), t('sex'), t('birth'), t('household')], items.map((p) =>
      h('tr', {}, h('td', {}, h('a', { href: `#/person/${p.id}` }, p.full_name), p.present ? '' : ` (${t('gone')})`),
        h('td', {}, label('sex', p.sex)), h('td', { class: 'nw' }, date(p.birth_date)),
        h('td', {}, p.household ? h('a', { href: `#/household/${p.household}` }, p.household_number ? `${t('number')} ${p.household_number}` : p.household) : ''))), { tall: true }));
  }
  if (r.total > PAGE) out.append(pg.cloneNode(true));
}

const PAGE = 50;
// "1–50 trong 312" with the previous and next pages, from a listing's page, size and total.
function pager(r, link) {
  const from = (r.page - 1) * r.size + 1;
  const to = from + r.items.length - 1;
  const vi = getLang() === 'vi';
  const total = `${num(r.total)}${r.total_more ? '+' : ''}`;
  return h('div', { class: 'pager noprint' },
    h('span', { role: 'status' }, r.items.length ? `${num(from)}–${num(to)} ${vi ? 'trong' : 'of'} ${total}` : `0 ${vi ? 'trong' : 'of'} ${total}`),
    r.page > 1 ? h('a', { class: 'btn secondary', href: link(r.page - 1) }, t('prev')) : null,
    to < r.total ? h('a', { class: 'btn secondary', href: link(r.page + 1) }, t('next')) : null);
}

// "Hộ nghèo", "Hộ cận nghèo", "Hộ không nghèo" (not "Hộ nghèo: Không nghèo").
function povertyText(v) {
  const l = label('poverty', v);
  return getLang() === 'vi' ? `Hộ ${String(l).toLowerCase()}` : `${t('poverty')}: ${l}`;
}

// One line of a history: the date, the change in words, who it concerns.
function describe(ev) {
  const who = ev.person && typeof ev.person === 'object' ? ev.person.full_name : ev.person || ev.mother || ev.household || '';
  const bits = [label('event_type', ev.type)];
  if (ev.type === 'birth') bits.push(`${ev.child?.full_name} (${label('sex', ev.child?.sex)}), ${getLang() === 'vi' ? 'lần sinh' : 'order'} ${ev.order}`);
  if (ev.method) bits.push(label('fp_method', ev.method));
  if (ev.outcome) bits.push(label('outcome', ev.outcome));
  if (ev.field) bits.push(`${label('info_field', ev.field)}: ${ev.value}`);
  if (ev.poverty !== undefined) bits.push(`${povertyText(ev.poverty)}${ev.year ? ` (${getLang() === 'vi' ? 'năm' : 'year'} ${ev.year})` : ''}`);
  if (ev.destination) bits.push(ev.destination);
  if (ev.reason) bits.push(ev.reason);
  return { text: bits.join(' – '), who };
}

function historyList(history) {
  if (!history.length) return h('p', { class: 'muted' }, t('empty'));
  return h('ol', { class: 'hist' }, history.map((x) => {
    const d = describe(x.event || {});
    // The person by name (the server names those who left too); an id only when it has none.
    const who = x.person_name || x.mother_name || (typeof d.who === 'string' ? d.who : '');
    return h('li', { class: x.voided_by ? 'void' : '' }, h('strong', {}, date(x.event?.date)), ' ', d.text,
      who ? ` · ${who}` : '');
  }));
}

// ---- actions that fit the person ----
// Whole years on today (a birth known to the year or month counts from its start).
function ageOf(birth) {
  const [y, m = '01', d = '01'] = String(birth || '').split('-');
  if (!y) return null;
  const now = today();
  let a = Number(now.slice(0, 4)) - Number(y);
  if (`${now.slice(5, 7)}-${now.slice(8, 10)}` < `${m}-${d.slice(0, 2)}`) a--;
  return a;
}

// The changes one would record for this person, the likeliest first: a
// birth only for a woman of childbearing age, contraception for a married
// woman 15-49, a check for the elderly, death always last.  A person who
// has left or died gets none (a mistake is corrected from the event).
export function actionsFor(p) {
  if (p.status && p.status !== 'present') return [];
  const age = ageOf(p.birth_date);
  // Codes come as text ("2") from the API.
  const woman = Number(p.sex) === 2, married = Number(p.marital) === 2;
  const out = [];
  if (age !== null && age < 1) out.push('newborn_screening');
  if (woman && age >= 15 && age <= 49 && married) out.push(Number(p.fp_method) ? 'fp_stop' : 'fp_start', 'pregnancy', 'prenatal_screening');
  if (woman && age >= 15 && age <= 55) out.push('birth');
  if (age >= 60) out.push('elderly_check');
  if (age >= 15 && p.marital != null && !married) out.push('marriage');
  if (married) out.push('divorce', 'widowed');
  out.push('transfer', 'move_out', 'info_change', 'death');
  return out;
}

const recordLink = (ty, id, cls) => h('a', { class: cls, href: `#/record?${q({ type: ty, [ty === 'birth' ? 'mother' : 'person']: id })}` }, label('event_type', ty));

// ---- household ----
export async function household(main, id) {
  await codes();
  const x = await api(`/api/v1/households/${encodeURIComponent(id)}`);
  const members = x.members;
  const hist = x.history || [];
  const rec = (type, extra) => h('a', { class: 'btn secondary', href: `#/record?${q({ type, ...extra })}` }, label('event_type', type));
  main.replaceChildren(
    h('h1', {}, `${t('household')} ${x.number} – ${x.id}`),
    h('div', { class: 'card' },
      h('p', {}, `${t('address')}: ${x.address}`), h('p', {}, `${t('area')}: `, h('a', { href: `#/area?area=${x.area}` }, x.area_name || x.area)),
      h('p', {}, `${t('type')}: ${label('household_type', x.type)} · ${povertyText(x.poverty)}`),
      h('div', { class: 'actions noprint' }, rec('move_in', { household: x.id }), rec('household_change', { household: x.id }))),
    h('h2', {}, t('members')),
    table([t('name'), t('relation'), t('sex'), t('birth'), ''], members.map((p) => h('tr', {},
      h('td', {}, h('a', { href: `#/person/${p.id}` }, p.full_name)), h('td', {}, p.relation ? label('relation', p.relation) : ''),
      h('td', {}, label('sex', p.sex)), h('td', { class: 'nw' }, date(p.birth_date)),
      // The likeliest change for the member, never a death first.
      h('td', { class: 'noprint' }, recordLink(actionsFor({ ...p, marital: undefined })[0], p.id))))),
    h('h2', {}, t('history')),
    h('div', { class: 'card', id: 'household-history' }, historyList(hist)));
}

// ---- person ----
function ageText(birth) {
  const a = ageOf(birth);
  if (a === null) return '';
  return getLang() === 'vi' ? `${a} tuổi` : `aged ${a}`;
}

export async function person(main, id) {
  await codes();
  const p = await api(`/api/v1/persons/${encodeURIComponent(id)}/history`);
  const types = actionsFor(p);
  main.replaceChildren(
    h('h1', {}, `${p.full_name} – ${p.id}`),
    h('div', { class: 'card' },
      h('p', {}, `${t('sex')}: ${label('sex', p.sex)} · ${t('birth')}: ${date(p.birth_date)} · ${ageText(p.birth_date)} · ${label('ethnicity', p.ethnicity)}`),
      h('p', {}, `${t('household')}: `, h('a', { href: `#/household/${p.household}` }, p.household),
        p.relation != null ? ` · ${t('relation')}: ${label('relation', p.relation)}` : '', ` · ${p.status === 'present' ? t('present') : t('gone')}`),
      h('p', {}, `${label('marital', p.marital)} · ${label('education', p.education)} · ${label('residence', p.residence)}${p.fp_method ? ` · ${label('fp_method', p.fp_method)}` : ''}`),
      h('div', { class: 'actions noprint', id: 'person-actions' }, types.map((ty) => recordLink(ty, p.id, 'btn secondary')))),
    h('h2', {}, t('history')), h('div', { class: 'card', id: 'person-history' }, historyList(p.history || [])),
    personRights(p));
}

// Areas under the user's unit (today's tree), for the area and slip pickers.
async function areaOptions(current) {
  const tree = await api(`/api/v1/units?${q({ root: userUnit(), date: today() })}`);
  const out = [];
  const walk = (u, path) => {
    if (u.level === 'area') out.push(h('option', { value: u.code, selected: u.code === current }, `${path}${u.name} (${u.code})`));
    for (const c of u.children || []) walk(c, u.level === 'village' ? `${u.name} – ` : path);
  };
  tree.units.forEach((u) => walk(u, ''));
  return out;
}

// ---- a collaborator's area: the list of households ----
export async function area(main, params) {
  const a = params.get('area') || (state.user?.role === 'collaborator' ? userUnit() : '');
  const sel = h('select', { onchange: () => { location.hash = `#/area?area=${sel.value}`; } }, h('option', { value: '' }, '—'), await areaOptions(a));
  main.replaceChildren(h('h1', {}, t('households')), h('div', { class: 'card' }, field('area', t('chooseArea'), sel)));
  if (!a) return;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const r = await api(`/api/v1/households?${q({ area: a, page, size: PAGE })}`);
  const link = (p) => `#/area?${q({ area: a, page: p })}`;
  // The head's name, how many live there and the year's poverty: what a collaborator looks for.
  main.append(pager(r, link), table([t('number'), t('head'), t('members'), t('poverty'), t('address')], r.items.map((x) => h('tr', {},
    h('td', {}, h('a', { class: 'tap', href: `#/household/${x.id}` }, x.number)),
    h('td', {}, x.head_name ? h('a', { class: 'tap', href: `#/household/${x.id}` }, x.head_name) : '—'),
    h('td', {}, num(x.member_count ?? 0)), h('td', {}, Number(x.poverty) ? label('poverty', x.poverty) : ''), h('td', {}, x.address))), { tall: true }),
  r.total > PAGE ? pager(r, link) : null);
}

// ---- the month's slip (P0/CTV) ----
// The slip's sections, numbered as the server files them (GET /api/v1/slip: items[].section).
const SECTIONS = {
  vi: ['', 'Sinh', 'Sàng lọc sơ sinh', 'Chết', 'Chuyển đến', 'Chuyển đi', 'Kết hôn, ly hôn, góa, thay đổi thông tin',
    'Bắt đầu sử dụng biện pháp tránh thai', 'Ngừng sử dụng biện pháp tránh thai', 'Mang thai và kết thúc thai nghén',
    'Sàng lọc trước sinh', 'Khám sức khỏe người cao tuổi', 'Thay đổi thông tin hộ, hủy biến động'],
  en: ['', 'Births', 'Newborn screening', 'Deaths', 'Moves in', 'Moves out', 'Marriage, divorce, widowhood, changes of details',
    'Contraceptive starts', 'Contraceptive stops', 'Pregnancies and their outcomes', 'Prenatal screening',
    'Elderly health checks', 'Household changes, cancellations'],
};
export async function slip(main, params) {
  await codes();
  const a = params.get('area') || (state.user?.role === 'collaborator' ? userUnit() : '');
  const month = params.get('month') || thisMonth();
  const sel = h('select', {}, h('option', { value: '' }, '—'), await areaOptions(a));
  const mon = periodPicker(month, { kinds: ['month'], legend: t('month') });
  const form = h('form', { class: 'f card noprint', onsubmit: (e) => { e.preventDefault(); location.hash = `#/slip?${q({ area: sel.value, month: mon.value })}`; } },
    h('div', { class: 'row2' }, field('area', t('area'), sel), mon.el),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show')), a ? h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('print')) : null));
  main.replaceChildren(h('h1', {}, t('slip')), form);
  if (!a) return;
  const s = await api(`/api/v1/slip?${q({ area: a, month })}`);
  const bySec = new Map();
  for (const it of s.items) {
    if (!bySec.has(it.section)) bySec.set(it.section, []);
    bySec.get(it.section).push(it);
  }
  const mm = `${month.slice(5)}/${month.slice(0, 4)}`;
  const doc = h('div', { class: 'card slipdoc', id: 'slip' },
    h('p', { class: 'formno' }, 'Mẫu P0/CTV'),
    h('h2', {}, t('slipTitle')),
    h('p', {}, `${t('area')}: ${s.area_name} (${s.area}) · ${t('month')}: ${mm} · ${t('entries', { n: num(s.items.length) })}`));
  const names = SECTIONS[getLang()];
  for (let sec = 1; sec < names.length; sec++) {
    const items = bySec.get(sec) || [];
    doc.append(h('h3', {}, `${sec}. ${names[sec]}`));
    if (!items.length) { doc.append(h('p', { class: 'muted none' }, t('none'))); continue; }
    doc.append(table(['#', t('date'), t('name'), t('event'), t('recordedBy')], items.map((it, i) => {
      const d = describe(it.event);
      const pid = typeof it.event.person === 'string' ? it.event.person : it.event.mother;
      return h('tr', {}, h('td', { class: 'n' }, i + 1), h('td', { class: 'nw' }, date(it.event.date)),
        h('td', {}, pid ? h('a', { href: `#/person/${pid}` }, it.name || d.who) : it.name || d.who), h('td', {}, d.text),
        h('td', {}, it.recorded_by_name || (it.recorded_by ? t('fromFile') : '')));
    })));
  }
  doc.append(h('div', { class: 'sig' },
    h('div', {}, h('strong', {}, t('preparer')), h('br'), h('span', { class: 'muted' }, t('signName'))),
    h('div', {}, h('strong', {}, t('approver')), h('br'), h('span', { class: 'muted' }, t('signName')))));
  main.append(doc);
}

// ---- reports ----

export async function reports(main, params) {
  const all = await forms();
  const lang = getLang();
  const form = params.get('form') || '01-DSX';
  const unit = params.get('unit') || userUnit();
  const f = all.find((x) => x.code === form) || all[0];
  const thisYear = Number(today().slice(0, 4));
  const defPeriod = f.period === 'year' ? String(thisYear - 1) : f.period === 'quarter' ? `${thisYear - 1}-Q4` : thisMonth();
  const period = params.get('period') || defPeriod;
  const mapDate = params.get('map_date') || '';
  const title = (x) => (lang === 'en' ? x.title_en : x.title_vi);
  const formSel = h('select', {}, all.map((x) => h('option', { value: x.code, selected: x.code === f.code }, `${x.code} – ${title(x)}`)));
  // The whole title under the list: a phone shows only its start in the closed list.
  const formTitle = h('p', { class: 'hint', 'aria-live': 'polite' }, title(f));
  formSel.addEventListener('change', () => { formTitle.textContent = title(all.find((x) => x.code === formSel.value)); });
  const up = await unitPicker(unit, { required: true });
  const pp = periodPicker(period, { kinds: f.period === 'year' ? ['year'] : f.period === 'quarter' ? ['quarter', 'half', 'year'] : undefined });
  const mapIn = dateInput(mapDate);
  const formFld = field('form', t('form'), formSel);
  formFld.append(formTitle);
  const picker = h('form', { class: 'f card noprint', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/reports?${q({ form: formSel.value, unit: up.value, period: pp.value, map_date: isoOf(mapIn) || '' })}`;
  } }, h('div', { class: 'row2' }, formFld, up.attach(field('unit', t('unit'), up.input)), pp.el,
    field('map_date', t('mapDate'), mapIn, 'dd/mm/yyyy')),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  main.replaceChildren(h('h1', {}, t('reports')), picker);
  if (!params.get('period')) return;
  const base = `/api/v1/reports/${encodeURIComponent(f.code)}?${q({ unit, period, map_date: mapDate, lang })}`;
  const r = await api(base);
  const cols = r.columns;
  const clickable = cols.length > 1;
  const single = cols.length === 1;
  const hasTarget = r.rows.some((x) => x.target);
  const head = [h('th', { scope: 'col', class: 'code' }, t('code')), h('th', { scope: 'col' }, t('indicator')), h('th', { scope: 'col' }, t('unitOf')),
    ...cols.map((c, i) => h('th', { scope: 'col', class: `n c${i}` }, clickable && !c.total
      ? h('a', { href: `#/reports?${q({ form: f.code, unit: c.code, period, map_date: mapDate })}`, title: `${t('openUnit')} ${c.name}` }, c.name)
      : c.name)),
    ...(single && hasTarget ? [h('th', { scope: 'col', class: 'n' }, t('target')), h('th', { scope: 'col', class: 'n' }, '%')] : [])];
  const rows = r.rows.map((row) => h('tr', {},
    h('td', { class: 'code' }, row.code), h('td', { class: `lab${row.indent ? ` i${row.indent}` : ''}` }, row.label), h('td', { class: 'uof' }, row.unit || ''),
    row.values.map((v, i) => h('td', { class: `n c${i}`, 'data-label': cols[i]?.name || '' }, v === null ? '' : num(v, row.decimals || 0))),
    single && hasTarget ? [h('td', { class: 'n', 'data-label': t('target') }, row.target?.[0] == null ? '' : num(row.target[0], row.decimals || 0)),
      h('td', { class: 'n', 'data-label': '%' }, row.share?.[0] == null ? '' : num(row.share[0], 1))] : null));
  const tbl = table(head, rows, { tall: true, label: r.title });
  // On a phone, one unit's column at a time (the total first), chosen here.
  let chooser = null;
  if (cols.length > 1) {
    // and the chosen unit's own report a tap away (the column headers are hidden on a phone).
    const open = h('a', { class: 'btn secondary', id: 'open-column' });
    const show = (k) => {
      tbl.querySelectorAll('td.n, th.n').forEach((c) => c.classList.toggle('off', !c.classList.contains(`c${k}`)));
      const c = cols[k];
      open.hidden = !clickable || !!c.total;
      open.href = `#/reports?${q({ form: f.code, unit: c.code, period, map_date: mapDate })}`;
      open.textContent = `${t('openUnit')} ${c.name}`;
    };
    const first = Math.max(0, cols.findIndex((c) => c.total));
    const sel = h('select', { onchange: () => show(Number(sel.value)) }, cols.map((c, i) => h('option', { value: i, selected: i === first }, c.name)));
    chooser = h('div', { class: 'phone-only noprint' }, field('column', lang === 'vi' ? 'Xem số liệu của' : 'Show the figures of', sel), open);
    show(first);
  }
  main.append(
    h('div', { class: 'card rcards', id: 'report' },
      h('h2', {}, r.title),
      h('p', {}, `${r.unit.name} (${r.unit.code}) · ${r.period.label} · ${t('mapDate')} ${date(r.map_date)}`),
      h('div', { class: 'actions noprint' },
        ['xlsx', 'csv', 'html'].map((fmt) => h('a', { class: 'btn secondary', href: `${base}&format=${fmt}`, download: fmt !== 'html', target: fmt === 'html' ? '_blank' : null }, `${t('download')} ${fmt.toUpperCase()}`))),
      chooser, tbl));
}

export async function eventPage(main, id) {
  await codes();
  const e = await api(`/api/v1/events/${encodeURIComponent(id)}`);
  const d = describe(e.event);
  main.replaceChildren(h('h1', {}, `${t('event')} ${e.seq}`), h('div', { class: 'card' },
    h('p', {}, `${date(e.event.date)} – ${d.text}`),
    e.event.person && typeof e.event.person === 'string' ? h('p', {}, h('a', { href: `#/person/${e.event.person}` }, e.event.person)) : null,
    h('pre', { class: 'scroll', tabindex: 0 }, JSON.stringify(e.event, null, 2))));
}

// ---- administration ----
function unitTree(u) {
  return h('li', {}, `${u.name} (${u.code}, ${label('level', u.level)})`, u.children?.length ? h('ul', {}, u.children.map(unitTree)) : null);
}

export async function admin(main, params) {
  await codes();
  const tab = params.get('tab') || 'units';
  const tabs = h('div', { class: 'tabs noprint' }, ['units', 'mapChange', 'users', 'audit', 'auditSearch'].map((k) =>
    h('a', { class: `btn ${k === tab ? '' : 'secondary'}`, href: `#/admin?tab=${k}`, 'aria-current': k === tab ? 'page' : null }, t(k))));
  main.replaceChildren(h('h1', {}, t('admin')), tabs);
  if (tab === 'units') {
    const d = params.get('date') || today();
    const lv = params.get('levels') || '3';
    const di = dateInput(d);
    const lvSel = h('select', {}, [2, 3, 4, 5].map((n) => h('option', { value: n, selected: String(n) === lv }, n)));
    const form = h('form', { class: 'f card', onsubmit: (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!isoOf(di)) { setFieldError(form, 'date', t('badDate')); return; }
      location.hash = `#/admin?${q({ tab: 'units', date: isoOf(di), levels: lvSel.value })}`;
    } }, h('div', { class: 'row2' }, field('date', t('date'), di, 'dd/mm/yyyy'), field('levels', t('levels'), lvSel)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
    const tree = await api(`/api/v1/units?${q({ date: d, levels: lv })}`);
    main.append(form, h('div', { class: 'card tree', id: 'unit-tree' }, h('p', {}, `${t('unitsAt')} ${date(tree.date)}`), h('ul', {}, tree.units.map(unitTree))));
  } else if (tab === 'mapChange') {
    await mapChangeTab(main);
  } else if (tab === 'users') {
    const users = await api('/api/v1/users');
    const login = h('input', { type: 'text', required: true, autocomplete: 'off', autocapitalize: 'none' });
    const name = h('input', { type: 'text' });
    const roleSel = h('select', {}, ROLES.map((r) => h('option', { value: r }, role(r))));
    // A province or commune picked by name (the tree's first two levels); an area's code can be typed.
    const up = await unitPicker('', { root: '', levels: 2 });
    const unitIn = up.input;
    const out = h('div', { 'aria-live': 'polite' });
    const addForm = h('form', { class: 'f card', id: 'user-add', onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      clearErrors(addForm);
      try {
        const r = await api('/api/v1/users', { method: 'POST', body: { login: login.value.trim(), name: name.value.trim() || login.value.trim(), role: roleSel.value, unit: String(up.value || '').trim() } });
        out.append(h('div', { class: 'msg good', role: 'status' }, t('newPassword', { p: r.password })));
        addForm.reset();
      } catch (err) {
        if (err.field) setFieldError(addForm, err.field, err.message);
        out.append(errorBox(err));
      }
    } }, h('h2', {}, t('addUser')), h('div', { class: 'row2' }, field('login', t('user'), login), field('name', t('name'), name),
      field('role', t('role'), roleSel), up.attach(field('unit', t('unit'), unitIn, t('unitHint')))), out, h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('add'))));
    // One row per account: role, unit and "disabled" can be changed in place; a reset shows the new password once.
    const rows = users.map((u) => {
      const id = `u-${u.login.replace(/\W/g, '_')}`;
      const rs = h('select', { id: `${id}-role`, 'aria-label': `${t('role')}: ${u.login}` }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, role(r))));
      const ui = h('input', { id: `${id}-unit`, type: 'text', value: u.unit || '', size: 10, 'aria-label': `${t('unit')}: ${u.login}` });
      const dis = h('input', { id: `${id}-dis`, type: 'checkbox', checked: !!u.disabled, 'aria-label': `${t('disabled')}: ${u.login}` });
      const note = h('div', { class: 'err', 'aria-live': 'polite' });
      const patch = async (body) => {
        note.textContent = '';
        try {
          const r = await api(`/api/v1/users/${encodeURIComponent(u.login)}`, { method: 'PATCH', body });
          note.className = 'ok';
          note.textContent = r.password ? t('newPassword', { p: r.password }) : t('changed');
        } catch (err) {
          note.className = 'err';
          note.textContent = err.message + (err.field ? ` (${err.field})` : '');
        }
      };
      return h('tr', {}, h('td', {}, u.login), h('td', {}, u.name), h('td', {}, rs), h('td', {}, ui),
        h('td', {}, h('label', { class: 'inline', for: dis.id }, dis, ` ${t('disabled')}`)),
        h('td', {}, h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => patch({ role: rs.value, unit: ui.value.trim(), disabled: dis.checked }) }, t('save')),
          h('button', { type: 'button', class: 'secondary', onclick: () => patch({ reset_password: true }) }, t('reset'))), note));
    });
    main.append(h('h2', {}, t('users')), table([t('login2'), t('name'), t('role'), t('unit'), t('disabled'), ''], rows), addForm);
  } else if (tab === 'auditSearch') {
    await auditSearch(main, params);
  } else {
    const page = Number(params.get('page')) || 1;
    const object = params.get('object') || '';
    const id = params.get('id') || '';
    const objIn = h('select', {}, ['', 'person', 'household', 'event', 'user', 'report', 'unit'].map((o) => h('option', { value: o, selected: o === object }, o || '—')));
    const idIn = h('input', { type: 'text', value: id });
    const form = h('form', { class: 'f card', onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/admin?${q({ tab: 'audit', object: objIn.value, id: idIn.value.trim() })}`;
    } }, h('div', { class: 'row2' }, field('object', t('object'), objIn), field('id', t('objectId'), idIn)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
    const r = await api(`/api/v1/audit?${q({ page, object, id })}`);
    const link = (p) => `#/admin?${q({ tab: 'audit', object, id, page: p })}`;
    main.append(form, table([t('when'), t('login2'), t('role'), t('action'), t('object'), t('outcome')], r.entries.map((a) => h('tr', {},
      h('td', { class: 'nw' }, dateTime(a.at)), h('td', {}, a.login), h('td', {}, role(a.role)), h('td', {}, a.action), h('td', {}, `${a.object} ${a.id}`), h('td', {}, a.outcome)))),
    h('div', { class: 'actions' }, page > 1 ? h('a', { class: 'btn secondary', href: link(page - 1) }, t('prev')) : null,
      h('span', {}, `${t('page')} ${page}`),
      r.entries.length === 100 ? h('a', { class: 'btn secondary', href: link(page + 1) }, t('next')) : null));
  }
}

// 2026-11-22T08:01:02Z -> 22/11/2026 15:01:02 in the browser's time zone
function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
