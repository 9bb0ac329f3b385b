// One's own account (password, API tokens, what others did to it), a
// person's rights under the Personal Data Protection Law (their file, a
// deletion request), and the administrator's search of the access log.
import { api, clearErrors, dateInput, errorBox, field, h, isoOf, setFieldError, state, table, today } from './core.js';
import { getLang, t } from './i18n.js';
import { unitPicker } from './pickers.js';

const W = {
  vi: {
    account: 'Tài khoản của tôi', mustChange: 'Mật khẩu của bạn do quản trị viên đặt. Hãy đổi mật khẩu trước khi làm việc.',
    changePw: 'Đổi mật khẩu', oldPw: 'Mật khẩu hiện tại', newPw: 'Mật khẩu mới', againPw: 'Nhập lại mật khẩu mới',
    pwHint: 'từ 10 ký tự, nên là một câu dễ nhớ', notSame: 'Hai lần nhập không giống nhau.',
    pwChanged: 'Đã đổi mật khẩu. Mọi phiên làm việc đã kết thúc: hãy đăng nhập lại bằng mật khẩu mới.',
    tokens: 'Mã truy cập API', tokensHelp: 'Dùng cho phần mềm khác kết nối với danso thay cho bạn. Mỗi mã hết hạn sau số ngày đã chọn; thu hồi ngay khi không dùng nữa.',
    label: 'Tên gọi', days: 'Số ngày hiệu lực', create: 'Tạo mã', created: 'Tạo lúc', lastUsed: 'Dùng lần cuối', expires: 'Hết hạn',
    revoke: 'Thu hồi', revoked: 'Đã thu hồi', noTokens: 'Chưa có mã nào.', newToken: 'Mã mới (chỉ hiện một lần, hãy chép ngay): {v}',
    changes: 'Những thay đổi người khác đã làm với tài khoản này', noChanges: 'Chưa có.', by: 'Người làm', when: 'Thời gian', what: 'Việc',
    refusedLogin: 'đăng nhập sai', cli: 'dòng lệnh trên máy chủ', done: 'thành công', refused: 'bị từ chối',
    rights: 'Quyền của người được ghi tên (Luật Bảo vệ dữ liệu cá nhân)', fileBtn: 'Tải hồ sơ dữ liệu của người này',
    fileHelp: 'Tệp gồm mọi thông tin danso giữ về người này và mọi lần truy cập, để trao cho họ khi họ yêu cầu. Việc tải được ghi vào nhật ký.',
    deletion: 'Ghi nhận yêu cầu xóa dữ liệu', received: 'Ngày nhận yêu cầu', channel: 'Cách nhận', note: 'Ghi chú',
    noteHint: 'không ghi thông tin sức khỏe, tối đa 2000 ký tự', recordBtn: 'Ghi nhận',
    deletionDone: 'Đã ghi nhận yêu cầu. Dữ liệu được giữ lại, vì:',
    channels: { in_person: 'Trực tiếp', letter: 'Thư', phone: 'Điện thoại', email: 'Thư điện tử', online: 'Trực tuyến' },
    search: 'Tìm trong nhật ký truy cập', searchHelp: 'Dùng khi điều tra sự cố lộ lọt dữ liệu: mọi truy cập trong khoảng thời gian (giờ Việt Nam), theo tài khoản hoặc đơn vị.',
    from: 'Từ ngày', to: 'Đến ngày', loginF: 'Tài khoản', unitF: 'Đơn vị', csv: 'Tải CSV (tối đa 1.000.000 dòng)',
    more: 'Xem tiếp', scanned: 'Đã xem {n} dòng nhật ký.', nothing: 'Không có truy cập nào.', area: 'Địa bàn',
    actions: { read: 'xem', search: 'tìm', login: 'đăng nhập', logout: 'đăng xuất', password: 'đổi mật khẩu', reset_password: 'đặt lại mật khẩu',
      create: 'tạo tài khoản', disable: 'khóa', enable: 'mở khóa', change_role: 'đổi vai trò', change_unit: 'đổi đơn vị', change_name: 'đổi tên',
      token: 'tạo mã API', revoke_token: 'thu hồi mã API', subject_file: 'tải hồ sơ', deletion_request: 'yêu cầu xóa', audit_search: 'tìm nhật ký',
      record: 'ghi', export: 'xuất', list: 'liệt kê', read_event: 'xem biến động của', read_access_log: 'xem nhật ký truy cập của',
      check: 'kiểm tra', slip: 'phiếu tháng', review: 'rà soát', revision: 'xem điều chỉnh', query: 'hỏi lại', report: 'xem báo cáo',
      submit: 'gửi báo cáo', approve: 'duyệt', return: 'trả lại', timeliness: 'xem tiến độ', rollup: 'tổng hợp', projection: 'dự báo',
      scenario: 'kịch bản' },
    objects: { person: 'người', household: 'hộ', event: 'biến động', user: 'tài khoản', report: 'báo cáo', unit: 'đơn vị', audit: 'nhật ký', register: 'sổ' },
  },
  en: {
    account: 'My account', mustChange: 'Your password was set by an administrator. Change it before you go on.',
    changePw: 'Change password', oldPw: 'Current password', newPw: 'New password', againPw: 'New password again',
    pwHint: 'at least 10 characters; a phrase you remember', notSame: 'The two entries differ.',
    pwChanged: 'Password changed. Every session has ended: log in with the new password.',
    tokens: 'API tokens', tokensHelp: 'For other software that connects to danso on your behalf. Each expires after the days chosen; revoke it as soon as it is no longer used.',
    label: 'Label', days: 'Days valid', create: 'Create token', created: 'Created', lastUsed: 'Last used', expires: 'Expires',
    revoke: 'Revoke', revoked: 'Revoked', noTokens: 'No tokens yet.', newToken: 'New token (shown once, copy it now): {v}',
    changes: 'What others did to this account', noChanges: 'Nothing yet.', by: 'By', when: 'When', what: 'What',
    refusedLogin: 'wrong login', cli: 'the server\'s command line', done: 'done', refused: 'refused',
    rights: 'The person\'s rights (Personal Data Protection Law)', fileBtn: 'Download this person\'s data file',
    fileHelp: 'Everything danso holds on this person and every access to it, to give them when they ask. The download is logged.',
    deletion: 'Record a request to delete their data', received: 'Date received', channel: 'How it came', note: 'Note',
    noteHint: 'no health details, at most 2000 characters', recordBtn: 'Record',
    deletionDone: 'The request is recorded. The data are kept, because:',
    channels: { in_person: 'In person', letter: 'Letter', phone: 'Phone', email: 'E-mail', online: 'Online' },
    search: 'Search the access log', searchHelp: 'For a breach investigation: every access in a time range (Viet Nam time), by account or unit.',
    from: 'From', to: 'To', loginF: 'Account', unitF: 'Unit', csv: 'Download CSV (up to 1,000,000 rows)',
    more: 'More', scanned: '{n} log entries looked at.', nothing: 'No access.', area: 'Area',
    actions: {},
    objects: {},
  },
};
const w = (k, v = {}) => String(W[getLang()][k] ?? W.vi[k]).replace(/\{(\w+)\}/g, (_, x) => v[x] ?? '');
const actionName = (a) => W[getLang()].actions[a] || (getLang() === 'vi' ? W.vi.actions[a] : null) || a.replace(/_/g, ' ');
const objectName = (o) => W[getLang()].objects[o] || o;
const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();

