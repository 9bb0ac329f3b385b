// The collaborator workforce of a unit: areas without a collaborator and
// since when, each collaborator's areas, trainings and events per month,
// those silent for two months, turnover and training coverage; forms to
// record a collaborator, an assignment (a handover) and a training.
import { api, ApiError, clearErrors, dateInput, field, h, isoOf, setFieldError, state, table, toast, today } from './core.js';
import { date, getLang, num } from './i18n.js';

const WORDS = {
  vi: {
    title: 'Cộng tác viên', without: 'Địa bàn chưa có cộng tác viên', since: 'từ {d}', never: 'chưa từng có',
    allCovered: 'Mọi địa bàn đều có cộng tác viên.', list: 'Danh sách cộng tác viên', code: 'Mã', name: 'Họ tên',
    areas: 'Địa bàn', trainings: 'Tập huấn', lastEvent: 'Ghi nhận gần nhất', active: 'Đang hoạt động', left: 'Đã nghỉ',
    silent: 'Không ghi nhận gì trong 2 tháng', turnover: 'Biến động năm {y}: {l} nghỉ, {s} mới, tỷ lệ thay đổi {r}',
    training: 'Đã tập huấn: {t}/{a} cộng tác viên đang hoạt động ({p})', add: 'Thêm cộng tác viên', assign: 'Giao địa bàn',
    train: 'Ghi nhận tập huấn', commune: 'Xã, phường', login: 'Tên đăng nhập', area: 'Mã địa bàn', from: 'Từ ngày', to: 'Đến ngày',
    course: 'Khóa tập huấn', date: 'Ngày', hours: 'Số giờ', save: 'Lưu', saved: 'Đã lưu.',
  },
  en: {
    title: 'Collaborators', without: 'Areas without a collaborator', since: 'since {d}', never: 'never had one',
    allCovered: 'Every area has a collaborator.', list: 'Collaborators', code: 'Code', name: 'Name',
    areas: 'Areas', trainings: 'Trainings', lastEvent: 'Last recorded', active: 'Active', left: 'Left',
    silent: 'Nothing recorded for two months', turnover: 'Year {y}: {l} left, {s} started, turnover {r}',
    training: 'Trained: {t} of {a} active collaborators ({p})', add: 'Add a collaborator', assign: 'Assign an area',
    train: 'Record a training', commune: 'Commune', login: 'Login', area: 'Area code', from: 'From', to: 'To',
    course: 'Course', date: 'Date', hours: 'Hours', save: 'Save', saved: 'Saved.',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const pct = (v) => (v === null || v === undefined ? '—' : `${num(v, 1)}%`);

// A small form posting to the workforce's routes; errors beside their field.
function recordForm(id, titleText, what, fields, onDone) {
  const inputs = Object.fromEntries(fields.map(([name, , make]) => [name, Object.assign(make(), { id: `${id}-${name}` })]));
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card noprint', id, onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    msg.replaceChildren();
    const body = {};
    for (const [name, , , kind] of fields) {
      const el = inputs[name];
      const v = el.dataset.kind === 'date' ? (isoOf(el) ?? el.value) : el.value.trim();
      if (v !== '') body[name] = kind === 'number' ? Number(v) : v;
    }
    try {
      await api(`/api/v1/workforce/${what}`, { method: 'POST', body });
      toast(w('saved'));
      onDone();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (!setFieldError(form, err.field || '', err.message)) msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, err.message));
    }
  } }, h('h2', {}, titleText), fields.map(([name, text]) => field(name, text, inputs[name])), msg,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  return form;
}

const text = () => h('input', { type: 'text', autocomplete: 'off' });
const day = () => dateInput(today());

// #/workforce?unit&date
export async function workforcePage(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const r = await api(`/api/v1/workforce?${new URLSearchParams({ unit, date: params.get('date') || today() })}`);
  const again = () => workforcePage(main, params);
  const without = h('section', { class: 'card', id: 'wk-without' }, h('h2', {}, w('without')),
    r.areas_without.length ? h('ul', { class: 'plain' }, r.areas_without.map((a) => h('li', { 'data-area': a.area },
      `${a.name} (${a.area}) · ${a.since ? w('since', { d: date(a.since) }) : w('never')}`))) : h('p', { class: 'muted' }, w('allCovered')));
  const list = h('section', { class: 'card', id: 'wk-list' }, h('h2', {}, w('list')),
    table([w('code'), w('name'), w('areas'), w('trainings'), w('lastEvent')], r.collaborators.map((c) => h('tr', { 'data-code': c.code },
      h('td', {}, c.code), h('td', {}, c.name, h('div', { class: c.silent ? 'warn-text' : 'muted' }, c.silent ? w('silent') : w(c.active ? 'active' : 'left'))),
      h('td', {}, c.areas.map((a) => `${a.area} (${date(a.from)}–${a.to ? date(a.to) : ''})`).join(', ')),
      h('td', { class: 'n' }, num(c.trainings)), h('td', {}, c.last_event ? date(c.last_event) : '—')))),
    h('p', { id: 'wk-turnover' }, w('turnover', { y: r.turnover.year, l: num(r.turnover.left), s: num(r.turnover.started), r: pct(r.turnover.rate) })),
    h('p', { id: 'wk-training' }, w('training', { t: num(r.training.trained), a: num(r.training.active), p: pct(r.training.share) })));
  main.replaceChildren(h('h1', {}, w('title')), without, list,
    recordForm('wk-add', w('add'), 'collaborators', [['unit', w('commune'), () => h('input', { type: 'text', value: unit, autocomplete: 'off' })],
      ['code', w('code'), text], ['name', w('name'), text], ['login', w('login'), text]], again),
    recordForm('wk-assign', w('assign'), 'assignments', [['area', w('area'), text], ['collaborator', w('code'), text],
      ['from', w('from'), day], ['to', w('to'), () => dateInput('')]], again),
    recordForm('wk-train', w('train'), 'trainings', [['unit', w('commune'), () => h('input', { type: 'text', value: unit, autocomplete: 'off' })],
      ['collaborator', w('code'), text], ['course', w('course'), text], ['date', w('date'), day],
      ['hours', w('hours'), () => h('input', { type: 'number', min: 1, inputmode: 'numeric' }), 'number']], again));
}
