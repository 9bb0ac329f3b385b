// Data quality: the quality report (checks, rules between rows, outliers)
// and the balancing check, each finding a sentence a commune officer
// understands, with the person's name and a link, and what to do.
import { api, field, h, state, table } from './core.js';
import { sparkline } from './charts.js';
import { date, getLang, num, t } from './i18n.js';
import { periodPicker, unitPicker } from './pickers.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const userUnit = () => state.user?.unit || '79';

const WORDS = {
  vi: {
    quality: 'Chất lượng số liệu', errors: 'lỗi', warnings: 'cảnh báo', infos: 'thông tin',
    error: 'Lỗi', warning: 'Cảnh báo', information: 'Thông tin', todo: 'Cần làm: ',
    none: 'Không phát hiện vấn đề nào trong kỳ này.', hidden: '{n} mục về người hoặc số nhỏ ngoài phạm vi của bạn không được hiển thị; chúng vẫn được đếm ở trên.',
    more: 'Còn {n} mục nữa: tải tệp Excel để xem hết.', seeCheck: 'Xem từng người gây chênh lệch', openEvent: 'xem sự kiện',
    download: 'Tải', summary: '{e} lỗi, {w} cảnh báo, {i} thông tin',
    series: 'Số liệu các tháng của {row} ở {unit}',
    hiddenItems: '{n} trường hợp về người ngoài phạm vi của bạn không được hiển thị.',
    unlistedItems: 'Còn {n} trường hợp nữa được đếm nhưng không liệt kê (mỗi loại tối đa 500 trường hợp).',
    baselineItems: '{n} người có trong sổ ban đầu được tính từ ngày nhập sổ.',
    unitTable: 'Dân số đầu kỳ, các biến động và dân số cuối kỳ',
    balanceOk: '{unit}: dân số cân đối. Đầu kỳ {start} người, cuối kỳ {end} người.',
    balanceBad: '{unit}: dân số không cân đối, chênh lệch {diff} người.',
    whyItems: 'Các trường hợp dưới đây làm dân số thay đổi mà không phải là sinh, chết, chuyển đến hay chuyển đi của đơn vị.',
    household: 'Hộ số',
  },
  en: {
    quality: 'Data quality', errors: 'errors', warnings: 'warnings', infos: 'notes',
    error: 'Error', warning: 'Warning', information: 'Note', todo: 'What to do: ',
    none: 'No problem found in this period.', hidden: '{n} findings about persons or small counts outside your scope are not shown; they are still counted above.',
    more: '{n} more: download the Excel file to see them all.', seeCheck: 'See each person behind the difference', openEvent: 'see the event',
    download: 'Download', summary: '{e} errors, {w} warnings, {i} notes',
    series: 'Monthly figures of {row} in {unit}',
    hiddenItems: '{n} cases about persons outside your scope are not shown.',
    unlistedItems: '{n} more cases are counted but not listed (at most 500 of each kind).',
    baselineItems: '{n} persons of the first register are counted from the day it was taken.',
    unitTable: 'Population at the start, changes, and population at the end',
    balanceOk: '{unit}: the population balances. {start} persons at the start, {end} at the end.',
    balanceBad: '{unit}: the population does not balance, by {diff} persons.',
    whyItems: 'The cases below changed the population without being a birth, death, arrival or departure of the unit.',
    household: 'Household',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};

const LIMIT = 200; // findings shown per check; the files hold them all

async function unitForm(route, unit, period) {
  const up = await unitPicker(unit, { required: true });
  const pp = periodPicker(period);
  return h('form', { class: 'f card', onsubmit: (e) => { e.preventDefault(); location.hash = `#/${route}?${q({ unit: up.value, period: pp.value })}`; } },
    h('div', { class: 'row2' }, up.attach(field('unit', t('unit'), up.input)), pp.el),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
}

function personLink(p) {
  return p ? h('a', { href: `#/person/${encodeURIComponent(p.id)}` }, p.name) : null;
}

// The finding's sentence, with the person's name made a link to the
// person, or the household's number a link to the household.
function sentence(f) {
  if (f.person && f.text.includes(f.person.name)) {
    const [before, ...rest] = f.text.split(f.person.name);
    return [before, personLink(f.person), rest.join(f.person.name)];
  }
  const hh = f.household && f.household.number ? `${w('household')} ${f.household.number}` : null;
  if (hh && f.text.includes(hh)) {
    const [before, ...rest] = f.text.split(hh);
    return [before, h('a', { href: `#/household/${encodeURIComponent(f.household.id)}` }, hh), rest.join(hh)];
  }
  return [f.text];
}

function findingRow(f) {
  const chart = f.series ? sparkline(f.series, w('series', { row: f.row?.label || '', unit: f.unit.name })) : null;
  return h('div', { class: 'finding' },
    h('div', { class: 'what' },
      h('p', {}, sentence(f), f.event ? [' (', h('a', { href: `#/event/${f.event}` }, w('openEvent')), ')'] : null),
      h('p', { class: 'todo' }, w('todo'), f.do),
      f.check === 'balance' ? h('p', {}, h('a', { href: `#/check?${q({ unit: f.unit.code, period: f.period })}` }, w('seeCheck'))) : null),
    chart);
}

export async function qualityPage(main, params) {
  const unit = params.get('unit') || userUnit();
  const period = params.get('period') || String(new Date().getFullYear());
  main.replaceChildren(h('h1', {}, w('quality')), await unitForm('quality', unit, period));
  const lang = getLang();
  const r = await api(`/api/v1/quality?${q({ unit, period, lang })}`);
  const c = r.counts;
  const base = `/api/v1/quality?${q({ unit, period, lang })}`;
  main.append(h('div', { class: 'card', id: 'quality' },
    h('h2', {}, `${r.unit.name} (${r.unit.code}) · ${r.period.label}`),
    h('div', { class: `msg ${c.error ? 'bad' : 'good'}`, role: 'status' },
      c.error + c.warning + c.information ? w('summary', { e: num(c.error), w: num(c.warning), i: num(c.information) }) : w('none')),
    r.hidden ? h('p', { class: 'muted' }, w('hidden', { n: num(r.hidden) })) : null,
    r.notes?.length ? h('ul', { class: 'muted' }, r.notes.map((n) => h('li', {}, n))) : null,
    h('div', { class: 'actions noprint' },
      ['xlsx', 'csv'].map((fmt) => h('a', { class: 'btn secondary', href: `${base}&format=${fmt}`, download: `quality-${unit}-${period}.${fmt}` }, `${w('download')} ${fmt.toUpperCase()}`)))));
  for (const chk of r.checks.filter((x) => x.count > 0)) {
    const mine = r.findings.filter((f) => f.check === chk.id).map((f) => ({ ...f, period }));
    main.append(h('details', { class: 'card', open: chk.severity === 'error', 'data-check': chk.id },
      h('summary', {}, h('span', { class: `sev ${chk.severity}` }, w(chk.severity)), `${chk.title} (${num(chk.count)})`),
      mine.slice(0, LIMIT).map(findingRow),
      mine.length > LIMIT ? h('p', { class: 'muted' }, w('more', { n: num(mine.length - LIMIT) })) : null,
      chk.count > mine.length ? h('p', { class: 'muted' }, w('hiddenItems', { n: num(chk.count - mine.length) })) : null));
  }
}

// ---- the balancing check, in sentences ----

const ITEM = {
  vi: {
    'stock:baseline:+': '{name} có trong sổ ban đầu và bắt đầu được tính ngày {date}.',
    'stock:birth:+': '{name} sinh ngày {date}, được tính vào dân số ở đây nhưng không tính là trẻ sinh của đơn vị (mẹ thuộc hộ ở nơi khác).',
    'stock:move_in:+': '{name} đến ở đây ngày {date} nhưng không được tính là người chuyển đến từ xã khác.',
    'stock:transfer:+': '{name} chuyển vào một hộ ở đây ngày {date} từ một hộ khác (không tính là chuyển đến từ xã khác).',
    'stock:residence:+': '{name} bắt đầu được tính là người thường trú từ ngày {date} (thay đổi tình trạng cư trú).',
    'stock:transfer:-': '{name} rời hộ ở đây ngày {date} sang một hộ khác (không tính là chuyển đi xã khác).',
    'stock:residence:-': '{name} thôi được tính là người thường trú từ ngày {date} (thay đổi tình trạng cư trú).',
    'stock:death:-': '{name} mất ngày {date}, thôi được tính vào dân số nhưng không tính là người chết của đơn vị.',
    'stock:move_out:-': '{name} chuyển đi ngày {date} nhưng không được tính là người chuyển đi xã khác.',
    'flow:birth': 'Con của {name} sinh ngày {date} được tính là trẻ sinh của đơn vị, nhưng trẻ không được tính vào dân số ở đây.',
    'flow:death': '{name} mất ngày {date}, được tính là người chết của đơn vị, nhưng trước đó không được tính vào dân số ở đây.',
    'flow:move_in': '{name} chuyển đến ngày {date}, được tính là người chuyển đến, nhưng không được tính vào dân số ở đây.',
    'flow:move_out': '{name} chuyển đi ngày {date}, được tính là người chuyển đi, nhưng trước đó không được tính vào dân số ở đây.',
    'flow:transfer': '{name} chuyển hộ ngày {date}, được tính là chuyển xã, nhưng dân số ở đây không thay đổi theo.',
    other: 'Dân số thay đổi ngày {date} vì {name}.',
  },
  en: {
    'stock:baseline:+': '{name} is in the first register and is counted from {date}.',
    'stock:birth:+': '{name} was born on {date} and is counted here, but not as a birth of the unit (the mother lives elsewhere).',
    'stock:move_in:+': '{name} came to live here on {date}, but is not counted as an arrival from another commune.',
    'stock:transfer:+': '{name} joined a household here on {date} from another household (not an arrival from another commune).',
    'stock:residence:+': '{name} is counted as a usual resident from {date} (a change of residence status).',
    'stock:transfer:-': '{name} left a household here on {date} for another one (not a departure to another commune).',
    'stock:residence:-': '{name} is no longer counted as a usual resident from {date} (a change of residence status).',
    'stock:death:-': '{name} died on {date} and is no longer counted, but is not counted as a death of the unit.',
    'stock:move_out:-': '{name} moved away on {date}, but is not counted as a departure to another commune.',
    'flow:birth': "{name}'s child born on {date} is counted as a birth of the unit, but the child is not counted in its population.",
    'flow:death': '{name} died on {date} and is counted as a death of the unit, but was not counted in its population before.',
    'flow:move_in': '{name} arrived on {date} and is counted as an arrival, but is not counted in the population here.',
    'flow:move_out': '{name} left on {date} and is counted as a departure, but was not counted in the population here before.',
    'flow:transfer': '{name} changed household on {date}, counted as a move between communes, but the population here did not change with it.',
    other: 'The population changed on {date} because of {name}.',
  },
};

// An item of the check as a sentence, the name a link to the person.
function itemSentence(it) {
  const words = ITEM[getLang()] || ITEM.vi;
  const key = it.as === 'flow' ? `flow:${it.kind}` : `stock:${it.kind}:${it.sign > 0 ? '+' : '-'}`;
  const text = (words[key] || words.other).replace('{date}', date(it.date));
  const [before, after] = text.split('{name}');
  const who = it.name ? h('a', { href: `#/person/${encodeURIComponent(it.person)}` }, it.name) : (it.person || '?');
  return h('li', {}, before, who, after ?? '', it.event ? [' (', h('a', { href: `#/event/${it.event}` }, w('openEvent')), ')'] : null);
}

// The persons of the first register counted in a unit's period (kinds).
const baseline = (u) => (u.kinds || []).find((k) => k.kind === 'baseline' && k.as === 'stock')?.count || 0;

export async function checkPage(main, params) {
  const unit = params.get('unit') || userUnit();
  const period = params.get('period') || String(new Date().getFullYear());
  main.replaceChildren(h('h1', {}, t('check')), await unitForm('check', unit, period));
  const r = await api(`/api/v1/check?${q({ unit, period })}`);
  main.append(h('div', { class: `msg ${r.ok ? 'good' : 'bad'}`, role: 'status' }, r.ok ? t('balances') : t('notBalanced')));
  for (const u of r.units.filter((x) => !x.ok || r.units.length === 1 || x.items?.length)) {
    const name = `${u.name} (${u.code})`;
    main.append(h('section', { class: 'card', 'data-unit': u.code },
      h('h2', {}, u.ok ? w('balanceOk', { unit: name, start: num(u.start), end: num(u.end) }) : w('balanceBad', { unit: name, diff: num(u.difference) })),
      u.items?.length ? [h('p', {}, w('whyItems')), h('ul', { class: 'items' }, u.items.map(itemSentence))] : null,
      u.items_hidden ? h('p', { class: 'muted' }, w('hiddenItems', { n: num(u.items_hidden) })) : null,
      u.items_unlisted ? h('p', { class: 'muted' }, w('unlistedItems', { n: num(u.items_unlisted) }),
        baseline(u) ? [' ', w('baselineItems', { n: num(baseline(u)) })] : null) : null));
  }
  main.append(h('details', { class: 'card' }, h('summary', {}, w('unitTable')),
    table([t('unit'), t('start'), t('births'), t('deaths'), t('in'), t('out'), t('otherIn'), t('otherOut'), t('end'), t('diff')],
      r.units.map((u) => h('tr', { class: u.ok ? '' : 'bad' },
        h('td', {}, u.code === unit ? `${u.name} (${u.code})` : h('a', { href: `#/check?${q({ unit: u.code, period })}` }, `${u.name} (${u.code})`)),
        [u.start, u.births, u.deaths, u.in, u.out, u.other_in, u.other_out, u.end, u.difference].map((v) => h('td', { class: 'n' }, num(v))))))));
}
