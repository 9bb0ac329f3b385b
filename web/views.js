// The pages: dashboard, find, household and person, area list, monthly
// slip, reports, data check, administration.
import { api, codes, dateInput, errorBox, field, h, isoOf, label, options, state, table, toast, today } from './core.js';
import { monthBars, progress, pyramid } from './charts.js';
import { date, getLang, num, role, t } from './i18n.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const userUnit = () => state.user?.unit || '79';
const thisMonth = () => today().slice(0, 7);

function kpi(text, v, target, decimals = 0, suffix = '') {
  const val = v?.value;
  const tg = target ?? v?.target;
  return h('div', { class: 'kpi' },
    h('div', { class: 'l' }, text),
    h('div', { class: 'v' }, val === null || val === undefined ? '–' : num(val, decimals) + suffix),
    tg ? h('div', { class: 't' }, `${t('target')}: ${num(tg, decimals)}${suffix} · ${t('reached', { p: num((100 * (val || 0)) / tg) })}`) : null,
    tg ? progress((val || 0) / tg) : null);
}

// ---- dashboard ----
export async function dashboard(main, params) {
  const year = Number(params.get('year')) || new Date().getFullYear();
  const unit = params.get('unit') || userUnit();
  const d = await api(`/api/v1/dashboard?${q({ unit, year })}`);
  const hd = d.headline;
  const m = new Date().getMonth() + 1;
  const thisM = d.months.find((x) => x.month === (year === new Date().getFullYear() ? m : 12));
  const yearSel = h('select', { id: 'dash-year', onchange: () => { location.hash = `#/dashboard?${q({ unit, year: yearSel.value })}`; } },
    [0, 1, 2, 3].map((k) => new Date().getFullYear() - k).map((y) => h('option', { value: y, selected: y === year }, y)));
  main.replaceChildren(
    h('h1', {}, `${t('dashboard')}: ${d.unit_name}`),
    h('div', { class: 'actions noprint' }, field('year', t('year'), yearSel)),
    h('div', { class: 'grid', id: 'kpis' },
      kpi(t('population'), hd['2']),
      kpi(t('birthsMonth'), { value: thisM ? thisM.births : 0 }),
      kpi(t('birthsYear'), hd['5']),
      kpi(t('srb'), hd.SRB, null, 1),
      kpi(t('p3'), hd.P3, null, 1, '%'),
      kpi(t('mcpr'), hd.MCPR, null, 1, '%'),
      kpi(t('pns'), hd.PNS, null, 1, '%'),
      kpi(t('nbs'), hd.NBS, null, 1, '%'),
      kpi(t('elc'), hd.ELC, null, 1, '%')),
    h('div', { class: 'card' }, h('h2', {}, t('trend')), monthBars(d.months, ['births', 'deaths', 'in', 'out'])),
    h('div', { class: 'card' }, h('h2', {}, t('pyramid')), pyramid(d.pyramid)),
    h('div', { class: 'card' }, h('h2', {}, t('notUpdated')),
      d.not_updated.length
        ? h('ul', {}, d.not_updated.map((a) => h('li', {}, h('a', { href: `#/area?area=${a}` }, a))))
        : h('p', {}, t('allUpdated'))));
}

