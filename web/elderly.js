// The elderly-check programme: sessions of a commune (scheduled by its
// officers), the invitation lists by area (printable), attendance ticked
// and recorded in one action, the follow-up list and the coverage by area
// and commune against the target.
import { api, ApiError, clearErrors, dateInput, field, h, isoOf, setFieldError, state, table, toast, today } from './core.js';
import { date, getLang, num } from './i18n.js';

const WORDS = {
  vi: {
    title: 'Khám sức khỏe người cao tuổi', sessions: 'Các buổi khám năm {y}', none: 'Chưa có buổi khám nào.',
    schedule: 'Lên lịch buổi khám', unit: 'Xã, phường', date: 'Ngày khám', place: 'Địa điểm', capacity: 'Số người tối đa',
    areas: 'Địa bàn được mời', save: 'Lên lịch', scheduled: 'Đã lên lịch buổi khám.', invited: 'Đã mời {n} người.',
    checked: 'Đã ghi nhận {n} người được khám.', already: '{n} người đã có từ trước.', open: 'Xem danh sách mời',
    places: '{i}/{c} người được mời · {k} đã khám', lists: 'Danh sách mời theo địa bàn', print: 'In danh sách mời',
    csv: 'Tải CSV', name: 'Họ tên', age: 'Tuổi', hh: 'Hộ số', done: 'Đã khám', attend: 'Ghi nhận những người đã khám',
    invite: 'Mời người cao tuổi chưa khám', inviteBtn: 'Mời những người đã chọn', due: 'Người từ 60 tuổi chưa khám năm nay',
    nobody: 'Không còn ai cần mời.', nobodyInvited: 'Chưa mời ai ở địa bàn này.', choose: 'Hãy chọn ít nhất một người.',
    followup: 'Đã mời nhưng chưa khám', followNone: 'Không còn ai đã mời mà chưa khám.', coverage: 'Tỷ lệ được khám đến {d}',
    eligible: 'Từ 60 tuổi', share: 'Tỷ lệ', target: 'Kế hoạch', progress: 'Tiến độ', total: 'Cả đơn vị', communes: 'Theo xã, phường',
    byArea: 'Theo địa bàn', reached: 'Đã đạt', on_track: 'Đúng tiến độ', behind: 'Chậm tiến độ', no_target: 'Chưa có kế hoạch',
    back: '← Các buổi khám', session: 'Buổi khám {d} tại {p}', person: '{n}: {m}',
  },
  en: {
    title: 'Elderly health checks', sessions: 'Sessions in {y}', none: 'No session yet.',
    schedule: 'Schedule a session', unit: 'Commune', date: 'Date', place: 'Place', capacity: 'Capacity',
    areas: 'Areas invited', save: 'Schedule', scheduled: 'The session is scheduled.', invited: '{n} persons invited.',
    checked: '{n} persons recorded as checked.', already: '{n} were there already.', open: 'Invitation lists',
    places: '{i}/{c} invited · {k} checked', lists: 'Invitation lists by area', print: 'Print the lists',
    csv: 'Download CSV', name: 'Name', age: 'Age', hh: 'Household', done: 'Checked', attend: 'Record those checked',
    invite: 'Invite elderly people not yet checked', inviteBtn: 'Invite those chosen', due: 'Persons 60+ not checked this year',
    nobody: 'Nobody left to invite.', nobodyInvited: 'Nobody invited in this area yet.', choose: 'Choose at least one person.',
    followup: 'Invited, not yet checked', followNone: 'Nobody invited is still unchecked.', coverage: 'Coverage on {d}',
    eligible: 'Aged 60+', share: 'Share', target: 'Target', progress: 'Progress', total: 'The whole unit', communes: 'By commune',
    byArea: 'By area', reached: 'Reached', on_track: 'On track', behind: 'Behind', no_target: 'No target',
    back: '← Sessions', session: 'Session of {d} at {p}', person: '{n}: {m}',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const canSchedule = () => ['commune', 'province', 'national'].includes(state.user?.role);
const canWrite = () => ['collaborator', 'commune'].includes(state.user?.role);
const pct = (v) => (v === null || v === undefined ? '—' : `${num(v, 1)}%`);

// A checkbox with its person's name, a tap target of 44 px.
const tick = (id, text, checked = false, disabled = false) => h('label', { class: 'tap' },
  h('input', { type: 'checkbox', value: id, checked, disabled }), text);

// A refusal of a list of persons names the index: shown with the person's name.
function personError(e, ids, names) {
  const m = /^persons\[(\d+)\]$/.exec(e.field || '');
  const who = m ? names[ids[Number(m[1])]] || ids[Number(m[1])] : null;
  return who ? w('person', { n: who, m: e.message }) : e.message;
}

function progressBadge(p) {
  return h('span', { class: `prog ${p}`, 'data-progress': p }, w(p));
}

function coverageTable(rows) {
  return table([w('unit'), w('eligible'), w('done'), w('share'), w('target'), w('progress')], rows.map((r) =>
    h('tr', { 'data-unit': r.unit }, h('td', {}, `${r.name} (${r.unit})`), h('td', {}, num(r.eligible)), h('td', {}, num(r.checked)),
      h('td', {}, pct(r.share)), h('td', {}, r.target === null ? '—' : `${num(r.target, 0)}%`), h('td', {}, progressBadge(r.progress)))));
}

function scheduleForm(unit, units, onDone) {
  const unitIn = h('select', {}, units.map((u) => h('option', { value: u.code, selected: u.code === unit }, u.name)));
  const dayIn = dateInput(today());
  const placeIn = h('input', { type: 'text', maxlength: 200, autocomplete: 'off' });
  const capIn = h('input', { type: 'number', min: 1, max: 10000, value: 50, inputmode: 'numeric' });
  const areaBox = h('div', { class: 'ticks' });
  const drawAreas = () => {
    const u = units.find((x) => x.code === unitIn.value);
    areaBox.replaceChildren(...(u?.children || []).flatMap((v) => v.children || [v]).filter((a) => a.level === 'area')
      .map((a) => tick(a.code, `${a.name} (${a.code})`, true)));
  };
  unitIn.addEventListener('change', drawAreas);
  drawAreas();
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card noprint', id: 'el-schedule', onsubmit: async (e) => {
    e.preventDefault();
    clearErrors(form);
    msg.replaceChildren();
    const body = { unit: unitIn.value, date: isoOf(dayIn) || dayIn.value, place: placeIn.value.trim(), capacity: Number(capIn.value),
      areas: [...areaBox.querySelectorAll('input:checked')].map((x) => x.value) };
    try {
      const r = await api('/api/v1/elderly/sessions', { method: 'POST', body });
      toast(w('scheduled'));
      onDone(r.id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const f = (err.field || '').replace(/\[\d+\]$/, '');
      if (!setFieldError(form, f, err.message)) msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, err.message));
    }
  } }, h('h2', {}, w('schedule')),
  h('div', { class: 'row2' }, field('unit', w('unit'), unitIn), field('date', w('date'), dayIn)),
  field('place', w('place'), placeIn), field('capacity', w('capacity'), capIn),
  h('div', { class: 'fld', 'data-field': 'areas' }, h('span', { class: 'lbl' }, w('areas')), areaBox, h('div', { class: 'err', 'aria-live': 'polite' })),
  msg, h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('save'))));
  return form;
}

