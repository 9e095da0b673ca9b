/**
 * Questions about a graph in terms of what its nodes are (the roles their
 * kinds declare in nodes/), asked by the compiler, analyser, forks, lessons,
 * run settings, sharing and exporters: "the dataset of this graph", "its β
 * terms", "the node that sets the latent size". One answer for each, and no
 * node type names outside nodes/.
 */
import type { BinarizeMode, DatasetId, ImportedDatasetRef } from './datasets';
import type { AnyNodeSpec, DataSettings, NodeRoles, NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc } from './schema';

export type RoleName = keyof NodeRoles<unknown>;
type Roles = NodeRoles<Record<string, unknown>>;

/** Anything with a kind and params: a document's node or a compiled plan's. */
export interface NodeLike {
  id: string;
  type: string;
  params: Record<string, unknown>;
}

export interface WithRole<N extends NodeLike, K extends RoleName> {
  node: N;
  spec: AnyNodeSpec;
  role: NonNullable<Roles[K]>;
}

/** The role a node's kind declares, if any. */
export function roleOf<K extends RoleName>(registry: NodeSpecRegistry, node: NodeLike, role: K): NonNullable<Roles[K]> | undefined {
  return registry.get(node.type)?.roles?.[role] as NonNullable<Roles[K]> | undefined;
}

/** The nodes whose kind has `role`, in their order. */
export function nodesWithRole<N extends NodeLike, K extends RoleName>(
  nodes: ReadonlyArray<N>,
  registry: NodeSpecRegistry,
  role: K,
): Array<WithRole<N, K>> {
  const out: Array<WithRole<N, K>> = [];
  for (const node of nodes) {
    const spec = registry.get(node.type);
    const r = spec?.roles?.[role] as NonNullable<Roles[K]> | undefined;
    if (spec && r) out.push({ node, spec, role: r });
  }
  return out;
}

/** The node kind that plays `role` (the first registered), e.g. to insert a β weight. */
export function kindWithRole(registry: NodeSpecRegistry, role: RoleName): AnyNodeSpec | undefined {
  for (const spec of registry.values()) if (spec.roles?.[role]) return spec;
  return undefined;
}

/** The params parsed by the node's own schema (defaults filled in), or undefined when they are invalid. */
function parsedParams(spec: AnyNodeSpec, node: NodeLike): Record<string, unknown> | undefined {
  const r = spec.params.safeParse(node.params);
  return r.success ? r.data : undefined;
}

export interface GraphDataset {
  nodeId: string;
  /** The node's output ports for images and labels. */
  images: string;
  labels: string;
  dataset: DatasetId;
  /** The user's dataset it names, when `dataset` is 'imported'. */
  imported: ImportedDatasetRef | undefined;
  batchSize: number;
  binarize: BinarizeMode;
}

/** The graph's dataset (its first data source with valid params). */
export function datasetOf(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry): GraphDataset | undefined {
  for (const { node, spec, role } of nodesWithRole(nodes, registry, 'dataSource')) {
    const params = parsedParams(spec, node);
    if (!params) continue;
    return {
      nodeId: node.id,
      images: role.images,
      labels: role.labels,
      dataset: role.dataset(params),
      imported: role.imported(params),
      batchSize: role.batchSize(params),
      binarize: role.binarize(params),
    };
  }
  return undefined;
}

/** The document with every data source set to these data settings (e.g. another batch size). */
export function withDataSettings(doc: GraphDoc, registry: NodeSpecRegistry, settings: Partial<DataSettings>): GraphDoc {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const spec = registry.get(n.type);
      const role = spec?.roles?.dataSource;
      const params = spec && role ? parsedParams(spec, n) : undefined;
      return params && role ? { ...n, params: role.withSettings(params, settings) } : n;
    }),
  };
}

export interface WeightTerm {
  nodeId: string;
  /** The param holding the weight (β). */
  param: string;
  value: number;
}

