// The monthly cycle: the commune's review of the month, the collaborator's
// questions, a report's submission and approval with its history and its
// revision (approved values beside today's, with the events behind each
// difference), and the province's timeliness page with the roll-up.
// Names, not ids; every page fits a 360-pixel phone.
import { api, field, h, state, table, today } from './core.js';
import { date, getLang, num } from './i18n.js';
import { periodPicker } from './pickers.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v != null)).toString();
const vi = () => getLang() !== 'en';
const L = (a, b) => (vi() ? a : b);
// The month before the server's today (the month to review and report).
const lastMonth = () => {
  const [y, m] = today().slice(0, 7).split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const ROMAN = ['I', 'II', 'III', 'IV'];
// "Tháng 01/2026", "Quý I/2026", "Năm 2026".
export function periodLabel(p) {
  let m;
  if ((m = /^(\d{4})-(\d{2})$/.exec(p))) return L(`Tháng ${m[2]}/${m[1]}`, `${m[2]}/${m[1]}`);
  if ((m = /^(\d{4})-Q([1-4])$/.exec(p))) return L(`Quý ${ROMAN[m[2] - 1]}/${m[1]}`, `Q${m[2]} ${m[1]}`);
  if ((m = /^(\d{4})-H([12])$/.exec(p))) return L(`6 tháng ${m[2] === '1' ? 'đầu' : 'cuối'} năm ${m[1]}`, `H${m[2]} ${m[1]}`);
  if (/^\d{4}$/.test(p)) return L(`Năm ${p}`, p);
  return p;
}
const STATE = {
  missing: ['Chưa gửi', 'Not submitted'], submitted: ['Đã gửi, chờ duyệt', 'Submitted, awaiting approval'],
  returned: ['Bị trả lại', 'Returned'], approved: ['Đã duyệt', 'Approved'],
  revised: ['Có thay đổi sau khi duyệt', 'Changed after approval'],
};
const stateText = (s) => L(...(STATE[s] || [s, s]));
const stateClass = (s) => (s === 'approved' ? 'good' : s === 'missing' || s === 'returned' ? 'bad' : 'warn');
const lateText = (n) => L(`chậm ${n} ngày làm việc`, `${n} working day${n === 1 ? '' : 's'} late`);
// When something was recorded, in Viet Nam's time: 02/12/2026 17:08.
const when = (iso) => {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
};
// A change's subject: a birth names the child and the mother.
const who = (c) => (c.child_name ? `${c.child_name} (${L('mẹ', 'mother')}: ${c.name || ''})` : c.name || '');

// Sends a write; shows the server's refusal in box (role=alert) and
// returns false, or reloads the page through `done`.
async function act(path, body, box, done) {
  box.replaceChildren();
  try {
    await api(path, { method: 'POST', body });
    done();
    return true;
  } catch (e) {
    box.append(h('div', { class: 'msg bad', role: 'alert' }, e.message));
    return false;
  }
}

function help(text) {
  return h('p', { class: 'help muted' }, text);
}

// A month picker (YYYY-MM) with the previous and next months; with
// anyPeriod, a quarter (2026-Q1) or a year (2026) may be typed too.
function monthPicker(route, params, month, anyPeriod = false) {
  const input = periodPicker(month, { kinds: anyPeriod ? ['month', 'quarter', 'year'] : ['month'], legend: anyPeriod ? L('Kỳ báo cáo', 'Period') : L('Tháng', 'Month') });
  const isMonth = /^\d{4}-\d{2}$/.test(month);
  const shift = (k) => {
    const [y, m] = month.split('-').map(Number);
    const d = new Date(Date.UTC(y, m - 1 + k, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const go = (m) => `#/${route}?${q({ ...params, month: m })}`;
  return h('form', { class: 'picker noprint', onsubmit: (e) => { e.preventDefault(); location.hash = go(input.value); } },
    input.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, L('Xem', 'Show')),
      isMonth ? h('a', { class: 'btn secondary', href: go(shift(-1)) }, L('‹ Tháng trước', '‹ Previous')) : null,
      isMonth && shift(1) <= lastMonth() ? h('a', { class: 'btn secondary', href: go(shift(1)) }, L('Tháng sau ›', 'Next ›')) : null));
}

// ---- review of the month (commune officer) ----

function questionBlock(c) {
  const x = c.query;
  return h('div', { class: 'qa' },
    h('div', {}, h('strong', {}, `${L('Câu hỏi', 'Question')}: `), x.question || '', h('span', { class: 'muted' }, ` – ${x.by_name || x.by}, ${date(x.date)}`)),
    x.answer
      ? h('div', {}, h('strong', {}, `${L('Trả lời', 'Answer')}: `), x.answer.answer || L('(không ghi)', '(none)'),
        h('span', { class: 'muted' }, ` – ${x.answer.by_name || x.answer.by}, ${date(x.answer.date)}`),
        c.corrects || x.answer.correction ? h('div', { class: 'ok' }, L('Đã sửa: bản ghi cũ đã hủy và được thay bằng bản ghi này.', 'Corrected: the old entry was cancelled and replaced by this one.')) : null)
      : h('div', { class: 'warn-text' }, L('Cộng tác viên chưa trả lời.', 'Not answered yet.')));
}

function changeItem(c, month, reload) {
  const box = h('div', { 'aria-live': 'polite' });
  const ask = h('input', { type: 'text', maxlength: 500 });
  const li = h('li', { class: `change${c.voided ? ' void' : ''}`, 'data-event': c.event.id },
    h('div', { class: 'what' }, h('span', { class: 'nw' }, date(c.event.date)), ' · ', h('strong', {}, c.type_label || c.event.type)),
    h('div', {}, who(c)),
    h('div', { class: 'muted' }, `${L('Người ghi', 'Recorded by')}: ${c.recorded_by_name || c.recorded_by}${c.recorded_at ? `, ${when(c.recorded_at)}` : ''}`));
  if (c.query) li.append(questionBlock(c));
  else if (reload) {
    li.append(h('form', { class: 'ask', onsubmit: (e) => {
      e.preventDefault();
      if (!ask.value.trim()) {
        box.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, L('Hãy nhập câu hỏi cho cộng tác viên.', 'Write the question to the collaborator.')));
        ask.focus();
        return;
      }
      act('/api/v1/queries', { event: c.event.id, question: ask.value.trim() }, box, reload);
    } }, field(`ask-${c.event.id}`, L('Hỏi lại cộng tác viên', 'Ask the collaborator'), ask),
    h('button', { type: 'submit', class: 'secondary' }, L('Gửi câu hỏi', 'Send the question')), box));
  }
  return li;
}

