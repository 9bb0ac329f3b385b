// What the command-line tests expect of a finished command ({status, stdout,
// stderr, lines}): success, or a refusal with one exact line on stderr and
// nothing on stdout.
import assert from 'node:assert/strict';

export function ok(r) {
  assert.equal(r.status, 0, `exit 0 expected\nstderr:\n${r.stderr}`);
  return r.stdout;
}

// Refused: the status, exactly this line on stderr, nothing on stdout.
export function refused(r, status, line) {
  assert.equal(r.status, status, `exit ${status} expected, got ${r.status}\nstderr:\n${r.stderr}`);
  assert.ok(r.lines.includes(line), `stderr should have the line\n  ${line}\nbut was:\n${r.stderr}`);
  assert.equal(r.stdout, '', 'nothing may be written on a refusal');
}
