// danso's engine as a peer in the benchmarks (bench/peers.mjs,
// bench/tuned.mjs): one report's JSON answer, and its computing times from
// `danso report --repeat N` (one process: the load, then N computations).
import { execFileSync, spawnSync } from 'node:child_process';

export const BIN = process.env.DANSO_BIN || 'build/danso';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const emit = (x) => console.log(JSON.stringify(x));

const danso = (args) => execFileSync(BIN, args, { maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const base = (db, c) => ['report', '--db', db, '--form', c.form, '--unit', c.unit, '--period', c.period,
	...(c.mapDate ? ['--map-date', c.mapDate] : [])];

// The engine's answer to one report, as its JSON.
export const answer = (db, c) => JSON.parse(danso([...base(db, c), '--format', 'json']));

// n timed computations in one process: the load time, the median and worst
// computing times and the engine's memory (bytes) as --repeat prints them.
export function timed(db, c, n) {
	const r = spawnSync(BIN, [...base(db, c), '--repeat', String(n), '-o', '/dev/null'], { encoding: 'utf8' });
	const err = r.stderr || '';
	const line = err.split('\n').find((l) => l.startsWith('report:')) || '';
	const m = /load ([\d.]+) s; .*median ([\d.]+) ms, worst ([\d.]+) ms/.exec(line);
	if (!m) throw new Error(`no timing from danso report: ${err.trim()}`);
	const mem = /engine (\d+) bytes for (\d+) persons/.exec(line);
	return { load_s: +m[1], median_ms: +m[2], worst_ms: +m[3],
		...(mem ? { memory_bytes: +mem[1], persons: +mem[2] } : {}) };
}

// The answer, then n timings (peers.mjs).
export function engine(db, c, n) {
	return { json: answer(db, c), ...timed(db, c, n) };
}
