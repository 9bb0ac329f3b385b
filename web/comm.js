// Communication sessions and clubs (workflows.md): the period's sessions
// and, for officers, the summary per commune and the clubs with their
// meetings.  A collaborator records the sessions held in their area; a
// commune officer also sets up clubs and records their meetings.
import { api, clearErrors, codes, dateInput, errorBox, field, h, isoOf, label, options, setFieldError, state, table, toast, today } from './core.js';
import { date, getLang, num, t } from './i18n.js';
import { periodPicker, unitPicker } from './pickers.js';

const WORDS = {
  vi: {
    title: 'Truyền thông và câu lạc bộ', period: 'Kỳ', sessions: 'Các buổi truyền thông', none: 'Chưa có buổi nào trong kỳ.',
    summary: 'Tổng hợp theo xã', clubs: 'Câu lạc bộ', noClubs: 'Chưa có câu lạc bộ nào.', topic: 'Chủ đề', format: 'Hình thức',
    where: 'Nơi tổ chức', people: 'Người tham dự', men: 'Nam', women: 'Nữ', heldBy: 'Người thực hiện', newSession: 'Ghi buổi truyền thông',
    date: 'Ngày', save: 'Lưu', saved: 'Đã lưu buổi truyền thông.', unit: 'Đơn vị', nSessions: 'Số buổi', clubsActive: 'Câu lạc bộ hoạt động',
    meetings: 'Buổi sinh hoạt', attendance: 'Lượt tham gia', model: 'Mô hình', members: 'Thành viên', lastMeeting: 'Sinh hoạt gần nhất',
    active: 'Đang hoạt động', inactive: 'Không hoạt động (quá 3 tháng)', newClub: 'Thành lập câu lạc bộ', code: 'Mã câu lạc bộ', name: 'Tên',
    clubSaved: 'Đã lưu câu lạc bộ.', meeting: 'Ghi buổi sinh hoạt', meetingSaved: 'Đã lưu buổi sinh hoạt.', download: 'Tải',
    codeHint: 'chữ không dấu, số, - hoặc _', total: 'Tổng', never: 'chưa sinh hoạt',
  },
  en: {
    title: 'Communication and clubs', period: 'Period', sessions: 'Communication sessions', none: 'No session in this period.',
    summary: 'Summary by commune', clubs: 'Clubs', noClubs: 'No club yet.', topic: 'Topic', format: 'Format',
    where: 'Where', people: 'Participants', men: 'Men', women: 'Women', heldBy: 'Held by', newSession: 'Record a session',
    date: 'Date', save: 'Save', saved: 'The session is saved.', unit: 'Unit', nSessions: 'Sessions', clubsActive: 'Active clubs',
    meetings: 'Meetings', attendance: 'Attendance', model: 'Model', members: 'Members', lastMeeting: 'Last meeting',
    active: 'Active', inactive: 'Inactive (over 3 months)', newClub: 'Set up a club', code: 'Club code', name: 'Name',
    clubSaved: 'The club is saved.', meeting: 'Record a meeting', meetingSaved: 'The meeting is saved.', download: 'Download',
    codeHint: 'letters, digits, - or _', total: 'Total', never: 'no meeting yet',
  },
};
const w = (k) => WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v)).toString();

