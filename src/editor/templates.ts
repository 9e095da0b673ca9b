/**
 * Templates: prepared graph fragments (templates.json, in the graph file
 * format and read by the same strict parser) that "Insert template" adds, and
 * the wires that join a template to the selected nodes where the socket kinds
 * fit (an Encoder selected: the bottleneck's μ and log σ² inputs read its outputs).
 */
import { specRegistry } from '../../nodes';
import { applyChange, type GraphChange, type GraphFragment } from '../core/changes';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { parseGraph } from '../core/parse';
import type { GraphDoc, PortRef } from '../core/schema';
import { connectionChange } from './model';
import templateData from './templates.json';

export interface GraphTemplate {
  id: string;
  title: string;
  summary: string;
  fragment: GraphFragment;
}

/** Reads the templates, each checked like a graph file; a broken one throws (it is a bug in the app). */
export function readTemplates(raw: unknown, registry: NodeSpecRegistry): GraphTemplate[] {
  if (!Array.isArray(raw)) throw new Error('the templates must be a list');
  return raw.map((entry: { id?: unknown; title?: unknown; summary?: unknown; graph?: unknown }) => {
    const id = String(entry.id);
    const parsed = parseGraph(entry.graph, registry);
    if (!parsed.ok) throw new Error(`template '${id}' is invalid: ${parsed.errors.map((e) => e.message).join('; ')}`);
    const { nodes, edges, groups } = parsed.doc;
    return { id, title: String(entry.title), summary: String(entry.summary), fragment: { nodes, edges, ...(groups ? { groups } : {}) } };
  });
}

export const graphTemplates: ReadonlyArray<GraphTemplate> = readTemplates(templateData, specRegistry);

export function templateById(id: string): GraphTemplate | undefined {
  return graphTemplates.find((t) => t.id === id);
}

/** Templates whose title or summary holds every word of a search. */
export function searchTemplates(query: string): GraphTemplate[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return graphTemplates.filter((t) => words.every((w) => `${t.title} ${t.summary} template`.toLowerCase().includes(w)));
}

const wiredInto = (doc: GraphDoc, to: PortRef) => doc.edges.some((e) => e.to.node === to.node && e.to.port === to.port);
const wiredFrom = (doc: GraphDoc, from: PortRef) => doc.edges.some((e) => e.from.node === from.node && e.from.port === from.port);

/**
 * The wires that join newly inserted nodes to the selected ones, in `doc`
 * (which already holds the new nodes): every free input of a new node reads
 * an output of the same socket kind on a selected node (the one with the
 * same port name first), and every unwired output of a new node feeds a free
 * input of that kind on a selected node. Wires that would make a loop are left out.
 */
export function templateWiring(
  doc: GraphDoc,
  registry: NodeSpecRegistry,
  newIds: ReadonlyArray<string>,
  selectedIds: ReadonlyArray<string>,
): GraphChange[] {
  const isNew = new Set(newIds);
  const selected = doc.nodes.filter((n) => selectedIds.includes(n.id) && !isNew.has(n.id));
  const changes: GraphChange[] = [];
  let cur = doc;
  const tryConnect = (from: PortRef, to: PortRef): boolean => {
    const decision = connectionChange(cur, registry, from, to);
    if (!decision.ok) return false;
    const next = applyChange(cur, decision.change);
    if (next === cur) return false;
    cur = next;
    changes.push(decision.change);
    return true;
  };
  for (const id of newIds) {
    const node = cur.nodes.find((n) => n.id === id);
    const spec = node ? registry.get(node.type) : undefined;
    if (!spec) continue;
    for (const [key, port] of Object.entries(spec.inputs)) {
      // only what the fragment needs: optional inputs (a condition) stay for the user to wire
      if (port.optional || wiredInto(cur, { node: id, port: key })) continue;
      const candidates = selected.flatMap((s) =>
        Object.entries(registry.get(s.type)?.outputs ?? {})
          .filter(([, p]) => p.kind === port.kind)
          .map(([outKey]) => ({ node: s.id, port: outKey })),
      );
      candidates.sort((a, b) => Number(b.port === key) - Number(a.port === key));
      candidates.some((from) => tryConnect(from, { node: id, port: key }));
    }
    for (const [key, port] of Object.entries(spec.outputs)) {
      if (wiredFrom(cur, { node: id, port: key })) continue;
      for (const s of selected) {
        const free = Object.entries(registry.get(s.type)?.inputs ?? {}).find(
          ([inKey, p]) => !p.optional && p.kind === port.kind && (p.multiple || !wiredInto(cur, { node: s.id, port: inKey })),
        );
        if (free && tryConnect({ node: id, port: key }, { node: s.id, port: free[0] })) break;
      }
    }
  }
  return changes;
}
