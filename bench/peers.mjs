#!/usr/bin/env node
// Reports side by side: danso's engine against the same report in SQL on
// SQLite, PostgreSQL and DuckDB (bench/reference.mjs), on the same data.
// The reference SQL proves the numbers; it is not written for speed (the
// speed peers are bench/tuned.mjs's).
//
//   node bench/peers.mjs --data DIR --db DANSO_DB [--engines sqlite,postgres,duckdb]
//        [--pg URL] [--work DIR] [--period 2024] [--month 2024-03] [--repeat N]
//
// DIR holds the exchange files `danso gen` wrote; DANSO_DB is a danso
// database (SQLite path or postgresql:// URL) with the same files imported
// and their events applied.  Two reports: the annual province form 03-DSX
// (one column per commune) and a commune's monthly form 01-DSX.  Each peer
// loads the files into its own database under --work (default bench/out;
// PostgreSQL: the database --pg, default ref_<DIR's name> in the cluster of
// /tmp/pgt.url) once, and reuses it on later runs.  Every peer's answer is
// compared with the engine's, row by row and column by column: the figures
// count only when they agree.  Prints one JSON line per measurement and a
// Markdown table at the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ref from './reference.mjs';
import { answer, emit, engine as dansoEngine, median } from './engine.mjs';

const o = { engines: 'sqlite,postgres,duckdb', work: 'bench/out', period: '2024', month: '2024-03', repeat: 3 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	const k = argv[i].replace(/^--/, '');
	if (!(k in o) && !['data', 'db', 'pg'].includes(k)) {
		console.error(`peers: unknown option ${argv[i]}`);
		process.exit(2);
	}
	o[k] = argv[++i];
}
if (!o.data || !o.db) {
	console.error('peers: --data DIR and --db DANSO_DB are needed');
	process.exit(2);
}
o.repeat = Number(o.repeat);
const name = path.basename(path.resolve(o.data));
const engine = (c, n) => dansoEngine(o.db, c, n);

const province = { form: '03-DSX', unit: '79', period: o.period };
const first = answer(o.db, { form: '01-DSX', unit: '79', period: o.month });
const commune = { form: '01-DSX', unit: first.columns[0].code, period: o.month };
const cases = [province, commune];
const table = new Map();
let disagree = 0;

for (const c of cases) {
	const e = engine(c, c === province ? 20 : 200);
	c.engine = e;
	emit({ peer: 'danso', form: c.form, unit: c.unit, period: c.period, load_s: e.load_s, median_ms: e.median_ms, worst_ms: e.worst_ms });
}

for (const peer of o.engines.split(',').filter(Boolean)) {
	const opt = { engine: peer, data: o.data };
	if (peer === 'sqlite') opt.db = path.join(o.work, `ref-${name}.sqlite`);
	if (peer === 'duckdb') opt.db = path.join(o.work, `ref-${name}.duckdb`);
	if (peer === 'postgres') {
		opt.db = 'keep';
		opt.pg = o.pg || (() => {
			const tpl = fs.readFileSync('/tmp/pgt.url', 'utf8').trim();
			const db = `ref_${name.replace(/\W/g, '_')}`;
			const admin = tpl.replace('%s', 'postgres');
			const has = execFileSync('psql', ['-XAtc', `SELECT 1 FROM pg_database WHERE datname = '${db}'`, admin], { encoding: 'utf8' }).trim();
			if (has !== '1') execFileSync('psql', ['-Xqc', `CREATE DATABASE ${db}`, admin]);
			return tpl.replace('%s', db);
		})();
	}
	const h = await ref.open(opt);
	if (h.times.load_s !== undefined)
		emit({ peer, load_s: +h.times.load_s.toFixed(2), model_s: +h.times.model_s.toFixed(2) });
	for (const c of cases) {
		const times = [];
		let diffs = [];
		for (let i = 0; i < o.repeat; i++) {
			const r = await ref.report(h, c);
			times.push(r.query_s);
			if (i === 0) diffs = ref.compare(c.engine.json, r, c);
		}
		disagree += diffs.length;
		const q = median(times);
		emit({ peer, form: c.form, unit: c.unit, period: c.period, median_s: +q.toFixed(3), runs: times.length,
			agree: diffs.length === 0, ...(diffs.length ? { differences: ref.summary(diffs) } : {}) });
		table.set(`${peer} ${c.form}`, q);
	}
	await ref.close(h);
}

const ms = (x) => (x >= 1 ? x.toFixed(1) : x.toPrecision(2));
// The reference SQL is for correctness, not speed (bench/tuned.mjs has the
// speed peers): its times are shown without a ratio to the engine's.
console.log(`\n| report | danso engine | ${o.engines.split(',').map((p) => `${p}, reference SQL`).join(' | ')} |`);
console.log(`|---|---|${o.engines.split(',').map(() => '---').join('|')}|`);
for (const c of cases) {
	const cells = o.engines.split(',').map((p) => {
		const s = table.get(`${p} ${c.form}`);
		return `${ms(s * 1000)} ms`;
	});
	console.log(`| ${c.form} ${c.unit} ${c.period} | ${ms(c.engine.median_ms)} ms | ${cells.join(' | ')} |`);
}
if (disagree) {
	console.error(`peers: ${disagree} differences between the engine and the SQL (see above)`);
	process.exit(1);
}
