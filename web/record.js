// Recording changes: one form per event type, in the words of the
// collaborator's slip (P0/CTV).  The form checks as it goes; the server's
// refusal is shown next to the field it names.
import { api, clearErrors, codes, dateInput, eventId, field, h, isoOf, label, options, setFieldError, today } from './core.js';
import { date, getLang, t } from './i18n.js';
import { bookLookup, householdOptions, offlineActive, recordOffline, sendNow } from './offline.js';
import { entryMatch } from './duplicates.js';

const L = (vi, en) => ({ vi, en });
const person = (name, text) => ({ name, text, kind: 'person', req: true });
// The conditions screened, as the slip names them.
const PRENATAL = {
  down: L('Hội chứng Down', 'Down syndrome'), edwards: L('Hội chứng Edwards', 'Edwards syndrome'),
  patau: L('Hội chứng Patau', 'Patau syndrome'), thalassaemia: L('Tan máu bẩm sinh (Thalassemia)', 'Thalassaemia'),
};
const NEWBORN = {
  hypothyroidism: L('Suy giáp trạng bẩm sinh', 'Congenital hypothyroidism'), g6pd: L('Thiếu men G6PD', 'G6PD deficiency'),
  cah: L('Tăng sản thượng thận bẩm sinh', 'Congenital adrenal hyperplasia'), hearing: L('Khiếm thính', 'Hearing loss'),
  heart: L('Tim bẩm sinh', 'Congenital heart disease'),
};
// Fields of each type: name (dotted for nested members), label, kind, required.
const FORMS = {
  birth: [person('mother', L('Mẹ', 'Mother')),
    { name: 'child.full_name', text: L('Họ tên trẻ', "Child's full name"), kind: 'text', req: true },
    { name: 'child.sex', text: L('Giới tính', 'Sex'), kind: 'code', list: 'sex', req: true },
    { name: 'child.person_id', kind: 'newid' },
    { name: 'order', text: L('Lần sinh thứ', 'Birth order'), kind: 'int', min: 1, max: 30, req: true },
    { name: 'place', text: L('Nơi sinh', 'Place of birth'), kind: 'code', list: 'place', req: true },
    { name: 'child.ethnicity', text: L('Dân tộc', 'Ethnic group'), kind: 'code', list: 'ethnicity' }],
  death: [person('person', L('Người chết', 'Person who died'))],
  move_in: [{ name: 'household', text: L('Đến hộ (mã hộ)', 'Into household (id)'), kind: 'household', req: true },
    { name: 'person.person_id', kind: 'newid' },
    { name: 'person.full_name', text: L('Họ và tên', 'Full name'), kind: 'text', req: true },
    { name: 'person.sex', text: L('Giới tính', 'Sex'), kind: 'code', list: 'sex', req: true },
    { name: 'person.birth_date', text: L('Ngày sinh', 'Birth date'), kind: 'date', req: true },
    { name: 'person.relation', text: L('Quan hệ với chủ hộ', 'Relation to the head'), kind: 'code', list: 'relation', req: true },
    { name: 'person.ethnicity', text: L('Dân tộc', 'Ethnic group'), kind: 'code', list: 'ethnicity', req: true },
    { name: 'person.education', text: L('Trình độ học vấn', 'Education'), kind: 'code', list: 'education', req: true },
    { name: 'person.marital', text: L('Tình trạng hôn nhân', 'Marital status'), kind: 'code', list: 'marital', req: true },
    { name: 'person.residence', text: L('Tình trạng cư trú', 'Residence'), kind: 'code', list: 'residence', req: true },
    { name: 'person.national_id', text: L('Số định danh (CCCD)', 'National id'), kind: 'nid' },
    { name: 'origin', text: L('Nơi chuyển đến từ', 'Moved from'), kind: 'text' }],
  move_out: [person('person', L('Người chuyển đi', 'Person moving out')),
    { name: 'destination', text: L('Nơi chuyển đến', 'Destination'), kind: 'text' }],
  transfer: [person('person', L('Người chuyển hộ', 'Person')),
    { name: 'household', text: L('Sang hộ (mã hộ)', 'To household (id)'), kind: 'household', req: true }],
  marriage: [person('person', L('Người kết hôn', 'Person marrying')),
    { name: 'spouse', text: L('Vợ/chồng (nếu ở trong sổ)', 'Spouse (if in the register)'), kind: 'person' },
    { name: 'consanguineous', text: L('Kết hôn cận huyết thống', 'Consanguineous'), kind: 'bool' },
    { name: 'premarital_check', text: L('Được tư vấn, khám sức khỏe trước kết hôn', 'Premarital counselling and check'), kind: 'bool' }],
  divorce: [person('person', L('Người ly hôn', 'Person'))],
  widowed: [person('person', L('Người góa', 'Person'))],
  info_change: [person('person', L('Người', 'Person')),
    { name: 'field', text: L('Thông tin thay đổi', 'What changes'), kind: 'code', list: 'info_field', req: true },
    { name: 'value', text: L('Giá trị mới', 'New value'), kind: 'text', req: true }],
  fp_start: [person('person', L('Người sử dụng', 'Woman')),
    { name: 'method', text: L('Biện pháp tránh thai', 'Method'), kind: 'code', list: 'fp_method', req: true, skip0: true },
    { name: 'source', text: L('Nguồn cung cấp', 'Source'), kind: 'code', list: 'fp_source' },
    { name: 'facility', text: L('Nơi cung cấp', 'Facility'), kind: 'text' },
    { name: 'living_children', text: L('Số con hiện có', 'Living children'), kind: 'int', min: 0, max: 30 }],
  fp_stop: [person('person', L('Người ngừng sử dụng', 'Woman')),
    { name: 'method', text: L('Biện pháp đang dùng', 'Current method'), kind: 'code', list: 'fp_method', req: true, skip0: true }],
  pregnancy: [person('person', L('Người mang thai', 'Woman')),
    { name: 'outcome', text: L('Tình trạng', 'Outcome'), kind: 'code', list: 'outcome', req: true },
    { name: 'order', text: L('Lần có thai thứ', 'Pregnancy order'), kind: 'int', min: 1, max: 30 }],
  prenatal_screening: [person('person', L('Thai phụ', 'Pregnant woman')),
    { name: 'week', text: L('Tuần thai', 'Week of pregnancy'), kind: 'int', min: 1, max: 42, req: true },
    ...Object.entries(PRENATAL).map(([k, text]) => ({ name: `results.${k}`, text, kind: 'code', list: 'prenatal_result' }))],
  newborn_screening: [person('person', L('Trẻ sơ sinh', 'Newborn')),
    { name: 'facility', text: L('Nơi sàng lọc', 'Facility'), kind: 'text' },
    ...Object.entries(NEWBORN).map(([k, text]) => ({ name: `results.${k}`, text, kind: 'code', list: 'newborn_result' }))],
  elderly_check: [person('person', L('Người cao tuổi', 'Older person')),
    { name: 'facility', text: L('Nơi khám', 'Facility'), kind: 'text' }],
  household_change: [{ name: 'household', text: L('Hộ (mã hộ)', 'Household (id)'), kind: 'household', req: true },
    { name: 'poverty', text: L('Hộ nghèo', 'Poverty status'), kind: 'code', list: 'poverty' },
    { name: 'year', text: L('Năm xét', 'For the year'), kind: 'int', min: 1990, max: 2100 },
    { name: 'household_type', text: L('Loại hộ', 'Household type'), kind: 'code', list: 'household_type' },
    { name: 'address', text: L('Địa chỉ mới', 'New address'), kind: 'text' },
    { name: 'head', text: L('Chủ hộ mới', 'New head'), kind: 'person' }],
  void: [{ name: 'target', text: L('Mã bản ghi cần hủy', 'Id of the entry to cancel'), kind: 'text', req: true },
    { name: 'reason', text: L('Lý do', 'Reason'), kind: 'text', req: true }],
};

