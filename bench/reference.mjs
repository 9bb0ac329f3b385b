#!/usr/bin/env node
// The independent SQL reference for danso's reports.
//
// Loads the exchange files of a register (units.csv, households.csv,
// persons.csv, events.ndjson and manifest.json's as_of) into a fresh
// database, derives the register's history with bench/sql/20_model.sql and
// computes one report with bench/sql/30_report.sql.  The SQL follows
// shared/spec/reports.md, not the C engine; it is portable (SQLite,
// PostgreSQL, DuckDB) apart from two small per-dialect preludes
// (11_events.<dialect>.sql: JSON members; params.<dialect>.sql: binding).
//
//   node bench/reference.mjs --data DIR [--engine sqlite|postgres|duckdb]
//        --form 03-DSX --unit CODE --period 2024 [--map-date YYYY-MM-DD]
//        [--db FILE] [--pg URL] [--time] [--as-of YYYY-MM-DD] [--reload]
//
// --db FILE keeps (or reuses, when already loaded) the database; --pg names
// the PostgreSQL database (default: /tmp/pgt.url with the database
// danso_ref, created when missing).  --time prints the load, model and
// query times (seconds) on stderr as JSON; --as-of gives the baseline date
// when DIR has no manifest.json.  Prints
// {form, unit, period, map_date, columns, rows:[{code, value, values, male, female}]}:
// value is the unit's (or the total's) value, values one per column.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SQL = path.join(HERE, 'sql');
const sqlFile = (name) => fs.readFileSync(path.join(SQL, name), 'utf8');

/* ---------------------------------------------------------------- forms */

const range = (p, a, b) => Array.from({ length: b - a + 1 }, (_, i) => `${p}${a + i}`);
const BLOCK = ['1', '1a', '2', '3', '3a', ...range('3a.', 1, 8), '4', '5', '5a', '5b', '5c', '5d',
	'6', '6a', '7', '8', '9', '9a', '9b', '9c', '10', '11', '12', ...range('12.', 1, 9), '12a',
	'13', '14', '14a.1', '14a.2', '14a.3', '15', '16', '17'];
const AGES = Array.from({ length: 21 }, (_, i) => `A${i === 20 ? 100 : String(i * 5).padStart(2, '0')}`);
const WOMEN = [15, 20, 25, 30, 35, 40, 45].map((a) => `W${a}`);
const BIRTHS = [10, 15, 20, 25, 30, 35, 40, 45, 50].map((a) => `B${a}`);
const IND_Y = ['SRB', 'SR', 'CBR', 'CDR', 'RNI', 'GFR', ...[15, 20, 25, 30, 35, 40, 45].map((a) => `ASFR${a}`),
	'TFR', 'P3', 'MCPR', 'PMC', 'PNS', 'NBS', 'ELC', 'DR', 'AI', 'CM'];
const IND_Q = ['SRB', 'P3', 'MCPR', 'PMC', 'PNS', 'NBS', 'ELC', 'CM'];
export const FORMS = {
	'01-DSX': BLOCK,
	'01-DSH': BLOCK,
	'02-DSX': [...BLOCK, ...IND_Q],
	'03-DSX': [...BLOCK, ...AGES, ...WOMEN, ...BIRTHS, ...IND_Y],
	'CHI-BAO': [...BLOCK, ...IND_Y],
};

/* -------------------------------------------------------------- periods */

const iso = (d) => d.toISOString().slice(0, 10);
const utc = (y, m, d) => new Date(Date.UTC(y, m - 1, d));

export function periodParams(period) {
	let m, from, to;
	if ((m = /^(\d{4})$/.exec(period))) {
		from = utc(+m[1], 1, 1); to = utc(+m[1], 12, 31);
	} else if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) {
		from = utc(+m[1], 3 * m[2] - 2, 1); to = utc(+m[1], 3 * m[2] + 1, 0);
	} else if ((m = /^(\d{4})-H([12])$/.exec(period))) {
		from = utc(+m[1], 6 * m[2] - 5, 1); to = utc(+m[1], 6 * m[2] + 1, 0);
	} else if ((m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period))) {
		from = utc(+m[1], +m[2], 1); to = utc(+m[1], +m[2] + 1, 0);
	} else throw new Error(`bad period ${period}`);
	const days = Math.round((to - from) / 86400000) + 1;
	const isYear = /^\d{4}$/.test(period);
	return {
		start: iso(from), end: iso(to), prev: iso(new Date(from - 86400000)),
		ytd: `${iso(from).slice(0, 4)}-01-01`, days,
		// reports.md: rates over a period shorter than a year are annualised.
		annual: isYear ? 1 : 365 / days, is_year: isYear ? 1 : 0,
	};
}

