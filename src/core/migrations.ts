/**
 * Document migrations: pure functions from version n to n + 1, applied in order
 * by `parseGraph`. Node params have their own per-kind `migrate` (nodes/*.ts).
 *
 * Format version 1 is the first published format, so the list is empty; the
 * next change to the document's shape adds `{ from: 1, migrate }` here with a
 * test beside it.
 */
export interface GraphMigration {
  from: number;
  migrate(doc: Record<string, unknown>): Record<string, unknown>;
}

export const graphMigrations: ReadonlyArray<GraphMigration> = [];