// A UTC time as Viet Nam's local time, DD/MM/YYYY HH:MM.
function vnTime(iso) {
  if (!iso) return '–';
  const d = new Date(Date.parse(iso) + 7 * 3600e3);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

// Submits a form's body to the API; a refusal is shown by its field and in out.
async function submit(form, out, path, body, method = 'POST') {
  clearErrors(form);
  out.replaceChildren();
  try {
    return await api(path, { method, body });
  } catch (err) {
    if (!(err.field && setFieldError(form, err.field, err.message))) out.append(errorBox(err));
    return null;
  }
}

function passwordForm(onChanged) {
  const old = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const pw = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f card', id: 'password-form', onsubmit: async (e) => {
    e.preventDefault();
    if (pw.value !== again.value) { clearErrors(form); setFieldError(form, 'again', w('notSame')); again.focus(); return; }
    if (await submit(form, out, '/api/v1/me/password', { old: old.value, new: pw.value })) onChanged();
  } }, h('h2', {}, w('changePw')), field('old', w('oldPw'), old), field('new', w('newPw'), pw, w('pwHint')),
  field('again', w('againPw'), again), out, h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('changePw'))));
  return form;
}

async function tokensCard() {
  const card = h('div', { class: 'card', id: 'tokens' });
  const draw = async (notice) => {
    const { tokens } = await api('/api/v1/tokens');
    const live = tokens.filter((x) => !x.revoked);
    const lbl = h('input', { type: 'text', required: true, maxlength: 60 });
    const days = h('input', { type: 'number', min: 1, max: 365, value: 90 });
    const out = h('div', { 'aria-live': 'polite' }, notice || null);
    const form = h('form', { class: 'f', onsubmit: async (e) => {
      e.preventDefault();
      const r = await submit(form, out, '/api/v1/tokens', { label: lbl.value.trim(), days: Number(days.value) });
      if (r) await draw(h('div', { class: 'msg good', role: 'status' }, w('newToken', { v: r.token })));
    } }, h('div', { class: 'row2' }, field('label', w('label'), lbl), field('days', w('days'), days)), out,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('create'))));
    card.replaceChildren(h('h2', {}, w('tokens')), h('p', { class: 'muted' }, w('tokensHelp')),
      live.length ? table([w('label'), w('created'), w('lastUsed'), w('expires'), ''], live.map((x) => h('tr', {},
        h('td', {}, x.label), h('td', {}, vnTime(x.created_at)), h('td', {}, vnTime(x.last_used)), h('td', {}, vnTime(x.expires_at)),
        h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `${w('revoke')}: ${x.label}`, onclick: async () => {
          try { await api(`/api/v1/tokens/${x.id}`, { method: 'DELETE' }); await draw(h('div', { class: 'msg good', role: 'status' }, `${w('revoked')}: ${x.label}`)); } catch (err) { out.replaceChildren(errorBox(err)); }
        } }, w('revoke')))))) : h('p', {}, w('noTokens')), form);
  };
  await draw();
  return card;
}