function thisQuarter() {
  const d = today();
  return `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
}

// Shows the server's refusal beside its field, or in the form's message.
function refusal(form, e) {
  const f = (e.field || '').replace(/^participants.*/, 'participants');
  if (!e.field || !setFieldError(form, f, e.message)) form.querySelector('.msg').replaceChildren(errorBox(e));
}

function sessionForm(unit, reload) {
  const groups = state.codes?.age_group || [];
  const cells = {};
  const grid = h('div', { class: 'scroll', tabindex: 0, role: 'group', 'aria-label': w('people') }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, w('people')), h('th', { scope: 'col' }, w('men')), h('th', { scope: 'col' }, w('women')))),
    h('tbody', {}, groups.map((g) => h('tr', {}, h('th', { scope: 'row' }, label('age_group', g.value)),
      ['male', 'female'].map((s) => {
        const el = h('input', { type: 'number', min: 0, max: 100000, inputmode: 'numeric', 'aria-label': `${label('age_group', g.value)} · ${w(s === 'male' ? 'men' : 'women')}` });
        cells[`${s}:${g.value}`] = el;
        return h('td', {}, el);
      }))))));
  const dateIn = dateInput(today());
  const topic = h('select', {}, options('comm_topic', 'fp', false));
  const format = h('select', {}, options('comm_format', 'talk', false));
  const held = h('input', { type: 'text', maxlength: 100, value: state.user?.name || '' });
  const form = h('form', { class: 'f card', id: 'comm-session', novalidate: true }, h('h2', {}, w('newSession')),
    h('div', { class: 'row2' }, field('date', w('date'), dateIn), field('held_by', w('heldBy'), held)),
    h('div', { class: 'row2' }, field('topic', w('topic'), topic), field('format', w('format'), format)),
    h('div', { class: 'fld', 'data-field': 'participants' }, grid, h('div', { class: 'err', 'aria-live': 'polite' })),
    h('div', { class: 'msg' }), h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const participants = {};
    for (const [k, el] of Object.entries(cells)) {
      const n = Number(el.value || 0);
      if (!n) continue;
      const [s, g] = k.split(':');
      (participants[s] ||= {})[g] = n;
    }
    const iso = isoOf(dateIn);
    if (!iso) { setFieldError(form, 'date', t('badDate')); return; }
    try {
      await api('/api/v1/comm/sessions', { method: 'POST', body: { unit, date: iso, topic: topic.value, format: format.value, participants, held_by: held.value.trim() || undefined } });
      toast(w('saved'));
      reload();
    } catch (err) { refusal(form, err); }
  });
  return form;
}

function summaryCard(s, base) {
  const rows = s.columns.map((c) => h('tr', { class: c.total ? 'total' : null },
    h('th', { scope: 'row' }, c.total ? `${w('total')}: ${c.name}` : c.name), h('td', {}, num(c.sessions)), h('td', {}, num(c.participants)),
    h('td', {}, num(c.male)), h('td', {}, num(c.female)), h('td', {}, `${num(c.active_clubs)} / ${num(c.clubs)}`),
    h('td', {}, num(c.meetings)), h('td', {}, num(c.attendance))));
  const total = s.columns.at(-1);
  const topics = s.topics.filter((x) => total.by_topic[x.code]).map((x) => `${x.label}: ${num(total.by_topic[x.code])}`);
  const formats = s.formats.filter((x) => total.by_format[x.code]).map((x) => `${x.label}: ${num(total.by_format[x.code])}`);
  return h('section', { class: 'card', id: 'comm-summary' }, h('h2', {}, `${w('summary')} · ${s.period.label}`),
    table([w('unit'), w('nSessions'), w('people'), w('men'), w('women'), w('clubsActive'), w('meetings'), w('attendance')], rows),
    topics.length ? h('p', {}, h('strong', {}, `${w('topic')}: `), topics.join(' · ')) : null,
    formats.length ? h('p', {}, h('strong', {}, `${w('format')}: `), formats.join(' · ')) : null,
    h('div', { class: 'actions' }, ['csv', 'xlsx'].map((f) => h('a', { class: 'btn secondary', href: `${base}&format=${f}`, download: `truyen-thong-${s.unit.code}-${s.period.code}.${f}` }, `${w('download')} ${f.toUpperCase()}`))));
}

function meetingForm(unit, club, reload) {
  // Ids of their own: every club on the page has this form.
  const id = (k) => `m-${k}-${club.club}`;
  const dateIn = dateInput(today(), { id: id('date') });
  const topic = h('select', { id: id('topic') }, options('comm_topic', 'other', false));
  const att = h('input', { type: 'number', min: 1, max: 10000, inputmode: 'numeric', id: id('attendance') });
  const form = h('form', { class: 'f', novalidate: true }, h('div', { class: 'row2' }, field('date', w('date'), dateIn), field('attendance', w('attendance'), att)),
    field('topic', w('topic'), topic), h('div', { class: 'msg' }), h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const iso = isoOf(dateIn);
    if (!iso) { setFieldError(form, 'date', t('badDate')); return; }
    try {
      await api(`/api/v1/clubs/${encodeURIComponent(club.club)}/meetings`, { method: 'POST', body: { unit, date: iso, topic: topic.value, attendance: Number(att.value) } });
      toast(w('meetingSaved'));
      reload();
    } catch (err) { refusal(form, err); }
  });
  return h('details', { class: 'meeting' }, h('summary', {}, w('meeting')), form);
}

function clubsCard(list, unit, canWrite, reload) {
  const items = list.clubs.map((c) => h('li', { class: 'club', 'data-club': c.club },
    h('strong', {}, c.name), ` · ${c.model_label} · ${num(c.members)} ${w('members').toLowerCase()} · ${c.commune.name}`,
    h('div', {}, h('span', { class: c.active ? 'club-state good' : 'club-state bad' }, c.active ? w('active') : w('inactive')),
      ` ${w('lastMeeting')}: ${c.last_meeting ? date(c.last_meeting) : w('never')}`),
    canWrite && c.commune.code === unit ? meetingForm(unit, c, reload) : null));
  return h('section', { class: 'card', id: 'comm-clubs' }, h('h2', {}, w('clubs')),
    items.length ? h('ul', { class: 'clubs' }, items) : h('p', { class: 'muted' }, w('noClubs')));
}

function clubForm(unit, reload) {
  const code = h('input', { type: 'text', maxlength: 20, autocomplete: 'off', pattern: '[A-Za-z0-9_-]{1,20}' });
  const name = h('input', { type: 'text', maxlength: 100 });
  const model = h('select', {}, options('club_model', 'no_child_marriage', false));
  const members = h('input', { type: 'number', min: 0, max: 10000, inputmode: 'numeric' });
  const dateIn = dateInput(today());
  const form = h('form', { class: 'f card', id: 'comm-club', novalidate: true }, h('h2', {}, w('newClub')),
    h('div', { class: 'row2' }, field('name', w('name'), name), field('club', w('code'), code, w('codeHint'))),
    h('div', { class: 'row2' }, field('model', w('model'), model), field('members', w('members'), members)),
    field('club-date', w('date'), dateIn), h('div', { class: 'msg' }), h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const iso = isoOf(dateIn);
    if (!iso) { setFieldError(form, 'club-date', t('badDate')); return; }
    try {
      await api('/api/v1/clubs', { method: 'POST', body: { unit, date: iso, club: code.value.trim(), name: name.value.trim(), model: model.value, members: Number(members.value || 0) } });
      toast(w('clubSaved'));
      reload();
    } catch (err) { refusal(form, err); }
  });
  return form;
}

export async function commPage(main, params) {
  await codes();
  const role = state.user?.role;
  const unit = params.get('unit') || state.user?.unit || '';
  const period = params.get('period') || thisQuarter();
  const reload = () => commPage(main, params);
  const up = await unitPicker(unit);
  const pp = periodPicker(period, { kinds: ['quarter', 'month', 'half', 'year'], legend: w('period') });
  const form = h('form', { class: 'f card', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/comm?${q({ unit: String(up.value).trim(), period: pp.value })}`;
  } }, h('div', { class: 'row2' }, up.attach(field('unit', w('unit'), up.input)), pp.el),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  const lang = getLang();
  const officer = ['commune', 'province', 'national'].includes(role);
  const base = `/api/v1/comm/summary?${q({ unit, period, lang })}`;
  const [sessions, summary, clubs] = await Promise.all([
    api(`/api/v1/comm/sessions?${q({ unit, period, lang })}`),
    officer ? api(base) : null,
    api(`/api/v1/clubs?${q({ unit, lang })}`),
  ]);
  const rows = sessions.sessions.map((s) => h('tr', {}, h('td', {}, date(s.date)), h('td', {}, s.unit.name),
    h('td', {}, s.topic_label), h('td', {}, s.format_label), h('td', {}, num(s.total)), h('td', {}, s.held_by || '')));
  const canWrite = role === 'collaborator' || role === 'commune';
  main.replaceChildren(h('h1', {}, w('title')), form,
    summary ? summaryCard(summary, base) : null,
    h('section', { class: 'card', id: 'comm-sessions' }, h('h2', {}, `${w('sessions')} · ${sessions.period.label}`),
      rows.length ? table([w('date'), w('where'), w('topic'), w('format'), w('people'), w('heldBy')], rows) : h('p', { class: 'muted' }, w('none'))),
    canWrite && unit === state.user?.unit ? sessionForm(unit, reload) : null,
    clubsCard(clubs, unit, role === 'commune', reload),
    role === 'commune' && unit === state.user?.unit ? clubForm(unit, reload) : null);
}
