/** Ids in a graph: readable stems for node kinds, fresh ids that never collide. */
import type { GraphDoc } from './schema';

const ID_MAX = 64;

/** A readable id stem for a node kind: Encoder → encoder, KL → kl, ReconstructionLoss → reconstructionLoss. */
export function nodeIdStem(type: string): string {
  const letters = type.replace(/[^A-Za-z0-9]/g, '');
  if (letters.length === 0) return 'node';
  const stem = letters === letters.toUpperCase() ? letters.toLowerCase() : letters.charAt(0).toLowerCase() + letters.slice(1);
  return /^[A-Za-z]/.test(stem) ? stem : `n${stem}`;
}

/** `base`, or `base2`, `base3`, … — the first one not in `taken`. Always a valid id. */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '').replace(/^[^A-Za-z]+/, '') || 'n';
  const stem = clean.replace(/\d+$/, '') || clean;
  if (!taken.has(clean)) return clean.slice(0, ID_MAX);
  for (let i = 2; ; i++) {
    const suffix = String(i);
    const id = stem.slice(0, ID_MAX - suffix.length) + suffix;
    if (!taken.has(id)) return id;
  }
}

export function nodeIds(doc: GraphDoc): Set<string> {
  return new Set(doc.nodes.map((n) => n.id));
}

export function edgeIds(doc: GraphDoc): Set<string> {
  return new Set(doc.edges.map((e) => e.id));
}

/** Ids the canvas draws: nodes and groups share one space. */
export function takenIds(doc: GraphDoc): Set<string> {
  return new Set([...doc.nodes.map((n) => n.id), ...(doc.groups ?? []).map((g) => g.id)]);
}

/** A new node id for a node of `type` (encoder, encoder2, …). */
export function freshNodeId(doc: GraphDoc, type: string): string {
  return freshId(nodeIdStem(type), takenIds(doc));
}

/** A new edge id (e1, e2, …). */
export function freshEdgeId(doc: GraphDoc, taken: ReadonlySet<string> = edgeIds(doc)): string {
  return freshId(`e${doc.edges.length + 1}`, taken);
}