/* ---------------------------------------------------------- raw loading */

const RAW = [['units.csv', 'r_units'], ['households.csv', 'r_households'], ['persons.csv', 'r_persons']];
const TABLES = ['r_units', 'r_households', 'r_persons', 'ev_raw', 'ev', 'meta', 'units', 'hh0', 'p0',
	'm_first', 'm_void', 'm_void_eff', 'm_ev', 'm_hh', 'm_pov', 'm_hht', 'm_assign0', 'm_birth_hh',
	'm_assign', 'm_person', 'm_bdfix', 'm_exit', 'm_p', 'm_chg', 'm_evhh', 'm_fppov', 'm_fl'];

function header(file) {
	const fd = fs.openSync(file, 'r');
	const buf = Buffer.alloc(4096);
	const n = fs.readSync(fd, buf, 0, buf.length, 0);
	fs.closeSync(fd);
	return buf.toString('utf8', 0, n).split(/\r?\n/)[0].replace(/^\uFEFF/, '').split(',')
		.map((c) => c.trim().replace(/[^a-z0-9_]/gi, ''));
}

export function asOf(data, given) {
	if (given) return given;
	const m = JSON.parse(fs.readFileSync(path.join(data, 'manifest.json'), 'utf8'));
	if (!/^\d{4}-\d{2}-\d{2}$/.test(m.as_of || '')) throw new Error('manifest.json has no as_of');
	return m.as_of;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

function rawTablesSql(data, seqType) {
	let s = '';
	for (const [f, t] of RAW)
		s += `CREATE TABLE ${t} (${header(path.join(data, f)).map((c) => `${c} TEXT`).join(', ')});\n`;
	s += seqType ? `CREATE TABLE ev_raw (seq ${seqType}, line TEXT);\n` : 'CREATE TABLE ev_raw (line TEXT);\n';
	return s;
}

/* ---------------------------------------------------------------- SQLite */

function sqlite(db, script, { json = false } = {}) {
	const pre = '.bail on\nPRAGMA cache_size=-524288;\nPRAGMA temp_store=MEMORY;\n' + (json ? '.mode json\n' : '');
	const r = spawnSync('sqlite3', [db], { input: pre + script, encoding: 'utf8', maxBuffer: 1 << 28 });
	if (r.status !== 0 || r.stderr.trim())
		throw new Error(`sqlite3: ${r.stderr.trim() || 'exit ' + r.status}`);
	return r.stdout;
}

const sqliteLoaded = (db) => fs.existsSync(db) &&
	sqlite(db, "SELECT count(*) FROM sqlite_master WHERE name = 'm_fl';").trim() === '1';

function sqliteLoad(data, db, opt) {
	const t = {};
	let t0 = now();
	let s = rawTablesSql(data, null);
	for (const [f, tb] of RAW) s += `.import --csv --skip 1 ${JSON.stringify(path.join(data, f))} ${tb}\n`;
	s += `.mode ascii\n.separator "\\037" "\\n"\n.import ${JSON.stringify(path.join(data, 'events.ndjson'))} ev_raw\n.mode list\n`;
	s += `CREATE TABLE meta AS SELECT ${q(asOf(data, opt.asOf))} AS as_of;\n`;
	s += sqlFile('10_typed.sql') + sqlFile('11_events.sqlite.sql');
	s += 'DROP TABLE ev_raw; DROP TABLE r_persons; DROP TABLE r_households;\n';
	sqlite(db, s);
	t.load_s = now() - t0;
	t0 = now();
	sqlite(db, sqlFile('20_model.sql') + 'ANALYZE;\n');
	t.model_s = now() - t0;
	return t;
}

function sqliteQuery(db, p) {
	let s = '';
	for (const [k, v] of Object.entries(p))
		s += `.parameter set :${k} ${typeof v === 'number' ? v : JSON.stringify(q(v))}\n`;
	s += sqlFile('params.sqlite.sql') + sqlFile('30_report.sql');
	const out = sqlite(db, s, { json: true }).trim();
	return out ? JSON.parse(out) : [];
}

/* ------------------------------------------------------------ PostgreSQL */

function pgUrl(opt) {
	if (opt.pg) return opt.pg;
	const tpl = fs.readFileSync('/tmp/pgt.url', 'utf8').trim();
	const url = tpl.replace('%s', 'danso_ref');
	const admin = tpl.replace('%s', 'postgres');
	const has = psql(admin, "SELECT 1 FROM pg_database WHERE datname = 'danso_ref'", ['-t', '-A']).trim();
	if (has !== '1') psql(admin, 'CREATE DATABASE danso_ref');
	return url;
}

export function psql(url, sql, args = [], vars = {}) {
	const a = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args];
	for (const [k, v] of Object.entries(vars)) a.push('-v', `${k}=${v}`);
	a.push('-d', url, '-f', '-');
	// JIT compiles for seconds on the planner's guesses about fresh tables.
	const r = spawnSync('psql', a, { input: 'SET jit = off;\n' + sql, encoding: 'utf8', maxBuffer: 1 << 28 });
	if (r.status !== 0) throw new Error(`psql: ${r.stderr.trim() || 'exit ' + r.status}`);
	return r.stdout;
}