// The account page; with a password set by an administrator it offers only the change.
export async function accountPage(main, { relogin }) {
  const me = await api('/api/v1/me');
  const must = me.user.must_change_password;
  main.replaceChildren(h('h1', {}, w('account')));
  if (must) main.append(h('div', { class: 'msg bad', role: 'alert', id: 'must-change' }, w('mustChange')));
  main.append(passwordForm(() => relogin(w('pwChanged'))));
  if (must) return;
  const changes = me.account_changes || [];
  main.append(await tokensCard(), h('div', { class: 'card', id: 'account-changes' }, h('h2', {}, w('changes')),
    changes.length ? table([w('when'), w('by'), w('what')], changes.map((x) => h('tr', {},
      h('td', { class: 'nw' }, vnTime(x.at)), h('td', {}, x.by === '-' ? '–' : x.by.startsWith('cli:') ? `${w('cli')} (${x.by.slice(4)})` : x.by),
      h('td', {}, x.action === 'login' && x.outcome !== 'ok' ? w('refusedLogin') : `${actionName(x.action)}${x.outcome === 'ok' ? '' : ` (${w('refused')})`}`)))) : h('p', {}, w('noChanges'))));
}

// A person's file and a deletion request, for officers, under the person's page.
export function personRights(p) {
  if (!['commune', 'province', 'national'].includes(state.user?.role)) return null;
  const rec = dateInput(today());
  const ch = h('select', {}, Object.entries(W[getLang()].channels).map(([k, v]) => h('option', { value: k }, v)));
  const note = h('textarea', { rows: 2, maxlength: 2000 });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'f', id: 'deletion-form', onsubmit: async (e) => {
    e.preventDefault();
    const d = isoOf(rec);
    if (!d) { clearErrors(form); setFieldError(form, 'received', w('received')); return; }
    const r = await submit(form, out, `/api/v1/persons/${encodeURIComponent(p.id)}/deletion`, { received: d, channel: ch.value, note: note.value.trim() });
    if (r) { form.reset(); out.append(h('div', { class: 'msg good', role: 'status' }, h('p', {}, w('deletionDone')), h('p', {}, r.legal_basis?.[getLang()] || r.basis))); }
  } }, h('h3', {}, w('deletion')), h('div', { class: 'row2' }, field('received', w('received'), rec, 'dd/mm/yyyy'), field('channel', w('channel'), ch)),
  field('note', w('note'), note, w('noteHint')), out, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, w('recordBtn'))));
  return h('details', { class: 'card noprint', id: 'person-rights' }, h('summary', {}, w('rights')),
    h('p', { class: 'muted' }, w('fileHelp')),
    h('p', {}, h('a', { class: 'btn secondary', href: `/api/v1/persons/${encodeURIComponent(p.id)}/file`, download: `danso-${p.id}.json` }, w('fileBtn'))),
    form);
}