/** The graph's weighted terms and their weights: "the β of this graph" (a weight that is not a finite number counts as the kind's fallback). */
export function weightTerms(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry): WeightTerm[] {
  return nodesWithRole(nodes, registry, 'weight').map(({ node, role }) => {
    const v = node.params[role.param];
    return { nodeId: node.id, param: role.param, value: typeof v === 'number' && Number.isFinite(v) ? v : role.fallback };
  });
}

/** The weight of one node (β), or undefined when its kind weights nothing. */
export function weightOf(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry, nodeId: string): number | undefined {
  return weightTerms(nodes, registry).find((t) => t.nodeId === nodeId)?.value;
}

/** The document with every weight set to `value` (a β sweep), or undefined when nothing is weighted. */
export function withWeight(doc: GraphDoc, registry: NodeSpecRegistry, value: number): GraphDoc | undefined {
  const terms = weightTerms(doc.nodes, registry);
  if (terms.length === 0) return undefined;
  const byId = new Map(terms.map((t) => [t.nodeId, t]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const t = byId.get(n.id);
      return t ? { ...n, params: { ...n.params, [t.param]: value } } : n;
    }),
  };
}

/** The latent size the graph's (single) posterior sets, if it has one. */
export function latentSizeOf(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry): number | undefined {
  const posteriors = nodesWithRole(nodes, registry, 'posterior');
  if (posteriors.length !== 1) return undefined;
  const only = posteriors[0] as WithRole<NodeLike, 'posterior'>;
  const v = (parsedParams(only.spec, only.node) ?? only.node.params)[only.role.latentParam];
  return typeof v === 'number' ? v : undefined;
}

/** Whether the graph samples z and pulls q(z|x) towards the prior (a VAE), or encodes a point (an autoencoder). */
export function isVariational(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry): boolean {
  return nodesWithRole(nodes, registry, 'sampler').length > 0 || nodesWithRole(nodes, registry, 'divergence').length > 0;
}

/** The live params of every node in the graph (β, capacity …), with their current values. */
export function liveParamsOf(
  nodes: ReadonlyArray<NodeLike>,
  registry: NodeSpecRegistry,
): Array<{ nodeId: string; key: string; label: string; value: number }> {
  const out: Array<{ nodeId: string; key: string; label: string; value: number }> = [];
  for (const node of nodes) {
    const spec = registry.get(node.type);
    if (!spec?.live) continue;
    const params = parsedParams(spec, node) ?? node.params;
    for (const p of spec.live) {
      const v = params[p.key];
      if (typeof v === 'number' && Number.isFinite(v)) out.push({ nodeId: node.id, key: p.key, label: p.label, value: v });
    }
  }
  return out;
}

/** tfjs kernels training these nodes needs (their kinds say which). */
export function requiredKernelsOf(nodes: ReadonlyArray<NodeLike>, registry: NodeSpecRegistry): string[] {
  const kernels = new Set<string>();
  for (const node of nodes) {
    const spec = registry.get(node.type);
    if (!spec?.requiredKernels) continue;
    const params = parsedParams(spec, node);
    if (params) for (const k of spec.requiredKernels(params)) kernels.add(k);
  }
  return [...kernels];
}

/** One end of a wire named by role: the node kind's role, and the role's field that names the port (`{ role: 'posterior', port: 'mean' }`). */
export interface RoleEnd {
  role: RoleName;
  port: string;
}

function portOf(registry: NodeSpecRegistry, node: NodeLike | undefined, end: RoleEnd): string | undefined {
  const role = node ? (registry.get(node.type)?.roles?.[end.role] as Record<string, unknown> | undefined) : undefined;
  const port = role?.[end.port];
  return typeof port === 'string' ? port : undefined;
}

/** Whether some wire goes from a node playing `from` to a node playing `to`, at the ports those roles name. */
export function wiredByRole(doc: GraphDoc, registry: NodeSpecRegistry, from: RoleEnd, to: RoleEnd): boolean {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return doc.edges.some((e) => {
    const a = byId.get(e.from.node);
    const b = byId.get(e.to.node);
    return portOf(registry, a, from) === e.from.port && portOf(registry, b, to) === e.to.port;
  });
}
