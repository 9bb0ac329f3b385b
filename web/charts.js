// Small SVG charts: grouped monthly bars and a population pyramid.  They
// scale with their box (viewBox), so they stay readable on a phone.
import { h } from './core.js';
import { num, t } from './i18n.js';

// The top of the value axis: a multiple of 4, so that the 4 grid steps are whole numbers.
const top = (months, keys) => Math.max(4, Math.ceil(Math.max(...months.flatMap((m) => keys.map((k) => m[k] || 0))) / 4) * 4);

const COLORS = { births: '#0b5d4b', deaths: '#6e7781', in: '#1f6feb', out: '#bf3989' };

export function monthBars(months, keys) {
  const W = 400, H = 230, L = 36, B = 24, T = 10;
  const max = top(months, keys);
  const step = (W - L) / 12, bw = (step - 6) / keys.length;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    g.push(h('line', { x1: L, x2: W, y1: y(v), y2: y(v), stroke: '#d0d7de' }),
      h('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 14, fill: '#57606a' }, num(v)));
  }
  months.forEach((m, i) => {
    const x0 = L + i * step + 3;
    keys.forEach((k, j) => {
      const v = m[k] || 0;
      g.push(h('rect', { x: x0 + j * bw, y: y(v), width: Math.max(1, bw - 1), height: H - B - y(v), fill: COLORS[k] },
        h('title', {}, `${t(k)} ${m.month}: ${num(v)}`)));
    });
    g.push(h('text', { x: x0 + (step - 6) / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': 14, fill: '#57606a' }, m.month));
  });
  return h('figure', {},
    h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': keys.map((k) => t(k)).join(', ') }, g),
    h('figcaption', { class: 'legend' }, keys.map((k) => h('span', {}, h('span', { class: `sw ${k[0]}` }), t(k)))));
}

// Lines over the months of a year, one per key, with a dot and a value label at each month.
export function monthLines(months, keys) {
  const W = 400, H = 210, L = 36, B = 24, T = 12, R = 8;
  const max = top(months, keys);
  const step = (W - L - R) / 11;
  const x = (i) => L + i * step;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    g.push(h('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#d0d7de' }),
      h('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 14, fill: '#57606a' }, num(v)));
  }
  for (let i = 0; i < 12; i++) {
    g.push(h('text', { x: x(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 14, fill: '#57606a' }, i + 1));
  }
  for (const k of keys) {
    const pts = months.map((m, i) => `${x(i).toFixed(1)},${y(m[k] || 0).toFixed(1)}`).join(' ');
    g.push(h('polyline', { points: pts, fill: 'none', stroke: COLORS[k], 'stroke-width': 2.5 }));
    months.forEach((m, i) => g.push(h('circle', { cx: x(i), cy: y(m[k] || 0), r: 3.5, fill: COLORS[k] },
      h('title', {}, `${t(k)} ${m.month}: ${num(m[k] || 0)}`))));
  }
  return h('figure', {},
    h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': keys.map((k) => t(k)).join(', ') }, g),
    h('figcaption', { class: 'legend' }, keys.map((k) => h('span', {}, h('span', { class: `sw ${k[0]}` }), t(k)))));
}

// Months as a small table too, for screen readers and exact numbers.
export function monthTable(months, keys) {
  return h('details', {}, h('summary', {}, t('numbers')), h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('month')), keys.map((k) => h('th', { scope: 'col', class: 'n' }, t(k))))),
    h('tbody', {}, months.map((m) => h('tr', {}, h('td', {}, m.month), keys.map((k) => h('td', { class: 'n' }, num(m[k] || 0)))))))));
}

export function pyramid(rows) {
  const W = 400, rowH = 19, H = rows.length * rowH + 30, mid = W / 2, lab = 56;
  const max = Math.max(1, ...rows.flatMap((r) => [r.male, r.female]));
  const sc = (v) => ((mid - lab / 2 - 4) * v) / max;
  const g = [];
  [...rows].reverse().forEach((r, i) => {
    const yy = 6 + i * rowH;
    g.push(h('rect', { x: mid - lab / 2 - sc(r.male), y: yy, width: sc(r.male), height: rowH - 3, fill: '#1f6feb' },
      h('title', {}, `${t('male')} ${r.age}: ${num(r.male)}`)));
    g.push(h('rect', { x: mid + lab / 2, y: yy, width: sc(r.female), height: rowH - 3, fill: '#bf3989' },
      h('title', {}, `${t('female')} ${r.age}: ${num(r.female)}`)));
    g.push(h('text', { x: mid, y: yy + rowH - 6, 'text-anchor': 'middle', 'font-size': 14, fill: '#1b1f23' }, r.age));
  });
  const total = (k) => rows.reduce((s, r) => s + r[k], 0);
  g.push(h('text', { x: 4, y: H - 6, 'font-size': 14, fill: '#1f6feb' }, `${t('male')} ${num(total('male'))}`));
  g.push(h('text', { x: W - 4, y: H - 6, 'font-size': 14, fill: '#bf3989', 'text-anchor': 'end' }, `${t('female')} ${num(total('female'))}`));
  return h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('pyramid') }, g);
}

// A thin progress bar for "share of the target reached".
export function progress(share) {
  const p = Math.max(0, Math.min(1, share));
  return h('div', { class: 'bar' }, h('svg', { viewBox: '0 0 100 6', preserveAspectRatio: 'none', width: '100%', height: 6 },
    h('rect', { x: 0, y: 0, width: 100 * p, height: 6, fill: p >= 1 ? '#116329' : '#0b5d4b' })));
}

// A small line of a monthly series, the flagged (last) month as a red dot, with its months and values as a title.
export function sparkline(series, label) {
  const W = 140, H = 40, P = 4;
  const vals = series.map((s) => (s.value === null || s.value === undefined ? null : Number(s.value)));
  const known = vals.filter((v) => v !== null);
  if (known.length < 2) return null;
  const lo = Math.min(...known), hi = Math.max(...known), span = hi - lo || 1;
  const x = (i) => P + ((W - 2 * P) * i) / (vals.length - 1);
  const y = (v) => H - P - ((H - 2 * P) * (v - lo)) / span;
  const pts = vals.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean).join(' ');
  const last = vals.length - 1;
  const title = series.map((s) => `${s.month}: ${s.value === null ? '–' : num(s.value)}`).join(', ');
  return h('svg', { class: 'spark', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label },
    h('title', {}, title),
    h('polyline', { points: pts, fill: 'none', stroke: '#57606a', 'stroke-width': 1.5 }),
    vals[last] === null ? null : h('circle', { cx: x(last), cy: y(vals[last]), r: 3.5, fill: '#cf222e' }));
}
