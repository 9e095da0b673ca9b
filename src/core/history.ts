/**
 * Undo/redo as whole-document snapshots. Documents are immutable and edits
 * share structure, so a snapshot costs a few pointers. Undo restores exactly
 * the document that was, so nodes always come back with all their links.
 *
 * Edits with the same `coalesce` key within `windowMs` of each other form one
 * step (a drag, clicks on a number's spinner, typing in one field).
 */
import type { GraphDoc } from './schema';

export interface History {
  past: ReadonlyArray<GraphDoc>;
  future: ReadonlyArray<GraphDoc>;
  /** Key and time of the last recorded edit, for coalescing. */
  lastKey: string | null;
  lastAt: number;
}

export const emptyHistory: History = { past: [], future: [], lastKey: null, lastAt: 0 };

export interface RecordOptions {
  coalesce?: string;
  now: number;
  limit?: number;
  windowMs?: number;
}

/** Records that the document was `before` until an edit replaced it. */
export function recordEdit(h: History, before: GraphDoc, options: RecordOptions): History {
  const { coalesce, now, limit = 200, windowMs = 1500 } = options;
  if (coalesce !== undefined && coalesce === h.lastKey && now - h.lastAt <= windowMs && h.past.length > 0) {
    return { ...h, future: [], lastAt: now };
  }
  const past = [...h.past, before];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [], lastKey: coalesce ?? null, lastAt: now };
}

export function undoEdit(h: History, current: GraphDoc): { history: History; doc: GraphDoc } | null {
  const doc = h.past.at(-1);
  if (!doc) return null;
  return { doc, history: { past: h.past.slice(0, -1), future: [current, ...h.future], lastKey: null, lastAt: 0 } };
}

export function redoEdit(h: History, current: GraphDoc): { history: History; doc: GraphDoc } | null {
  const doc = h.future[0];
  if (!doc) return null;
  return { doc, history: { past: [...h.past, current], future: h.future.slice(1), lastKey: null, lastAt: 0 } };
}
