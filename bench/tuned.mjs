#!/usr/bin/env node
// Reports side by side with tuned peers: danso's engine against DuckDB and
// PostgreSQL over tables built once for these reports (bench/tuned/: the
// residence spells, households' stretches and flow events of the register,
// clustered by area), on the same data, in one run, alternating.
//
//   node bench/tuned.mjs --data DIR --db DANSO_DB [--engines duckdb,postgres]
//        [--pg URL] [--work DIR] [--runs 20] [--reuse]
//        [--unit 79 --period 2024] [--commune CODE --month 2024-03] [--engine-once]
//
// DIR holds the exchange files of `danso gen`; DANSO_DB a danso database
// with the same files imported and their events applied.  Two reports: the
// province annual form 03-DSX (one column per commune) and a commune's
// month 01-DSX (default: the first commune of the province).  The
// preparation is timed apart: DuckDB builds the tables from the files
// (bench/tuned/prepare.duckdb.sql) into DIR's name under --work (default
// bench/out); PostgreSQL loads them from CSV files DuckDB writes
// (export.duckdb.sql, prepare.postgres.sql) into the database --pg (default:
// peers_tuned in the cluster of /work/base/pgurl or $DANSO_PG_TEMPLATE, created
// when missing).  --reuse keeps tables already built.  Then --runs rounds:
// in each, the engine computes each report once in its own process (after
// its load and one computation), and each peer answers it with one query
// (bench/tuned/report.sql); then the engine computes each report --runs
// times in one process (its steady state).  Every answer of every round is
// compared with the engine's, row by row and column by column; one
// difference fails the run (exit 1).  --engine-once leaves out the engine's
// process of each round (its load takes 20 s at 10M persons): the engine's
// column is then its steady state alone, one process computing each report
// --runs times after the peers' rounds.  Prints one JSON line per measurement
// and a Markdown table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ref from './reference.mjs';
import * as eng from './engine.mjs';
import { formLines } from './tuned/form.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TUNED = path.join(HERE, 'tuned');
const sqlFile = (name) => fs.readFileSync(path.join(TUNED, name), 'utf8');
const fill = (sql, vars) => sql.replace(/\{\{(\w+)\}\}/g, (m, k) => {
	if (!(k in vars)) throw new Error(`no value for ${m}`);
	return String(vars[k]);
});
const now = () => Number(process.hrtime.bigint()) / 1e9;
const ymd = (iso) => Number(iso.replaceAll('-', ''));

// The DuckDB preparation: the tuned tables from the exchange files in data.
async function prepareDuck(file, data) {
	const con = await ref.duckConn(file, { threads: '2' });
	const vars = { DATA: path.resolve(data), AS_OF: ref.asOf(data) };
	for (const st of ref.statements(fill(sqlFile('prepare.duckdb.sql'), vars))) await con.run(st);
	await con.run('CHECKPOINT');
	return 0;
}

