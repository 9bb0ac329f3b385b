// The form's rows and rates from the counts of bench/tuned/report.sql, as
// bench/sql/30_report.sql computes them from its counts (r_cnt): the same
// row map (code -> key, band range, split by sex), the same sums and the
// same formulas, in the same order of operations.  Returns the lines
// (col, code, v, male, female) that reference.mjs's assemble() takes.

// code, key, lo, hi, bysex (0 one value, 1 with men and women, 2 women only).
const MAP = [
	['1', 'hh', -1, -1, 0], ['1a', 'hh1', -1, -1, 0], ['2', 'pop', -1, -1, 1],
	['3', 'mw', -1, -1, 0], ['3a', 'fp', 1, 8, 0],
	...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => [`3a.${i}`, 'fp', i, i, 0]),
	['4', 'age', 60, 100, 1],
	['5', 'birth', -1, -1, 1], ['5a', 'b_order2', -1, -1, 0], ['5b', 'b_order3', -1, -1, 0],
	['5c', 'b_mage', 0, 19, 0], ['5d', 'b_home', -1, -1, 0],
	['6', 'death', -1, -1, 1], ['6a', 'death0', -1, -1, 0],
	['7', 'in', -1, -1, 0], ['8', 'out', -1, -1, 0],
	['9', 'marry', -1, -1, 0], ['9a', 'marry_child', -1, -1, 0], ['9b', 'marry_consang', -1, -1, 0],
	['9c', 'couple', -1, -1, 0], ['10', 'couple_pre', -1, -1, 0], ['11', 'divorce', -1, -1, 0],
	['12', 'fp_start', 1, 9, 0],
	...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [`12.${i}`, 'fp_start', i, i, 0]),
	['12a', 'fp_free_poor', -1, -1, 0], ['13', 'fp_stop', -1, -1, 0],
	['14', 'pregnancy', 1, 1, 0], ['14a.1', 'pregnancy', 2, 2, 0], ['14a.2', 'pregnancy', 3, 3, 0],
	['14a.3', 'pregnancy', 4, 4, 0],
	['15', 'prenatal', -1, -1, 0], ['16', 'newborn', -1, -1, 0], ['17', 'elderly', -1, -1, 0],
	...Array.from({ length: 21 }, (_, i) => [`A${i === 20 ? 100 : String(i * 5).padStart(2, '0')}`, 'age', i * 5, i * 5, 1]),
	...[10, 15, 20, 25, 30, 35, 40, 45, 50].map((a) => [`B${a}`, 'b_mage', a, a, 0]),
	['_elderly_ytd', 'elderly_ytd', -1, -1, 0], ['_popS', 'popS', -1, -1, 1],
	['_p0014', 'age', 0, 10, 0], ['_p1564', 'age', 15, 60, 0], ['_p65', 'age', 65, 100, 0],
	['_w1549', 'age', 15, 45, 2], ['_wS1549', 'ageS', 15, 45, 2],
	...[15, 20, 25, 30, 35, 40, 45].map((a) => [`_wS${a}`, 'ageS', a, a, 2]),
	...[15, 20, 25, 30, 35, 40, 45].map((a) => [`W${a}`, 'age', a, a, 2]),
];

// The counts (key, band, sex, n) one line of report.sql stands for.
function counts(k, a, b, c, d, n, add) {
	if (k === 'E') {
		add('pop', -1, a, n);
		add('age', b * 5, a, n);
		if (c !== null && c >= 0) { add('mw', -1, 0, n); add('fp', c, 0, n); }
	} else if (k === 'S') {
		add('popS', -1, a, n);
		add('ageS', b * 5, a, n);
	} else if (k === 'hh') {
		add('hh', -1, 0, n);
		if (a === 1) add('hh1', -1, 0, n);
	} else if (k === 'in' || k === 'out') {
		add(k, -1, 0, n);
	} else if (k === 'fl') {
		// a kind, b sex, c and d: c1 and c2 of prepare.duckdb.sql's flows.
		if (a === 1) {
			add('birth', -1, b, n);
			if (Math.floor(d / 2) === 1) add('b_order2', -1, 0, n);
			if (Math.floor(d / 2) === 2) add('b_order3', -1, 0, n);
			if (d % 2 === 1) add('b_home', -1, 0, n);
			if (c !== null) add('b_mage', c, 0, n);
		} else if (a === 2) {
			add('death', -1, b, n);
			if (c === 1) add('death0', -1, 0, n);
		} else if (a === 6) {
			add('marry', -1, 0, n);
			if (c === 1) add('marry_child', -1, 0, n);
			if (d % 2 === 1) add('marry_consang', -1, 0, n);
			if (Math.floor(d / 2) % 2 === 1) add('couple', -1, 0, n);
			if (d >= 4) add('couple_pre', -1, 0, n);
		} else if (a === 7) {
			add('divorce', -1, 0, n);
		} else if (a === 8) {
			if (c !== null) add('fp_start', c, 0, n);
			if (d === 1) add('fp_free_poor', -1, 0, n);
		} else if (a === 9) {
			add('fp_stop', -1, 0, n);
		} else if (a === 10) {
			if (c !== null) add('pregnancy', c, 0, n);
		}
	}
}

