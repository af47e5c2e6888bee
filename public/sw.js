// 一刻钟便民生活圈 service worker: the second visit opens with no network, and a weak network
// still shows the map fast.
//
//   hashed assets (app-<hash>.js/_bg.wasm, main-<hash>.css,  → cache first
//   and the survey bundle's /s/survey-<hash>… /s/pages-<hash>.css)
//   /leaflet/* (not hashed)                                  → cache first, refreshed behind
//   survey pages (navigations to /survey, /indicators,       → network first, 4 s, then the
//   /staff and below)                                          saved survey page (SURVEY_SHELL)
//   other pages (any navigation: /, /repair?kind=shoe, …)    → network first, 4 s, then the
//                                                              saved "/"
//   GET of the map's data (API_URLS, /api/hours?date=…), the → network first, 4 s, then the
//   survey's (SURVEY_API: the questionnaire, a circle's        saved answer
//   open round), /manifest.webmanifest, /icons/*
//   POST of a survey answer (/api/circles/{id}/responses)   → the network's answer as it is,
//                                                              never cached or replayed
//   the desk pages (navigations to /merchant…,              → not touched: they change data
//   /staff/registrations, /staff/circles…) and their /m/     and are useless offline; saving
//   bundle                                                     them would replace a shell
//   anything else (other /api queries such as /api/reach, whose answers are endless; other
//   POSTs; other origins)                                    → not touched
//
// Install saves the page that registered the worker — the map ("/") or the survey page — every
// asset it names and its data (API_URLS, or SURVEY_API for the circle in the page's address):
// from the browser's HTTP cache when the page has just loaded them (no second download on a
// first visit), else from the network. A resident who only opens the survey never downloads
// the map's data; the other shell is saved the first time it is opened online.
// An answer served from the cache because the network failed, was too slow or answered 5xx
// carries `X-From-Cache: 1`, so the app can tell residents they are looking at saved data.
// Bump VERSION when this file's caching rules change: the old cache is dropped on activate.

const VERSION = 'v3';
const CACHE = `bianmin-${VERSION}`;
const TIMEOUT_MS = 4000;

// The data the map needs to draw itself; saved on install next to the page's own files.
const API_URLS = [
  '/api/config',
  '/api/rules',
  '/api/circles',
  '/api/outlets',
  '/api/graph',
  '/api/basemap',
  '/api/search-terms',
];

// The desk pages (dist/m/index.html), left to the network.
const DESK_PAGES = /^\/(?:merchant|staff\/registrations|staff\/circles)(?:\/|$)/;
// The survey pages, all answered with the survey bundle's page (dist/s/index.html).
const SURVEY_PAGES = /^\/(?:survey|indicators|staff)(?:\/|$)/;
// Where the survey page is saved (the server sends the same page for every survey path).
const SURVEY_SHELL = '/survey';
// What the survey form needs besides /api/rules (in API_URLS): kept so an opened survey still
// works offline and a reload offline shows the form.
const SURVEY_API = [/^\/api\/survey\/questionnaire$/, /^\/api\/circles\/[^/]+\/survey$/];
// An answer's POST (passed to the network as it is).
const SURVEY_ANSWER = /^\/api\/circles\/[^/]+\/responses$/;

const HASHED = /^\/(?:s\/)?[\w.-]+-[0-9a-f]{12,16}(?:_bg)?\.(?:js|wasm|css)$/;
/** The bundle a hashed asset belongs to: "/s/" (survey) or "/" (map). */
const bundleOf = (path) => (path.startsWith('/s/') ? '/s/' : '/');

/** Same-origin paths the page refers to: href=/…, src=/…, and '/…' strings in inline scripts
 *  (Trunk's loader imports the js and wasm by name; its modulepreload/preload links too). */