// The administrator's breach search: a page of entries on screen, the whole range as CSV.
export async function auditSearch(main, params) {
  const from = dateInput(params.get('from') || today());
  const to = dateInput(params.get('to') || today());
  const login = h('input', { type: 'text', value: params.get('login') || '', autocapitalize: 'none' });
  // Any unit of the country by its name (the administrator has no unit of their own); an area's code can be typed.
  const up = await unitPicker(params.get('unit') || '', { root: '', levels: 2 });
  const form = h('form', { class: 'f card', id: 'audit-search', onsubmit: (e) => {
    e.preventDefault();
    clearErrors(form);
    const f = isoOf(from);
    const t2 = isoOf(to);
    if (!f) { setFieldError(form, 'from', w('from')); return; }
    if (!t2) { setFieldError(form, 'to', w('to')); return; }
    location.hash = `#/admin?${q({ tab: 'auditSearch', from: f, to: t2, login: login.value.trim(), unit: String(up.value).trim() })}`;
  } }, h('h2', {}, w('search')), h('p', { class: 'muted' }, w('searchHelp')),
  h('div', { class: 'row2' }, field('from', w('from'), from, 'dd/mm/yyyy'), field('to', w('to'), to, 'dd/mm/yyyy'),
    field('login', w('loginF'), login), up.attach(field('unit', w('unitF'), up.input, t('unitHint')))),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, w('search'))));
  main.append(form);
  if (!params.get('from')) return;
  const base = { from: params.get('from'), to: params.get('to'), login: params.get('login'), unit: params.get('unit') };
  const box = h('div', { class: 'card', id: 'audit-results' });
  main.append(box);
  const body = h('tbody');
  const foot = h('div', { class: 'actions' });
  box.append(h('p', {}, h('a', { class: 'btn secondary', href: `/api/v1/audit/search?${q({ ...base, format: 'csv' })}`, download: 'danso-audit.csv' }, w('csv'))),
    h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, [w('when'), w('loginF'), w('what'), w('area')].map((c) => h('th', { scope: 'col' }, c)))), body)), foot);
  let scanned = 0;
  const more = async (after) => {
    let r;
    try { r = await api(`/api/v1/audit/search?${q({ ...base, after, limit: 100 })}`); } catch (err) {
      if (err.field) setFieldError(form, err.field, err.message); else foot.replaceChildren(errorBox(err));
      return;
    }
    scanned += r.scanned || 0;
    body.append(...r.entries.map((x) => h('tr', {}, h('td', { class: 'nw' }, vnTime(x.at)), h('td', {}, x.login),
      h('td', {}, `${actionName(x.action)} ${objectName(x.object)}${x.id ? ` ${x.id}` : ''}${x.outcome === 'ok' ? '' : ` (${x.outcome})`}`), h('td', {}, x.area || ''))));
    foot.replaceChildren(h('span', { class: 'muted' }, body.children.length ? w('scanned', { n: scanned.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB') }) : w('nothing')),
      r.next ? h('button', { type: 'button', class: 'secondary', onclick: () => more(r.next) }, w('more')) : null);
  };
  await more('');
}