function pgLoaded(url) {
	return psql(url, "SELECT count(*) FROM pg_tables WHERE tablename = 'm_fl' AND schemaname = current_schema()",
		['-t', '-A']).trim() === '1';
}

function pgLoad(data, url, opt) {
	const t = {};
	let t0 = now();
	let s = `SET client_min_messages = warning;\n${TABLES.map((x) => `DROP TABLE IF EXISTS ${x};`).join('\n')}\n`;
	s += rawTablesSql(data, 'bigserial');
	for (const [f, tb] of RAW)
		s += `\\copy ${tb} FROM ${q(path.join(data, f))} WITH (FORMAT csv, HEADER true)\n`;
	s += `\\copy ev_raw (line) FROM ${q(path.join(data, 'events.ndjson'))} WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')\n`;
	s += `CREATE TABLE meta AS SELECT CAST(${q(asOf(data, opt.asOf))} AS TEXT) AS as_of;\n`;
	s += sqlFile('10_typed.sql') + sqlFile('11_events.postgres.sql');
	s += 'DROP TABLE ev_raw; DROP TABLE r_persons; DROP TABLE r_households;\n';
	psql(url, s);
	t.load_s = now() - t0;
	t0 = now();
	psql(url, sqlFile('20_model.sql') + 'ANALYZE;\n');
	t.model_s = now() - t0;
	return t;
}

function pgQuery(url, p) {
	const out = psql(url, sqlFile('params.postgres.sql') + sqlFile('30_report.sql'), ['--csv', '-t'], p);
	return out.split('\n').filter((l) => l).map((l) => {
		const [col, code, v, male, female] = l.split(',');
		const num = (x) => (x === '' || x === undefined ? null : Number(x));
		return { col, code, v: num(v), male: num(male), female: num(female) };
	});
}

/* ---------------------------------------------------------------- DuckDB */

let duck = null;
// A DuckDB connection to the file db (options: DuckDB's, e.g. threads).
export async function duckConn(db, options) {
	if (!duck) {
		try {
			duck = await import(pathToFileURL(path.join(HERE, 'node_modules/@duckdb/node-api/lib/index.js')).href);
		} catch {
			duck = await import('@duckdb/node-api');
		}
	}
	const inst = await duck.DuckDBInstance.create(db, options);
	return inst.connect();
}

// DuckDB runs one statement per call: split a file on the semicolons that
// end a line (the SQL files have no semicolon inside a literal at a line end).
export const statements = (sql) => sql.replace(/--[^\n]*/g, '').split(/;\s*\n/).map((x) => x.trim()).filter(Boolean);

async function duckRun(con, sql) {
	for (const st of statements(sql)) await con.run(st);
}

