// The app's service worker: the shell (these files) from a cache, so the
// app opens without a network and shows the last member card, which the
// page itself keeps (js/app.js, localStorage "setia.card").
//
// It caches only the files below, fetched without credentials. It never
// caches or even looks at /v1/ (the API): those answers carry a member's
// data and are fetched with the token; keeping them here would keep them
// for anyone who opens the browser's storage after a logout.
const CACHE = 'setia-app-v1';
const SHELL = [
  './',
  'index.html',
  'app.css',
  'manifest.webmanifest',
  'js/app.js',
  'js/api.js',
  'js/i18n.js',
  'js/ui.js',
  'js/screens.js',
  'icons/icon.svg',
  'icons/icon-192.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Stale while revalidate: the cached file at once, and the network's copy
// into the cache for the next launch.
self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (req.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  // A navigation (with ?store=... or a #screen) is the shell's index.
  const key = req.mode === 'navigate' ? new Request(scope.href) : req;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(req).then((res) => {
        if (res.ok) cache.put(key, res.clone());
        return res;
      });
      if (cached) {
        event.waitUntil(fresh.catch(() => {}));
        return cached;
      }
      return fresh;
    }),
  );
});
