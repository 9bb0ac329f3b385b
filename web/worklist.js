// The programmes' work lists: whom to visit, by area and household, with
// names, printable and downloadable.  A collaborator's home page shows
// every list of their area (worklistHome).
import { api, codes, dateInput, field, h, isoOf, label, state, table, today } from './core.js';
import { date, getLang, num, t } from './i18n.js';
import { unitPicker } from './pickers.js';

const LISTS = ['elderly', 'prenatal', 'newborn', 'premarital', 'poor-fp', 'third-births'];
const WORDS = {
  vi: {
    worklists: 'Danh sách cần làm', elderly: 'Người cao tuổi cần khám sức khỏe năm nay',
    prenatal: 'Phụ nữ mang thai cần sàng lọc trước sinh', newborn: 'Trẻ sơ sinh cần sàng lọc (30 ngày)',
    premarital: 'Cặp kết hôn chưa khám sức khỏe trước hôn nhân', 'poor-fp': 'Phụ nữ có chồng 15-49 tuổi của hộ nghèo, cận nghèo',
    'third-births': 'Sinh con thứ ba trở lên', date: 'Ngày', none: 'Không có ai trong danh sách.',
    count: '{n} người', name: 'Họ tên', area: 'Địa bàn', hh: 'Hộ số', age: 'Tuổi', sex: 'Giới tính',
    weeks: 'Số tuần', due: 'Sàng lọc tuần {w}, hạn {d}', overdue: 'quá hạn', days: '{n} ngày tuổi',
    married: 'Kết hôn {d}', spouse: 'Vợ/chồng', method: 'Biện pháp', poverty: 'Hộ', child: 'Con thứ {o}: {c} ({d})',
    what: 'Cần làm', print: 'In danh sách', download: 'Tải', plan: 'Vật tư cần chuẩn bị cho {m} tháng',
    without: '{n} người chưa dùng biện pháp nào', byMethod: 'Số phụ nữ theo biện pháp tránh thai', women: 'Số phụ nữ', order: 'Cần chuẩn bị',
    rates: 'Mỗi người dùng: 1 vỉ thuốc uống/tháng, 10 bao cao su/tháng, 1 liều thuốc tiêm/3 tháng; que cấy 1 cái/2,5 năm và dụng cụ tử cung 1 cái/4,6 năm (hệ số năm bảo vệ cặp vợ chồng), làm tròn lên.', open: 'Xem cả danh sách', households: 'Các hộ của địa bàn', hhNo: 'Hộ số', members: '{n} người', allHouseholds: 'Xem tất cả các hộ', programmes: 'Chương trình: danh sách cần làm hôm nay',
  },
  en: {
    worklists: 'Work lists', elderly: 'Elderly people due a health check this year',
    prenatal: 'Pregnant women due prenatal screening', newborn: 'Newborns due screening (30 days)',
    premarital: 'Couples married without a premarital check-up', 'poor-fp': 'Married women 15-49 of poor and near-poor households',
    'third-births': 'Third and higher births', date: 'Date', none: 'Nobody is on this list.',
    count: '{n} persons', name: 'Name', area: 'Area', hh: 'Household', age: 'Age', sex: 'Sex',
    weeks: 'Weeks', due: 'Screening at week {w}, due {d}', overdue: 'overdue', days: '{n} days old',
    married: 'Married {d}', spouse: 'Spouse', method: 'Method', poverty: 'Household', child: 'Child {o}: {c} ({d})',
    what: 'To do', print: 'Print the list', download: 'Download', plan: 'Supplies to prepare for {m} months',
    without: '{n} women use no method', byMethod: 'Women by contraceptive method', women: 'Women', order: 'To order',
    rates: 'Per user: a pill cycle a month, 10 condoms a month, an injection every 3 months; an implant every 2.5 years and an IUD every 4.6 years (couple-years of protection), rounded up.', open: 'See the whole list', households: 'The households of the area', hhNo: 'Household', members: '{n} persons', allHouseholds: 'See all households', programmes: 'Programmes: who is due today',
  },
};
export const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const personLink = (id, name) => (id ? h('a', { href: `#/person/${encodeURIComponent(id)}` }, name) : (name || '—'));