// The communes the user may schedule for, with their areas (from the unit tree).
async function communesOf(unit) {
  const tree = await api(`/api/v1/units?${q({ root: unit, levels: 4 })}`);
  const out = [];
  const walk = (u) => {
    if (u.level === 'commune') out.push(u);
    else (u.children || []).forEach(walk);
  };
  tree.units.forEach(walk);
  return out;
}

// #/elderly: the sessions, the follow-up list and the coverage of a unit.
export async function elderlyPage(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const day = params.get('date') || today();
  const year = Number(day.slice(0, 4));
  const [s, f, c] = await Promise.all([
    api(`/api/v1/elderly/sessions?${q({ unit, year })}`),
    api(`/api/v1/elderly/followup?${q({ unit, date: day })}`),
    api(`/api/v1/elderly/coverage?${q({ unit, date: day })}`),
  ]);
  const sessions = h('section', { class: 'card', id: 'el-sessions' }, h('h2', {}, w('sessions', { y: year })),
    s.sessions.length ? h('ul', { class: 'plain' }, s.sessions.map((x) => h('li', { 'data-session': x.id },
      h('a', { class: 'tap', href: `#/elderly/session/${x.id}` }, `${date(x.date)} · ${x.place} · ${x.unit_name}`),
      h('div', { class: 'muted' }, w('places', { i: num(x.invited), c: num(x.capacity), k: num(x.checked) }))))) : h('p', { class: 'muted' }, w('none')));
  const follow = h('section', { class: 'card', id: 'el-followup' }, h('h2', {}, `${w('followup')} (${num(f.count)})`),
    f.items.length ? table([w('name'), w('age'), w('hh'), w('date')], f.items.map((i) => h('tr', { 'data-person': i.person_id },
      h('td', {}, h('a', { href: `#/person/${encodeURIComponent(i.person_id)}` }, i.name)), h('td', {}, num(i.age)),
      h('td', {}, `${i.household_number} · ${i.area_name}`), h('td', {}, i.sessions.map((x) => date(x.date)).join(', ')))))
      : h('p', { class: 'muted' }, w('followNone')));
  const cov = h('section', { class: 'card', id: 'el-coverage' }, h('h2', {}, w('coverage', { d: date(c.date) })),
    h('p', { id: 'el-total' }, `${c.total.name}: ${num(c.total.checked)}/${num(c.total.eligible)} · ${pct(c.total.share)} · `, progressBadge(c.total.progress)),
    c.communes.length > 1 ? [h('h3', {}, w('communes')), coverageTable(c.communes)] : null,
    h('h3', {}, w('byArea')), coverageTable(c.areas));
  const parts = [h('h1', {}, w('title')), sessions];
  if (canSchedule()) {
    const communes = await communesOf(state.user.unit || unit);
    if (communes.length) parts.push(scheduleForm(communes.some((x) => x.code === unit) ? unit : communes[0].code, communes,
      (id) => { location.hash = `#/elderly/session/${id}`; }));
  }
  main.replaceChildren(...parts, follow, cov);
}