async function duckLoad(data, con, opt) {
	const t = {};
	let t0 = now();
	for (const x of TABLES) await con.run(`DROP TABLE IF EXISTS ${x}`);
	for (const [f, tb] of RAW)
		await con.run(`CREATE TABLE ${tb} AS SELECT * FROM read_csv(${q(path.join(data, f))}, header = true, all_varchar = true)`);
	await con.run(`CREATE TABLE ev_raw AS SELECT row_number() OVER () AS seq, CAST(json AS VARCHAR) AS line FROM read_ndjson_objects(${q(path.join(data, 'events.ndjson'))})`);
	await con.run(`CREATE TABLE meta AS SELECT CAST(${q(asOf(data, opt.asOf))} AS TEXT) AS as_of`);
	await duckRun(con, sqlFile('10_typed.sql') + sqlFile('11_events.duckdb.sql'));
	await duckRun(con, 'DROP TABLE ev_raw;\nDROP TABLE r_persons;\nDROP TABLE r_households;\n');
	t.load_s = now() - t0;
	t0 = now();
	await duckRun(con, sqlFile('20_model.sql'));
	t.model_s = now() - t0;
	return t;
}

async function duckQuery(con, p) {
	const [pre, ...rest] = [sqlFile('params.duckdb.sql'), sqlFile('30_report.sql')];
	for (const x of ['params', 'r_links', 'r_anc', 'r_acomm', 'r_acol', 'r_cols', 'r_hcol', 'r_d', 'r_lc',
		'r_st', 'r_hhE', 'r_sa', 'r_sta', 'r_fl', 'r_mig', 'r_cnt', 'r_map', 'r_rows', 'r_w', 'r_rate'])
		await con.run(`DROP TABLE IF EXISTS ${x}`);
	await con.run(statements(pre)[0], { ...p, days: p.days, annual: p.annual });
	const sts = statements(rest.join('\n'));
	for (const st of sts.slice(0, -1)) await con.run(st);
	const reader = await con.runAndReadAll(sts[sts.length - 1]);
	return reader.getRowObjectsJS().map((r) => ({
		col: r.col, code: r.code,
		v: r.v === null ? null : Number(r.v),
		male: r.male === null ? null : Number(r.male),
		female: r.female === null ? null : Number(r.female),
	}));
}

/* ------------------------------------------------------------------ API */

// Opens (loading when needed) a reference database.  Returns a handle for
// report(); handle.times holds the load and model times when it loaded.
export async function open(opt) {
	const { engine = 'sqlite', data, db, pg, reload = false } = opt;
	const h = { engine, times: {} };
	if (engine === 'sqlite') {
		h.db = db || path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'danso-ref-')), 'ref.db');
		if (reload || !sqliteLoaded(h.db)) {
			if (!data) throw new Error('--data is needed to load');
			fs.rmSync(h.db, { force: true });
			h.times = sqliteLoad(data, h.db, opt);
		}
	} else if (engine === 'postgres') {
		h.url = pgUrl({ pg });
		if (reload || !db || !pgLoaded(h.url)) {
			if (!data) throw new Error('--data is needed to load');
			h.times = pgLoad(data, h.url, opt);
		}
	} else if (engine === 'duckdb') {
		h.db = db || path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'danso-ref-')), 'ref.duckdb');
		if (reload && fs.existsSync(h.db)) fs.rmSync(h.db);
		h.con = await duckConn(h.db);
		const has = (await h.con.runAndReadAll("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'm_fl'"))
			.getRowObjectsJS()[0].n;
		if (reload || Number(has) === 0) {
			if (!data) throw new Error('--data is needed to load');
			h.times = await duckLoad(data, h.con, opt);
		}
	} else throw new Error(`unknown engine ${engine}`);
	return h;
}

// The parameters of one report: the period's dates and the map date.
export function reportParams({ form, unit, period, mapDate }) {
	if (!FORMS[form]) throw new Error(`unknown form ${form}`);
	const pp = periodParams(period);
	return { unit, start: pp.start, end: pp.end, prev: pp.prev, map: mapDate || pp.end, ytd: pp.ytd,
		days: pp.days, annual: pp.annual, is_year: pp.is_year };
}

// A report from the (col, code, v, male, female) lines a query returned:
// its columns (the communes, then the unit) and its rows in the form's order.
export function assemble(raw, { form, unit, period }, p) {
	const cols = [...new Set(raw.map((r) => r.col))].sort((a, b) =>
		a === unit ? 1 : b === unit ? -1 : a < b ? -1 : a > b ? 1 : 0);
	const at = new Map(raw.map((r) => [`${r.col}\u0000${r.code}`, r]));
	const rows = FORMS[form].map((code) => {
		const cell = cols.map((c) => at.get(`${c}\u0000${code}`));
		const row = { code, value: cell.length ? cell[cell.length - 1]?.v ?? null : null, values: cell.map((x) => x?.v ?? null) };
		if (cell.some((x) => x && x.male !== null && x.male !== undefined)) {
			row.male = cell.map((x) => x?.male ?? null);
			row.female = cell.map((x) => x?.female ?? null);
		}
		return row;
	});
	return { form, unit, period, map_date: p.map, columns: cols, rows };
}