// What the list says to do for one person.
function todo(list, i) {
  switch (list) {
    case 'prenatal': return [w('due', { w: i.due_week, d: date(i.due_date) }), i.overdue ? h('strong', {}, ` (${w('overdue')})`) : null, ` · ${i.weeks} ${w('weeks').toLowerCase()}`];
    case 'newborn': return w('days', { n: i.days });
    case 'premarital': return [w('married', { d: date(i.marriage_date) }), i.spouse_name ? [' · ', personLink(i.spouse_id, i.spouse_name)] : null];
    case 'poor-fp': return `${label('fp_method', i.method)} · ${label('poverty', i.poverty)}`;
    case 'third-births': return [w('child', { o: i.birth_order, c: '', d: date(i.child_birth_date) }).replace(':  ', ': '), personLink(i.child_id, i.child_name)];
    default: return `${label('sex', i.sex)}, ${date(i.birth_date)}`;
  }
}

function itemsTable(r) {
  return table([w('name'), w('age'), w('hh'), w('what')], r.items.map((i) =>
    h('tr', { 'data-person': i.person_id },
      h('td', {}, personLink(i.person_id, i.name)), h('td', {}, num(i.age)),
      h('td', {}, i.household ? h('a', { href: `#/household/${encodeURIComponent(i.household)}` }, i.household_number) : ''),
      h('td', {}, todo(r.list, i)))));
}

// The list's persons grouped by area, each area under its name.
function byArea(r) {
  if (!r.items.length) return h('p', { class: 'muted' }, w('none'));
  return r.areas.map((a) => h('section', { class: 'wl-area' },
    h('h3', {}, `${a.name} (${a.area}) · ${w('count', { n: num(a.count) })}`),
    itemsTable({ ...r, items: r.items.filter((i) => i.area === a.area) })));
}

// The women by method (none, IUD, implant, ... as the register has them),
// then the supplies to order for the months asked.
function planCard(p) {
  return h('div', { class: 'card', id: 'wl-plan' },
    h('h3', {}, w('byMethod')),
    table([w('method'), w('women')], p.by_method.map((m) =>
      h('tr', { 'data-method': m.method }, h('td', {}, label('fp_method', m.method)), h('td', { class: 'n' }, num(m.women)))), { label: w('byMethod') }),
    h('p', { class: 'muted' }, w('without', { n: num(p.without_method) })),
    h('h3', {}, w('plan', { m: p.months })),
    table([w('method'), w('women'), w('order')], p.supplies.map((s) =>
      h('tr', { 'data-method': s.method }, h('td', {}, label('fp_method', s.method)), h('td', { class: 'n' }, num(s.women)),
        h('td', {}, `${num(s.quantity)} ${getLang() === 'vi' ? s.supply_vi : s.supply_en}`))), { label: w('plan', { m: p.months }) }),
    h('p', { class: 'muted' }, w('rates')));
}

