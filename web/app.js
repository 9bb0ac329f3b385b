// danso's web interface: hash routes, the session, the menu.
import { api, ApiError, errorBox, field, h, state } from './core.js';
import { getLang, role, setLang, t } from './i18n.js';
import { accountPage } from './account.js';
import { duplicatesPage } from './duplicates.js';
import { recordPage } from './record.js';
import { householdsCard, programmesCard, worklistHome, worklistPage } from './worklist.js';
import * as V from './views.js';
import { beforeLogout, bookPage, offlineUser, outboxPage, rememberUser, startOffline } from './offline.js';

const main = document.getElementById('main');

// Which pages each role sees in the menu (the server checks every request anyway).
const MENU = [
  ['dashboard', '#/dashboard', () => true],
  ['find', '#/find', (r) => r !== 'admin'],
  ['worklist', '#/worklist', (r) => r !== 'admin'],
  ['elderly', '#/elderly', (r) => r !== 'admin'],
  ['targets', '#/targets', (r) => r !== 'admin' && r !== 'collaborator'],
  ['workforce', '#/workforce', (r) => r === 'commune' || r === 'province' || r === 'national'],
  ['area', '#/area', (r) => r === 'collaborator' || r === 'commune'],
  ['book', '#/book', (r) => r === 'collaborator'],
  ['record', '#/record', (r) => r === 'collaborator' || r === 'commune'],
  ['slip', '#/slip', (r) => r === 'collaborator' || r === 'commune'],
  ['comm', '#/comm', (r) => r !== 'admin'],
  ['review', '#/review', (r) => r === 'commune'],
  ['queries', '#/queries', (r) => r === 'collaborator'],
  ['cycle', '#/cycle', (r) => r === 'commune' || r === 'province'],
  ['timeliness', '#/timeliness', (r) => r === 'province' || r === 'national'],
  ['reports', '#/reports', () => true],
  ['series', '#/series', (r) => r !== 'admin'],
  ['check', '#/check', (r) => r !== 'collaborator'],
  ['quality', '#/quality', (r) => r !== 'collaborator' && r !== 'admin'],
  ['duplicates', '#/duplicates', (r) => r === 'commune' || r === 'province' || r === 'national'],
  ['reconcile', '#/reconcile', (r) => r === 'commune' || r === 'province' || r === 'national'],
  ['projection', '#/projection', (r) => r === 'province' || r === 'national'],
  ['admin', '#/admin', (r) => r === 'admin'],
  ['account', '#/account', () => true],
];

function drawChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const out = document.getElementById('logout');
  const langBtn = document.getElementById('lang');
  langBtn.textContent = getLang() === 'vi' ? 'English' : 'Tiếng Việt';
  langBtn.lang = getLang() === 'vi' ? 'en' : 'vi';
  document.querySelector('.skip').textContent = getLang() === 'vi' ? 'Bỏ qua điều hướng' : 'Skip to content';
  if (!state.user) {
    nav.hidden = true;
    out.hidden = true;
    who.textContent = '';
    return;
  }
  who.textContent = `${state.user.name} · ${role(state.user.role)}${state.unit ? ` · ${state.unit.name}` : ''}`;
  out.hidden = false;
  out.textContent = t('logout');
  nav.hidden = false;
  const here = location.hash.split('?')[0] || '#/dashboard';
  nav.replaceChildren(...MENU.filter(([, , ok]) => ok(state.user.role)).map(([k, href]) =>
    h('a', { href, 'aria-current': here === href ? 'page' : null }, t(k))));
}

// The session as /me or the login answers it.
async function useSession(me) {
  state.user = me.user;
  state.csrf = me.csrf;
  state.unit = me.unit || null;
  state.today = me.today || null;
  if (me.user.role === 'collaborator') await rememberUser(me);
}

async function loadSession() {
  try {
    await useSession(await api('/api/v1/me'));
  } catch (e) {
    state.user = null;
    // No connection: a collaborator's phone opens on the book it holds.
    const kept = e instanceof ApiError && e.status === 0 ? await offlineUser() : null;
    if (kept) Object.assign(state, { user: kept.user, unit: kept.unit, today: kept.today, csrf: kept.csrf || '' });
  }
}

function loginPage(notice) {
  const user = h('input', { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const pw = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { 'aria-live': 'assertive' }, notice ? h('div', { class: 'msg bad' }, notice) : null);
  const form = h('form', { class: 'f card', id: 'login', onsubmit: async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    try {
      const r = await api('/api/v1/login', { method: 'POST', body: { login: user.value.trim(), password: pw.value } });
      // The login answers what /me would: no second round trip.
      await useSession(r);
      // A collaborator's first sync starts with the login's answer, beside the home page's requests.
      await startOffline();
      if (location.hash === '#/dashboard') route();
      else location.hash = '#/dashboard';
    } catch (err) {
      const text = err.status === 429 ? t('throttled', { m: Math.max(1, Math.ceil((err.retryAfter || 900) / 60)) })
        : err.status === 401 ? t('badLogin') : err.status === 503 ? t('tryAgain', { m: err.message }) : err.message;
      msg.append(h('div', { class: 'msg bad', role: 'alert' }, text));
      pw.value = '';
      pw.focus();
    }
  } }, field('login', t('user'), user), field('password', t('password'), pw), msg,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('login'))));
  main.replaceChildren(h('h1', {}, `danso – ${getLang() === 'vi' ? 'Quản lý dân số' : 'Population register'}`), form);
  // Drawn, for whatever address: a page cut short by a lapsed session leaves main busy.
  main.removeAttribute('aria-busy');
  main.dataset.drawn = location.hash;
  user.focus();
}