export async function review(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const month = params.get('month') || lastMonth();
  const r = await api(`/api/v1/review?${q({ unit, month })}`);
  const reload = () => { location.hash = `#/review?${q({ unit: params.get('unit'), month, t: Date.now() })}`; };
  const quiet = r.areas.filter((a) => !a.count).length;
  const done = r.areas.filter((a) => a.reviewed).length;
  main.replaceChildren(h('h1', {}, `${L('Rà soát biến động', 'Review of the changes')} – ${periodLabel(month)}`),
    h('p', { class: 'sub' }, r.unit_name),
    help(L(`Xem lại các biến động cộng tác viên đã ghi trong tháng, từng địa bàn một. Địa bàn không có biến động nào được xếp lên đầu: thường là thiếu phiếu. Thấy biến động nào chưa đúng thì hỏi lại; cộng tác viên sẽ trả lời hoặc sửa (hủy bản ghi cũ và ghi lại). Rà soát xong địa bàn nào thì đánh dấu. Hạn rà soát: ${date(r.due)}.`,
      `Go through the changes recorded in the month, area by area. Areas without any change come first: usually a missing slip. Ask about a change that looks wrong; the collaborator answers or corrects it (cancels the entry and records it again). Mark each area reviewed when done. Due: ${date(r.due)}.`)),
    monthPicker('review', { unit: params.get('unit') }, month),
    h('p', { id: 'review-summary', class: 'msg' }, L(`${r.areas.length} địa bàn: ${quiet} không có biến động nào, ${done} đã rà soát.`,
      `${r.areas.length} areas: ${quiet} without any change, ${done} reviewed.`)));
  for (const a of r.areas) {
    const box = h('div', { 'aria-live': 'polite' });
    // Named by its heading, which holds the code too: two areas of a village may share a name.
    const card = h('section', { class: `card area${a.count ? '' : ' quiet'}`, 'data-area': a.code, 'aria-labelledby': `area-${a.code}` },
      h('h2', { id: `area-${a.code}` }, a.village ? `${a.name} · ${a.village}` : a.name, h('span', { class: 'code' }, ` ${a.code}`)),
      h('p', { class: 'muted' }, a.collaborators?.length ? `${L('Cộng tác viên', 'Collaborator')}: ${a.collaborators.join(', ')}` : L('Chưa có cộng tác viên phụ trách.', 'No collaborator assigned.')),
      h('p', { class: a.count ? '' : 'warn-text' }, a.count ? L(`${a.count} biến động trong tháng`, `${a.count} changes in the month`)
        : L('Không có biến động nào trong tháng – có thể thiếu phiếu.', 'No change at all in the month – a missing slip?')),
      a.reviewed
        ? h('p', { class: 'msg good' }, L(`Đã rà soát ngày ${date(a.reviewed.date)} – ${a.reviewed.by_name}`, `Reviewed on ${date(a.reviewed.date)} by ${a.reviewed.by_name}`))
        : h('div', { class: 'actions' }, h('button', { type: 'button', class: 'mark', onclick: () => act('/api/v1/review', { area: a.code, month }, box, reload) },
          L('Đánh dấu đã rà soát', 'Mark reviewed'))),
      box);
    if (a.changes.length) card.append(h('ul', { class: 'changes' }, a.changes.map((c) => changeItem(c, month, reload))));
    if (a.cancelled?.length) {
      card.append(h('h3', {}, L('Biến động đã hủy sau câu hỏi', 'Changes cancelled after a question')),
        h('ul', { class: 'changes' }, a.cancelled.map((c) => changeItem({ ...c, voided: true }, month, null))));
    }
    main.append(card);
  }
}

