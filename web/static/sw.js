// MudRock's service worker: keeps the app shell (page, script, wasm, style) for offline use.
// Network first, so a new build is picked up at once when online; the cached copy when the server cannot
// be reached. API answers are not touched here: the app pins wells in Cache Storage itself.
const SHELL = 'mudrock-shell-v1';
const FILES = ['/', '/app/mudrock_web.js', '/app/mudrock_web_bg.wasm', '/app/style.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const shell = url.pathname === '/' || url.pathname === '/index.html' || url.pathname.startsWith('/app/');
  if (!shell) return;
  const key = url.pathname === '/index.html' ? '/' : url.pathname;
  event.respondWith(
    fetch(event.request)
      .then((resp) => {
        if (resp.ok) {
          const copy = resp.clone();
          caches.open(SHELL).then((c) => c.put(key, copy));
        }
        return resp;
      })
      .catch(() => caches.match(key).then((hit) => hit || Response.error())),
  );
});
