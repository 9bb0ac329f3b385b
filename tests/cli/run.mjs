// Runs danso for the command-line tests: the binary under test (DANSO_BIN,
// the sanitizer build under `make test`), the tests' fixed today, the
// answer with its JSON when stdout is JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const bin = process.env.DANSO_BIN || 'build/danso';
const TODAY = '2026-11-22';

// danso on another day than the tests' fixed one (DANSO_TODAY).
export function dansoOn(today, ...args) {
  const env = { ...process.env, DANSO_TODAY: today };
  const r = spawnSync(bin, args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { status: r.status, out: r.stdout, err: r.stderr, json };
}

export function danso(...args) {
  return dansoOn(TODAY, ...args);
}

export function ok(r, what) {
  assert.equal(r.status, 0, `${what}: ${r.err}`);
  return r;
}
