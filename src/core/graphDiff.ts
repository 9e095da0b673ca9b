/**
 * What differs between two graphs, in the terms a user thinks in: a node param
 * changed (`recon.distribution: bernoulli → mse`), a node added or removed, a
 * connection added or removed, a training setting changed. Positions, notes
 * and labels are layout, not model, and are ignored. Edges are compared by
 * what they connect, not by their ids.
 */
import type { NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc, GraphEdge, GraphNode, TrainingSettings } from './schema';

export type GraphDifference =
  | { kind: 'param'; nodeId: string; nodeType: string; key: string; a: unknown; b: unknown }
  | { kind: 'nodeType'; nodeId: string; a: string; b: string }
  | { kind: 'nodeRemoved'; nodeId: string; nodeType: string }
  | { kind: 'nodeAdded'; nodeId: string; nodeType: string }
  | { kind: 'edgeRemoved'; from: string; to: string }
  | { kind: 'edgeAdded'; from: string; to: string }
  | { kind: 'training'; key: keyof TrainingSettings; a: unknown; b: unknown };

/** Same value as data (numbers, strings, lists, plain objects). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A node's params with its kind's defaults filled in (so a missing default is no difference). */
function paramsOf(node: GraphNode, registry: NodeSpecRegistry | undefined): Record<string, unknown> {
  const spec = registry?.get(node.type);
  if (!spec) return node.params;
  const parsed = spec.params.safeParse(node.params);
  return parsed.success ? parsed.data : node.params;
}

const edgeKey = (e: GraphEdge): string => `${e.from.node}.${e.from.port}→${e.to.node}.${e.to.port}`;

const trainingKeys: ReadonlyArray<keyof TrainingSettings> = ['epochs', 'optimizer', 'learningRate', 'seed'];

/** The differences from graph `a` to graph `b` (empty when they train the same model the same way). */
export function diffGraphs(a: GraphDoc, b: GraphDoc, registry?: NodeSpecRegistry): GraphDifference[] {
  const out: GraphDifference[] = [];
  const bNodes = new Map(b.nodes.map((n) => [n.id, n]));
  const aIds = new Set(a.nodes.map((n) => n.id));
  for (const na of a.nodes) {
    const nb = bNodes.get(na.id);
    if (!nb) {
      out.push({ kind: 'nodeRemoved', nodeId: na.id, nodeType: na.type });
      continue;
    }
    if (na.type !== nb.type) {
      out.push({ kind: 'nodeType', nodeId: na.id, a: na.type, b: nb.type });
      continue;
    }
    const pa = paramsOf(na, registry);
    const pb = paramsOf(nb, registry);
    const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
    for (const key of keys) {
      if (!sameValue(pa[key], pb[key])) out.push({ kind: 'param', nodeId: na.id, nodeType: na.type, key, a: pa[key], b: pb[key] });
    }
  }
  for (const nb of b.nodes) if (!aIds.has(nb.id)) out.push({ kind: 'nodeAdded', nodeId: nb.id, nodeType: nb.type });

  const aEdges = new Set(a.edges.map(edgeKey));
  const bEdges = new Set(b.edges.map(edgeKey));
  for (const e of a.edges) {
    if (!bEdges.has(edgeKey(e))) out.push({ kind: 'edgeRemoved', from: `${e.from.node}.${e.from.port}`, to: `${e.to.node}.${e.to.port}` });
  }
  for (const e of b.edges) {
    if (!aEdges.has(edgeKey(e))) out.push({ kind: 'edgeAdded', from: `${e.from.node}.${e.from.port}`, to: `${e.to.node}.${e.to.port}` });
  }
  for (const key of trainingKeys) {
    if (!sameValue(a.training[key], b.training[key])) out.push({ kind: 'training', key, a: a.training[key], b: b.training[key] });
  }
  return out;
}

/** A value as a user reads it: 0.001, mse, [400, 200], on/off. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return JSON.stringify(v) ?? String(v);
}

/** One line per difference, e.g. `recon.distribution: bernoulli → mse`. */
export function describeDifference(d: GraphDifference): string {
  switch (d.kind) {
    case 'param':
      return `${d.nodeId}.${d.key}: ${formatValue(d.a)} → ${formatValue(d.b)}`;
    case 'nodeType':
      return `${d.nodeId}: a ${d.a} node became a ${d.b} node`;
    case 'nodeRemoved':
      return `${d.nodeId} (${d.nodeType}) only in the first`;
    case 'nodeAdded':
      return `${d.nodeId} (${d.nodeType}) only in the second`;
    case 'edgeRemoved':
      return `connection ${d.from} → ${d.to} only in the first`;
    case 'edgeAdded':
      return `connection ${d.from} → ${d.to} only in the second`;
    case 'training':
      return `training ${d.key}: ${formatValue(d.a)} → ${formatValue(d.b)}`;
  }
}