const NUMERIC = new Set(['sex', 'relation', 'education', 'marital', 'residence', 'fp_method', 'fp_source', 'place',
  'household_type', 'poverty']);

function control(f) {
  const lang = getLang();
  switch (f.kind) {
    case 'code': {
      const s = h('select', { required: f.req }, options(f.list, ''));
      if (f.skip0) s.querySelector('option[value="0"]')?.remove();
      return s;
    }
    case 'bool': return h('input', { type: 'checkbox' });
    case 'int': return h('input', { type: 'number', inputmode: 'numeric', min: f.min, max: f.max, required: f.req });
    case 'date': return dateInput('', { required: f.req });
    case 'nid': return h('input', { type: 'text', inputmode: 'numeric', pattern: '\\d{12}', maxlength: 12 });
    case 'person': return h('input', { type: 'text', list: 'persons-list', autocomplete: 'off', required: f.req, placeholder: lang === 'vi' ? 'Gõ tên để chọn' : 'Type a name to choose' });
    case 'newid': return h('input', { type: 'hidden' });
    case 'household': return h('input', { type: 'text', list: 'households-list', required: f.req, autocomplete: 'off' });
    default: return h('input', { type: 'text', required: f.req });
  }
}

function setPath(o, path, v) {
  const parts = path.split('.');
  let x = o;
  for (const p of parts.slice(0, -1)) x = x[p] ??= {};
  x[parts.at(-1)] = v;
}