// ---- find ----
export async function find(main, params) {
  const qs = params.get('q') || '';
  const born = params.get('born') || '';
  const input = h('input', { type: 'search', value: qs, required: true, autocomplete: 'off' });
  const bornIn = h('input', { type: 'number', inputmode: 'numeric', min: 1900, max: 2100, value: born });
  const form = h('form', { class: 'f card', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/find?${q({ q: input.value.trim(), born: bornIn.value })}`;
  } }, h('div', { class: 'row2' }, field('q', t('searchLabel'), input), field('born', t('bornYear'), bornIn)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search'))));
  const out = h('div', { id: 'results' });
  main.replaceChildren(h('h1', {}, t('find')), form, out);
  if (!qs) { input.focus(); return; }
  await codes();
  let items = [];
  let households = [];
  if (/^\d{12}$/.test(qs)) items = (await api(`/api/v1/persons?${q({ national_id: qs })}`)).items;
  else if (/^\d+$/.test(qs)) households = (await api(`/api/v1/households?${q({ number: qs, size: 50 })}`)).items;
  else items = (await api(`/api/v1/persons?${q({ q: qs, born, size: 50 })}`)).items;
  if (!items.length && !households.length) { out.append(h('p', { class: 'msg bad' }, t('noResult'))); return; }
  if (households.length) {
    out.append(table([t('number'), t('address'), t('area')], households.map((x) =>
      h('tr', {}, h('td', {}, h('a', { href: `#/household/${x.id}` }, x.number)), h('td', {}, x.address), h('td', {}, x.area)))));
  }
  if (items.length) {
    out.append(table([t('name'), t('sex'), t('birth'), t('household')], items.map((p) =>
      h('tr', {}, h('td', {}, h('a', { href: `#/person/${p.id}` }, p.full_name), p.present ? '' : ` (${t('gone')})`),
        h('td', {}, label('sex', p.sex)), h('td', {}, date(p.birth_date)),
        h('td', {}, h('a', { href: `#/household/${p.household}` }, p.household))))));
  }
}

// One line of a history: the date, the change in words, who it concerns.
function describe(ev) {
  const who = ev.person && typeof ev.person === 'object' ? ev.person.full_name : ev.person || ev.mother || ev.household || '';
  const bits = [label('event_type', ev.type)];
  if (ev.type === 'birth') bits.push(`${ev.child?.full_name} (${label('sex', ev.child?.sex)}), ${getLang() === 'vi' ? 'lần sinh' : 'order'} ${ev.order}`);
  if (ev.method) bits.push(label('fp_method', ev.method));
  if (ev.outcome) bits.push(label('outcome', ev.outcome));
  if (ev.field) bits.push(`${label('info_field', ev.field)}: ${ev.value}`);
  if (ev.poverty !== undefined) bits.push(`${t('poverty')} ${ev.year || ''}: ${label('poverty', ev.poverty)}`);
  if (ev.destination) bits.push(ev.destination);
  if (ev.reason) bits.push(ev.reason);
  return { text: bits.join(' – '), who };
}

function historyList(history) {
  if (!history.length) return h('p', { class: 'muted' }, t('empty'));
  return h('ol', { class: 'hist' }, history.map((x) => {
    const d = describe(x.event || {});
    return h('li', { class: x.voided_by ? 'void' : '' }, h('strong', {}, date(x.event?.date)), ' ', d.text,
      d.who && typeof d.who === 'string' ? ` · ${d.who}` : '');
  }));
}

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
      h('p', {}, `${t('address')}: ${x.address}`), h('p', {}, `${t('area')}: `, h('a', { href: `#/area?area=${x.area}` }, x.area)),
      h('p', {}, `${t('type')}: ${label('household_type', x.type)} · ${t('poverty')}: ${label('poverty', x.poverty)}`),
      h('div', { class: 'actions noprint' }, rec('move_in', { household: x.id }), rec('household_change', { household: x.id }))),
    h('h2', {}, t('members')),
    table([t('name'), t('sex'), t('birth'), ''], members.map((p) => h('tr', {},
      h('td', {}, h('a', { href: `#/person/${p.id}` }, p.full_name)), h('td', {}, label('sex', p.sex)), h('td', {}, date(p.birth_date)),
      h('td', { class: 'noprint' }, h('a', { href: `#/record?${q({ type: p.sex === 2 ? 'birth' : 'death', [p.sex === 2 ? 'mother' : 'person']: p.id })}` },
        label('event_type', p.sex === 2 ? 'birth' : 'death')))))),
    h('h2', {}, t('history')),
    h('div', { class: 'card', id: 'household-history' }, historyList(hist)));
}

// ---- person ----
export async function person(main, id) {
  await codes();
  const p = await api(`/api/v1/persons/${encodeURIComponent(id)}/history`);
  const types = ['death', 'move_out', 'transfer', 'marriage', 'info_change', ...(p.sex === 2 ? ['birth', 'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening'] : []), 'elderly_check'];
  main.replaceChildren(
    h('h1', {}, `${p.full_name} – ${p.id}`),
    h('div', { class: 'card' },
      h('p', {}, `${t('sex')}: ${label('sex', p.sex)} · ${t('birth')}: ${date(p.birth_date)} · ${label('ethnicity', p.ethnicity)}`),
      h('p', {}, `${t('household')}: `, h('a', { href: `#/household/${p.household}` }, p.household), ` · ${p.status === 'present' ? t('present') : t('gone')}`),
      h('p', {}, `${label('marital', p.marital)} · ${label('education', p.education)} · ${label('residence', p.residence)}${p.fp_method ? ` · ${label('fp_method', p.fp_method)}` : ''}`),
      h('div', { class: 'actions noprint' }, types.map((ty) => h('a', { class: 'btn secondary', href: `#/record?${q({ type: ty, [ty === 'birth' ? 'mother' : 'person']: p.id })}` }, label('event_type', ty))))),
    h('h2', {}, t('history')), h('div', { class: 'card', id: 'person-history' }, historyList(p.history || [])));
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
  const page = Number(params.get('page')) || 1;
  const r = await api(`/api/v1/households?${q({ area: a, page, size: 100 })}`);
  main.append(table([t('number'), t('address'), t('type')], r.items.map((x) => h('tr', {},
    h('td', {}, h('a', { href: `#/household/${x.id}` }, x.number)), h('td', {}, x.address), h('td', {}, label('household_type', x.type))))),
  h('div', { class: 'actions noprint' },
    page > 1 ? h('a', { class: 'btn secondary', href: `#/area?${q({ area: a, page: page - 1 })}` }, t('prev')) : null,
    r.items.length === 100 ? h('a', { class: 'btn secondary', href: `#/area?${q({ area: a, page: page + 1 })}` }, t('next')) : null));
}

