// Keeps the application shell for use without a network.  Personal data
// (anything under /api/) is never cached here: the collaborator's book and
// outbox live in IndexedDB (book.js), cleared at logout.
const SHELL = 'danso-shell-v4';
const FILES = ['/', '/sw.js', '/static/app.css', '/static/app.js', '/static/core.js', '/static/i18n.js',
  '/static/charts.js', '/static/record.js', '/static/views.js', '/static/cycle.js', '/static/icon.svg',
  '/static/account.js', '/static/projection.js', '/static/quality.js', '/static/worklist.js',
  '/static/offline.js', '/static/book.js', '/static/app.webmanifest'];
self.addEventListener('install', (e) => e.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES)).then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(caches.keys().then((keys) =>
  Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))).then(() => self.clients.claim())));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.pathname.startsWith('/api/')) return;
  // The network first, so that a new version shows at once; the cache when offline.
  e.respondWith(fetch(e.request).then((r) => {
    const copy = r.clone();
    if (r.ok) caches.open(SHELL).then((c) => c.put(e.request, copy));
    return r;
  }).catch(() => caches.match(e.request, { ignoreSearch: true })));
});