// The event as the exchange format wants it, from the form's fields.
function collect(form, type) {
  const ev = { id: eventId(), type, date: isoOf(form.elements.date) };
  for (const f of FORMS[type]) {
    const el = form.elements[f.name];
    if (!el) continue;
    if (f.kind === 'bool') { setPath(ev, f.name, el.checked); continue; }
    let v = el.dataset.kind === 'date' ? isoOf(el) : el.value.trim();
    if (v === '') continue;
    if (f.kind === 'person') v = personId(v);
    else if (f.kind === 'household') v = v.split(' ')[0];
    if (f.kind === 'int' || (f.kind === 'code' && NUMERIC.has(f.list))) v = Number(v);
    setPath(ev, f.name, v);
  }
  if (type === 'move_in' && ev.person) ev.person.fp_method = null;
  return ev;
}

// One field's check: the message, or '' when it is fine.
function fieldProblem(f, el) {
  const vi = getLang() === 'vi';
  const v = el.value.trim();
  if (f.kind === 'bool') return '';
  if (!v) return f.req ? t('required') : '';
  if (f.kind === 'date' || el.dataset.kind === 'date') {
    const iso = isoOf(el);
    if (iso === null) return t('badDate');
    if (iso > today()) return t('future');
    if (iso < '1900-01-01') return vi ? 'Ngày quá xa' : 'Date too far back';
  }
  if (f.kind === 'nid' && !/^\d{12}$/.test(v)) return vi ? 'Số định danh gồm 12 chữ số' : 'A national id has 12 digits';
  if (f.kind === 'int' && (!/^\d+$/.test(v) || Number(v) < f.min || Number(v) > f.max)) return `${vi ? 'Từ' : 'From'} ${f.min} ${vi ? 'đến' : 'to'} ${f.max}`;
  if (f.kind === 'person' && !/^[A-Za-z0-9._-]{1,32}$/.test(personId(v))) return vi ? 'Chọn một người trong danh sách gợi ý' : 'Pick a person from the suggestions';
  if (f.kind === 'household' && !/^[A-Za-z0-9._-]{1,32}$/.test(v.split(' ')[0])) return vi ? 'Nhập mã hộ' : 'Type a household id';
  return '';
}

const DATE_FIELD = { name: 'date', kind: 'date', req: true };

// Checks made before sending: every field.
function localCheck(form, type) {
  let ok = true;
  for (const f of [DATE_FIELD, ...FORMS[type]]) {
    const el = form.elements[f.name];
    if (!el) continue;
    const p = fieldProblem(f, el);
    if (p) { ok = false; setFieldError(form, f.name, p); }
  }
  return ok;
}

// A person as a field shows them: the name and birth date, the id last in brackets.
const personText = (p) => `${p.full_name}, ${date(p.birth_date)} (${p.id})`;
// The person id in a person field: the bracketed id at its end, else its first word (an id typed as it is).
export const personId = (v) => (/\(([A-Za-z0-9._-]{1,32})\)\s*$/.exec(v) || [null, String(v).trim().split(' ')[0]])[1];
// The name in a person field (what precedes the birth date), or the text as it is.
const personName = (v) => (/\(([A-Za-z0-9._-]{1,32})\)\s*$/.test(v) ? v.replace(/\s*\([^)]*\)\s*$/, '').split(',')[0] : v.trim());