// ---- the collaborator's questions ----

// The fields of an event as the recording form names them (child.full_name...).
function flatten(o, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(o || {})) {
    if (['id', 'type', 'date'].includes(k) && !prefix) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, `${prefix}${k}.`, out);
    else if (v !== null && v !== undefined && typeof v !== 'boolean') out[`${prefix}${k}`] = String(v);
  }
  return out;
}

export async function queries(main) {
  const r = await api('/api/v1/queries?all=1');
  const open = r.queries.filter((x) => x.open);
  const closed = r.queries.filter((x) => !x.open);
  main.replaceChildren(h('h1', {}, L('Câu hỏi của cán bộ xã', 'Questions from the commune officer')),
    help(L('Cán bộ xã hỏi lại những biến động cần kiểm tra. Nếu biến động đúng, hãy trả lời. Nếu sai, bấm “Sửa biến động”: bản ghi cũ được hủy, bản ghi mới thay thế, và câu trả lời được gửi kèm.',
      'The commune officer asks about changes to check. If the change is right, answer. If it is wrong, press "Correct": the old entry is cancelled, the new one replaces it, and your answer goes with it.')));
  if (!open.length) main.append(h('p', { class: 'msg good', id: 'no-questions' }, L('Không có câu hỏi nào chờ trả lời.', 'No question waiting for an answer.')));
  for (const x of open) {
    const ans = h('input', { type: 'text', maxlength: 500 });
    const box = h('div', { 'aria-live': 'polite' });
    const ev = x.event_body || {};
    const fix = `#/record?${q({ type: ev.type, date: date(ev.date), ...flatten(ev), correct: x.event })}`;
    main.append(h('section', { class: 'card question', 'data-event': x.event },
      h('h2', {}, `${x.type_label || ev.type} – ${who(x)}`),
      h('p', { class: 'muted' }, `${date(ev.date)} · ${x.area_name || x.area}`),
      h('p', {}, h('strong', {}, x.question || ''), h('span', { class: 'muted' }, ` – ${x.by_name || x.by}, ${date(x.date)}`)),
      h('form', { class: 'f', onsubmit: (e) => {
        e.preventDefault();
        if (!ans.value.trim()) {
          box.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, L('Hãy nhập câu trả lời.', 'Write the answer.')));
          ans.focus();
          return;
        }
        act(`/api/v1/queries/${x.event}/answer`, { answer: ans.value.trim() }, box, () => { location.hash = `#/queries?t=${Date.now()}`; });
      } }, field(`answer-${x.event}`, L('Trả lời', 'Answer'), ans), box,
      h('div', { class: 'actions' },
        h('button', { type: 'submit' }, L('Gửi trả lời', 'Send the answer')),
        ev.type && ev.type !== 'void' ? h('a', { class: 'btn secondary', href: fix }, L('Sửa biến động', 'Correct the change')) : null))));
  }
  if (closed.length) {
    main.append(h('h2', {}, L('Đã trả lời', 'Answered')), h('ul', { class: 'changes' }, closed.map((x) => h('li', { class: 'change' },
      h('div', {}, h('strong', {}, x.type_label || x.event_body?.type || ''), ` – ${who(x)} · ${date(x.event_body?.date)}`),
      h('div', {}, `${L('Hỏi', 'Asked')}: ${x.question || ''}`),
      h('div', {}, `${L('Trả lời', 'Answer')}: ${x.answer?.answer || ''}${x.answer?.correction ? L(' (đã sửa)', ' (corrected)') : ''}`)))));
  }
}

