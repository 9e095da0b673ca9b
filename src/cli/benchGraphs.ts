/** Synthetic graphs for benchmarks: large but valid, made from a saved graph. */
import { specRegistry } from '../../nodes';
import { nodesWithRole } from '../core/graphQueries';
import type { GraphDoc, GraphEdge, GraphNode } from '../core/schema';
import { loadSavedGraph } from './benchTraining';

/**
 * beta-vae.json with its model `branches` times over: one data source and one
 * objective shared, every other node copied per branch (small layers, latent
 * size 4) and wired as in the original: 2 + 6·branches nodes.
 */
export function wideVaeGraph(branches: number): GraphDoc {
  const base = loadSavedGraph('beta-vae');
  const shared = new Set(
    [...nodesWithRole(base.nodes, specRegistry, 'dataSource'), ...nodesWithRole(base.nodes, specRegistry, 'objective')].map(
      (r) => r.node.id,
    ),
  );
  const latent = new Map(nodesWithRole(base.nodes, specRegistry, 'posterior').map((r) => [r.node.id, r.role.latentParam]));
  const nodes: GraphNode[] = base.nodes.filter((n) => shared.has(n.id));
  const edges: GraphEdge[] = [];
  const idOf = (id: string, i: number) => (shared.has(id) ? id : `${id}${i}`);
  for (let i = 0; i < branches; i++) {
    for (const n of base.nodes.filter((x) => !shared.has(x.id))) {
      const params: Record<string, unknown> = { ...n.params };
      if ('hidden' in params) params.hidden = [64];
      const latentParam = latent.get(n.id);
      if (latentParam) params[latentParam] = 4;
      nodes.push({ ...n, id: idOf(n.id, i), params, position: { x: n.position.x, y: n.position.y + i * 300 } });
    }
    for (const e of base.edges) {
      if (shared.has(e.from.node) && shared.has(e.to.node)) continue;
      edges.push({ id: `${e.id}-${i}`, from: { ...e.from, node: idOf(e.from.node, i) }, to: { ...e.to, node: idOf(e.to.node, i) } });
    }
  }
  return { ...base, name: `${nodes.length}-node benchmark graph`, nodes, edges };
}
