// danso's web interface: hash routes, the session, the menu.
import { api, ApiError, errorBox, field, h, state } from './core.js';
import { getLang, role, setLang, t } from './i18n.js';
import { recordPage } from './record.js';
import * as V from './views.js';

const main = document.getElementById('main');

// Which pages each role sees in the menu (the server checks every request anyway).
const MENU = [
  ['dashboard', '#/dashboard', () => true],
  ['find', '#/find', (r) => r !== 'admin'],
  ['area', '#/area', (r) => r === 'collaborator' || r === 'commune'],
  ['record', '#/record', (r) => r === 'collaborator' || r === 'commune'],
  ['slip', '#/slip', (r) => r === 'collaborator' || r === 'commune'],
  ['reports', '#/reports', () => true],
  ['check', '#/check', (r) => r !== 'collaborator'],
  ['admin', '#/admin', (r) => r === 'admin'],
];

function drawChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const out = document.getElementById('logout');
  document.getElementById('lang').textContent = getLang() === 'vi' ? 'English' : 'Tiếng Việt';
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

async function loadSession() {
  try {
    const me = await api('/api/v1/me');
    state.user = me.user;
    state.csrf = me.csrf;
    state.unit = me.unit || null;
  } catch {
    state.user = null;
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
      state.user = r.user;
      state.csrf = r.csrf;
      await loadSession();
      location.hash = '#/dashboard';
      route();
    } catch (err) {
      const text = err.status === 429 ? t('throttled', { m: Math.max(1, Math.ceil((err.retryAfter || 900) / 60)) })
        : err.status === 401 ? t('badLogin') : err.message;
      msg.append(h('div', { class: 'msg bad', role: 'alert' }, text));
      pw.value = '';
      pw.focus();
    }
  } }, field('login', t('user'), user), field('password', t('password'), pw), msg,
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('login'))));
  main.replaceChildren(h('h1', {}, `danso – ${getLang() === 'vi' ? 'Quản lý dân số' : 'Population register'}`), form);
  user.focus();
}

async function route() {
  const [path, query] = (location.hash.slice(1) || '/dashboard').split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  if (!state.user && parts[0] !== 'login') await loadSession();
  drawChrome();
  if (!state.user) { loginPage(parts[0] === 'login' && params.get('over') ? t('sessionOver') : null); return; }
  main.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  try {
    switch (parts[0]) {
      case 'login': location.hash = '#/dashboard'; return;
      case 'find': await V.find(main, params); break;
      case 'household': await V.household(main, decodeURIComponent(parts[1] || '')); break;
      case 'person': await V.person(main, decodeURIComponent(parts[1] || '')); break;
      case 'event': await V.eventPage(main, decodeURIComponent(parts[1] || '')); break;
      case 'area': await V.area(main, params); break;
      case 'record': await recordPage(main, params); break;
      case 'slip': await V.slip(main, params); break;
      case 'reports': await V.reports(main, params); break;
      case 'check': await V.check(main, params); break;
      case 'admin': await V.admin(main, params); break;
      default:
        if (state.user.role === 'admin') await V.admin(main, params);
        else await V.dashboard(main, params);
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    main.append(errorBox(e));
  }
  document.title = `danso – ${main.querySelector('h1')?.textContent || ''}`;
  main.focus({ preventScroll: true });
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi');
  route();
});
document.getElementById('logout').addEventListener('click', async () => {
  try { await api('/api/v1/logout', { method: 'POST' }); } catch { /* the session may be gone already */ }
  state.user = null;
  state.csrf = '';
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
setLang(getLang());
route();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
