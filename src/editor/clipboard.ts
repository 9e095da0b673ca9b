/**
 * Copy and paste as graph JSON text: what is copied is a complete, valid
 * Bottleneck graph (it can be saved as a file and opened), marked in its
 * description as copied nodes. Pasting copied nodes inserts them into the open
 * graph; pasting any other graph opens it as a graph of its own.
 */
import type { GraphFragment } from '../core/changes';
import { emptyGraph } from '../core/changes';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { parseGraphText } from '../core/parse';

/** The description that marks graph text as nodes copied from a canvas (to be pasted into a graph). */
export const COPIED_NODES_DESCRIPTION = 'Nodes copied in Bottleneck: paste them into a graph, or open them as a graph of their own.';

export function fragmentToText(fragment: GraphFragment): string {
  const doc = {
    ...emptyGraph(`${fragment.nodes.length} copied node${fragment.nodes.length === 1 ? '' : 's'}`),
    description: COPIED_NODES_DESCRIPTION,
    ...fragment,
  };
  return JSON.stringify(doc, null, 2);
}

/** Whether clipboard text holds nodes copied from a canvas (rather than a whole graph). */
export function isCopiedNodesText(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') || !t.includes(COPIED_NODES_DESCRIPTION)) return false;
  try {
    const value: unknown = JSON.parse(t);
    return typeof value === 'object' && value !== null && 'description' in value && value.description === COPIED_NODES_DESCRIPTION;
  } catch {
    return false;
  }
}

export type PastedFragment = { ok: true; fragment: GraphFragment } | { ok: false; reason: string };

export function textToFragment(text: string, registry: NodeSpecRegistry): PastedFragment {
  if (text.trim() === '') return { ok: false, reason: 'the clipboard is empty' };
  const parsed = parseGraphText(text, registry);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: `the clipboard does not hold a Bottleneck graph: ${parsed.errors
        .slice(0, 2)
        .map((e) => e.message)
        .join('; ')}`,
    };
  }
  if (parsed.doc.nodes.length === 0) return { ok: false, reason: 'the pasted graph has no nodes' };
  const { nodes, edges, groups } = parsed.doc;
  return { ok: true, fragment: { nodes, edges, ...(groups ? { groups } : {}) } };
}
