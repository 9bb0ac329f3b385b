// Reconciliation with the national population database (#/reconcile): the
// officer chooses the extract file and a unit; the page sends it, shows
// the counts per commune and the lists, and turns each difference into the
// event that would fix it, opened in the record form for the officer to
// check and confirm.  Nothing is applied without a person deciding; the
// extract is not kept (by the server or by this page).
import { api, field, h, state, table } from './core.js';
import { getLang, num } from './i18n.js';
import { unitPicker } from './pickers.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const dmy = (iso) => (iso && iso.length === 10 ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso || '');

const WORDS = {
  vi: {
    title: 'Đối chiếu với CSDL quốc gia về dân cư', file: 'Tệp trích xuất (CSV)', unit: 'Đơn vị', compare: 'Đối chiếu',
    intro: 'Tệp chỉ được đọc để đối chiếu, không được lưu lại. Mỗi đề xuất mở mẫu ghi biến động để bạn kiểm tra và xác nhận.',
    commune: 'Xã', matched: 'Khớp', differences: 'Khác nhau', only_register: 'Chỉ có trong sổ', only_extract: 'Chỉ có trong CSDL',
    difference: 'Thông tin khác nhau', fields: { full_name: 'họ tên', sex: 'giới tính', birth_date: 'ngày sinh', commune_code: 'xã', residence: 'cư trú', national_id: 'số định danh' },
    fix: 'Đề xuất sửa {f}', moved: 'Sống ở xã khác: xem người', moveOut: 'Đề xuất ghi chuyển đi', open: 'Xem người',
    arrival: 'Đề xuất ghi chuyển đến', twice: 'Có bị ghi trùng không?', more: 'Còn {n} trường hợp nữa.', noFile: 'Hãy chọn tệp trích xuất.',
    summary: '{m} khớp, {d} khác nhau, {r} chỉ có trong sổ, {e} chỉ có trong CSDL.',
  },
  en: {
    title: 'Reconciliation with the national population database', file: 'Extract file (CSV)', unit: 'Unit', compare: 'Compare',
    intro: 'The file is read to compare and not kept. Each proposal opens the record form for you to check and confirm.',
    commune: 'Commune', matched: 'Matched', differences: 'Differences', only_register: 'Only in the register', only_extract: 'Only in the database',
    difference: 'Differences', fields: { full_name: 'name', sex: 'sex', birth_date: 'birth date', commune_code: 'commune', residence: 'residence', national_id: 'national id' },
    fix: 'Propose to correct the {f}', moved: 'Lives in another commune: see the person', moveOut: 'Propose a move out', open: 'See the person',
    arrival: 'Propose an arrival', twice: 'Recorded twice?', more: '{n} more.', noFile: 'Choose the extract file.',
    summary: '{m} matched, {d} differences, {r} only in the register, {e} only in the database.',
  },
};
const w = (k, args) => {
  let s = WORDS[getLang()]?.[k] ?? WORDS.vi[k] ?? k;
  if (args) for (const [a, v] of Object.entries(args)) s = s.replace(`{${a}}`, v);
  return s;
};
const LIMIT = 300;
const person = (id) => `#/person/${encodeURIComponent(id)}`;

// The event that fixes one field of a difference, in the record form.
function fixLink(it, f) {
  const v = it.extract?.[f];
  if (f === 'commune_code') return h('a', { class: 'btn secondary', href: person(it.person_id) }, w('moved'));
  if (f === 'sex') return h('a', { class: 'btn secondary', href: person(it.person_id) }, w('open'));
  const value = f === 'birth_date' ? v : f === 'residence' ? (v === 2 ? '3' : '1') : v;
  return h('a', { class: 'btn secondary', href: `#/record?${q({ type: 'info_change', person: it.person_id, field: f, value })}` },
    w('fix', { f: WORDS[getLang()]?.fields[f] || f }));
}

function item(it) {
  if (it.kind === 'difference')
    return h('li', { class: 'card' }, h('p', {}, h('a', { href: person(it.person_id) }, it.name), ': ',
      it.fields.map((f) => `${WORDS[getLang()]?.fields[f] || f} ${it.extract?.[f] ?? ''}`).join(', ')),
    h('div', { class: 'actions' }, it.fields.map((f) => fixLink(it, f))));
  if (it.kind === 'only_register')
    return h('li', { class: 'card' }, h('p', {}, h('a', { href: person(it.person_id) }, it.name)),
      h('div', { class: 'actions' }, h('a', { class: 'btn secondary', href: `#/record?${q({ type: 'move_out', person: it.person_id })}` }, w('moveOut')),
        h('a', { class: 'btn secondary', href: `#/duplicates?${q({ unit: it.commune })}` }, w('twice'))));
  const x = it.extract || {};
  return h('li', { class: 'card' }, h('p', {}, `${x.full_name} · ${dmy(x.birth_date)} · ${it.national_id}`),
    h('div', { class: 'actions' }, h('a', { class: 'btn secondary', href: `#/record?${q({ type: 'move_in', 'person.full_name': x.full_name, 'person.sex': x.sex, 'person.birth_date': dmy(x.birth_date), 'person.national_id': it.national_id, 'person.residence': x.residence === 2 ? 3 : 1 })}` }, w('arrival'))));
}

function results(r) {
  const kinds = ['difference', 'only_register', 'only_extract'];
  const head = { difference: w('difference'), only_register: w('only_register'), only_extract: w('only_extract') };
  return h('div', { id: 'reconcile' },
    h('p', { class: 'msg good', role: 'status' }, w('summary', { m: num(r.matched), d: num(r.differences), r: num(r.only_register), e: num(r.only_extract) })),
    table([w('commune'), w('matched'), w('differences'), w('only_register'), w('only_extract')],
      r.communes.map((c) => h('tr', {}, h('td', {}, c.code), h('td', {}, num(c.matched)), h('td', {}, num(c.differences)),
        h('td', {}, num(c.only_register)), h('td', {}, num(c.only_extract))))),
    kinds.map((k) => {
      const list = r.items.filter((i) => i.kind === k);
      if (!list.length) return null;
      return h('section', { 'data-kind': k }, h('h2', {}, `${head[k]} (${num(list.length)})`),
        h('ul', { class: 'pairs' }, list.slice(0, LIMIT).map(item)),
        list.length > LIMIT ? h('p', { class: 'muted' }, w('more', { n: num(list.length - LIMIT) })) : null);
    }));
}

export async function reconcilePage(main) {
  const fileIn = h('input', { type: 'file', accept: '.csv,text/csv', required: true });
  const up = await unitPicker(state.user?.unit || '', { required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card', onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const f = fileIn.files[0];
    if (!f) { out.append(h('p', { class: 'msg bad', role: 'alert' }, w('noFile'))); return; }
    const text = await f.text();
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    while (lines.length && lines.at(-1) === '') lines.pop();
    try {
      out.append(results(await api('/api/v1/reconcile', { method: 'POST', body: { unit: String(up.value).trim(), lines } })));
    } catch (err) { out.append(h('p', { class: 'msg bad', role: 'alert' }, err.message)); }
  } },
  h('p', {}, w('intro')),
  h('div', { class: 'row2' }, field('extract', w('file'), fileIn), up.attach(field('unit', w('unit'), up.input))),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('compare'))));
  main.replaceChildren(h('h1', {}, w('title')), form, out);
}