export async function report(h, c) {
	const p = reportParams(c);
	const t0 = now();
	const raw = h.engine === 'sqlite' ? sqliteQuery(h.db, p)
		: h.engine === 'postgres' ? pgQuery(h.url, p) : await duckQuery(h.con, p);
	const query_s = now() - t0;
	return { ...assemble(raw, c, p), query_s };
}

export async function close(h) {
	if (h.con) h.con.closeSync?.();
}

/* ------------------------------------------------------ comparison */

// A report of danso's engine (its JSON) against the reference's: counts
// exactly, rates to 1e-9 relative, an empty rate empty on both sides.
const empty = (x) => x === null || x === undefined;
function same(a, b) {
	if (empty(a) || empty(b)) return empty(a) && empty(b);
	return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

// Differences between the engine's JSON and the reference's, as text lines.
export function compare(e, r, c) {
	const tag = `${c.form} ${c.unit} ${c.period}${c.mapDate ? ' map ' + c.mapDate : ''}`;
	const out = [];
	const ecols = e.columns.map((x) => x.code);
	if (ecols.join() !== r.columns.join()) out.push(`${tag}: columns engine [${ecols}] sql [${r.columns}]`);
	const rows = new Map(r.rows.map((x) => [x.code, x]));
	for (const row of e.rows) {
		const x = rows.get(row.code);
		if (!x) {
			out.push(`${tag}: row ${row.code} not in the SQL`);
			continue;
		}
		for (const k of ['values', 'male', 'female']) {
			if (!row[k]) continue;
			row[k].forEach((v, i) => {
				const j = r.columns.indexOf(ecols[i]);
				const w = x[k]?.[j];
				if (!same(v, w)) out.push(`${tag}: row ${row.code} ${k === 'values' ? '' : k + ' '}col ${ecols[i]}: engine ${v} sql ${w}`);
			});
		}
	}
	if (e.rows.length !== FORMS[c.form].length)
		out.push(`${tag}: engine has ${e.rows.length} rows, the SQL ${FORMS[c.form].length}`);
	return out;
}

// The differences, grouped by report and row (with one example each).
export function summary(diffs) {
	const g = new Map();
	for (const d of diffs) {
		const key = d.replace(/ (male |female )?col .*$/, '');
		if (!g.has(key)) g.set(key, { n: 0, first: d });
		g.get(key).n++;
	}
	return `${diffs.length} differences in ${g.size} rows:\n` +
		[...g.values()].map((x) => `  ${x.first}${x.n > 1 ? ` (+${x.n - 1} more columns)` : ''}`).join('\n');
}

/* ------------------------------------------------------------------ CLI */

async function main(argv) {
	const o = { engine: 'sqlite' };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const next = () => argv[++i];
		if (a === '--data') o.data = next();
		else if (a === '--engine') o.engine = next();
		else if (a === '--form') o.form = next();
		else if (a === '--unit') o.unit = next();
		else if (a === '--period') o.period = next();
		else if (a === '--map-date') o.mapDate = next();
		else if (a === '--db') o.db = next();
		else if (a === '--pg') o.pg = next();
		else if (a === '--time') o.time = true;
		else if (a === '--as-of') o.asOf = next();
		else if (a === '--reload') o.reload = true;
		else if (a === '-h' || a === '--help') {
			console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 22)
				.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
			return 0;
		} else throw new Error(`unknown option ${a}`);
	}
	const h = await open(o);
	let out = null;
	if (o.form) {
		if (!o.unit || !o.period) throw new Error('--form needs --unit and --period');
		out = await report(h, o);
		const { query_s, ...rest } = out;
		console.log(JSON.stringify(rest, null, 1));
		if (o.time) h.times.query_s = query_s;
	}
	if (o.time) {
		const r = {};
		for (const [k, v] of Object.entries(h.times)) r[k] = Math.round(v * 1000) / 1000;
		console.error(JSON.stringify({ engine: o.engine, ...r }));
	}
	await close(h);
	return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
	main(process.argv.slice(2)).then((c) => process.exit(c), (e) => {
		console.error(`reference: ${e.message}`);
		process.exit(1);
	});
}