function assetsIn(html) {
  const found = new Set();
  const patterns = [
    /\b(?:href|src)\s*=\s*["']?(\/[^"'\s>]*)/g,
    /["'](\/[^"'\s]+\.(?:js|wasm|css))["']/g,
  ];
  for (const re of patterns) {
    for (const m of html.matchAll(re)) {
      if (!m[1].startsWith('//') && m[1] !== '/sw.js') found.add(m[1]);
    }
  }
  return [...found];
}

/** Only whole, successful, same-origin answers are kept (no 404s, no 5xx, no redirects). */
function cacheable(res) {
  return res && res.ok && res.status === 200 && res.type === 'basic' && !res.redirected;
}

async function save(key, res) {
  const cache = await caches.open(CACHE);
  await cache.put(key, res);
}

/** Saved answers match whatever the server's Vary says (the page and the worker send different
 *  request headers). */
const match = (req, opts = {}) => caches.match(req, { ignoreVary: true, ...opts });

/** Saves a freshly loaded page under `key` ("/" for the map, SURVEY_SHELL for the survey
 *  pages: the server sends one page for each group of paths) and drops saved hashed assets of
 *  the same bundle that the new page no longer uses (an older build's). */
async function saveShell(res, key) {
  const html = await res.clone().text();
  await save(key, res);
  const used = new Set(assetsIn(html));
  const bundle = key === '/' ? '/' : '/s/';
  const cache = await caches.open(CACHE);
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (HASHED.test(path) && bundleOf(path) === bundle && !used.has(path)) await cache.delete(req);
  }
}

/** Fetches `url` and saves it; throws when the answer is not worth keeping. */
async function fetchAndSave(url, init, expectHtml = false) {
  const res = await fetch(url, init);
  // The server answers unknown paths with index.html (200): never save that as a script.
  const html = (res.headers.get('content-type') || '').includes('text/html');
  if (!cacheable(res) || html !== expectHtml) throw new Error(`${url}: ${res.status}`);
  await save(url, res.clone());
  return res;
}

/** The copy the page itself just loaded, from the browser's HTTP cache (no second download on
 *  a first visit over a weak network), else a low-priority request. */
async function fetchOnce(url) {
  try {
    return await fetchAndSave(url, { cache: 'only-if-cached', mode: 'same-origin' });
  } catch {
    return fetchAndSave(url, { priority: 'low' });
  }
}

/** Saves a page (`shell`), the assets it names and `data`; returns the settled saves. The page
 *  itself must be saved, or there is nothing to open offline: its failure fails the install,
 *  and the browser tries again on the next visit. */
