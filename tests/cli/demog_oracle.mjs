// An independent oracle for tests/cli/demog.test.mjs: the life table and the
// cohort-component projection written again, in JavaScript, straight from
// shared/spec/demography.md ("Life table", "Cohort-component projection"),
// without reference to src/demog.  It is not a copy of the C code's output:
// when the two disagree, one of them has misread the spec.
//
// The one reading the spec leaves open is taken as documented in
// src/demog/project.h and checked against PHG box 6.2 there: under `even`
// migration, P' in the births formula includes the second half of the
// step's migrants.

const RADIX = 100000;

// Coale-Demeny West (PHG table 3.3) in terms of m0.
function cdA0(sex, m0) {
  const m = m0 >= 0.107 ? 0.33 : 0.045 + 2.684 * m0;
  const f = m0 >= 0.107 ? 0.35 : 0.053 + 2.8 * m0;
  return sex === 'M' ? m : sex === 'F' ? f : (m + f) / 2;
}

function cd4a1(sex, m0) {
  const m = m0 >= 0.107 ? 1.352 : 1.651 - 2.816 * m0;
  const f = m0 >= 0.107 ? 1.361 : 1.522 - 1.518 * m0;
  return sex === 'M' ? m : sex === 'F' ? f : (m + f) / 2;
}

// rows: [{age, width (null for the open group), mx, ax (null: default)}], sorted by age.
export function lifeTable(sex, rows) {
  const n = rows.length;
  const abridged = n > 2 && rows[1].width === 4;
  const mx = rows.map((r) => r.mx);
  const ax = rows.map((r, i) => {
    if (r.ax !== null && r.ax !== undefined) return r.ax;
    if (i === n - 1) return null;
    if (i === 0) return cdA0(sex, mx[0]);
    if (!abridged) return 0.5;
    if (i === 1) return cd4a1(sex, mx[0]);
    if (r.age === 5) return 2.5;
    const lo = mx[i - 1], hi = mx[i + 1];
    if (lo === 0 || hi === 0) return 2.5;
    const k = Math.log(hi / lo) / 10;
    return Math.min(5, Math.max(0, 2.5 - (25 / 12) * (mx[i] - k)));
  });
  const out = [];
  let l = RADIX;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const o = { sex, age: r.age, width: r.width, mx: mx[i], lx: l };
    if (i < n - 1) {
      const w = r.width;
      o.qx = Math.min(1, (w * mx[i]) / (1 + (w - ax[i]) * mx[i]));
      o.dx = l * o.qx;
      l -= o.dx;
      o.Lx = w * l + ax[i] * o.dx;
      o.ax = ax[i];
    } else {
      o.qx = 1;
      o.dx = l;
      o.Lx = ax[i] === null ? l / mx[i] : ax[i] * l;
      o.ax = o.Lx / l;
    }
    out.push(o);
  }
  let T = 0;
  for (let i = n - 1; i >= 0; i--) {
    T += out[i].Lx;
    out[i].Tx = T;
    out[i].ex = out[i].lx > 0 ? T / out[i].lx : 0;
  }
  // Survival ratios by destination age; an abridged table serves five-year steps.
  const ratio = (a, b) => (b > 0 ? a / b : 0);
  if (!abridged) {
    out[0].Sx = out[0].Lx / RADIX;
    for (let i = 1; i < n - 1; i++) out[i].Sx = ratio(out[i].Lx, out[i - 1].Lx);
    out[n - 1].Sx = ratio(out[n - 1].Tx, out[n - 2].Tx);
  } else {
    const L04 = out[0].Lx + out[1].Lx;
    out[0].Sx = L04 / (5 * RADIX);
    out[1].Sx = null;
    for (let i = 2; i < n - 1; i++) out[i].Sx = ratio(out[i].Lx, i === 2 ? L04 : out[i - 1].Lx);
    out[n - 1].Sx = ratio(out[n - 1].Tx, n === 3 ? out[0].Tx : out[n - 2].Tx);
  }
  return out;
}

// Survival ratios for groups 0, n, ..., (G-1)n from person-years L by age
// (the open group's L its T), as the spec's step 5 defines them.
export function ratiosFromL(ages, L, n, G) {
  const group = (lo, hi) => ages.reduce((s, a, i) => (a >= lo && a < hi ? s + L[i] : s), 0);
  const A = (G - 1) * n;
  const T = group(A, Infinity);
  const S = [group(0, n) / (n * RADIX)];
  for (let g = 1; g < G - 1; g++) S.push(group(g * n, (g + 1) * n) / group((g - 1) * n, g * n));
  S.push(T / (group(A - n, A) + T));
  return S;
}

// One projection.  pop, S, mig: {M: [...], F: [...]}; asfr by group; mig may be null.
export function project({ n, steps, pop, S, asfr, srb, mig, migration }) {
  const G = pop.F.length;
  const population = [];
  const births = [];
  let P = { M: [...pop.M], F: [...pop.F] };
  for (let k = 1; k <= steps; k++) {
    const M = mig || { M: Array(G).fill(0), F: Array(G).fill(0) };
    const half = migration === 'even' ? 0.5 : 0;
    const start = {}, end = {};
    for (const s of ['M', 'F']) {
      start[s] = P[s].map((p, x) => Math.max(0, p + half * M[s][x]));
      end[s] = Array(G).fill(0);
      for (let x = 1; x < G - 1; x++) end[s][x] = start[s][x - 1] * S[s][x];
      end[s][G - 1] = (start[s][G - 2] + start[s][G - 1]) * S[s][G - 1];
      for (let x = 1; x < G; x++) end[s][x] = Math.max(0, end[s][x] + half * M[s][x]);
    }
    const B = asfr.map((f, x) => (x === 0 ? 0 : (n * f * (start.F[x] + end.F[x])) / 2));
    const total = B.reduce((a, b) => a + b, 0);
    const female = total / (1 + srb);
    const born = { F: female, M: total - female };
    for (const s of ['M', 'F']) {
      end[s][0] = Math.max(0, born[s] * S[s][0] + half * M[s][0]);
      if (migration === 'end') end[s] = end[s].map((p, x) => Math.max(0, p + M[s][x]));
    }
    for (const s of ['M', 'F'])
      end[s].forEach((count, x) => population.push({ step: k, sex: s, age: x * n, count }));
    B.forEach((b, x) => births.push({ step: k, mother_age: x * n, births: b }));
    P = end;
  }
  return { population, births };
}
