/**
 * The run history in IndexedDB (its own database, apart from the graph
 * library). Saving adds records and drops the oldest beyond the limit in the
 * same transaction; records that no longer read back are removed then too.
 */
import { decodeRunRecord, pruneRuns, RUN_HISTORY_LIMIT, type RunRecord } from './runRecords';

const DB_NAME = 'bottleneck-runs';
const DB_VERSION = 1;
const STORE = 'runs';

let dbPromise: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function openRunDb(): Promise<IDBDatabase> {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') {
        reject(new Error('this browser has no IndexedDB, so the run history cannot be kept'));
        return;
      }
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('could not open the run history'));
      req.onblocked = () => reject(new Error('the run history is blocked by another tab'));
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

/** Every readable record, newest first. */
export async function listRuns(): Promise<RunRecord[]> {
  const db = await openRunDb();
  const tx = db.transaction(STORE, 'readonly');
  const all = await request(tx.objectStore(STORE).getAll());
  const records = all.map(decodeRunRecord).filter((r): r is RunRecord => r !== undefined);
  return pruneRuns(records, Infinity).keep;
}

/** Adds records; returns how many old ones were dropped to stay within the limit. */
export async function saveRuns(records: ReadonlyArray<RunRecord>, limit = RUN_HISTORY_LIMIT): Promise<number> {
  const db = await openRunDb();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  for (const r of records) store.put(r);
  const all = await request(store.getAll());
  const readable: Array<{ id: string; createdAt: number }> = [];
  for (const value of all) {
    const rec = decodeRunRecord(value);
    if (rec) readable.push({ id: rec.id, createdAt: rec.createdAt });
    else if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') store.delete(value.id);
  }
  const { drop } = pruneRuns(readable, limit);
  for (const r of drop) store.delete(r.id);
  await done(tx);
  return drop.length;
}

export async function deleteRuns(ids: ReadonlyArray<string>): Promise<void> {
  const db = await openRunDb();
  const tx = db.transaction(STORE, 'readwrite');
  for (const id of ids) tx.objectStore(STORE).delete(id);
  await done(tx);
}
