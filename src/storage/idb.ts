/** IndexedDB as promises: one request, one transaction, and a database with one object store. */

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export interface StoreDbOptions {
  name: string;
  version: number;
  /** The object store, keyed by `id`. */
  store: string;
  /** What the user loses when the database cannot be opened, e.g. "graphs cannot be saved". */
  loss: string;
}

/** Opens (once, and again after a failure) a database holding one object store keyed by `id`. */
export function storeDb(options: StoreDbOptions): () => Promise<IDBDatabase> {
  let opening: Promise<IDBDatabase> | null = null;
  return () => {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        if (typeof indexedDB === 'undefined') {
          reject(new Error(`this browser has no IndexedDB, so ${options.loss}`));
          return;
        }
        const req = indexedDB.open(options.name, options.version);
        req.onupgradeneeded = () => {
          if (!req.result.objectStoreNames.contains(options.store)) req.result.createObjectStore(options.store, { keyPath: 'id' });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error(`could not open IndexedDB, so ${options.loss}`));
        req.onblocked = () => reject(new Error(`IndexedDB is blocked by another tab, so ${options.loss}`));
      });
      opening.catch(() => {
        opening = null;
      });
    }
    return opening;
  };
}