// ---- a report of the cycle: submit, approve, return, history, revision ----

// The communes (districts for 01-DSH) a province officer decides on, by name.
async function reportingUnits(root, period) {
  const to = /^\d{4}-\d{2}$/.test(period) ? `${period}-28` : /^\d{4}$/.test(period) ? `${period}-12-31` : '';
  try {
    const tree = await api(`/api/v1/units?${q({ root, levels: 2, date: to })}`);
    const out = [];
    const walk = (u) => { if (u.level === 'commune' || u.level === 'district') out.push(u); for (const c of u.children || []) walk(c); };
    tree.units.forEach(walk);
    return out;
  } catch { return []; }
}

function historyTable(r) {
  const what = (x) => (x.what === 'submitted' ? `${L('Gửi lần', 'Version')} ${x.version}${x.revision ? L(' (bản điều chỉnh)', ' (revision)') : ''}`
    : x.what === 'approved' ? L('Duyệt', 'Approved') : L('Trả lại', 'Returned'));
  return h('div', { id: 'cycle-history' }, h('h2', {}, L('Lịch sử', 'History')),
    r.history.length ? table([L('Ngày', 'Date'), L('Việc', 'What'), L('Người', 'By'), L('Ý kiến', 'Comment')],
      r.history.map((x) => h('tr', {}, h('td', { class: 'nw' }, date(x.date)), h('td', {}, what(x)), h('td', {}, x.by_name || x.by), h('td', {}, x.comment || ''))))
      : h('p', { class: 'muted' }, L('Chưa gửi lần nào.', 'Not submitted yet.')));
}

