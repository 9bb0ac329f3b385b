// A register and its server for a browser test: a fixture folder imported
// into a new SQLite database, accounts made on the command line, the
// server started on a free port (its log in tests/e2e/artifacts), and
// Debian's Chromium through playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const bin = path.resolve(process.env.DANSO_BIN || 'build/danso');
export const ART = path.resolve('tests/e2e/artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// {fixture, asOf, users: [[login, role, unit]], name, today}: returns
// {dir, db, base, browser, pw: {login: password}, close()}.
export async function serveFixture({ fixture, asOf, users, name, today = '2026-11-22' }) {
  fs.mkdirSync(ART, { recursive: true });
  const env = { ...process.env, DANSO_TODAY: today };
  const run = (...args) => execFileSync(bin, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `danso-e2e-${name}-`));
  const db = path.join(dir, 'd.db');
  run('init', '--db', db);
  run('import', '--db', db, '--units', `${fixture}/units.csv`, '--households', `${fixture}/households.csv`,
    '--persons', `${fixture}/persons.csv`, '--as-of', asOf, '--quiet');
  run('events', '--db', db, `${fixture}/events.ndjson`);
  const pw = {};
  for (const [login, role, unit] of users) {
    const f = path.join(dir, `${login}.pw`);
    const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--name', login, '--password-file', f];
    if (unit) args.push('--unit', unit);
    run(...args);
    pw[login] = fs.readFileSync(f, 'utf8').trim();
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(ART, `server-${name}.log`));
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return {
    dir, db, base, browser, pw,
    async close() {
      await browser.close();
      server.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
