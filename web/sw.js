// Keeps the application shell for use without a network.  Personal data
// (anything under /api/) is never cached here: the collaborator's book and
// outbox live in IndexedDB (book.js), cleared at logout.
const SHELL = 'danso-shell-v9';
const FILES = ['/', '/sw.js', '/static/app.css', '/static/app.js', '/static/core.js', '/static/i18n.js',
  '/static/charts.js', '/static/record.js', '/static/views.js', '/static/cycle.js', '/static/icon.svg',
  '/static/account.js', '/static/projection.js', '/static/quality.js', '/static/worklist.js',
  '/static/offline.js', '/static/book.js', '/static/app.webmanifest', '/static/pickers.js', '/static/comm.js',
  '/static/series.js', '/static/units.js', '/static/elderly.js', '/static/targets.js', '/static/workforce.js',
  '/static/duplicates.js', '/static/reconcile.js'];
self.addEventListener('install', (e) => e.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES)).then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(caches.keys().then((keys) =>
  Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))).then(() => self.clients.claim())));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // The shell from the cache at once (a slow link costs nothing to open the app), and from the
  // network behind it for the next opening: a new version shows the time after it is served.
  e.respondWith(caches.open(SHELL).then(async (c) => {
    const hit = await c.match(e.request, { ignoreSearch: true });
    const net = fetch(e.request).then((r) => {
      if (r.ok) c.put(e.request, r.clone());
      return r;
    });
    if (!hit) return net;
    e.waitUntil(net.catch(() => undefined));
    return hit;
  }));
});
