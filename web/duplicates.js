// Persons recorded twice: the list of candidate pairs of a unit, the review
// of one pair (the two persons side by side with their histories, what a
// merge would carry over), the decision (the same person: a merge, which
// can be undone; not the same: not proposed again), and the check at entry
// that the record form calls before a birth or an arrival is saved.
import { api, codes, eventId, field, h, label, state, today } from './core.js';
import { date, getLang, num } from './i18n.js';
import { unitPicker } from './pickers.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();

const WORDS = {
  vi: {
    title: 'Người bị ghi trùng', unit: 'Đơn vị', show: 'Xem', none: 'Không có cặp nào nghi bị ghi trùng.',
    count: '{n} cặp nghi là một người bị ghi hai lần, cặp giống nhau nhất ở trên.',
    pair: 'Hai hồ sơ này có phải là một người?', score: 'Mức giống', why: 'Vì sao giống', review: 'Xem xét',
    born: 'Sinh', household: 'Hộ', area: 'Địa bàn', status: 'Tình trạng', history: 'Lịch sử', empty: 'Chưa có biến động nào.',
    keep: 'Cùng một người: giữ hồ sơ {name} ({id})', notSame: 'Không phải cùng một người',
    moved: 'Khi gộp, các biến động này của hồ sơ bị gộp được tính cho người còn lại:',
    listed: 'Các biến động này không chuyển được; nếu đúng, hãy ghi lại cho người còn lại:',
    nothing: 'Hồ sơ bị gộp không có biến động nào.',
    merged: 'Đã gộp: {dup} không còn được tính ở bất kỳ ngày nào; các báo cáo đã thay đổi theo.',
    undo: 'Hoàn tác việc gộp', undone: 'Đã hoàn tác: hai hồ sơ trở lại như trước.',
    noted: 'Đã ghi nhận: hai người khác nhau. Cặp này sẽ không được đề xuất lại.',
    back: 'Về danh sách', failed: 'Không ghi được: {m}',
    match: 'Người này có thể đã có trong sổ. Kiểm tra trước khi ghi mới:',
    isSame: 'Đúng là người này: không ghi mới', notThem: 'Không phải: vẫn ghi người mới',
    stopped: 'Chưa ghi. Người này đã có trong sổ: hãy ghi biến động cho hồ sơ đã có.',
    present: 'Đang cư trú', merged2: 'Đã gộp vào người khác', gone: 'Không còn cư trú',
    reasons: {
      national_id: 'cùng số định danh', insurance: 'cùng số thẻ BHYT', name_same: 'cùng họ tên', name_similar: 'họ tên gần giống',
      name_typo: 'họ tên khác một chữ', name_marks_differ: 'khác dấu', birth_exact: 'cùng ngày sinh', birth_partial: 'cùng năm sinh (thiếu ngày)',
      birth_swapped: 'ngày và tháng sinh đảo nhau', birth_day_typo: 'ngày sinh khác một chữ số', birth_month: 'cùng tháng sinh',
      birth_year: 'cùng năm sinh', facts: 'cùng dân tộc, học vấn, hôn nhân', sex: 'cùng giới tính', same_area: 'cùng địa bàn',
      same_commune: 'cùng xã', same_district: 'cùng huyện', mother: 'cùng mẹ', name_common: 'họ tên phổ biến',
      national_id_differs: 'khác số định danh', insurance_differs: 'khác số thẻ BHYT',
    },
  },
  en: {
    title: 'Persons recorded twice', unit: 'Unit', show: 'Show', none: 'No pair of persons looks recorded twice.',
    count: '{n} pairs that may be one person recorded twice, the most alike first.',
    pair: 'Are these two records one person?', score: 'Likeness', why: 'Why alike', review: 'Review',
    born: 'Born', household: 'Household', area: 'Area', status: 'Status', history: 'History', empty: 'No change recorded.',
    keep: 'The same person: keep {name} ({id})', notSame: 'Not the same person',
    moved: 'On merging, these changes of the merged record count for the person who remains:',
    listed: 'These changes cannot be carried over; if true, record them for the person who remains:',
    nothing: 'The merged record has no change recorded.',
    merged: 'Merged: {dup} is counted on no date any more; the reports have changed accordingly.',
    undo: 'Undo the merge', undone: 'Undone: both records are as they were.',
    noted: 'Noted: two different persons. This pair will not be proposed again.',
    back: 'Back to the list', failed: 'Not recorded: {m}',
    match: 'This person may already be in the register. Check before recording a new one:',
    isSame: 'Yes, this person: do not record a new one', notThem: 'No: record the new person',
    stopped: 'Not recorded. The person is already in the register: record the change on that record.',
    present: 'Resident', merged2: 'Merged into another', gone: 'No longer resident',
    reasons: {},
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const reasonText = (r) => (getLang() === 'vi' ? WORDS.vi.reasons[r] : null) || r.replaceAll('_', ' ');
const pct = (s) => `${num(Math.round(s * 100))}%`;
const personHref = (id) => `#/person/${encodeURIComponent(id)}`;

// #/duplicates?unit=U: the candidate pairs, with names.
export async function duplicatesPage(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const up = await unitPicker(unit, { required: true });
  main.replaceChildren(h('h1', {}, w('title')),
    h('form', { class: 'f card', onsubmit: (e) => { e.preventDefault(); location.hash = `#/duplicates?${q({ unit: String(up.value).trim() })}`; } },
      up.attach(field('unit', w('unit'), up.input)), h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('show')))));
  if (params.get('a') && params.get('b')) { await pairPage(main, params.get('a'), params.get('b'), unit); return; }
  if (!unit) return;
  const r = await api(`/api/v1/duplicates?${q({ unit })}`);
  if (!r.pairs.length) { main.append(h('p', { class: 'msg good' }, w('none'))); return; }
  main.append(h('p', {}, w('count', { n: num(r.pairs.length) })),
    h('ul', { class: 'pairs' }, r.pairs.slice(0, 200).map((p) => h('li', { class: 'card' },
      h('p', {}, h('strong', {}, p.a_name), ' – ', h('strong', {}, p.b_name), ` · ${w('score')} ${pct(p.score)}`),
      h('p', { class: 'muted' }, p.reasons.map(reasonText).join(', ')),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/duplicates?${q({ unit, a: p.a, b: p.b })}` }, w('review')))))));
}

function statusText(s) {
  return s === 'present' ? w('present') : s === 'merged' ? w('merged2') : w('gone');
}

// One person's column: the facts and the dated history.
function column(p) {
  const hist = (p.history || []).filter((x) => !x.voided_by);
  return h('section', { class: 'card side' },
    h('h2', {}, h('a', { href: personHref(p.id) }, p.full_name)),
    h('p', {}, `${label('sex', p.sex)} · ${w('born')} ${date(p.birth_date)}`),
    h('p', {}, `${w('household')} `, h('a', { href: `#/household/${encodeURIComponent(p.household)}` }, p.household), ` · ${statusText(p.status)}`),
    h('p', {}, `${label('marital', p.marital)} · ${label('ethnicity', p.ethnicity)}`),
    h('h3', {}, w('history')),
    hist.length ? h('ol', { class: 'hist' }, hist.map((x) => h('li', {}, h('strong', {}, date(x.event?.date)), ' ', label('event_type', x.event?.type))))
      : h('p', { class: 'muted' }, w('empty')));
}

function events(list) {
  return h('ul', {}, list.map((e) => h('li', {}, `${date(e.date)} ${label('event_type', e.type)}`)));
}

// The two persons side by side, what a merge would do, and the decision.
async function pairPage(main, a, b, unit) {
  await codes();
  const [pa, pb] = await Promise.all([api(`/api/v1/persons/${encodeURIComponent(a)}/history`), api(`/api/v1/persons/${encodeURIComponent(b)}/history`)]);
  const out = h('div', { 'aria-live': 'polite' });
  const plans = h('div', {});
  const decide = async (person, duplicate, decision) => {
    out.replaceChildren();
    try {
      const r = await api('/api/v1/duplicates/decision', { method: 'POST', body: { person, duplicate, decision } });
      if (decision === 'not_same') { out.append(h('p', { class: 'msg good', role: 'status' }, w('noted'))); buttons.replaceChildren(); return; }
      const dup = duplicate === pa.id ? pa : pb;
      const undo = h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          await api('/api/v1/events', { method: 'POST', body: { id: eventId(), type: 'void', date: today(), target: r.event, reason: w('undo') } });
          out.replaceChildren(h('p', { class: 'msg good', role: 'status' }, w('undone')));
        } catch (err) { out.append(h('p', { class: 'msg bad', role: 'alert' }, w('failed', { m: err.message }))); }
      } }, w('undo'));
      out.append(h('p', { class: 'msg good', role: 'status' }, w('merged', { dup: dup.full_name })), h('div', { class: 'actions' }, undo));
      buttons.replaceChildren();
    } catch (err) { out.append(h('p', { class: 'msg bad', role: 'alert' }, w('failed', { m: err.message }))); }
  };
  const buttons = h('div', { class: 'actions' },
    h('button', { type: 'button', onclick: () => decide(pa.id, pb.id, 'same') }, w('keep', { name: pa.full_name, id: pa.id })),
    h('button', { type: 'button', onclick: () => decide(pb.id, pa.id, 'same') }, w('keep', { name: pb.full_name, id: pb.id })),
    h('button', { type: 'button', class: 'secondary', onclick: () => decide(pa.id, pb.id, 'not_same') }, w('notSame')));
  // What merging each into the other would carry over.
  for (const [keep, dup] of [[pa, pb], [pb, pa]]) {
    try {
      const p = await api(`/api/v1/duplicates/plan?${q({ person: keep.id, duplicate: dup.id })}`);
      if (!p.moved.length && !p.listed.length) continue;
      plans.append(h('div', { class: 'card' }, h('h3', {}, w('keep', { name: keep.full_name, id: keep.id })),
        p.moved.length ? h('div', {}, h('p', {}, w('moved')), events(p.moved)) : null,
        p.listed.length ? h('div', {}, h('p', {}, w('listed')), events(p.listed)) : null));
    } catch { /* the columns still show */ }
  }
  main.append(h('h2', {}, w('pair')), h('div', { class: 'sides' }, column(pa), column(pb)), plans, buttons, out,
    h('p', {}, h('a', { href: `#/duplicates?${q({ unit })}` }, w('back'))));
}

