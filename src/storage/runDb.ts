/**
 * The run history in IndexedDB (its own database, apart from the graph
 * library). Saving adds records and drops the oldest beyond the limit in the
 * same transaction; records that no longer read back are removed then too.
 */
import { decodeRunRecord, pruneRuns, RUN_HISTORY_LIMIT, type RunRecord } from './runRecords';
import { done, request, storeDb } from './idb';

const DB_NAME = 'bottleneck-runs';
const DB_VERSION = 1;
const STORE = 'runs';

const openRunDb = storeDb({ name: DB_NAME, version: DB_VERSION, store: STORE, loss: 'the run history cannot be kept' });

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