function valuesTable(r) {
  const diff = r.rows.filter((x) => x.differs);
  const byId = new Map(r.late_events.map((e) => [e.id, e]));
  const v = (x, k) => (x[k] == null ? '' : num(x[k], x.decimals || 0));
  const evText = (e) => `${e.cancels_label ? `${e.type_label} (${e.cancels_label})` : e.type_label}: ${who(e) || '–'}, ${date(e.date)} – ${L('ghi bởi', 'recorded by')} ${e.recorded_by_name || e.recorded_by}`;
  const rows = [];
  const delta = (x) => (x.differs && x.today != null && x.approved != null
    ? h('div', { class: 'delta' }, `(${x.today > x.approved ? '+' : '−'}${num(Math.abs(x.today - x.approved), x.decimals || 0)})`) : null);
  for (const x of diff.length ? diff : r.rows) {
    rows.push(h('tr', { class: x.differs ? 'bad' : '', 'data-row': x.code },
      h('td', { class: x.indent ? `i${x.indent}` : '' }, h('span', { class: 'rc' }, `${x.code}. `), x.label),
      h('td', { class: 'n' }, v(x, 'approved')), h('td', { class: 'n' }, v(x, 'today'), delta(x))));
    if (x.differs) {
      const evs = (x.events || []).map((id) => byId.get(id)).filter(Boolean);
      rows.push(h('tr', { class: 'why', 'data-why': x.code }, h('td', { colspan: 3 },
        evs.length ? h('ul', {}, evs.map((e) => h('li', {}, evText(e))))
          : h('span', { class: 'muted' }, L('Không tìm thấy biến động nào ghi sau khi duyệt giải thích dòng này.', 'No change recorded after the approval explains this row.')))));
    }
  }
  const approved = r.rows.some((x) => x.approved != null);
  return h('div', { id: 'cycle-values' },
    h('h2', {}, diff.length ? L('Khác biệt so với số đã duyệt', 'Differences from the approved values') : approved ? L('Số liệu đã duyệt', 'Approved values') : L('Số liệu hiện nay', "Today's values")),
    diff.length ? help(L(`Sau khi duyệt, có biến động mới ghi vào kỳ này: ${diff.length} dòng khác số đã duyệt. Dưới mỗi dòng là các biến động làm thay đổi dòng đó.`,
      `Changes recorded into this period after the approval: ${diff.length} rows differ from the approved values. Under each row, the changes that make the difference.`)) : null,
    table([L('Chỉ tiêu', 'Indicator'), L('Đã duyệt', 'Approved'), L('Hiện nay', 'Today')], rows));
}

