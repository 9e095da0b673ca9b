/**
 * What decides how fast a graph trains: its nodes' kinds and params and its
 * wires — not positions, names or notes. Equal keys, equal speed.
 */
import type { GraphDoc } from '../../core/schema';

export function structureKey(doc: GraphDoc): string {
  const nodes = [...doc.nodes].sort((a, b) => a.id.localeCompare(b.id)).map((n) => [n.id, n.type, n.version, n.params]);
  const edges = doc.edges.map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`).sort();
  return JSON.stringify([nodes, edges, doc.training.optimizer]);
}
