// The collaborator workforce of a unit: areas without a collaborator and
// since when, each collaborator's record and areas by name, the events each
// recorded per month (from who recorded them), their trainings, those
// silent for two months, turnover and training coverage; forms to record a
// collaborator, an assignment (a handover) and a training, where units are
// picked by name and collaborators chosen by name.
import { api, ApiError, clearErrors, codes, dateInput, field, h, isoOf, label, options, setFieldError, state, table, toast, today } from './core.js';
import { date, getLang, num } from './i18n.js';
import { unitPicker, unitsUnder } from './pickers.js';

const WORDS = {
  vi: {
    title: 'Cộng tác viên', without: 'Địa bàn chưa có cộng tác viên', since: 'từ {d}', never: 'chưa từng có',
    allCovered: 'Mọi địa bàn đều có cộng tác viên.', list: 'Danh sách cộng tác viên', code: 'Mã cộng tác viên', name: 'Họ tên',
    areas: 'Địa bàn', trainings: 'Tập huấn', lastEvent: 'Ghi nhận gần nhất', active: 'Đang hoạt động', left: 'Đã nghỉ',
    silent: 'Không ghi nhận gì trong 2 tháng', turnover: 'Biến động năm {y}: {l} nghỉ, {s} mới, tỷ lệ thay đổi {r}',
    training: 'Đã tập huấn: {t}/{a} cộng tác viên đang hoạt động ({p})', add: 'Thêm cộng tác viên', assign: 'Giao địa bàn',
    train: 'Ghi nhận tập huấn', commune: 'Xã, phường', login: 'Tên đăng nhập', area: 'Địa bàn', from: 'Từ ngày', to: 'Đến ngày',
    course: 'Khóa tập huấn', date: 'Ngày', hours: 'Số giờ', save: 'Lưu', saved: 'Đã lưu.', sex: 'Giới tính',
    birthYear: 'Năm sinh', phone: 'Điện thoại', isActive: 'Đang hoạt động', collaborator: 'Cộng tác viên', choose: 'Chọn cộng tác viên',
    events: 'Số ghi nhận mỗi tháng (12 tháng gần nhất)', total: 'Cộng', noLogin: 'chưa có tài khoản',
    eventsNote: 'Đếm các biến động do tài khoản của cộng tác viên ghi nhận, theo tháng của biến động.',
    courses: 'Các khóa tập huấn', noCourse: 'Chưa có khóa tập huấn nào.', none: 'Chưa có cộng tác viên nào.',
    show: 'Xem', unit: 'Đơn vị', day: 'Tính đến ngày', hoursN: '{n} giờ',
  },
  en: {
    title: 'Collaborators', without: 'Areas without a collaborator', since: 'since {d}', never: 'never had one',
    allCovered: 'Every area has a collaborator.', list: 'Collaborators', code: 'Collaborator code', name: 'Name',
    areas: 'Areas', trainings: 'Trainings', lastEvent: 'Last recorded', active: 'Active', left: 'Left',
    silent: 'Nothing recorded for two months', turnover: 'Year {y}: {l} left, {s} started, turnover {r}',
    training: 'Trained: {t} of {a} active collaborators ({p})', add: 'Add a collaborator', assign: 'Assign an area',
    train: 'Record a training', commune: 'Commune', login: 'Login', area: 'Area', from: 'From', to: 'To',
    course: 'Course', date: 'Date', hours: 'Hours', save: 'Save', saved: 'Saved.', sex: 'Sex',
    birthYear: 'Year of birth', phone: 'Phone', isActive: 'Active', collaborator: 'Collaborator', choose: 'Choose a collaborator',
    events: 'Events recorded per month (last 12 months)', total: 'Total', noLogin: 'no account',
    eventsNote: 'The events recorded by the collaborator\'s account, by the month of the event.',
    courses: 'Courses followed', noCourse: 'No course yet.', none: 'No collaborator yet.',
    show: 'Show', unit: 'Unit', day: 'As of', hoursN: '{n} hours',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const pct = (v) => (v === null || v === undefined ? '—' : `${num(v, 1)}%`);

// The n months ending with day's, oldest first: ['2025-07', …, '2026-06'].
function lastMonths(day, n = 12) {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return Array.from({ length: n }, (_, k) => {
    const i = y * 12 + (m - 1) - (n - 1 - k);
    return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  });
}

// Controls of the forms: the element to show and how its value is read (undefined: not sent).
const ctl = {
  text: (attrs = {}) => { const el = h('input', { type: 'text', autocomplete: 'off', ...attrs }); return { el, read: () => el.value.trim() || undefined }; },
  number: (attrs = {}) => { const el = h('input', { type: 'number', inputmode: 'numeric', ...attrs }); return { el, read: () => (el.value.trim() === '' ? undefined : Number(el.value)) }; },
  date: (iso) => { const el = dateInput(iso); return { el, read: () => (el.value.trim() ? (isoOf(el) ?? el.value.trim()) : undefined) }; },
  select: (opts, asNumber) => { const el = h('select', {}, opts); return { el, read: () => (el.value === '' ? undefined : asNumber ? Number(el.value) : el.value) }; },
  check: (checked) => { const el = h('input', { type: 'checkbox', checked }); return { el, read: () => el.checked, check: true }; },
  picker: (p) => ({ el: p.input, read: () => p.value || undefined, picker: p }),
};

// One field of a form: a picker under its field, a checkbox beside its words.
function fieldOf(id, name, text, c) {
  c.el.id = `${id}-${name}`;
  if (c.check) {
    c.el.name = name;
    return h('div', { class: 'fld', 'data-field': name }, h('label', { class: 'tap', for: c.el.id }, c.el, text), h('div', { class: 'err', 'aria-live': 'polite' }));
  }
  const f = field(name, text, c.el);
  return c.picker ? c.picker.attach(f) : f;
}

// A small form posting to the workforce's routes; errors beside their field.
// fields: [name, text, control]; shape(body) may complete the body or name a field at fault.
function recordForm(id, titleText, what, fields, onDone, shape = () => null) {
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card noprint', id, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    msg.replaceChildren();
    const body = {};
    for (const [name, , c] of fields) {
      const v = c.read();
      if (v !== undefined) body[name] = v;
    }
    const bad = shape(body);
    if (bad) { setFieldError(form, bad[0], bad[1]); return; }
    try {
      await api(`/api/v1/workforce/${what}`, { method: 'POST', body });
      toast(w('saved'));
      onDone();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (!setFieldError(form, err.field || '', err.message)) msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, err.message));
    }
  } }, h('h2', {}, titleText), fields.map(([name, text, c]) => fieldOf(id, name, text, c)), msg,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  return form;
}