export async function worklistPage(main, params) {
  await codes();
  const list = LISTS.includes(params.get('list')) ? params.get('list') : 'elderly';
  const unit = params.get('unit') || state.user?.unit || '';
  const day = params.get('date') || today();
  const dayIn = dateInput(day);
  const up = await unitPicker(unit);
  const form = h('form', { class: 'f card noprint', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/worklist?${q({ list, unit: up.value, date: isoOf(dayIn) || day })}`;
  } }, h('div', { class: 'row2' }, up.attach(field('unit', t('unit'), up.input)), field('date', w('date'), dayIn)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  const tabs = h('nav', { class: 'tabs noprint', 'aria-label': w('worklists') }, LISTS.map((l) =>
    h('a', { href: `#/worklist?${q({ list: l, unit, date: day })}`, 'aria-current': l === list ? 'page' : null }, w(l))));
  const lang = getLang();
  const base = `/api/v1/worklists/${list}?${q({ unit, date: day, lang })}`;
  const r = await api(base);
  main.replaceChildren(h('h1', {}, w('worklists')), tabs, form,
    h('div', { class: 'card', id: 'worklist', 'data-list': list },
      h('h2', {}, w(list)),
      h('p', {}, `${r.unit_name} (${r.unit}) · ${date(r.date)}${r.from ? ` · ${date(r.from)} – ${date(r.date)}` : ''} · ${w('count', { n: num(r.count) })}`),
      h('div', { class: 'actions noprint' },
        h('button', { type: 'button', onclick: () => window.print() }, w('print')),
        ['csv', 'xlsx'].map((f) => h('a', { class: 'btn secondary', href: `${base}&format=${f}`, download: `${list}-${r.unit}.${f}` }, `${w('download')} ${f.toUpperCase()}`))),
      r.plan ? planCard(r.plan) : null,
      byArea(r)));
}

// A collaborator's home: every list of their area, with the first persons of each.
export async function worklistHome(main) {
  const unit = state.user?.unit || '';
  const [, ...lists] = await Promise.all([codes(), ...LISTS.map((l) => api(`/api/v1/worklists/${l}?${q({ unit })}`))]);
  main.replaceChildren(h('h1', {}, w('worklists')),
    ...lists.map((r) => h('section', { class: 'card', 'data-list': r.list },
      h('h2', {}, h('a', { href: `#/worklist?${q({ list: r.list, unit })}` }, `${w(r.list)} (${num(r.count)})`)),
      r.items.length ? itemsTable({ ...r, items: r.items.slice(0, 10) }) : h('p', { class: 'muted' }, w('none')),
      r.items.length > 10 ? h('p', {}, h('a', { href: `#/worklist?${q({ list: r.list, unit })}` }, w('open'))) : null)));
}

// A commune officer's home: how many are on each programme's list in the
// commune today, by area, each a link to the list (counts only: nobody is
// named, so nothing of a person is read).
export async function programmesCard(unit) {
  const lists = await Promise.all(LISTS.map((l) => api(`/api/v1/worklists/${l}?${q({ unit, counts: 1 })}`)));
  return h('section', { class: 'card', id: 'programmes' }, h('h2', {}, w('programmes')),
    h('ul', { class: 'programmes' }, lists.map((r) => h('li', { 'data-list': r.list },
      h('a', { class: 'tap', href: `#/worklist?${q({ list: r.list, unit })}` }, `${w(r.list)}: `, h('strong', {}, num(r.count))),
      r.areas.length > 1 ? h('span', { class: 'muted' }, ` (${r.areas.filter((a) => a.count).map((a) => `${a.name} ${num(a.count)}`).join(', ')})`) : null))));
}

// A collaborator's households on their home page: the first ones of their
// area by book number, with the head's name and members, and the way to all.
export async function householdsCard(area) {
  const r = await api(`/api/v1/households?${q({ area, size: 10 })}`);
  return h('section', { class: 'card', id: 'my-households' }, h('h2', {}, `${w('households')} (${num(r.total)})`),
    h('ul', { class: 'programmes' }, r.items.map((x) => h('li', {},
      h('a', { class: 'tap', href: `#/household/${encodeURIComponent(x.id)}` }, `${w('hhNo')} ${x.number}: ${x.head_name || '—'}`),
      h('span', { class: 'muted' }, ` · ${w('members', { n: num(x.member_count ?? 0) })}${Number(x.poverty) ? ` · ${label('poverty', x.poverty)}` : ''}`)))),
    h('p', {}, h('a', { class: 'tap', href: `#/area?${q({ area })}` }, w('allHouseholds'))));
}
