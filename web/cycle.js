// The monthly cycle: the commune's review of the month, a report's
// submission and approval with its history and revision, the province's
// timeliness page, and the collaborator's questions.  Names, not ids.
import { api, field, h, state, table, toast } from './core.js';
import { date, getLang, num, t } from './i18n.js';

const q = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== '' && v != null)).toString();
const vi = () => getLang() !== 'en';
const L = (a, b) => (vi() ? a : b);
const lastMonth = () => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};
const STATE = {
  missing: ['Chưa gửi', 'Missing'], submitted: ['Đã gửi, chờ duyệt', 'Submitted'], returned: ['Bị trả lại', 'Returned'],
  approved: ['Đã duyệt', 'Approved'], revised: ['Có thay đổi sau khi duyệt', 'Revised after approval'],
};
const stateText = (s) => L(...STATE[s]);

async function act(path, body, done) {
  try {
    await api(path, { method: 'POST', body });
    toast(L('Đã ghi.', 'Saved.'));
    done();
  } catch (e) {
    toast(e.message);
  }
}

// ---- review of the month (commune officer) ----
export async function review(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const month = params.get('month') || lastMonth();
  const r = await api(`/api/v1/review?${q({ unit, month })}`);
  const reload = () => { location.hash = `#/review?${q({ unit, month, t: Date.now() })}`; };
  main.replaceChildren(h('h1', {}, `${L('Rà soát biến động tháng', 'Review of the month')} ${month.slice(5)}/${month.slice(0, 4)}: ${r.unit_name}`));
  for (const a of r.areas) {
    const card = h('div', { class: 'card', 'data-area': a.code },
      h('h2', {}, `${a.name} – ${a.count ? L(`${a.count} biến động`, `${a.count} changes`) : L('không có biến động nào (thiếu phiếu?)', 'no change at all (a missing slip?)')}`),
      a.reviewed ? h('p', { class: 'msg good' }, `${L('Đã rà soát', 'Reviewed')}: ${a.reviewed.by}, ${date(a.reviewed.at.slice(0, 10))}`)
        : h('button', { type: 'button', onclick: () => act('/api/v1/review', { area: a.code, month }, reload) }, L('Đánh dấu đã rà soát', 'Mark reviewed')));
    if (a.changes.length) {
      card.append(table([t('date'), t('name'), t('event'), t('recordedBy'), L('Hỏi lại', 'Query')], a.changes.map((c) => {
        const ask = h('input', { type: 'text', placeholder: L('Câu hỏi cho cộng tác viên', 'Question to the collaborator') });
        const qcell = c.query
          ? h('span', {}, `${c.query.question} → ${c.query.answer ? c.query.answer.answer : L('chưa trả lời', 'not answered yet')}`)
          : h('span', {}, ask, h('button', { type: 'button', class: 'secondary', onclick: () => act('/api/v1/queries', { event: c.event.id, question: ask.value }, reload) }, L('Hỏi', 'Ask')));
        return h('tr', { class: c.voided ? 'void' : '' }, h('td', { class: 'nw' }, date(c.event.date)), h('td', {}, c.name || ''),
          h('td', {}, c.event.type), h('td', {}, `${c.recorded_by_name} (${date(c.recorded_at.slice(0, 10))})`), h('td', {}, qcell));
      })));
    }
    main.append(card);
  }
}

// ---- the collaborator's questions ----
export async function queries(main) {
  const r = await api('/api/v1/queries');
  main.replaceChildren(h('h1', {}, L('Câu hỏi của cán bộ xã', 'Questions from the commune officer')));
  if (!r.queries.length) { main.append(h('p', {}, L('Không có câu hỏi nào.', 'No question.'))); return; }
  for (const x of r.queries) {
    const ans = h('input', { type: 'text' });
    main.append(h('div', { class: 'card', 'data-event': x.event },
      h('p', {}, `${x.name || ''} – ${x.event_body?.type || ''} ${date(x.event_body?.date)}`),
      h('p', {}, h('strong', {}, x.question), ` (${x.by})`),
      field(`answer-${x.event}`, L('Trả lời', 'Answer'), ans),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => act(`/api/v1/queries/${x.event}/answer`, { answer: ans.value }, () => { location.hash = `#/queries?t=${Date.now()}`; }) }, L('Gửi trả lời', 'Send the answer')),
        h('a', { class: 'btn secondary', href: `#/record?type=void&target=${x.event}` }, L('Sửa: hủy biến động này', 'Correct: cancel this change')))));
  }
}

