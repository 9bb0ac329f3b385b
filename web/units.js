// Thay đổi địa giới: an administrator checks a crosswalk file (merge,
// split, rename, move, create, close: docs/API.md), sees its impact (the
// new units with their population on the effective date, the old and new
// place of every area that moves, or every problem with its line), then
// applies it.  Running servers take the new map without a restart.
import { ApiError, h, state, table, toast } from './core.js';
import { getLang, num } from './i18n.js';

const TX = {
  vi: {
    tab: 'Thay đổi địa giới', intro: 'Tải lên tệp đối chiếu (CSV: old_code,new_code,new_name,level,new_parent,effective[,areas]). Hệ thống kiểm tra toàn bộ tệp và cho xem trước ảnh hưởng; chỉ khi bấm Áp dụng mới thay đổi, trong một giao dịch. Không xoá dữ liệu: báo cáo mọi kỳ vẫn xem được theo địa giới của bất kỳ ngày nào.',
    file: 'Tệp đối chiếu', preview: 'Xem trước', apply: 'Áp dụng', confirm: 'Áp dụng thay đổi địa giới này? Các máy chủ sẽ dùng địa giới mới ngay.',
    newUnits: 'Đơn vị mới', code: 'Mã', name: 'Tên', level: 'Cấp', parent: 'Trực thuộc', effective: 'Hiệu lực từ', population: 'Dân số ngày hiệu lực',
    areas: 'Địa bàn thay đổi nơi trực thuộc ({n})', area: 'Địa bàn', old: 'Trước', now: 'Sau', shown: 'hiện {n} địa bàn đầu',
    summary: 'Kết thúc {c} dòng, mở {o} dòng đơn vị.', problems: 'Tệp có lỗi, chưa áp dụng gì:', line: 'Dòng', field: 'Cột', reason: 'Lý do',
    done: 'Đã áp dụng: kết thúc {c} dòng, mở {o} dòng.', choose: 'Hãy chọn tệp CSV.',
    levels: { province: 'tỉnh', district: 'huyện', commune: 'xã', village: 'thôn', area: 'địa bàn' },
  },
  en: {
    tab: 'Map changes', intro: 'Upload a crosswalk (CSV: old_code,new_code,new_name,level,new_parent,effective[,areas]). The whole file is checked and its impact shown; nothing changes until Apply, in one transaction. Nothing is deleted: every period can still be reported under the map of any date.',
    file: 'Crosswalk file', preview: 'Preview', apply: 'Apply', confirm: 'Apply this change of the map? Servers use the new map at once.',
    newUnits: 'New units', code: 'Code', name: 'Name', level: 'Level', parent: 'Parent', effective: 'From', population: 'Population on that day',
    areas: 'Areas that move ({n})', area: 'Area', old: 'Before', now: 'After', shown: 'the first {n} shown',
    summary: '{c} unit rows end, {o} begin.', problems: 'The file has problems; nothing was applied:', line: 'Line', field: 'Column', reason: 'Reason',
    done: 'Applied: {c} rows ended, {o} begun.', choose: 'Choose a CSV file.',
    levels: {},
  },
};
const tx = (k, args = {}) => (TX[getLang()][k] || TX.en[k] || k).replace(/\{(\w+)\}/g, (_, a) => args[a] ?? '');
const lvl = (l) => TX[getLang()].levels[l] || l;
const dmy = (iso) => iso.split('-').reverse().join('/');
const rows = (list) => list.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))));

// The crosswalk goes as the request's body, its own CSV text (core.js's api() sends JSON).
async function send(route, body) {
  const r = await fetch(`/api/v1/admin/units/${route}?name=${encodeURIComponent(body.name)}`, {
    method: 'POST', credentials: 'same-origin', body: body.text,
    headers: { 'Accept-Language': getLang(), 'Content-Type': 'text/csv; charset=utf-8', 'X-CSRF-Token': state.csrf },
  });
  let json = null;
  try { json = await r.json(); } catch { json = null; }
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

function problemsBox(e) {
  const list = e.body?.problems || [];
  return h('div', { class: 'card error', role: 'alert', id: 'crosswalk-problems' }, h('p', {}, tx('problems')),
    table([tx('line'), tx('field'), tx('reason')], rows(list.map((p) => [String(p.line), p.field, p.message]))));
}

function impact(pv) {
  return h('div', { id: 'crosswalk-preview' },
    h('p', {}, tx('summary', { c: num(pv.closed), o: num(pv.opened) })),
    h('h2', {}, tx('newUnits')),
    table([tx('code'), tx('name'), tx('level'), tx('parent'), tx('effective'), tx('population')],
      rows(pv.units.map((u) => [u.code, u.name, lvl(u.level), u.parent, dmy(u.effective), num(u.population)]))),
    h('h2', {}, tx('areas', { n: num(pv.areas_moved) })),
    pv.areas.length < pv.areas_moved ? h('p', { class: 'muted' }, tx('shown', { n: num(pv.areas.length) })) : null,
    table([tx('area'), tx('name'), tx('old'), tx('now')], rows(pv.areas.map((a) => [a.area, a.name, a.old, a.new]))));
}

export async function mapChangeTab(main) {
  const input = h('input', { type: 'file', accept: '.csv,text/csv', id: 'crosswalk-file' });
  const out = h('div', { 'aria-live': 'polite' });
  let body = null;
  const applyBtn = h('button', { type: 'button', disabled: true, id: 'crosswalk-apply', onclick: async () => {
    if (!body || !confirm(tx('confirm'))) return;
    applyBtn.disabled = true;
    try {
      const r = await send('apply', body);
      out.replaceChildren(h('p', { class: 'ok', role: 'status' }, tx('done', { c: num(r.closed), o: num(r.opened) })));
      toast(tx('done', { c: num(r.closed), o: num(r.opened) }));
      body = null;
    } catch (e) {
      out.replaceChildren(e instanceof ApiError && e.body?.problems ? problemsBox(e) : h('p', { class: 'error' }, e.message));
    }
  } }, tx('apply'));
  const form = h('form', { class: 'f card', id: 'crosswalk-form', onsubmit: async (e) => {
    e.preventDefault();
    applyBtn.disabled = true;
    const file = input.files[0];
    if (!file) { out.replaceChildren(h('p', { class: 'error' }, tx('choose'))); return; }
    body = { name: file.name, text: await file.text() };
    try {
      const pv = await send('preview', body);
      out.replaceChildren(impact(pv));
      applyBtn.disabled = false;
    } catch (err) {
      body = null;
      out.replaceChildren(err instanceof ApiError && err.body?.problems ? problemsBox(err) : h('p', { class: 'error' }, err.message));
    }
  } },
  h('p', {}, tx('intro')),
  h('label', { for: 'crosswalk-file' }, tx('file')), input,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, tx('preview')), applyBtn));
  main.append(form, out);
}
