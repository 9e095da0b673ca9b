/**
 * The user's graph library in IndexedDB. Each record holds a document and its
 * revision; `saveGraph` reads and writes in one transaction so two tabs cannot
 * both write over the same revision.
 */
import { z } from 'zod';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import { decideSave } from './revisions';
import { done, request, storeDb } from './idb';

const DB_NAME = 'bottleneck';
const DB_VERSION = 1;
const STORE = 'graphs';

export interface StoredGraph {
  id: string;
  doc: GraphDoc;
  revision: number;
  savedAt: number;
  savedBy: string;
}

export interface GraphSummary {
  id: string;
  name: string;
  revision: number;
  savedAt: number;
  nodeCount: number;
}

const zRecord = z.object({
  id: z.string().min(1),
  doc: z.unknown(),
  revision: z.number().int().min(0),
  savedAt: z.number(),
  savedBy: z.string(),
});

export type SaveResult = { kind: 'saved'; revision: number } | { kind: 'conflict'; theirs: StoredGraph | undefined };

export const openDb = storeDb({ name: DB_NAME, version: DB_VERSION, store: STORE, loss: 'graphs cannot be saved' });

/** A record read back from the database, checked like any file from outside. */
function decodeRecord(value: unknown): StoredGraph | undefined {
  const rec = zRecord.safeParse(value);
  if (!rec.success) return undefined;
  const parsed = parseGraph(rec.data.doc, specRegistry);
  if (!parsed.ok) return undefined;
  return { ...rec.data, doc: parsed.doc };
}

export async function readGraph(id: string): Promise<StoredGraph | undefined> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readonly');
  return decodeRecord(await request(tx.objectStore(STORE).get(id)));
}

export async function listGraphs(): Promise<GraphSummary[]> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readonly');
  const all = await request(tx.objectStore(STORE).getAll());
  const out: GraphSummary[] = [];
  for (const value of all) {
    const rec = decodeRecord(value);
    if (rec) out.push({ id: rec.id, name: rec.doc.name, revision: rec.revision, savedAt: rec.savedAt, nodeCount: rec.doc.nodes.length });
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

/**
 * Saves `doc` as the next revision after `baseRevision`, unless another tab
 * saved a newer one first (then nothing is written and theirs is returned).
 */
export async function saveGraph(id: string, doc: GraphDoc, baseRevision: number, tab: string): Promise<SaveResult> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  const raw: unknown = await request(store.get(id));
  const stored = zRecord.safeParse(raw);
  const decision = decideSave(baseRevision, stored.success ? stored.data.revision : undefined);
  if (decision.kind === 'conflict') {
    await done(tx);
    return { kind: 'conflict', theirs: decodeRecord(raw) };
  }
  const record: StoredGraph = { id, doc, revision: decision.revision, savedAt: Date.now(), savedBy: tab };
  store.put(record);
  await done(tx);
  return { kind: 'saved', revision: decision.revision };
}

export async function deleteGraph(id: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).delete(id);
  await done(tx);
}

/** A new library id, e.g. g-lq3k9a-4f2c. */
export function newGraphId(): string {
  const rand =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
  return `g-${Date.now().toString(36)}-${rand}`;
}
