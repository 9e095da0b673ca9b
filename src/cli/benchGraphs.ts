/** Synthetic graphs for benchmarks: large but valid. */
import type { GraphDoc, GraphEdge, GraphNode } from '../core/schema';
import { specRegistry } from '../../nodes';

function node(id: string, type: string, x: number, y: number, params: Record<string, unknown> = {}): GraphNode {
  const spec = specRegistry.get(type);
  if (!spec) throw new Error(type);
  return { id, type, version: spec.version, params: spec.params.parse(params), position: { x, y } };
}

/**
 * One Dataset and one Loss, and `branches` VAE branches (Encoder, Reparameterize,
 * Decoder, ReconstructionLoss, KL, Beta) all feeding the Loss: 2 + 6·branches nodes.
 */
export function wideVaeGraph(branches: number): GraphDoc {
  const nodes: GraphNode[] = [node('data', 'Dataset', 0, 0), node('loss', 'Loss', 2000, 0)];
  const edges: GraphEdge[] = [];
  let e = 0;
  const link = (a: string, ap: string, b: string, bp: string) =>
    edges.push({ id: `e${e++}`, from: { node: a, port: ap }, to: { node: b, port: bp } });
  for (let i = 0; i < branches; i++) {
    const y = i * 300;
    nodes.push(
      node(`enc${i}`, 'Encoder', 300, y, { hidden: [64], latentDim: 4 }),
      node(`rep${i}`, 'Reparameterize', 600, y),
      node(`dec${i}`, 'Decoder', 900, y, { hidden: [64] }),
      node(`rec${i}`, 'ReconstructionLoss', 1200, y),
      node(`kl${i}`, 'KL', 1200, y + 150),
      node(`beta${i}`, 'Beta', 1500, y + 150),
    );
    link('data', 'x', `enc${i}`, 'x');
    link(`enc${i}`, 'mean', `rep${i}`, 'mean');
    link(`enc${i}`, 'logVar', `rep${i}`, 'logVar');
    link(`rep${i}`, 'z', `dec${i}`, 'z');
    link('data', 'x', `rec${i}`, 'x');
    link(`dec${i}`, 'xHat', `rec${i}`, 'xHat');
    link(`enc${i}`, 'mean', `kl${i}`, 'mean');
    link(`enc${i}`, 'logVar', `kl${i}`, 'logVar');
    link(`kl${i}`, 'kl', `beta${i}`, 'kl');
    link(`rec${i}`, 'loss', 'loss', 'terms');
    link(`beta${i}`, 'loss', 'loss', 'terms');
  }
  return {
    format: 'bottleneck-graph',
    version: 1,
    name: `${nodes.length}-node benchmark graph`,
    nodes,
    edges,
    training: { epochs: 1, optimizer: 'adam', learningRate: 1e-3, seed: 1 },
  };
}