async function saveOffline(shell, data) {
  const html = await (await fetchAndSave(shell, { cache: 'no-cache' }, true)).text();
  // Hashed assets first: requests still in flight for the page are shared, not repeated.
  const results = await Promise.allSettled(assetsIn(html).map(fetchOnce));
  results.push(...(await Promise.allSettled(data.map(fetchOnce))));
  return results;
}

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(
    (async () => {
      // Which pages registered the worker: the survey's, the map's, or (none known) the map.
      const open = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
        .map((c) => new URL(c.url))
        .filter((u) => u.origin === self.location.origin);
      const surveys = open.filter((u) => SURVEY_PAGES.test(u.pathname));
      const results = [];
      if (surveys.length === 0 || surveys.length < open.length) {
        // Today's opening hours (local date, as the app asks for them) with the map's data.
        const d = new Date();
        const pad = (n) => String(n).padStart(2, '0');
        const hours = `/api/hours?date=${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
        results.push(...(await saveOffline('/', [...API_URLS, hours])));
      }
      if (surveys.length > 0) {
        const circles = new Set(surveys.map((u) => u.searchParams.get('circle')).filter((c) => c));
        const data = ['/api/survey/questionnaire', '/api/rules'];
        for (const c of circles) data.push(`/api/circles/${encodeURIComponent(c)}/survey`);
        // Without ?circle= the page takes the first circle the server lists.
        if (surveys.some((u) => !u.searchParams.get('circle'))) data.push('/api/circles');
        results.push(...(await saveOffline(SURVEY_SHELL, data)));
      }
      results
        .filter((r) => r.status === 'rejected')
        .forEach((r) => console.warn('sw: not saved for offline use:', r.reason.message));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('bianmin-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (req.method === 'POST' && SURVEY_ANSWER.test(path)) {
    // A survey answer goes straight to the network, never into the cache; the page keeps it in
    // its outbox until the server has it. Sent from here rather than left to the browser's
    // fallback, so the page gets exactly the worker's network outcome (also under the browser
    // tests' offline emulation, which does not reliably stop a fallback request).
    event.respondWith(fetch(req));
    return;
  }
  if (req.method !== 'GET') return;

  if (req.mode === 'navigate') {
    if (DESK_PAGES.test(path)) return;
    const shell = SURVEY_PAGES.test(path) ? SURVEY_SHELL : '/';
    event.respondWith(networkFirst(event, (res) => saveShell(res, shell), () => match(shell), true));
  } else if (HASHED.test(path)) {
    event.respondWith(cacheFirst(event, false));
  } else if (path.startsWith('/leaflet/')) {
    event.respondWith(cacheFirst(event, true));
  } else if (API_URLS.includes(path) || SURVEY_API.some((re) => re.test(path))) {
    event.respondWith(networkFirst(event, (res) => save(req, res), () => match(req)));
  } else if (path === '/api/hours') {
    // One saved day is enough: another day's hours are better than none when offline.
    const keep = async (res) => {
      const cache = await caches.open(CACHE);
      await cache.delete(req, { ignoreSearch: true });
      await cache.put(req, res);
    };
    event.respondWith(networkFirst(event, keep, () => match(req, { ignoreSearch: true })));
  } else if (path === '/manifest.webmanifest' || path.startsWith('/icons/')) {
    event.respondWith(networkFirst(event, (res) => save(req, res), () => match(req)));
  }
});

/** The saved copy, else the network's (saved for next time). `refresh`: a saved copy is
 *  answered at once and replaced from the network behind the scenes (for unhashed files). */
async function cacheFirst(event, refresh) {
  const req = event.request;
  const fetchAndKeep = () =>
    fetch(req).then((res) => {
      const html = (res.headers.get('content-type') || '').includes('text/html');
      // Saved while the page already reads the answer: the wasm compiles as it streams in.
      if (cacheable(res) && !html) event.waitUntil(save(req, res.clone()));
      return res;
    });
  const cached = await match(req);
  if (!cached) return fetchAndKeep();
  if (refresh) event.waitUntil(fetchAndKeep().catch(() => {}));
  return cached;
}

/** The network's answer if it comes within TIMEOUT_MS (given to `keep` when good); otherwise
 *  the saved one, marked X-From-Cache. Without a saved one, whatever the network gives. A late
 *  network answer still refreshes the cache. */
async function networkFirst(event, keep, lookup, expectHtml = false) {
  const network = fetch(event.request).then((res) => {
    const html = (res.headers.get('content-type') || '').includes('text/html');
    if (cacheable(res) && html === expectHtml) event.waitUntil(keep(res.clone()));
    return res;
  });
  // Keeps the worker alive until the network answers, even after the cache has answered.
  event.waitUntil(network.catch(() => {}));

  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, TIMEOUT_MS, 'timeout');
  });
  let outcome;
  try {
    outcome = await Promise.race([network, timeout]);
  } catch (err) {
    outcome = err; // offline, connection refused, DNS failure…
  } finally {
    clearTimeout(timer);
  }
  // A real answer: pass it on, unless the server is failing (5xx) and a saved copy exists.
  if (outcome instanceof Response && outcome.status < 500) return outcome;

  const cached = await lookup().catch(() => undefined);
  if (cached) return fromCache(cached);
  if (outcome instanceof Response) return outcome;
  return network; // nothing saved: wait for the network, or fail as the network fails
}

/** A copy of a saved answer with `X-From-Cache: 1` added. */
function fromCache(res) {
  const headers = new Headers(res.headers);
  headers.set('X-From-Cache', '1');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