export async function cycle(main, params) {
  const role = state.user?.role;
  const unit = params.get('unit') || (role === 'commune' ? state.user.unit : '');
  const period = params.get('period') || lastMonth();
  const form = params.get('form') || '';
  const p = periodPicker(period, { kinds: ['month', 'quarter', 'year'], legend: L('Kỳ báo cáo', 'Period') });
  const f = h('select', {}, ['', '01-DSX', '02-DSX', '03-DSX', '01-DSH'].map((x) => h('option', { value: x, selected: x === form }, x || L('(theo kỳ)', '(by period)'))));
  let u;
  if (role === 'commune') u = h('input', { type: 'hidden', value: unit });
  else {
    const units = await reportingUnits(state.user?.unit || '', period);
    u = units.length ? h('select', {}, [h('option', { value: '' }, '—'), ...units.map((x) => h('option', { value: x.code, selected: x.code === unit }, x.name))])
      : h('input', { type: 'text', value: unit });
  }
  const picker = h('form', { class: 'f card noprint', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/cycle?${q({ unit: u.value.trim(), period: p.value, form: f.value })}`;
  } }, h('div', { class: 'row2' }, role === 'commune' ? u : field('unit', L('Xã, phường', 'Commune'), u),
    p.el,
    field('form', L('Mẫu báo cáo', 'Form'), f)),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, L('Xem', 'Show'))));
  main.replaceChildren(h('h1', {}, L('Gửi và duyệt báo cáo', 'Submit and approve reports')),
    help(role === 'commune'
      ? L('Hết tháng, xã gửi báo cáo 01-DSX (hết quý: 02-DSX, hết năm: 03-DSX), hạn là ngày làm việc thứ 5 sau khi hết kỳ (không tính thứ Bảy, Chủ nhật, ngày lễ, Tết). Số liệu được chốt khi gửi. Tỉnh duyệt hoặc trả lại kèm ý kiến; báo cáo bị trả lại thì sửa rồi gửi lại.',
        'After the month the commune submits 01-DSX (after a quarter 02-DSX, after the year 03-DSX), due on the 5th working day after the period. The values are frozen when submitted. The province approves, or returns with a comment; a returned report is corrected and submitted again.')
      : L('Chọn xã, phường và kỳ. Duyệt báo cáo đã gửi, hoặc trả lại kèm ý kiến nêu rõ cần sửa gì. Báo cáo đã duyệt được khóa; nếu sau đó có biến động mới, xã gửi bản điều chỉnh để duyệt lại.',
        'Choose a commune and a period. Approve a submitted report, or return it with a comment saying what to correct. An approved report is locked; when changes arrive later, the commune submits a revision to approve again.')),
    picker);
  if (!unit) return;
  const r = await api(`/api/v1/cycle/report?${q({ unit, period, form })}`);
  const body = { form: r.form, unit, period: r.period };
  const reload = () => { location.hash = `#/cycle?${q({ unit: params.get('unit'), period, form, t: Date.now() })}`; };
  const box = h('div', { 'aria-live': 'polite' });
  const comment = h('textarea', { rows: 3, maxlength: 2000 });
  const first = r.submitted ? L(`Gửi lần đầu ngày ${date(r.submitted)}`, `First submitted on ${date(r.submitted)}`) : L('Chưa gửi', 'Not submitted yet');
  const late = r.late_days ? (r.submitted ? ` – ${lateText(r.late_days)}` : L(` – đã quá hạn ${r.late_days} ngày làm việc`, ` – ${r.late_days} working days overdue`)) : r.submitted ? L(' – đúng hạn', ' – on time') : '';
  const returnIt = () => {
    if (!comment.value.trim()) {
      box.replaceChildren(h('div', { class: 'msg bad', role: 'alert' }, L('Hãy ghi ý kiến: cần sửa gì trước khi gửi lại.', 'Write a comment: what to correct before submitting again.')));
      comment.focus();
      return;
    }
    act('/api/v1/cycle/return', { ...body, comment: comment.value.trim() }, box, reload);
  };
  const ended = r.period_end < today();
  const canSubmit = role === 'commune' && ended && ['missing', 'returned', 'revised'].includes(r.state);
  const dayAfter = (iso) => { const d = new Date(`${iso}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1); return d.toISOString().slice(0, 10); };
  main.append(h('section', { class: 'card', id: 'cycle-state' },
    h('h2', {}, `${r.form} – ${r.unit_name} – ${r.period_label}`),
    h('p', { class: `msg ${stateClass(r.state)}`, id: 'cycle-status' }, `${stateText(r.state)}${r.revision && r.state === 'submitted' ? L(' (bản điều chỉnh)', ' (a revision)') : ''}`),
    h('p', {}, `${L('Hạn gửi', 'Due')}: ${date(r.deadline)} · ${first}${late}`),
    r.comment && r.state !== 'approved' && r.state !== 'revised' ? h('p', { id: 'cycle-comment' }, h('strong', {}, `${L('Ý kiến của tỉnh', "The province's comment")}: `), r.comment) : null,
    canSubmit ? h('div', { class: 'actions' }, h('button', { type: 'button', id: 'submit', onclick: () => act('/api/v1/cycle/submit', body, box, reload) },
      r.state === 'revised' ? L('Gửi bản điều chỉnh', 'Submit a revision') : r.state === 'returned' ? L('Gửi lại báo cáo', 'Submit again') : L('Gửi báo cáo', 'Submit'))) : null,
    role === 'province' && r.state === 'submitted' ? [
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'approve', onclick: () => act('/api/v1/cycle/approve', body, box, reload) }, L('Duyệt', 'Approve'))),
      field('comment', L('Ý kiến khi trả lại', 'Comment when returning'), comment),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'return', class: 'secondary', onclick: returnIt }, L('Trả lại', 'Return')))] : null,
    !ended ? h('p', { class: 'muted', id: 'not-ended' }, L(`Kỳ báo cáo chưa kết thúc: gửi được từ ngày ${date(dayAfter(r.period_end))}.`, `The period has not ended: it can be submitted from ${date(dayAfter(r.period_end))}.`))
      : role === 'province' && r.state === 'missing' ? h('p', { class: 'muted' }, L('Xã chưa gửi báo cáo này.', 'The commune has not submitted this report.')) : null,
    box),
  historyTable(r), valuesTable(r));
}

// ---- timeliness and the roll-up (province) ----

export async function timeliness(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  // A month by default; a quarter (2026-Q1) or a year (2026) for 02-DSX and 03-DSX.
  const month = params.get('month') || params.get('period') || lastMonth();
  const r = await api(`/api/v1/cycle/timeliness?${q({ unit, period: month })}`);
  const s = r.summary[0] || {};
  const base = `/api/v1/cycle/timeliness?${q({ unit, period: month, lang: getLang() })}`;
  const late = (x) => (x.late_days ? num(x.late_days) : x.state === 'missing' ? '' : '0');
  main.replaceChildren(h('h1', {}, `${L('Tiến độ gửi báo cáo', 'Timeliness of reports')} – ${periodLabel(month)}`),
    help(L(`Hạn gửi ${s.form || ''}: ${date(s.deadline)} (ngày làm việc thứ 5 sau khi hết kỳ; không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết). “Chậm” đếm số ngày làm việc sau hạn. Bấm tên xã để xem báo cáo, duyệt hoặc trả lại.`,
      `${s.form || ''} due ${date(s.deadline)} (the 5th working day after the period, without weekends and public holidays). "Late" counts working days after the deadline. Press a commune's name to open its report, approve or return it.`)),
    monthPicker('timeliness', { unit: params.get('unit') }, month, true),
    h('p', { id: 'timely-summary', class: 'msg' }, L(`${s.submitted}/${s.units} xã đã gửi: ${s.on_time} đúng hạn, ${s.late} chậm; ${s.missing} chưa gửi, ${s.returned} bị trả lại, ${s.approved} đã duyệt, ${s.revised} có thay đổi sau duyệt.${s.areas ? ` ${s.areas_reviewed}/${s.areas} địa bàn đã rà soát.` : ''}`,
      `${s.submitted}/${s.units} communes submitted: ${s.on_time} on time, ${s.late} late; ${s.missing} missing, ${s.returned} returned, ${s.approved} approved, ${s.revised} changed after approval.${s.areas ? ` ${s.areas_reviewed}/${s.areas} areas reviewed.` : ''}`)),
    h('div', { class: 'actions noprint' }, ['csv', 'xlsx'].map((f) => h('a', { class: 'btn secondary', href: `${base}&format=${f}`, download: `tien-do-${month}.${f}` }, `${L('Tải về', 'Download')} ${f.toUpperCase()}`))),
    h('div', { id: 'timely-units' }, table([L('Xã, phường', 'Commune'), L('Tình trạng', 'State'), h('th', { scope: 'col', class: 'n' }, L('Chậm', 'Late')), h('th', { scope: 'col', class: 'n' }, L('Rà soát', 'Reviewed'))],
      r.units.map((x) => h('tr', { class: x.late_days ? 'bad' : '', 'data-unit': x.unit },
        h('td', {}, h('a', { href: `#/cycle?${q({ unit: x.unit, period: x.period, form: x.form })}` }, x.name)),
        h('td', {}, stateText(x.state), h('div', { class: 'muted small' }, x.submitted ? `${L('gửi', 'sent')} ${date(x.submitted)}`
          : x.late_days ? L('quá hạn', 'overdue') : L('chưa đến hạn', 'not yet due'))),
        h('td', { class: 'n' }, late(x)),
        h('td', { class: 'n', title: L('địa bàn đã rà soát / số địa bàn', 'areas reviewed / areas') }, `${x.areas_reviewed}/${x.areas}`))))),
    help(L('Chậm: số ngày làm việc sau hạn đến ngày gửi (chưa gửi thì đến hôm nay). Rà soát: số địa bàn xã đã rà soát trong tháng / số địa bàn.',
      'Late: working days after the deadline until the submission (until today when missing). Reviewed: areas the commune reviewed for the month / areas.')));
  // The province's report two ways: live from the register, and the sum of the approved commune reports.
  let roll;
  try { roll = await api(`/api/v1/cycle/rollup?${q({ unit, period: month })}`); } catch { return; }
  const names = new Map(r.units.map((x) => [x.unit, x.name]));
  const v = (x, k) => (x[k] == null ? '' : num(x[k], x.decimals || 0));
  // Two lines a row (the indicator, then its three numbers), so that the numbers stay readable on a phone.
  const body = (all) => roll.rows.filter((x) => all || x.difference).flatMap((x) => [
    h('tr', { class: 'lab-row' }, h('td', { colspan: 3, class: x.indent ? `i${x.indent}` : '' }, h('span', { class: 'rc' }, `${x.code}. `), x.label)),
    h('tr', { class: x.difference ? 'bad' : '', 'data-row': x.code },
      h('td', { class: 'n' }, v(x, 'live')), h('td', { class: 'n' }, v(x, 'approved_sum')), h('td', { class: 'n' }, v(x, 'difference')))]);
  const tbl = table([h('th', { scope: 'col', class: 'n' }, L('Trực tiếp', 'Live')), h('th', { scope: 'col', class: 'n' }, L('Tổng đã duyệt', 'Approved sum')),
    h('th', { scope: 'col', class: 'n' }, L('Chênh lệch', 'Difference'))], body(false));
  const ndiff = roll.rows.filter((x) => x.difference).length;
  let all = false;
  const toggle = h('button', { type: 'button', class: 'secondary', onclick: () => {
    all = !all;
    tbl.querySelector('tbody').replaceChildren(...body(all));
    toggle.textContent = all ? L('Chỉ hiện dòng có chênh lệch', 'Only the rows that differ') : L('Hiện mọi dòng', 'Show every row');
  } }, L('Hiện mọi dòng', 'Show every row'));
  main.append(h('details', { class: 'card', id: 'rollup' },
    h('summary', {}, L('Tổng hợp của tỉnh: số liệu trực tiếp và tổng các báo cáo xã đã duyệt', "The province's totals: live, and the sum of the approved commune reports")),
    help(roll.approved_units.length
      ? L(`“Trực tiếp”: tính từ sổ hôm nay. “Tổng đã duyệt”: cộng các báo cáo đã duyệt của ${roll.approved_units.length} xã (${roll.approved_units.map((c) => names.get(c) || c).join(', ')}). Chưa duyệt: ${roll.not_approved_units.map((c) => names.get(c) || c).join(', ') || 'không'}. Tỷ lệ, tỷ số không cộng được nên để trống. ${ndiff} dòng có chênh lệch.`,
        `"Live": from the register today. "Approved sum": the approved reports of ${roll.approved_units.length} communes added up. Not approved: ${roll.not_approved_units.map((c) => names.get(c) || c).join(', ') || 'none'}. Rates are not added up. ${ndiff} rows differ.`)
      : L('Chưa có báo cáo xã nào được duyệt cho kỳ này.', 'No commune report is approved for this period yet.')),
    h('div', { class: 'actions' }, toggle), tbl));
}