// A person field that holds a bare id (from a link, or typed) shows the person's name instead.
async function showPerson(input) {
  const v = input.value.trim();
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(v)) return;
  try {
    input.value = personText(await api(`/api/v1/persons/${encodeURIComponent(v)}`));
  } catch { /* the id stays; the server says what is wrong with it */ }
}

// Person suggestions by name, in the user's scope.
let lookupTimer = 0;
function personLookup(input, list) {
  clearTimeout(lookupTimer);
  const q = input.value.trim();
  if (q.length < 2 || /^[A-Z]\d/.test(q)) return;
  // A collaborator picks from the phone's book, with or without a connection.
  if (offlineActive()) { bookLookup(q).then((o) => list.replaceChildren(...o)); return; }
  lookupTimer = setTimeout(async () => {
    try {
      const r = await api(`/api/v1/persons?q=${encodeURIComponent(q)}&size=20`);
      list.replaceChildren(...r.items.map((p) => h('option', { value: personText(p) })));
    } catch { /* suggestions are optional */ }
  }, 250);
}

// Birth order: the mother's births in the register, or her children in the household, plus one.
async function suggestOrder(form) {
  const m = personId(form.elements.mother?.value || '');
  if (!m) return;
  try {
    const p = await api(`/api/v1/persons/${encodeURIComponent(m)}/history`);
    const births = p.history.filter((x) => !x.voided_by && x.event?.type === 'birth' && x.event.mother === m).length;
    let kids = 0;
    if (p.household) {
      const hh = await api(`/api/v1/households/${encodeURIComponent(p.household)}`);
      const mine = ['1', '2'].includes(String(p.relation));
      kids = mine ? hh.members.filter((x) => x.present && x.id !== m && x.birth_date > p.birth_date &&
        Number(x.birth_date.slice(0, 4)) - Number(p.birth_date.slice(0, 4)) >= 14).length : 0;
    }
    const order = Math.max(births, kids) + 1;
    const el = form.elements.order;
    if (!el.value) el.value = order;
    form.querySelector('[data-field="order"] .hint')?.remove();
    form.querySelector('[data-field="order"] label').append(h('span', { class: 'hint' }, ` (${t('suggested', { v: order })})`));
    if (!form.elements['child.ethnicity'].value && p.ethnicity) form.elements['child.ethnicity'].value = p.ethnicity;
  } catch { /* the mother will be checked by the server */ }
}