// ---- a report of the cycle: submit, approve, return, history, revision ----
export async function cycle(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const period = params.get('period') || lastMonth();
  const form = params.get('form') || '';
  const picker = h('form', { class: 'f card', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/cycle?${q({ unit: u.value.trim(), period: p.value.trim(), form: f.value })}`;
  } });
  const u = h('input', { type: 'text', value: unit });
  const p = h('input', { type: 'text', value: period });
  const f = h('select', {}, ['', '01-DSX', '02-DSX', '03-DSX', '01-DSH'].map((x) => h('option', { value: x, selected: x === form }, x || L('(theo kỳ)', '(by period)'))));
  picker.append(h('div', { class: 'row2' }, field('unit', t('unit'), u), field('period', t('period'), p, t('periodHint')), field('form', t('form'), f)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('show'))));
  main.replaceChildren(h('h1', {}, L('Gửi và duyệt báo cáo', 'Submit and approve reports')), picker);
  const r = await api(`/api/v1/cycle/report?${q({ unit, period, form })}`);
  const body = { form: r.form, unit, period };
  const reload = () => { location.hash = `#/cycle?${q({ unit, period, form, t: Date.now() })}`; };
  const comment = h('textarea', { rows: 2 });
  const role = state.user?.role;
  main.append(h('div', { class: 'card', id: 'cycle-state' },
    h('h2', {}, `${r.form} – ${r.unit_name} – ${r.period}`),
    h('p', { class: `msg ${r.state === 'approved' ? 'good' : r.state === 'missing' || r.state === 'returned' ? 'bad' : ''}` },
      `${stateText(r.state)}${r.late_days ? ` · ${L(`chậm ${r.late_days} ngày làm việc`, `${r.late_days} working days late`)}` : ''} · ${L('hạn', 'due')} ${date(r.deadline)}`),
    r.comment ? h('p', {}, `${L('Ý kiến', 'Comment')}: ${r.comment}`) : null,
    h('div', { class: 'actions' },
      role === 'commune' && r.state !== 'submitted' && r.state !== 'approved'
        ? h('button', { type: 'button', id: 'submit', onclick: () => act('/api/v1/cycle/submit', body, reload) }, r.state === 'revised' ? L('Gửi bản điều chỉnh', 'Submit a revision') : L('Gửi báo cáo', 'Submit')) : null,
      role === 'province' && r.state === 'submitted' ? [
        h('button', { type: 'button', id: 'approve', onclick: () => act('/api/v1/cycle/approve', body, reload) }, L('Duyệt', 'Approve')),
        field('comment', L('Ý kiến khi trả lại', 'Comment when returning'), comment),
        h('button', { type: 'button', id: 'return', class: 'secondary', onclick: () => act('/api/v1/cycle/return', { ...body, comment: comment.value }, reload) }, L('Trả lại', 'Return'))] : null)));
  main.append(h('h2', {}, L('Lịch sử', 'History')), table([t('date'), t('action'), L('Người', 'By'), L('Ý kiến', 'Comment')],
    r.history.map((x) => h('tr', {}, h('td', { class: 'nw' }, date(x.date)), h('td', {}, x.what === 'submitted' ? `${L('Gửi lần', 'Version')} ${x.version}${x.revision ? L(' (điều chỉnh)', ' (revision)') : ''}` : x.what === 'approved' ? L('Duyệt', 'Approved') : L('Trả lại', 'Returned')),
      h('td', {}, x.by), h('td', {}, x.comment || '')))));
  const diff = r.rows.filter((x) => x.differs);
  main.append(h('h2', {}, diff.length ? L('Khác biệt so với số đã duyệt', 'Differences from the approved values') : L('Số liệu', 'Values')),
    table([t('code'), t('indicator'), L('Đã duyệt', 'Approved'), L('Hiện nay', 'Today')], (diff.length ? diff : r.rows).map((x) =>
      h('tr', { class: x.differs ? 'bad' : '' }, h('td', {}, x.code), h('td', {}, x.label), h('td', { class: 'n' }, x.approved == null ? '' : num(x.approved, 1)), h('td', { class: 'n' }, x.today == null ? '' : num(x.today, 1))))));
  if (r.late_events.length)
    main.append(h('h2', {}, L('Biến động ghi sau khi duyệt', 'Changes recorded after the approval')),
      table([t('date'), t('event'), t('name'), t('recordedBy')], r.late_events.map((e) => h('tr', {}, h('td', { class: 'nw' }, date(e.date)), h('td', {}, e.type), h('td', {}, e.name || ''), h('td', {}, e.recorded_by)))));
}

// ---- timeliness (province) ----
export async function timeliness(main, params) {
  const unit = params.get('unit') || state.user?.unit || '';
  const period = params.get('period') || lastMonth();
  const r = await api(`/api/v1/cycle/timeliness?${q({ unit, period })}`);
  const s = r.summary[0] || {};
  const base = `/api/v1/cycle/timeliness?${q({ unit, period, lang: getLang() })}`;
  main.replaceChildren(h('h1', {}, `${L('Tiến độ gửi báo cáo', 'Timeliness of reports')} ${period}`),
    h('p', { id: 'timely-summary' }, L(`${s.submitted}/${s.units} đã gửi, ${s.on_time} đúng hạn, ${s.late} chậm, ${s.missing} chưa gửi, ${s.returned} bị trả lại, ${s.revised} có thay đổi sau duyệt; ${s.areas_reviewed}/${s.areas} địa bàn đã rà soát.`,
      `${s.submitted}/${s.units} submitted, ${s.on_time} on time, ${s.late} late, ${s.missing} missing, ${s.returned} returned, ${s.revised} revised; ${s.areas_reviewed}/${s.areas} areas reviewed.`)),
    h('div', { class: 'actions' }, ['csv', 'xlsx'].map((f) => h('a', { class: 'btn secondary', href: `${base}&format=${f}`, download: `tien-do-${period}.${f}` }, `${t('download')} ${f.toUpperCase()}`))),
    table([t('unit'), L('Tình trạng', 'State'), L('Ngày gửi', 'Submitted'), L('Chậm (ngày làm việc)', 'Late (working days)'), L('Địa bàn đã rà soát', 'Areas reviewed')],
      r.units.map((x) => h('tr', { class: x.late_days ? 'bad' : '' },
        h('td', {}, h('a', { href: `#/cycle?${q({ unit: x.unit, period: x.period, form: x.form })}` }, x.name)),
        h('td', {}, stateText(x.state)), h('td', { class: 'nw' }, date(x.submitted)), h('td', { class: 'n' }, num(x.late_days)),
        h('td', { class: 'n' }, `${x.areas_reviewed}/${x.areas}`)))));
}
