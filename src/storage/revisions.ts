/**
 * Saving without silently overwriting another tab's work. Every stored graph
 * has a revision number; a tab remembers the revision its document was based
 * on and only writes when the stored revision is still that one. Tabs also tell
 * each other about saves over a BroadcastChannel, so a conflict shows up as
 * soon as it happens rather than at the next save.
 */
import { z } from 'zod';

export type SaveDecision = { kind: 'write'; revision: number } | { kind: 'conflict'; theirs: number };

/** Write over `stored` only when it is the revision this tab started from. */
export function decideSave(baseRevision: number, storedRevision: number | undefined): SaveDecision {
  if (storedRevision === undefined || storedRevision <= baseRevision) return { kind: 'write', revision: baseRevision + 1 };
  return { kind: 'conflict', theirs: storedRevision };
}

export const zLibraryMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('saved'), id: z.string(), revision: z.number().int().min(0), tab: z.string() }),
  z.strictObject({ kind: z.literal('deleted'), id: z.string(), tab: z.string() }),
]);
export type LibraryMessage = z.infer<typeof zLibraryMessage>;

export interface OpenGraphState {
  tab: string;
  id: string | null;
  baseRevision: number;
  /** The document has edits that are not saved yet. */
  dirty: boolean;
}

export type IncomingAction =
  /** Nothing to do (our own message, or old news). */
  | 'ignore'
  /** Another graph changed: refresh the library list. */
  | 'refresh'
  /** Another tab saved a newer revision and we have no unsaved edits: load it. */
  | 'reload'
  /** Another tab saved a newer revision while we have unsaved edits: ask. */
  | 'conflict'
  /** Another tab deleted the graph we have open: keep ours by saving it again. */
  | 'orphaned';

export function decideIncoming(open: OpenGraphState, message: LibraryMessage): IncomingAction {
  if (message.tab === open.tab) return 'ignore';
  if (message.id !== open.id) return 'refresh';
  if (message.kind === 'deleted') return 'orphaned';
  if (message.revision <= open.baseRevision) return 'ignore';
  return open.dirty ? 'conflict' : 'reload';
}

/** "VAE" → "VAE (copy)", "VAE (copy)" → "VAE (copy 2)". */
export function copyName(name: string, taken: ReadonlyArray<string>): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  const used = new Set(taken);
  let candidate = `${base} (copy)`;
  for (let i = 2; used.has(candidate); i++) candidate = `${base} (copy ${i})`;
  return candidate.slice(0, 120);
}
