// What the duplicates and reconciliation browser tests share: a server on a database, logging in, and
// whether a page fits its viewport without sideways scrolling.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ART = path.resolve('tests/e2e/artifacts');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// `danso serve` on db, its output in artifacts/server-<name>.log; {base, stop()}.
export async function serve(bin, db, name, env) {
  fs.mkdirSync(ART, { recursive: true });
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
  return { base, stop: () => server.kill('SIGTERM') };
}

// A new page logged in as user, in Vietnamese, collecting the page's errors.
export async function loggedIn(browser, base, user, password, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.getByLabel(/Tên đăng nhập|Login/).fill(user);
  await page.getByLabel(/Mật khẩu|Password/).fill(password);
  await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
  await page.waitForSelector('#kpis, section[data-list], #login .msg.bad, main .msg.bad', { timeout: 15000 }).catch(async () => assert.fail(await page.locator('main').innerText()));
  assert.equal(await page.locator('#login .msg.bad').count(), 0, `${user} logged in`);
  return page;
}

export const fits = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
