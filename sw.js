// nasbook's service worker: after one visit the page, its lessons, the workers' programs and the
// data cells have fetched work with the network gone.
//
// It lies at the site's root, so that its scope is the whole page, and imports the list the
// build writes (assets/build/offline-list.js): the build's version and the files to keep. Each
// version has a cache of its own, "nasbook-VERSION":
//   - at install, the page, its scripts, styles, lessons and the wasm programs it loads at once
//     (the shell); the page asks for the workers' programs (figure, pool) once it is ready, so
//     that they do not compete with its first load;
//   - the shipped data (MNIST, the benchmark tables) when a cell first fetches it.
// A new build changes the list, so the browser installs a new worker; it waits until the page
// reloads (the page offers to), then deletes the caches of other versions.
//
// The page's own files (HTML, scripts, styles, notebooks) are fetched from the network first and
// kept fresh in the cache, which answers when the network fails or is slower than NETWORK_MS:
// a change to them shows on the next load. The built files (wasm programs, data) change only
// with a new build: the cache answers first.
importScripts("assets/build/offline-list.js");

const { version, shell, later } = self.nasbookOffline;
const CACHE = `nasbook-${version}`;
const NETWORK_MS = 4000;
const scope = self.registration.scope;
const abs = (p) => new URL(p, scope).href;
const BUILT = abs("assets/build/");

self.addEventListener("install", (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Revalidated, not taken from the HTTP cache as it is: the files are this build's.
      await cache.addAll(shell.map((p) => new Request(abs(p), { cache: "no-cache" })));
      // The first worker takes the page at once; a later one waits for a reload.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (e) => {
  e.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith("nasbook-") && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (e) => {
  const msg = e.data || {};
  const reply = (m) => e.ports[0] && e.ports[0].postMessage(m);
  if (msg.type === "keep-later") {
    // The page is ready: keep the workers' programs too.
    e.waitUntil(
      (async () => {
        const cache = await caches.open(CACHE);
        for (const p of later) {
          if (!(await cache.match(abs(p)))) await cache.add(new Request(abs(p), { cache: "no-cache" }));
        }
      })().then(
        () => reply({ type: "kept", version }),
        (err) => reply({ type: "not-kept", version, error: String(err && err.message ? err.message : err) }),
      ),
    );
  } else if (msg.type === "skip-waiting") {
    self.skipWaiting();
  } else if (msg.type === "version") {
    reply({ type: "version", version });
  }
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || !req.url.startsWith(scope) || req.headers.has("range")) return;
  e.respondWith(respond(req, (p) => e.waitUntil(p)));
});

// respond answers req; keep(promise) lets a cache write finish after the answer has gone.
async function respond(req, keep) {
  const cache = await caches.open(CACHE);
  const navigate = req.mode === "navigate";
  const url = new URL(req.url);
  url.hash = "";
  if (navigate && (url.href === scope || url.href === abs("index.html"))) url.href = scope;
  const key = navigate ? url.href : req;
  if (url.href.startsWith(BUILT)) {
    const hit = await cache.match(key);
    if (hit) return hit;
    const resp = await fetch(req);
    if (keepable(resp)) keep(cache.put(key, resp.clone()));
    return resp;
  }
  // The page's own files: the network first, the cache when it fails or is slow.
  const network = fetch(req).then((resp) => {
    if (keepable(resp)) keep(cache.put(key, resp.clone()));
    return resp;
  });
  network.catch(() => {}); // answered from the cache meanwhile
  let timer = 0;
  const slow = new Promise((resolve) => (timer = setTimeout(resolve, NETWORK_MS)));
  try {
    const first = await Promise.race([network, slow.then(() => null)]);
    if (first) return first;
    const hit = await cache.match(key, { ignoreSearch: navigate });
    return hit || (await network);
  } catch (err) {
    const hit = await cache.match(key, { ignoreSearch: navigate });
    if (hit) return hit;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a response is the whole file, fit to keep. */
function keepable(resp) {
  return resp && resp.status === 200 && resp.type === "basic";
}