// Each page is drawn off screen and shown when complete, and only if no
// later navigation has started meanwhile (a quick second click wins).
let generation = 0;
async function route() {
  const mine = ++generation;
  const drawing = location.hash;
  const [path, query] = (location.hash.slice(1) || '/dashboard').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  if (!state.user && parts[0] !== 'login') { await loadSession(); await startOffline(); }
  if (mine !== generation) return;
  drawChrome();
  if (!state.user) {
    loginPage(parts[0] === 'login' && params.get('over') ? t('sessionOver') : null);
    return;
  }
  if (parts[0] === 'login') { location.hash = '#/dashboard'; return; }
  // A password set by an administrator is changed before anything else (the server refuses the rest).
  if (state.user.must_change_password && parts[0] !== 'account') { location.hash = '#/account'; return; }
  if (!main.firstElementChild || main.querySelector('#login')) main.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  main.setAttribute('aria-busy', 'true');
  const page = h('div', { class: 'page' });
  try {
    // Pages a collaborator's first screen does not need are loaded when first
    // opened: a phone on a slow link starts with less (issue 15).
    switch (parts[0]) {
      case 'find': await V.find(page, params); break;
      case 'household': await V.household(page, decodeURIComponent(parts[1] || '')); break;
      case 'person': await V.person(page, decodeURIComponent(parts[1] || '')); break;
      case 'event': await V.eventPage(page, decodeURIComponent(parts[1] || '')); break;
      case 'area': await V.area(page, params); break;
      case 'record': await recordPage(page, params); break;
      case 'book': await bookPage(page, params); break;
      case 'outbox': await outboxPage(page, params); break;
      case 'worklist': await worklistPage(page, params); break;
      case 'comm': await (await import('./comm.js')).commPage(page, params); break;
      case 'targets': await (await import('./targets.js')).targetsPage(page, params); break;
      case 'workforce': await (await import('./workforce.js')).workforcePage(page, params); break;
      case 'elderly': {
        const E = await import('./elderly.js');
        if (parts[1] === 'session') await E.elderlySessionPage(page, decodeURIComponent(parts[2] || ''));
        else await E.elderlyPage(page, params);
        break;
      }
      case 'slip': await V.slip(page, params); break;
      case 'reports': await V.reports(page, params); break;
      case 'series': await (await import('./series.js')).seriesPage(page, params); break;
      case 'review': await (await import('./cycle.js')).review(page, params); break;
      case 'queries': await (await import('./cycle.js')).queries(page, params); break;
      case 'cycle': await (await import('./cycle.js')).cycle(page, params); break;
      case 'timeliness': await (await import('./cycle.js')).timeliness(page, params); break;
      case 'check': await (await import('./quality.js')).checkPage(page, params); break;
      case 'quality': await (await import('./quality.js')).qualityPage(page, params); break;
      case 'projection': await (await import('./projection.js')).projectionPage(page, params); break;
      case 'duplicates': await duplicatesPage(page, params); break;
      case 'reconcile': await (await import('./reconcile.js')).reconcilePage(page); break;
      case 'admin': await V.admin(page, params); break;
      case 'account': await accountPage(page, { relogin: endSession }); break;
      default:
        if (state.user.role === 'admin') await V.admin(page, params);
        else if (state.user.role === 'collaborator' && !navigator.onLine) await bookPage(page, params);
        else if (state.user.role === 'collaborator') {
          // A collaborator's home: their area's work lists first, then the figures.
          // Its three parts are asked for at once: on a slow link each is a round trip.
          const lists = h('div', { id: 'worklists' });
          const [, households] = await Promise.all([worklistHome(lists), householdsCard(state.user.unit), V.dashboard(page, params)]);
          lists.append(households);
          page.prepend(lists);
        } else if (state.user.role === 'commune' && !params.get('unit')) {
          // A commune officer's home: the programmes' lists first, then the figures with their targets.
          const [card] = await Promise.all([programmesCard(state.user.unit), V.dashboard(page, params)]);
          page.querySelector('h1')?.after(card);
        } else await V.dashboard(page, params);
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    page.append(errorBox(e));
  }
  if (mine !== generation) return;
  main.replaceChildren(page);
  main.removeAttribute('aria-busy');
  // Which address this page was drawn for: between a change of the address and
  // its hashchange event the old page is still shown, and not busy yet.
  main.dataset.drawn = drawing;
  document.title = `danso – ${page.querySelector('h1')?.textContent || ''}`;
  main.focus({ preventScroll: true });
  page.querySelector('[data-autofocus]')?.focus();
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi');
  route();
});
// After a password change every session has ended: the login page says so.
function endSession(notice) {
  state.user = null;
  state.csrf = '';
  drawChrome();
  history.replaceState(null, '', '#/login');
  loginPage(notice);
}
document.getElementById('logout').addEventListener('click', async () => {
  if (!(await beforeLogout())) return;
  try { await api('/api/v1/logout', { method: 'POST' }); } catch { /* the session may be gone already */ }
  state.user = null;
  state.csrf = '';
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
setLang(getLang());
route();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
