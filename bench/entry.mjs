// The duplicate check at entry (GET /api/v1/duplicates/match) on a register,
// as a commune officer: a server on DB, then ten requests for the person as
// registered and ten for the name with a slip, median and worst times
// (docs/BENCHMARKS.md, issue 14).
//
//   node bench/entry.mjs BIN DB PWFILE LOGIN "Full Name" "Typed Nome" SEX BIRTH HOUSEHOLD
//
// LOGIN must be a commune officer of the household's commune (danso user
// add --role commune ... --password-file PWFILE).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const [bin, db, pwf, login, name, typo, sex, birth, household] = process.argv.slice(2);
if (!household) {
  console.error('usage: node bench/entry.mjs BIN DB PWFILE LOGIN "Full Name" "Typed Name" SEX BIRTH HOUSEHOLD');
  process.exit(2);
}
const port = await new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const base = `http://127.0.0.1:${port}`;
const srv = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
try {
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const l = await fetch(`${base}/api/v1/login`, { method: 'POST', body: JSON.stringify({ login, password: fs.readFileSync(pwf, 'utf8').trim() }) });
  if (l.status !== 200) throw new Error(`login: ${l.status} ${await l.text()}`);
  const cookie = l.headers.get('set-cookie').split(';')[0];
  const out = {};
  for (const n of [name, typo]) {
    const t = [];
    let found = '';
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await fetch(`${base}/api/v1/duplicates/match?${new URLSearchParams({ full_name: n, sex, birth_date: birth, household })}`, { headers: { Cookie: cookie } });
      const j = await r.json();
      t.push(performance.now() - t0);
      found = (j.matches || []).map((m) => m.person_id).join(' ');
    }
    t.sort((a, b) => a - b);
    out[n] = `median ${t[5].toFixed(1)} ms, worst ${t[9].toFixed(1)} ms, found [${found}]`;
  }
  console.log(bin, JSON.stringify(out));
} finally {
  srv.kill('SIGTERM');
}