// At entry: a birth or an arrival whose person resembles someone already in
// the register shows the match first.  Resolves true to record the new
// person, false when the user says it is the same person.
export async function entryMatch(ev, box) {
  const who = ev.type === 'birth' ? ev.child : ev.person;
  if (!who?.full_name || !who.sex) return true;
  const qs = q({ full_name: who.full_name, sex: who.sex, birth_date: ev.type === 'birth' ? ev.date : who.birth_date,
    national_id: who.national_id, household: ev.type === 'move_in' ? ev.household : '', mother: ev.type === 'birth' ? ev.mother : '' });
  let r;
  try { r = await api(`/api/v1/duplicates/match?${qs}`); } catch { return true; }
  if (!r.matches.length) return true;
  await codes();
  return new Promise((resolve) => {
    const done = (v) => { card.remove(); if (!v) box.append(h('p', { class: 'msg warn', role: 'status' }, w('stopped'))); resolve(v); };
    const card = h('div', { class: 'card match', role: 'alert' }, h('p', {}, h('strong', {}, w('match'))),
      h('ul', {}, r.matches.map((m) => h('li', {}, h('a', { href: personHref(m.person_id) }, m.name),
        ` · ${w('born')} ${date(m.birth_date)} · ${w('household')} ${m.household} · ${w('score')} ${pct(m.score)}`))),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => done(false) }, w('isSame')),
        h('button', { type: 'button', class: 'secondary', onclick: () => done(true) }, w('notThem'))));
    box.append(card);
    card.querySelector('button')?.focus();
  });
}
