/**
 * The user's imported datasets in IndexedDB, never uploaded: the compact
 * asset bytes (gzip of the BNDS format) in one database, their descriptions in
 * another so the list reads without loading any images. Keyed by content hash.
 * The page and the training worker both read it.
 */
import { z } from 'zod';
import { zImportedDatasetRef, type ImportedDatasetRef } from '../core/datasets';
import { done, request, storeDb } from './idb';

const META_STORE = 'datasets';
const BYTES_STORE = 'assets';
const openMetaDb = storeDb({ name: 'bottleneck-datasets', version: 1, store: META_STORE, loss: 'imported datasets cannot be kept' });
const openBytesDb = storeDb({
  name: 'bottleneck-dataset-assets',
  version: 1,
  store: BYTES_STORE,
  loss: 'imported datasets cannot be kept',
});

const zStoredDataset = z.object({
  id: z.string(),
  ref: zImportedDatasetRef,
  savedAt: z.number(),
  /** Size of the compressed asset in bytes. */
  bytes: z.number().int().nonnegative(),
});
export type StoredDataset = z.infer<typeof zStoredDataset>;

/** Every readable description, newest first. */
export async function listImportedDatasets(): Promise<StoredDataset[]> {
  const db = await openMetaDb();
  const all = await request(db.transaction(META_STORE, 'readonly').objectStore(META_STORE).getAll());
  return all
    .map((v) => zStoredDataset.safeParse(v))
    .flatMap((r) => (r.success && r.data.id === r.data.ref.hash ? [r.data] : []))
    .sort((a, b) => b.savedAt - a.savedAt);
}

/** Keeps a dataset (its asset bytes, gzip) under its hash; saving the same dataset again renames it. */
export async function saveImportedDataset(ref: ImportedDatasetRef, asset: Uint8Array, now = Date.now()): Promise<StoredDataset> {
  const bytesDb = await openBytesDb();
  const tx = bytesDb.transaction(BYTES_STORE, 'readwrite');
  tx.objectStore(BYTES_STORE).put({ id: ref.hash, asset });
  await done(tx);
  const record: StoredDataset = { id: ref.hash, ref, savedAt: now, bytes: asset.length };
  const metaDb = await openMetaDb();
  const metaTx = metaDb.transaction(META_STORE, 'readwrite');
  metaTx.objectStore(META_STORE).put(record);
  await done(metaTx);
  return record;
}

/** The asset bytes of a dataset, or undefined when it is not in this browser. */
export async function readImportedAsset(hash: string): Promise<Uint8Array | undefined> {
  const db = await openBytesDb();
  const value: unknown = await request(db.transaction(BYTES_STORE, 'readonly').objectStore(BYTES_STORE).get(hash));
  const parsed = z.object({ id: z.string(), asset: z.instanceof(Uint8Array) }).safeParse(value);
  return parsed.success ? parsed.data.asset : undefined;
}

export async function deleteImportedDataset(hash: string): Promise<void> {
  const metaDb = await openMetaDb();
  const metaTx = metaDb.transaction(META_STORE, 'readwrite');
  metaTx.objectStore(META_STORE).delete(hash);
  await done(metaTx);
  const bytesDb = await openBytesDb();
  const tx = bytesDb.transaction(BYTES_STORE, 'readwrite');
  tx.objectStore(BYTES_STORE).delete(hash);
  await done(tx);
}
