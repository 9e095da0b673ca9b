/**
 * Forking a graph: the same graph with one thing changed (a loss swapped, β
 * raised), for side-by-side runs. Node ids are kept, so both runs draw the same
 * initial weights, batches and noise from the same seed.
 */
import { kindWithRole, nodesWithRole, type RoleName } from './graphQueries';
import type { NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc, GraphNode } from './schema';

export type SwapResult = { ok: true; doc: GraphDoc; label: string } | { ok: false; message: string };

/** The nodes of the graph playing `role` (the swaps say what they change in those terms). */
function withRole<K extends RoleName>(doc: GraphDoc, registry: NodeSpecRegistry, role: K) {
  return nodesWithRole(doc.nodes, registry, role);
}

function setParam(doc: GraphDoc, registry: NodeSpecRegistry, node: GraphNode, key: string, value: unknown): SwapResult {
  const spec = registry.get(node.type);
  if (!spec) return { ok: false, message: `node '${node.id}' has an unknown type '${node.type}'` };
  const parsed = spec.params.safeParse({ ...node.params, [key]: value });
  if (!parsed.success) {
    return { ok: false, message: `node '${node.id}' (${node.type}): '${String(value)}' is not a valid ${key}` };
  }
  const next = structuredClone(doc);
  const target = next.nodes.find((n) => n.id === node.id) as GraphNode;
  target.params = parsed.data;
  return { ok: true, doc: next, label: `${node.label ?? node.id}.${key} = ${String(value)}` };
}

/** Inserts a β weight between the (single) KL term and the Loss, so β can be changed in a plain VAE. */
function withBeta(doc: GraphDoc, registry: NodeSpecRegistry, beta: number): SwapResult {
  const kls = withRole(doc, registry, 'divergence');
  if (kls.length !== 1) return { ok: false, message: `β needs exactly one KL node (found ${kls.length})` };
  const { node: kl, role: divergence } = kls[0] as (typeof kls)[number];
  const objectives = new Set(withRole(doc, registry, 'objective').map((o) => o.node.id));
  const edge = doc.edges.find((e) => e.from.node === kl.id && e.from.port === divergence.value && objectives.has(e.to.node));
  if (!edge) return { ok: false, message: `the KL node '${kl.id}' is not connected to the Loss` };
  const spec = kindWithRole(registry, 'weight');
  const weight = spec?.roles?.weight;
  if (!spec || !weight) return { ok: false, message: 'no node kind weights a term' };
  const parsed = spec.params.safeParse({ [weight.param]: beta });
  if (!parsed.success) return { ok: false, message: `'${beta}' is not a valid β` };
  let id = 'beta';
  for (let i = 2; doc.nodes.some((n) => n.id === id); i++) id = `beta${i}`;
  const next = structuredClone(doc);
  next.nodes.push({
    id,
    type: spec.type,
    version: spec.version,
    params: parsed.data,
    position: { x: kl.position.x + 260, y: kl.position.y },
  });
  next.edges = next.edges.filter((e) => e.id !== edge.id);
  next.edges.push(
    { id: `e-${kl.id}-${id}`, from: { node: kl.id, port: divergence.value }, to: { node: id, port: weight.term } },
    { id: `e-${id}-${edge.to.node}`, from: { node: id, port: weight.value }, to: edge.to },
  );
  return { ok: true, doc: next, label: `β = ${beta}` };
}

/** true/false, a number, a list of numbers `[400,200]`, or else the text itself. */
function parseSwapValue(raw: string): unknown {
  const t = raw.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  if (/^\[[\d\s.,eE+-]*\]$/.test(t)) {
    try {
      const list: unknown = JSON.parse(t);
      if (Array.isArray(list) && list.every((v) => typeof v === 'number')) return list;
    } catch {
      // not a list after all: the text itself
    }
  }
  return t;
}

/**
 * Applies one swap: `loss=mse` (the reconstruction likelihood), `beta=4` (adds a
 * β node if there is none), `latent=8` (the encoder's latent size) or the general
 * `node.param=value`.
 */