// ---- the month's slip (P0/CTV) ----
const SECTIONS_VI = { 1: 'Sinh', 2: 'Chết', 3: 'Chuyển đến', 4: 'Chuyển đi', 5: 'Kết hôn, ly hôn', 6: 'Biện pháp tránh thai', 7: 'Mang thai', 8: 'Sàng lọc', 9: 'Thay đổi thông tin', 10: 'Sàng lọc trước sinh, sơ sinh', 11: 'Người cao tuổi', 12: 'Hộ gia đình' };
export async function slip(main, params) {
  await codes();
  const a = params.get('area') || (state.user?.role === 'collaborator' ? userUnit() : '');
  const month = params.get('month') || thisMonth();
  const sel = h('select', {}, h('option', { value: '' }, '—'), await areaOptions(a));
  const mon = h('input', { type: 'text', inputmode: 'numeric', placeholder: 'mm/yyyy', pattern: '\\d{1,2}/\\d{4}', value: `${month.slice(5)}/${month.slice(0, 4)}` });
  const form = h('form', { class: 'f card noprint', onsubmit: (e) => { e.preventDefault(); const [mm, yy] = mon.value.split('/'); location.hash = `#/slip?${q({ area: sel.value, month: `${yy}-${String(mm).padStart(2, '0')}` })}`; } },
    h('div', { class: 'row2' }, field('area', t('area'), sel), field('month', t('month'), mon, 'mm/yyyy')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show')), a ? h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('print')) : null));
  main.replaceChildren(h('h1', {}, t('slip')), form);
  if (!a) return;
  const s = await api(`/api/v1/slip?${q({ area: a, month })}`);
  const bySec = new Map();
  for (const it of s.items) {
    if (!bySec.has(it.section)) bySec.set(it.section, []);
    bySec.get(it.section).push(it);
  }
  const doc = h('div', { class: 'card', id: 'slip' },
    h('h2', {}, t('slipTitle')),
    h('p', {}, `${t('area')}: ${s.area_name} (${s.area}) · ${t('month')}: ${month.slice(5)}/${month.slice(0, 4)}`));
  if (!s.items.length) doc.append(h('p', {}, t('empty')));
  for (const [sec, items] of [...bySec.entries()].sort((x, y) => x[0] - y[0])) {
    doc.append(h('h2', {}, `${sec}. ${getLang() === 'vi' ? SECTIONS_VI[sec] || '' : label('event_type', items[0].event.type)}`),
      table([t('date'), t('person'), t('event')], items.map((it) => {
        const d = describe(it.event);
        return h('tr', {}, h('td', {}, date(it.event.date)), h('td', {}, it.name || d.who), h('td', {}, d.text));
      })));
  }
  doc.append(h('div', { class: 'sig' }, h('div', {}, h('strong', {}, t('preparer'))), h('div', {}, h('strong', {}, t('approver')))));
  main.append(doc);
}

// ---- reports ----
export async function reports(main, params) {
  const forms = await api('/api/v1/forms');
  const lang = getLang();
  const form = params.get('form') || '01-DSX';
  const unit = params.get('unit') || userUnit();
  const f = forms.find((x) => x.code === form) || forms[0];
  const defPeriod = f.period === 'year' ? String(new Date().getFullYear() - 1) : f.period === 'quarter' ? `${new Date().getFullYear() - 1}-Q4` : thisMonth();
  const period = params.get('period') || defPeriod;
  const mapDate = params.get('map_date') || '';
  const formSel = h('select', {}, forms.map((x) => h('option', { value: x.code, selected: x.code === f.code }, `${x.code} – ${lang === 'en' ? x.title_en : x.title_vi}`)));
  const unitIn = h('input', { type: 'text', value: unit, required: true });
  const periodIn = h('input', { type: 'text', value: period, required: true, pattern: '\\d{4}(-(Q[1-4]|H[12]|\\d{2}))?' });
  const mapIn = dateInput(mapDate);
  const picker = h('form', { class: 'f card noprint', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/reports?${q({ form: formSel.value, unit: unitIn.value.trim(), period: periodIn.value.trim(), map_date: isoOf(mapIn) || '' })}`;
  } }, h('div', { class: 'row2' }, field('form', t('form'), formSel), field('unit', t('unit'), unitIn),
    field('period', t('period'), periodIn, t('periodHint')), field('map_date', t('mapDate'), mapIn, 'dd/mm/yyyy')),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  main.replaceChildren(h('h1', {}, t('reports')), picker);
  if (!params.get('period')) return;
  const base = `/api/v1/reports/${encodeURIComponent(f.code)}?${q({ unit, period, map_date: mapDate, lang })}`;
  const r = await api(base);
  const cols = r.columns;
  const clickable = cols.length > 1;
  const head = [h('th', { scope: 'col' }, t('code')), h('th', { scope: 'col' }, t('indicator')), h('th', { scope: 'col' }, t('unitOf')),
    ...cols.map((c) => h('th', { scope: 'col', class: 'n' }, clickable && !c.total
      ? h('a', { href: `#/reports?${q({ form: f.code.startsWith('03') || f.code.startsWith('01-DSH') ? f.code : f.code, unit: c.code, period, map_date: mapDate })}`, title: c.code }, c.name)
      : c.name))];
  const rows = r.rows.map((row) => h('tr', {},
    h('td', {}, row.code), h('td', { class: row.indent ? `i${row.indent}` : '' }, row.label), h('td', {}, row.unit || ''),
    row.values.map((v) => h('td', { class: 'n' }, v === null ? '' : num(v, row.decimals || 0)))));
  main.append(
    h('div', { class: 'card', id: 'report' },
      h('h2', {}, r.title),
      h('p', {}, `${r.unit.name} (${r.unit.code}) · ${r.period.label} · ${t('mapDate')} ${date(r.map_date)}`),
      h('div', { class: 'actions noprint' },
        ['xlsx', 'csv', 'html'].map((fmt) => h('a', { class: 'btn secondary', href: `${base}&format=${fmt}`, download: fmt === 'html' ? null : `${f.code}-${unit}-${period}.${fmt}`, target: fmt === 'html' ? '_blank' : null }, `${t('download')} ${fmt.toUpperCase()}`))),
      table(head, rows)));
}

// ---- data check ----
export async function check(main, params) {
  const unit = params.get('unit') || userUnit();
  const period = params.get('period') || String(new Date().getFullYear());
  const unitIn = h('input', { type: 'text', value: unit, required: true });
  const periodIn = h('input', { type: 'text', value: period, required: true });
  const form = h('form', { class: 'f card', onsubmit: (e) => { e.preventDefault(); location.hash = `#/check?${q({ unit: unitIn.value.trim(), period: periodIn.value.trim() })}`; } },
    h('div', { class: 'row2' }, field('unit', t('unit'), unitIn), field('period', t('period'), periodIn, t('periodHint'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  main.replaceChildren(h('h1', {}, t('check')), form);
  const r = await api(`/api/v1/check?${q({ unit, period })}`);
  main.append(h('div', { class: `msg ${r.ok ? 'good' : 'bad'}`, role: 'status' }, r.ok ? t('balances') : t('notBalanced')),
    table([t('unit'), t('start'), t('births'), t('deaths'), t('in'), t('out'), t('otherIn'), t('otherOut'), t('end'), t('diff')],
      r.units.map((u) => h('tr', { class: u.ok ? '' : 'bad' }, h('td', {}, `${u.name} (${u.code})`),
        [u.start, u.births, u.deaths, u.in, u.out, u.other_in, u.other_out, u.end, u.difference].map((v) => h('td', { class: 'n' }, num(v)))))));
  for (const u of r.units.filter((x) => x.items?.length)) {
    main.append(h('details', { class: 'card' }, h('summary', {}, `${t('items')}: ${u.name} (${u.items.length})`),
      table([t('date'), t('person'), t('event'), ''], u.items.slice(0, 500).map((it) => h('tr', {},
        h('td', {}, date(it.date)), h('td', {}, it.person ? h('a', { href: `#/person/${it.person}` }, it.person) : ''),
        h('td', {}, `${it.kind}${it.sign > 0 ? ' +' : ' −'}`),
        h('td', {}, it.event ? h('a', { href: `#/event/${it.event}` }, t('open')) : ''))))));
  }
}

export async function eventPage(main, id) {
  await codes();
  const e = await api(`/api/v1/events/${encodeURIComponent(id)}`);
  const d = describe(e.event);
  main.replaceChildren(h('h1', {}, `${t('event')} ${e.seq}`), h('div', { class: 'card' },
    h('p', {}, `${date(e.event.date)} – ${d.text}`),
    e.event.person && typeof e.event.person === 'string' ? h('p', {}, h('a', { href: `#/person/${e.event.person}` }, e.event.person)) : null,
    h('pre', { class: 'scroll' }, JSON.stringify(e.event, null, 2))));
}

// ---- administration ----
function unitTree(u) {
  return h('li', {}, `${u.name} (${u.code}, ${label('level', u.level)})`, u.children?.length ? h('ul', {}, u.children.map(unitTree)) : null);
}

export async function admin(main, params) {
  await codes();
  const tab = params.get('tab') || 'units';
  const tabs = h('div', { class: 'tabs noprint' }, ['units', 'users', 'audit'].map((k) =>
    h('a', { class: `btn ${k === tab ? '' : 'secondary'}`, href: `#/admin?tab=${k}`, 'aria-current': k === tab ? 'page' : null }, t(k))));
  main.replaceChildren(h('h1', {}, t('admin')), tabs);
  if (tab === 'units') {
    const d = params.get('date') || today();
    const di = dateInput(d, { onchange: () => { if (isoOf(di)) location.hash = `#/admin?tab=units&date=${isoOf(di)}`; } });
    const tree = await api(`/api/v1/units?${q({ date: d, levels: 3 })}`);
    main.append(h('div', { class: 'card' }, field('date', t('date'), di)), h('div', { class: 'card tree' }, h('ul', {}, tree.units.map(unitTree))));
  } else if (tab === 'users') {
    const users = await api('/api/v1/users');
    const login = h('input', { type: 'text', required: true });
    const name = h('input', { type: 'text' });
    const roleSel = h('select', {}, ['collaborator', 'commune', 'province', 'national', 'admin'].map((r) => h('option', { value: r }, role(r))));
    const unitIn = h('input', { type: 'text' });
    const out = h('div', { 'aria-live': 'polite' });
    const addForm = h('form', { class: 'f card', onsubmit: async (e) => {
      e.preventDefault();
      out.replaceChildren();
      try {
        const r = await api('/api/v1/users', { method: 'POST', body: { login: login.value.trim(), name: name.value.trim() || login.value.trim(), role: roleSel.value, unit: unitIn.value.trim() } });
        out.append(h('div', { class: 'msg good' }, t('newPassword', { p: r.password })));
      } catch (err) { out.append(errorBox(err)); }
    } }, h('h2', {}, t('add')), h('div', { class: 'row2' }, field('login', t('user'), login), field('name', t('name'), name),
      field('role', t('role'), roleSel), field('unit', t('unit'), unitIn)), out, h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('add'))));
    const reset = async (l) => {
      try {
        const r = await api(`/api/v1/users/${encodeURIComponent(l)}`, { method: 'PATCH', body: { reset_password: true } });
        toast(t('newPassword', { p: r.password || '' }));
      } catch (err) { toast(err.message); }
    };
    main.append(table([t('login2'), t('name'), t('role'), t('unit'), ''], users.map((u) => h('tr', {},
      h('td', {}, u.login), h('td', {}, u.name), h('td', {}, role(u.role)), h('td', {}, u.unit),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => reset(u.login) }, t('reset')))))), addForm);
  } else {
    const page = Number(params.get('page')) || 1;
    const r = await api(`/api/v1/audit?${q({ page })}`);
    main.append(table([t('when'), t('login2'), t('role'), t('action'), t('object'), t('outcome')], r.entries.map((a) => h('tr', {},
      h('td', {}, a.at), h('td', {}, a.login), h('td', {}, role(a.role)), h('td', {}, a.action), h("td", {}, `${a.object} ${a.id}`), h('td', {}, a.outcome)))),
    h('div', { class: 'actions' }, page > 1 ? h('a', { class: 'btn secondary', href: `#/admin?tab=audit&page=${page - 1}` }, t('prev')) : null,
      h('a', { class: 'btn secondary', href: `#/admin?tab=audit&page=${page + 1}` }, t('next'))));
  }
}

export { options };