function listsBlock(l, onAttend) {
  const names = {};
  l.areas.forEach((a) => a.persons.forEach((p) => { names[p.person_id] = p.name; }));
  const held = l.session.date <= today();
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'el-lists', onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    const ids = [...form.querySelectorAll('input:checked:not(:disabled)')].map((x) => x.value);
    if (!ids.length) { msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, w('choose'))); return; }
    try {
      const r = await api(`/api/v1/elderly/sessions/${l.session.id}/attendance`, { method: 'POST', body: { persons: ids } });
      toast(`${w('checked', { n: num(r.added) })}${r.already ? ` ${w('already', { n: num(r.already) })}` : ''}`);
      onAttend();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, personError(err, ids, names)));
    }
  } }, h('h2', {}, w('lists')),
  h('div', { class: 'actions noprint' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, w('print')),
    h('a', { class: 'btn secondary', href: `/api/v1/elderly/sessions/${l.session.id}?format=csv&lang=${getLang()}`, download: 'giay-moi-kham.csv' }, w('csv'))),
  l.areas.map((a) => h('section', { class: 'el-area', 'data-area': a.area }, h('h3', {}, `${a.name} (${a.area}) · ${num(a.persons.length)}`),
    a.persons.length ? table([w('name'), w('age'), w('hh'), w('done')], a.persons.map((p) => h('tr', { 'data-person': p.person_id },
      h('td', {}, held && canWrite() ? tick(p.person_id, p.name, p.checked, p.checked) : p.name), h('td', {}, num(p.age)),
      h('td', {}, p.household_number), h('td', {}, p.checked ? '✓' : ''))))
      : h('p', { class: 'muted' }, w('nobodyInvited')))),
  msg, held && canWrite() ? h('div', { class: 'actions noprint' }, h('button', { type: 'submit', id: 'el-attend' }, w('attend'))) : null);
  return form;
}

async function inviteBlock(l, onInvite) {
  const invited = new Set(l.areas.flatMap((a) => a.persons.map((p) => p.person_id)));
  const due = await Promise.all(l.areas.map((a) => api(`/api/v1/worklists/elderly?${q({ unit: a.area, date: l.session.date })}`)));
  const people = due.flatMap((d) => d.items).filter((i) => !invited.has(i.person_id));
  const names = Object.fromEntries(people.map((p) => [p.person_id, p.name]));
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card noprint', id: 'el-invite', onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    const ids = [...form.querySelectorAll('input:checked')].map((x) => x.value);
    if (!ids.length) { msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, w('choose'))); return; }
    try {
      const r = await api(`/api/v1/elderly/sessions/${l.session.id}/invitations`, { method: 'POST', body: { persons: ids } });
      toast(w('invited', { n: num(r.added) }));
      onInvite();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      msg.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, personError(err, ids, names)));
    }
  } }, h('h2', {}, w('invite')), h('p', { class: 'muted' }, w('due')),
  people.length ? h('div', { class: 'ticks' }, people.map((p) => tick(p.person_id, `${p.name} · ${num(p.age)} · ${p.area_name}`)))
    : h('p', { class: 'muted' }, w('nobody')),
  msg, people.length ? h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'el-invite-btn' }, w('inviteBtn'))) : null);
  return form;
}

// #/elderly/session/<id>: the invitation lists, attendance and invitations.
export async function elderlySessionPage(main, id) {
  const l = await api(`/api/v1/elderly/sessions/${encodeURIComponent(id)}`);
  const again = () => elderlySessionPage(main, id);
  const parts = [h('p', { class: 'noprint' }, h('a', { href: `#/elderly?${q({ unit: l.session.unit })}` }, w('back'))),
    h('h1', {}, w('session', { d: date(l.session.date), p: l.session.place })),
    h('p', {}, `${l.session.unit_name} · ${w('places', { i: num(l.session.invited), c: num(l.session.capacity), k: num(l.session.checked) })}`),
    listsBlock(l, again)];
  if (canWrite() && l.session.date >= today()) parts.push(await inviteBlock(l, again));
  main.replaceChildren(...parts);
}