export function swapGraph(doc: GraphDoc, registry: NodeSpecRegistry, swap: string): SwapResult {
  const m = /^([A-Za-z][\w-]*)(?:\.([A-Za-z]\w*))?=(.+)$/.exec(swap.trim());
  if (!m) return { ok: false, message: `a swap looks like loss=mse, beta=4, latent=8 or node.param=value, not '${swap}'` };
  const [, head, param, raw] = m as unknown as [string, string, string | undefined, string];
  const value = parseSwapValue(raw);
  if (param) {
    const node = doc.nodes.find((n) => n.id === head);
    if (!node) return { ok: false, message: `there is no node '${head}'` };
    return setParam(doc, registry, node, param, value);
  }
  switch (head) {
    case 'loss': {
      const losses = withRole(doc, registry, 'likelihood');
      const only = losses.length === 1 ? losses[0] : undefined;
      if (!only) {
        return {
          ok: false,
          message: `loss= needs exactly one reconstruction loss (found ${losses.length}); use node.distribution=… instead`,
        };
      }
      const r = setParam(doc, registry, only.node, only.role.choiceParam, value);
      return r.ok ? { ...r, label: `loss = ${String(value)}` } : r;
    }
    case 'beta': {
      if (typeof value !== 'number') return { ok: false, message: `β must be a number, not '${raw}'` };
      const betas = withRole(doc, registry, 'weight');
      if (betas.length > 1) return { ok: false, message: 'the graph has several β nodes; use node.beta=… instead' };
      const only = betas[0];
      if (only) {
        const r = setParam(doc, registry, only.node, only.role.param, value);
        return r.ok ? { ...r, label: `β = ${value}` } : r;
      }
      return withBeta(doc, registry, value);
    }
    case 'latent': {
      const encoders = withRole(doc, registry, 'posterior');
      const only = encoders.length === 1 ? encoders[0] : undefined;
      if (!only) return { ok: false, message: `latent= needs exactly one Encoder (found ${encoders.length})` };
      const r = setParam(doc, registry, only.node, only.role.latentParam, value);
      return r.ok ? { ...r, label: `latent dim = ${String(value)}` } : r;
    }
    default:
      return { ok: false, message: `unknown swap '${head}': use loss=, beta=, latent= or node.param=` };
  }
}

/** Applies several swaps in order; the label joins theirs ('original' for none). */
export function applySwaps(doc: GraphDoc, registry: NodeSpecRegistry, swaps: ReadonlyArray<string>): SwapResult {
  let current = doc;
  const labels: string[] = [];
  for (const s of swaps) {
    const r = swapGraph(current, registry, s);
    if (!r.ok) return { ok: false, message: `${s}: ${r.message}` };
    current = r.doc;
    labels.push(r.label);
  }
  return { ok: true, doc: current, label: labels.length > 0 ? labels.join(', ') : 'original' };
}

export type SweepResult = { ok: true; key: string; values: string[]; swaps: string[][] } | { ok: false; message: string };

/** The most runs one sweep may train side by side. */
export const MAX_SWEEP_VALUES = 8;

/**
 * `beta=0.5,1,2,4,8` → one swap list per value (`[['beta=0.5'], ['beta=1'], …]`).
 * Values may also be given without the key (`key` argument) and separated by
 * commas or spaces; duplicates are dropped.
 */
export function parseSweep(text: string, key?: string): SweepResult {
  const trimmed = text.trim();
  const m = /^([A-Za-z][\w-]*(?:\.[A-Za-z]\w*)?)=(.*)$/.exec(trimmed);
  const name = m ? (m[1] as string) : key;
  const list = m ? (m[2] as string) : trimmed;
  if (!name) return { ok: false, message: `a sweep looks like KEY=V1,V2,…, e.g. beta=0.5,1,2,4, not '${text}'` };
  const values = [...new Set(list.split(/[\s,;]+/).filter((v) => v !== ''))];
  if (values.length < 2) return { ok: false, message: `a sweep needs at least two values of ${name} (got ${values.length})` };
  if (values.length > MAX_SWEEP_VALUES)
    return { ok: false, message: `a sweep trains at most ${MAX_SWEEP_VALUES} runs side by side (got ${values.length} values)` };
  return { ok: true, key: name, values, swaps: values.map((v) => [`${name}=${v}`]) };
}
