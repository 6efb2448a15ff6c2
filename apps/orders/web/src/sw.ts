/**
 * The app shell's service worker: precaches every built file at install, so
 * the app starts with no network; serves them cache-first. `/api` is never
 * cached here (the sync worker and IndexedDB hold the data).
 */
const worker = self as unknown as ServiceWorkerGlobalScope;

// Both replaced at build time by the precache plugin in vite.config.ts.
const FILES_JSON: string = '__PRECACHE_FILES__';
const VERSION: string = '__PRECACHE_VERSION__';
const precached: readonly string[] = FILES_JSON.startsWith('[') ? JSON.parse(FILES_JSON) : ['/'];
const CACHE = `tidemark-shell-${hash(VERSION)}`;

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...precached]))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith('tidemark-shell-') && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || url.pathname.startsWith('/api/'))
    return;
  if (event.request.mode === 'navigate') {
    // Any route of the single-page app is the shell; the network copy when it answers, else the cached one.
    event.respondWith(
      fetch(event.request).catch(async () => (await caches.match('/', { cacheName: CACHE })) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(event.request, { cacheName: CACHE }).then((hit) => hit ?? fetch(event.request)));
});
