/**
 * Copy and paste as graph JSON text: what is copied is a complete, valid
 * Bottleneck graph (it can be saved as a file and opened), and any graph JSON
 * pasted onto the canvas is inserted as nodes.
 */
import type { GraphFragment } from '../core/changes';
import { emptyGraph } from '../core/changes';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { parseGraphText } from '../core/parse';

export function fragmentToText(fragment: GraphFragment): string {
  const doc = { ...emptyGraph(`${fragment.nodes.length} copied node${fragment.nodes.length === 1 ? '' : 's'}`), ...fragment };
  return JSON.stringify(doc, null, 2);
}

export type PastedFragment = { ok: true; fragment: GraphFragment } | { ok: false; reason: string };

export function textToFragment(text: string, registry: NodeSpecRegistry): PastedFragment {
  if (text.trim() === '') return { ok: false, reason: 'the clipboard is empty' };
  const parsed = parseGraphText(text, registry);
  if (!parsed.ok) {
    return { ok: false, reason: `the clipboard does not hold a Bottleneck graph: ${parsed.errors.slice(0, 2).map((e) => e.message).join('; ')}` };
  }
  if (parsed.doc.nodes.length === 0) return { ok: false, reason: 'the pasted graph has no nodes' };
  return { ok: true, fragment: { nodes: parsed.doc.nodes, edges: parsed.doc.edges } };
}
