// Crashes under load (issue 11), the short run of bench/crash.mjs: the
// server killed with SIGKILL at random moments while writers record events
// and readers read persons, households, events, searches, lists and the
// check.  No acknowledged event may be lost, recorded twice or moved to
// another sequence number, and no answered read may lack its audit rows
// (bench/crash.mjs says how they are paired).  The full run is 200 rounds
// (docs/BENCHMARKS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { crashRun, describe } from '../../bench/crash.mjs';

test('kill -9 under reads and writes, 15 times: nothing acknowledged lost or doubled, every answered read audited',
  { timeout: 120000 }, async (t) => {
    const s = await crashRun({ rounds: 15, seconds: 50, quiet: true });
    for (const line of describe(s).split('\n')) t.diagnostic(line);
    assert.ok(s.rounds >= 8, `only ${s.rounds} rounds in the time given`);
    assert.ok(s.events_acknowledged > 100 && s.reads_answered > 100, 'too little load to mean anything');
    assert.deepEqual(s.problems, []);
  });