function newId(prefix) {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1296).toString(36).toUpperCase()}`;
}

// What was saved, and whose: "Sinh – Nguyễn Thị Mới Sinh, con của Trần Thị B".
function whose(form, type, ev) {
  const vi = getLang() === 'vi';
  const kind = label('event_type', type);
  const nameIn = (n) => (form.elements[n] ? personName(form.elements[n].value) : '');
  if (type === 'birth') return `${kind} – ${ev.child?.full_name}, ${vi ? 'con của' : 'child of'} ${nameIn('mother')}`;
  if (type === 'move_in') return `${kind} – ${ev.person?.full_name}`;
  if (form.elements.person) return `${kind} – ${nameIn('person')}`;
  if (ev.household) return `${kind} – ${vi ? 'hộ' : 'household'} ${ev.household}`;
  return kind;
}

// After a save: the form empty for the next event of the day, with new ids.
function resetForNext(form) {
  const keep = form.elements.date.value;
  form.reset();
  form.elements.date.value = keep;
  if (form.elements['child.person_id']) form.elements['child.person_id'].value = newId('P');
  if (form.elements['person.person_id']) form.elements['person.person_id'].value = newId('P');
}

export async function recordPage(main, params) {
  await codes();
  const type = params.get('type') || 'birth';
  const lang = getLang();
  // A correction keeps what it corrects when the type changes (a death that was a move out).
  const keepCorrect = params.get('correct') ? `&correct=${encodeURIComponent(params.get('correct'))}` : '';
  const typeSel = h('select', { id: 'ev-type', onchange: () => { location.hash = `#/record?type=${typeSel.value}${keepCorrect}`; } },
    Object.keys(FORMS).map((k) => h('option', { value: k, selected: k === type }, label('event_type', k))));
  const list = h('datalist', { id: 'persons-list' });
  const hlist = h('datalist', { id: 'households-list' });
  if (offlineActive()) householdOptions().then((o) => hlist.replaceChildren(...o));
  const form = h('form', { class: 'f card', novalidate: true, 'aria-label': label('event_type', type) });
  const msg = h('div', { 'aria-live': 'polite' });
  form.append(field('date', lang === 'vi' ? 'Ngày xảy ra' : 'Date', dateInput(today(), { required: true }), 'dd/mm/yyyy'));
  const grid = h('div', { class: 'row2' });
  for (const f of FORMS[type]) {
    const c = control(f);
    // A generated id (the child's, a newcomer's) is the form's business, not the user's.
    if (f.kind === 'newid') { c.name = f.name; form.append(c); continue; }
    if (f.kind === 'person') {
      c.addEventListener('input', () => personLookup(c, list));
      c.addEventListener('change', () => showPerson(c));
    }
    grid.append(field(f.name, f.text[lang], c, f.req ? null : lang === 'vi' ? 'không bắt buộc' : 'optional'));
  }
  form.append(grid, list, hlist, msg, h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('save'))));
  // Prefill from the link (a household page's "record" links) and sensible ids.
  for (const [k, v] of params) if (form.elements[k]?.type === 'checkbox') form.elements[k].checked = v === 'true';
    else if (form.elements[k] && k !== 'type') form.elements[k].value = v;
  await Promise.all(FORMS[type].filter((f) => f.kind === 'person' && form.elements[f.name]?.value).map((f) => showPerson(form.elements[f.name])));
  // (A correction of the phone's outbox keeps its ids: waiting events name them.)
  const keepIds = Boolean(params.get('replace'));
  if (form.elements['child.person_id'] && !keepIds) form.elements['child.person_id'].value = newId('P');
  if (form.elements['person.person_id'] && !keepIds) form.elements['person.person_id'].value = newId('P');
  if (type === 'birth') form.elements.mother.addEventListener('change', () => suggestOrder(form));
  // (Not for a correction: the entry being replaced would count as a birth of hers.)
  if (type === 'birth' && form.elements.mother.value && !params.get('correct')) suggestOrder(form);
  // Check each field as it is left, once the user has typed in it.
  const byName = new Map([DATE_FIELD, ...FORMS[type]].map((f) => [f.name, f]));
  form.addEventListener('input', (e) => { e.target.dataset.touched = '1'; });
  form.addEventListener('change', (e) => { e.target.dataset.touched = '1'; });
  form.addEventListener('focusout', (e) => {
    const f = byName.get(e.target.name);
    if (!f || !e.target.dataset.touched) return;
    const box = e.target.closest('.fld');
    if (box) { e.target.removeAttribute('aria-invalid'); box.querySelector('.err').textContent = ''; }
    const p = fieldProblem(f, e.target);
    if (p) setFieldError(form, f.name, p);
  });
  // A correction asked for by the commune officer's question: the old entry
  // is cancelled (a void), this one recorded in its place, and the answer
  // names both.  The void is made once, even if the new entry is refused
  // and sent again.
  const correct = params.get('correct');
  let voided = null;
  const answer = h('input', { type: 'text', maxlength: 500, value: lang === 'vi' ? 'Đã sửa' : 'Corrected' });
  if (correct) {
    form.prepend(h('div', { class: 'msg warn', id: 'correcting' }, lang === 'vi'
      ? 'Sửa biến động theo câu hỏi của cán bộ xã: bản ghi cũ sẽ được hủy và thay bằng bản ghi dưới đây. Kiểm tra, sửa các ô rồi bấm Lưu.'
      : "Correcting a change the commune officer asked about: the old entry will be cancelled and replaced by this one. Check and fix the fields, then Save."),
    field('answer', lang === 'vi' ? 'Trả lời cán bộ xã' : 'Answer to the commune officer', answer));
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    msg.replaceChildren();
    if (correct && !localCheck(form, type)) {
      msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('fixFields')));
      return;
    }
    if (correct && !voided) {
      const v = { id: eventId(), type: 'void', date: today(), target: correct, reason: answer.value.trim() || 'Sửa theo câu hỏi của cán bộ xã' };
      try {
        await api('/api/v1/events', { method: 'POST', body: v });
        voided = v.id;
      } catch (err) {
        msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('refused', { m: err.message })));
        return;
      }
    }
    if (correct) {
      const ev = collect(form, type);
      try {
        await api('/api/v1/events', { method: 'POST', body: ev });
        await api(`/api/v1/queries/${encodeURIComponent(correct)}/answer`, { method: 'POST', body: { answer: answer.value.trim(), void: voided, correction: ev.id } });
        form.replaceChildren(h('div', { class: 'msg good', role: 'status' }, lang === 'vi' ? 'Đã sửa và đã trả lời cán bộ xã.' : 'Corrected, and the commune officer has the answer.'),
          h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/queries' }, lang === 'vi' ? 'Về danh sách câu hỏi' : 'Back to the questions')));
      } catch (err) {
        if (!(err.field && setFieldError(form, err.field, err.message))) setFieldError(form, 'date', '');
        msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('refused', { m: err.message })));
      }
      return;
    }
    if (!localCheck(form, type)) {
      msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('fixFields')));
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    const ev = collect(form, type);
    // A birth or an arrival resembling someone already recorded: the match first.
    if ((type === 'birth' || type === 'move_in') && !(await entryMatch(ev, msg))) return;
    if (offlineActive()) {
      // On the phone's book: saved in the outbox, sent when there is a connection.
      try {
        await recordOffline(ev, params.get('replace'));
        // With a connection it is sent at once and the server's answer shown, as without the book.
        const r = navigator.onLine ? await sendNow(ev.id, Boolean(params.get('replace'))) : { status: 'waiting' };
        if (r.status === 'refused') {
          if (!(r.error.field && setFieldError(form, r.error.field, r.error.message))) setFieldError(form, 'date', '');
          msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('refused', { m: r.error.message })));
          form.querySelector('[aria-invalid="true"]')?.focus();
          return;
        }
        msg.append(r.status === 'recorded'
          ? h('div', { class: 'msg good', role: 'status', id: 'saved-offline' }, t('saved', { t: label('event_type', type) }), r.warning ? ` ${r.warning.message}` : '')
          : h('div', { class: 'msg good', role: 'status', id: 'saved-offline' }, lang === 'vi'
            ? `Đã lưu trên máy: ${label('event_type', type)} (chưa gửi). `
            : `Saved on the phone: ${label('event_type', type)} (not sent yet). `, h('a', { href: '#/book' }, lang === 'vi' ? 'Xem sổ hộ' : 'Open the book')));
        if (params.get('replace')) { location.hash = '#/outbox'; return; }
        resetForNext(form);
      } catch (err) {
        const text = String(err?.message || err);
        if (err?.field) setFieldError(form, err.field, text);
        msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('refused', { m: text })));
      }
      return;
    }
    try {
      const r = await api('/api/v1/events', { method: 'POST', body: ev });
      const subject = ev.person?.person_id || ev.person || ev.mother || ev.household || '';
      msg.append(h('div', { class: 'msg good', role: 'status' }, t('saved', { t: whose(form, type, ev) }),
        r.warning ? ` ${r.warning.message}` : '', ' ',
        subject ? h('a', { href: `#/person/${encodeURIComponent(typeof subject === 'string' ? subject : '')}` }, t('open')) : null));
      resetForNext(form);
    } catch (err) {
      const text = err.message;
      if (!(err.field && setFieldError(form, err.field, text))) setFieldError(form, 'date', '');
      msg.append(h('div', { class: 'msg bad', role: 'alert' }, t('refused', { m: text })));
      form.querySelector('[aria-invalid="true"]')?.focus();
    }
  });
  main.replaceChildren(h('h1', {}, correct ? (lang === 'vi' ? 'Sửa biến động' : 'Correct a change') : t('record')),
    h('div', { class: 'card' }, field('type', t('eventType'), typeSel)), form);
}