export function formLines(lines, unit, p) {
	const num = (x) => (x === null || x === undefined ? null : Number(x));
	const cnt = new Map();  // col -> key -> [band, sex, n]
	const cols = new Set([unit]);
	const put = (col, key, band, sex, n) => {
		if (!cnt.has(col)) cnt.set(col, new Map());
		const m = cnt.get(col);
		if (!m.has(key)) m.set(key, []);
		m.get(key).push([band, sex, n]);
	};
	const code = new Map([[0, unit]]);
	for (const r of lines)
		if (r.k.startsWith('leaf=')) code.set(num(r.leaf), r.k.slice(5));
	for (const r of lines) {
		const leaf = code.get(num(r.leaf));
		const n = num(r.n);
		if (r.k.startsWith('leaf=')) { cols.add(leaf); continue; }
		if (r.k[0] === '=') { put(leaf, r.k.slice(1), -1, 0, n); continue; }
		counts(r.k, num(r.a), num(r.b), num(r.c), num(r.d), n, (key, band, sex, x) => {
			put(leaf, key, band, sex, x);
			if (leaf !== unit) put(unit, key, band, sex, x);
		});
	}
	const out = [];
	for (const col of cols) {
		const m = cnt.get(col) || new Map();
		const row = {};
		for (const [code, key, lo, hi, bysex] of MAP) {
			let v = 0, male = 0, female = 0;
			for (const [band, sex, n] of m.get(key) || []) {
				if (band === null || band < lo || band > hi) continue;
				if (bysex < 2 || sex === 2) v += n;
				if (sex === 1) male += n;
				if (sex === 2) female += n;
			}
			row[code] = { v, male, female };
			out.push({ col, code, v, male: bysex === 1 ? male : null, female: bysex === 1 ? female : null });
		}
		for (const [code, x] of Object.entries(rates(row, p))) out.push({ col, code, v: x, male: null, female: null });
	}
	return out;
}

// r_w and r_rate of the reference: NULL (empty) when a denominator is 0.
function rates(r, p) {
	const v = (c) => r[c].v;
	const div = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
	const mul = (a, ...k) => (a === null ? null : k.reduce((x, y) => x * y, a));
	const w = {
		pop: v('2'), pop_m: r['2'].male, pop_f: r['2'].female, pop_s: v('_popS'), r3: v('3'), r3a: v('3a'),
		r4: v('4'), b: v('5'), b_m: r['5'].male, b_f: r['5'].female, r5b: v('5b'), d: v('6'), r9: v('9'),
		r9a: v('9a'), r9c: v('9c'), r10: v('10'), r15: v('15'), r16: v('16'), eld_ytd: v('_elderly_ytd'),
		p0014: v('_p0014'), p1564: v('_p1564'), p65: v('_p65'), w: v('_w1549'), w_s: v('_wS1549'),
	};
	const an = p.annual;
	const asfr = {};
	for (const a of [15, 20, 25, 30, 35, 40, 45])
		asfr[a] = mul(div(v(`B${a}`), (v(`W${a}`) + v(`_wS${a}`)) / 2), 1000, an);
	const cbr = mul(div(w.b, (w.pop_s + w.pop) / 2), 1000, an);
	const cdr = mul(div(w.d, (w.pop_s + w.pop) / 2), 1000, an);
	const tfr = p.is_year === 1 && Object.values(asfr).every((x) => x !== null)
		? 5 * (asfr[15] + asfr[20] + asfr[25] + asfr[30] + asfr[35] + asfr[40] + asfr[45]) / 1000 : null;
	return {
		SRB: mul(div(w.b_m, w.b_f), 100), SR: mul(div(w.pop_m, w.pop_f), 100), CBR: cbr, CDR: cdr,
		RNI: cbr === null || cdr === null ? null : cbr - cdr,
		GFR: mul(div(w.b, (w.w_s + w.w) / 2), 1000, an),
		ASFR15: asfr[15], ASFR20: asfr[20], ASFR25: asfr[25], ASFR30: asfr[30], ASFR35: asfr[35],
		ASFR40: asfr[40], ASFR45: asfr[45], TFR: tfr,
		P3: mul(div(w.r5b, w.b), 100), MCPR: mul(div(w.r3a, w.r3), 100), PMC: mul(div(w.r10, w.r9c), 100),
		PNS: mul(div(w.r15, w.b), 100), NBS: mul(div(w.r16, w.b), 100), ELC: mul(div(w.eld_ytd, w.r4), 100),
		DR: mul(div(w.p0014 + w.p65, w.p1564), 100), AI: mul(div(w.r4, w.p0014), 100), CM: mul(div(w.r9a, w.r9), 100),
	};
}