// The collaborators' names for a choice: the code only when two share a name, the commune when there are several.
function collabOptions(list) {
  const many = new Set(list.map((c) => c.commune)).size > 1;
  const count = new Map();
  for (const c of list) count.set(c.name, (count.get(c.name) || 0) + 1);
  return [h('option', { value: '' }, '—'), ...list.map((c) => h('option', { value: c.code },
    `${c.name}${count.get(c.name) > 1 ? ` (${c.code})` : ''}${many ? ` · ${c.commune_name}` : ''}`))];
}

function withoutCard(r) {
  return h('section', { class: 'card', id: 'wk-without' }, h('h2', {}, w('without')),
    r.areas_without.length ? h('ul', { class: 'plain' }, r.areas_without.map((a) => h('li', { 'data-area': a.area },
      `${a.name} (${a.area}) · ${a.since ? w('since', { d: date(a.since) }) : w('never')}`))) : h('p', { class: 'muted' }, w('allCovered')));
}

// Who each collaborator is: name, state, sex, year of birth, phone, login; their areas by name.
function listCard(r) {
  const who = (c) => [label('sex', c.sex ?? ''), c.birth_year, c.phone, c.login ? `${w('login')}: ${c.login}` : null].filter((x) => x !== '' && x !== null && x !== undefined).join(' · ');
  return h('section', { class: 'card', id: 'wk-list' }, h('h2', {}, w('list')),
    r.collaborators.length ? table([w('name'), w('commune'), w('areas'), w('trainings'), w('lastEvent')], r.collaborators.map((c) => h('tr', { 'data-code': c.code },
      h('td', {}, c.name, h('div', { class: 'muted who' }, who(c) || c.code),
        h('div', { class: c.silent ? 'warn-text' : 'muted' }, c.silent ? w('silent') : w(c.active ? 'active' : 'left'))),
      h('td', {}, c.commune_name),
      h('td', { class: 'wk-areas' }, c.areas.map((a) => h('div', { 'data-area': a.area }, `${a.name} (${date(a.from)}–${a.to ? date(a.to) : ''})`))),
      h('td', { class: 'n' }, num(c.trainings)), h('td', {}, c.last_event ? date(c.last_event) : '—')))) : h('p', { class: 'muted' }, w('none')),
    h('p', { id: 'wk-turnover' }, w('turnover', { y: r.turnover.year, l: num(r.turnover.left), s: num(r.turnover.started), r: pct(r.turnover.rate) })),
    h('p', { id: 'wk-training' }, w('training', { t: num(r.training.trained), a: num(r.training.active), p: pct(r.training.share) })));
}

