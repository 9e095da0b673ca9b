/**
 * The offline service worker: once the app has been opened, it works without a
 * network (workshops have bad networks). Same-origin GET requests go to the
 * network first, with a short timeout, and fall back to the copy kept from the
 * last successful load; every successful response refreshes that copy. The
 * dataset and the app's entry are fetched into the cache as soon as it installs.
 * Everything it serves carries the cross-origin isolation headers, so the page
 * can run multi-threaded WebAssembly even from the cache (or a host that does
 * not send them).
 *
 * Served at /sw.js (see the `serviceWorker` plugin in vite.config.ts).
 */

// The DOM library's types are in scope for the app; these are the few
// service-worker types this file needs.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const scope = globalThis as unknown as WorkerScope;

export const CACHE = 'bottleneck-offline-v1';
/** How long to wait for the network before answering from the cache. */
const NETWORK_TIMEOUT_MS = 4000;
const PRECACHE = ['/', '/index.html', '/generated/datasets.json', '/generated/mnist.bin.gz', '/favicon.svg'];

scope.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // a production build lists its files in precache.json; the dev server has none
      const built = await fetch('/precache.json')
        .then((r) => (r.ok ? (r.json() as Promise<unknown>) : []))
        .catch(() => []);
      const listed = Array.isArray(built) ? built.filter((f): f is string => typeof f === 'string' && f.startsWith('/')) : [];
      // one missing file must not stop the others
      await Promise.all([...PRECACHE, ...listed].map((url) => cache.add(url).catch(() => undefined)));
      await scope.skipWaiting();
    })(),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await scope.clients.claim();
    })(),
  );
});

function cacheable(request: Request): boolean {
  if (request.method !== 'GET' || request.headers.has('range')) return false;
  const url = new URL(request.url);
  return url.origin === scope.location.origin;
}

async function fromNetwork(request: Request): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  try {
    const response = await fetch(request, { signal: controller.signal });
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      void caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  } finally {
    clearTimeout(timer);
  }
}

/** The response with the headers that make the page cross-origin isolated (see vite.config.ts). */
export function withIsolation(response: Response): Response {
  if (response.type !== 'basic' && response.type !== 'default') return response;
  if (response.headers.get('Cross-Origin-Embedder-Policy') && response.headers.get('Cross-Origin-Opener-Policy')) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
  try {
    return withIsolation(await fromNetwork(request));
  } catch (error) {
    const cached =
      (await caches.match(request, { ignoreVary: true })) ?? (request.mode === 'navigate' ? await caches.match('/') : undefined);
    if (cached) return withIsolation(cached);
    throw error;
  }
}

scope.addEventListener('fetch', (event) => {
  if (!cacheable(event.request)) return;
  event.respondWith(respond(event.request));
});