export async function main(argv) {
	if (argv[0] === '--prepare-duckdb') return prepareDuck(argv[1], argv[2]);
	const o = { engines: 'duckdb,postgres', work: 'bench/out', runs: '20', unit: '79', period: '2024', month: '2024-03' };
	for (let i = 0; i < argv.length; i++) {
		const k = argv[i].replace(/^--/, '');
		if (k === 'reuse') { o.reuse = true; continue; }
		if (k === 'engine-once') { o.once = true; continue; }
		if (!(k in o) && !['data', 'db', 'pg', 'commune'].includes(k)) throw new Error(`unknown option ${argv[i]}`);
		o[k] = argv[++i];
	}
	if (!o.data || !o.db) throw new Error('--data DIR and --db DANSO_DB are needed');
	const runs = Number(o.runs);
	const peers = o.engines.split(',').filter(Boolean);
	const name = path.basename(path.resolve(o.data));
	const emit = eng.emit;

	const province = { form: '03-DSX', unit: o.unit, period: o.period };
	const commune = { form: '01-DSX', unit: o.commune, period: o.month };
	if (!commune.unit) commune.unit = eng.answer(o.db, { form: '01-DSX', unit: o.unit, period: o.month }).columns[0].code;
	const cases = [province, commune];

	/* ---- preparation */
	const work = path.resolve(o.work);
	fs.mkdirSync(work, { recursive: true });
	const duckFile = path.join(work, `tuned-${name}.duckdb`);
	if (!o.reuse || !fs.existsSync(duckFile)) {
		// In a process of its own, so that this one's memory is the queries'.
		fs.rmSync(duckFile, { force: true });
		const t0 = now();
		const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--prepare-duckdb', duckFile, o.data],
			{ stdio: 'inherit' });
		if (r.status !== 0) throw new Error('the DuckDB preparation failed');
		emit({ peer: 'duckdb', prepare_s: +(now() - t0).toFixed(1), what: 'tables from the exchange files' });
	}
	const duck = await ref.duckConn(duckFile, { threads: '2' });
	let pg = null;
	if (peers.includes('postgres')) {
		const url = o.pg || pgDatabase('peers_tuned');
		const { default: PG } = await import(pathToFileURL(path.join(HERE, 'node_modules/pg/lib/index.js')).href);
		pg = new PG.Client({ connectionString: url });
		await pg.connect();
		const has = (await pg.query("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'flows' AND schemaname = current_schema()")).rows[0].n;
		if (!o.reuse || Number(has) === 0) {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danso-tuned-'));
			let t0 = now();
			for (const st of ref.statements(fill(sqlFile('export.duckdb.sql'), { DIR: dir }))) await duck.run(st);
			const export_s = now() - t0;
			t0 = now();
			ref.psql(url, fill(sqlFile('prepare.postgres.sql'), { DIR: dir }));
			emit({ peer: 'postgres', prepare_s: +(now() - t0).toFixed(1), export_s: +export_s.toFixed(1),
				what: 'COPY of the CSV files DuckDB wrote, indexes, CLUSTER, VACUUM ANALYZE' });
			fs.rmSync(dir, { recursive: true, force: true });
		}
		// Both cores for the scans; memory enough for the groupings in memory.
		await pg.query("SET max_parallel_workers_per_gather = 2; SET work_mem = '256MB'; SET jit = off");
	}

	/* ---- the queries */
	const query = {
		duckdb: async (sql) => (await duck.runAndReadAll(sql)).getRowObjectsJS(),
		postgres: async (sql) => (await pg.query(sql)).rows,
	};
	// One report: the range of the unit's area numbers, then the counts in
	// one statement, then the form's rows and rates from them (form.mjs).
	async function peerReport(peer, c) {
		const p = ref.reportParams(c);
		const t0 = now();
		const [r] = await query[peer](`SELECT MIN(area_id) AS lo, MAX(area_id) AS hi FROM anc
			WHERE anc = '${p.unit}' AND vf <= '${p.map}' AND vt >= '${p.map}'`);
		const sql = fill(sqlFile('report.sql'), { UNIT: p.unit, MAP: p.map, START: ymd(p.start), END: ymd(p.end),
			PREV: ymd(p.prev), YTD: ymd(p.ytd), LO: r.lo ?? 1, HI: r.hi ?? 0, DIV: peer === 'duckdb' ? '//' : '/' });
		const lines = await query[peer](sql);
		const report = ref.assemble(formLines(lines, p.unit, p), c, p);
		return { ms: (now() - t0) * 1000, report };
	}

	/* ---- rounds, alternating */
	let disagree = 0;
	const times = {};
	const steadyOf = {}; // with --engine-once: the engine's one process
	for (const c of cases) {
		c.json = eng.answer(o.db, c);
		const tag = `${c.form} ${c.unit} ${c.period}`;
		times[tag] = { danso: [], ...Object.fromEntries(peers.map((p) => [p, []])) };
		for (const peer of peers) {
			const diffs = ref.compare(c.json, (await peerReport(peer, c)).report, c);  // warm-up, compared
			if (diffs.length) {
				disagree += diffs.length;
				emit({ peer, form: c.form, unit: c.unit, agree: false, differences: ref.summary(diffs) });
			}
		}
		for (let i = 0; i < runs; i++) {
			if (!o.once) {
				const e = eng.timed(o.db, c, 1);
				times[tag].danso.push(e.median_ms);
				c.load_s = e.load_s;
				c.memory_bytes = e.memory_bytes;
				c.persons = e.persons;
			}
			for (const peer of peers) {
				const r = await peerReport(peer, c);
				times[tag][peer].push(r.ms);
				const diffs = ref.compare(c.json, r.report, c);
				if (diffs.length && disagree === 0) emit({ peer, form: c.form, round: i, differences: ref.summary(diffs) });
				disagree += diffs.length;
			}
		}
		// The engine's steady state too: one process, 20 computations.
		const steady = eng.timed(o.db, c, runs);
		if (o.once) {
			delete times[tag].danso;
			steadyOf[tag] = steady;
			Object.assign(c, { load_s: steady.load_s, memory_bytes: steady.memory_bytes, persons: steady.persons });
		}
		emit({ peer: 'danso', form: c.form, unit: c.unit, period: c.period, one_process: true, runs,
			median_ms: steady.median_ms, worst_ms: steady.worst_ms });
		for (const [peer, xs] of Object.entries(times[tag]))
			emit({ peer, form: c.form, unit: c.unit, period: c.period, runs: xs.length,
				median_ms: +eng.median(xs).toFixed(2), worst_ms: +Math.max(...xs).toFixed(2),
				...(peer === 'danso' ? { load_s: c.load_s } : {}) });
	}

	/* ---- memory */
	const mem = { danso: { engine_bytes: province.memory_bytes, persons: province.persons } };
	{
		const m = (await duck.runAndReadAll('SELECT SUM(memory_usage_bytes) AS b FROM duckdb_memory()')).getRowObjectsJS()[0];
		const sz = (await duck.runAndReadAll('PRAGMA database_size')).getRowObjectsJS()[0];
		mem.duckdb = { buffer_bytes: Number(m.b), database_size: sz.database_size, file_bytes: fs.statSync(duckFile).size,
			process_rss_bytes: process.memoryUsage().rss };
	}
	if (pg) {
		const r = (await pg.query(`SELECT SUM(pg_table_size(c.oid)) AS tables, SUM(pg_indexes_size(c.oid)) AS indexes,
			current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem
			FROM pg_class c WHERE c.relname IN ('spells', 'hspells', 'flows', 'anc', 'areas', 'units')
			AND c.relnamespace = to_regnamespace(current_schema())`)).rows[0];
		mem.postgres = { table_bytes: Number(r.tables), index_bytes: Number(r.indexes), shared_buffers: r.shared_buffers,
			work_mem: r.work_mem };
		await pg.end();
	}
	emit({ memory: mem });

	/* ---- tables */
	const f = (x) => (x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
	console.log(`\n| report (median / worst of ${runs}) | danso engine | ${peers.map((p) => `${p}, tuned`).join(' | ')} |`);
	console.log(`|---|---|${peers.map(() => '---').join('|')}|`);
	for (const [tag, t] of Object.entries(times))
		console.log(`| ${tag} | ${['danso', ...peers].map((p) => (t[p]
			? `${f(eng.median(t[p]))} / ${f(Math.max(...t[p]))} ms`
			: `${f(steadyOf[tag].median_ms)} / ${f(steadyOf[tag].worst_ms)} ms (one process)`)).join(' | ')} |`);
	if (disagree) {
		console.error(`tuned: ${disagree} differences between the engine and the tuned SQL (see above)`);
		return 1;
	}
	return 0;
}

// The database db in the cluster of the URL template (%s: the database),
// created when missing.
function pgDatabase(db) {
	const file = process.env.DANSO_PG_TEMPLATE || '/work/base/pgurl';
	const tpl = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : file;
	const admin = tpl.replace('%s', 'postgres');
	const has = ref.psql(admin, `SELECT 1 FROM pg_database WHERE datname = '${db}'`, ['-t', '-A']).trim();
	if (has !== '1') ref.psql(admin, `CREATE DATABASE ${db}`);
	return tpl.replace('%s', db);
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
	main(process.argv.slice(2)).then((c) => process.exit(c), (e) => {
		console.error(`tuned: ${e.stack || e.message}`);
		process.exit(1);
	});
}