// The events each collaborator recorded in each of the last 12 months: a
// collaborator a row (so that a province's many collaborators stay
// readable on a phone), a month a column, and the total.
function eventsCard(r) {
  const months = lastMonths(r.date);
  const head = [w('collaborator'), ...months.map((m) => h('th', { scope: 'col', class: 'n', 'data-month': m }, `${m.slice(5)}/${m.slice(0, 4)}`)), h('th', { scope: 'col', class: 'n' }, w('total'))];
  const rows = r.collaborators.map((c) => h('tr', { 'data-code': c.code }, h('th', { scope: 'row' }, c.name),
    c.login ? [...months.map((m) => h('td', { class: 'n', 'data-month': m }, num(c.events[m] || 0))),
      h('td', { class: 'n total' }, num(months.reduce((s, m) => s + (c.events[m] || 0), 0)))]
      : h('td', { colspan: months.length + 1, class: 'muted' }, w('noLogin'))));
  return h('section', { class: 'card', id: 'wk-events' }, h('h2', {}, w('events')),
    r.collaborators.length ? table(head, rows, { label: w('events') }) : h('p', { class: 'muted' }, w('none')),
    h('p', { class: 'muted' }, w('eventsNote')));
}

// Every course followed, by date: who, the course, the date, the hours.
function coursesCard(r) {
  const rows = r.collaborators.flatMap((c) => c.courses.map((x) => ({ ...x, who: c.name, code: c.code })))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return h('section', { class: 'card', id: 'wk-courses' }, h('h2', {}, w('courses')),
    rows.length ? table([w('collaborator'), w('course'), w('date'), w('hours')], rows.map((x) => h('tr', { 'data-code': x.code },
      h('td', {}, x.who), h('td', {}, x.course), h('td', {}, date(x.date)), h('td', { class: 'n' }, x.hours == null ? '—' : num(x.hours)))))
      : h('p', { class: 'muted' }, w('noCourse')));
}

// #/workforce?unit&date
export async function workforcePage(main, params) {
  await codes();
  const unit = params.get('unit') || state.user?.unit || '';
  const day = params.get('date') || today();
  const r = await api(`/api/v1/workforce?${new URLSearchParams({ unit, date: day })}`);
  const again = () => workforcePage(main, params);
  // Which unit and day: the unit by name.
  const viewUnit = await unitPicker(unit);
  const viewDay = dateInput(day);
  const view = h('form', { class: 'f card noprint', id: 'wk-view', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/workforce?${new URLSearchParams({ unit: viewUnit.value, date: isoOf(viewDay) || day })}`;
  } }, h('div', { class: 'row2' }, viewUnit.attach(field('unit', w('unit'), viewUnit.input)), field('date', w('day'), viewDay)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('show'))));
  const commune = async () => ctl.picker(await unitPicker(unit, { root: unit, levels: 2 }));
  const area = ctl.picker(await unitPicker('', { root: unit, levels: 4 }));
  const byCode = new Map(r.collaborators.map((c) => [c.code, c]));
  main.replaceChildren(h('h1', {}, `${w('title')}: ${(await unitName(unit)) || unit}`), view, withoutCard(r), listCard(r), eventsCard(r), coursesCard(r),
    recordForm('wk-add', w('add'), 'collaborators', [['unit', w('commune'), await commune()],
      ['code', w('code'), ctl.text({ maxlength: 20 })], ['name', w('name'), ctl.text()],
      ['sex', w('sex'), ctl.select(options('sex', ''), true)], ['birth_year', w('birthYear'), ctl.number({ min: 1900, max: 2100 })],
      ['phone', w('phone'), ctl.text({ type: 'tel', inputmode: 'tel', maxlength: 20 })], ['login', w('login'), ctl.text()],
      ['active', w('isActive'), ctl.check(true)]], again),
    recordForm('wk-assign', w('assign'), 'assignments', [['area', w('area'), area],
      ['collaborator', w('collaborator'), ctl.select(collabOptions(r.collaborators))],
      ['from', w('from'), ctl.date(today())], ['to', w('to'), ctl.date('')]], again),
    // A training is about the collaborator's commune: taken from the one chosen.
    recordForm('wk-train', w('train'), 'trainings', [['collaborator', w('collaborator'), ctl.select(collabOptions(r.collaborators))],
      ['course', w('course'), ctl.text()], ['date', w('date'), ctl.date(today())],
      ['hours', w('hours'), ctl.number({ min: 0.5, step: 0.5 })]], again, (body) => {
      if (!body.collaborator) return ['collaborator', w('choose')];
      body.unit = byCode.get(body.collaborator)?.commune;
      return null;
    }));
}

// The name of the unit the page is about, from the tree the pickers read.
async function unitName(code) {
  try { return (await unitsUnder(state.user?.unit || '', 2)).find((u) => u.code === code)?.name; } catch { return ''; }
}
