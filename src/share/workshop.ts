/**
 * Workshop options on a graph's own nodes: which controls a share link hides,
 * and the hide list for a set of controls picked in the share dialog. A node
 * whose every control is picked is hidden by its id (shorter, and it also
 * covers controls that only appear for some settings); otherwise each control
 * is written as `node.key`.
 */
import { specRegistry } from '../../nodes';
import { visibleControls } from '../core/params';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc } from '../core/schema';
import { isControlHidden, type LinkOptions } from './link';

/** One control of one node, as the share dialog lists it. */
export interface NodeControlRef {
  nodeId: string;
  key: string;
  label: string;
}

export interface NodeControls {
  nodeId: string;
  title: string;
  controls: NodeControlRef[];
}

/** A control's id in a selection: `node.key`. */
export const controlRef = (nodeId: string, key: string): string => `${nodeId}.${key}`;

export function isDefaultLinkOptions(options: LinkOptions): boolean {
  return options.view === 'edit' && options.hide.length === 0 && options.lesson === undefined;
}

/** The controls each node shows (nodes without controls are left out). */
export function listNodeControls(doc: GraphDoc, registry: NodeSpecRegistry = specRegistry): NodeControls[] {
  return doc.nodes.flatMap((node) => {
    const spec = registry.get(node.type);
    if (!spec) return [];
    const controls = visibleControls(spec, node.params).map((c) => ({ nodeId: node.id, key: c.key, label: c.label }));
    return controls.length > 0 ? [{ nodeId: node.id, title: node.label ?? spec.title, controls }] : [];
  });
}

/** The hide list for the picked controls (`node.key` ids), in the graph's node order. */
export function hideListFor(doc: GraphDoc, picked: ReadonlySet<string>, registry: NodeSpecRegistry = specRegistry): string[] {
  return listNodeControls(doc, registry).flatMap(({ nodeId, controls }) => {
    const chosen = controls.filter((c) => picked.has(controlRef(c.nodeId, c.key)));
    if (chosen.length === 0) return [];
    if (chosen.length === controls.length) return [nodeId];
    return chosen.map((c) => controlRef(c.nodeId, c.key));
  });
}

/** The controls a hide list hides on this graph, as `node.key` ids (for the dialog's checkboxes). */
export function hiddenControls(doc: GraphDoc, options: LinkOptions, registry: NodeSpecRegistry = specRegistry): Set<string> {
  const hidden = new Set<string>();
  if (options.hide.length === 0) return hidden;
  for (const { controls } of listNodeControls(doc, registry)) {
    for (const c of controls) if (isControlHidden(options, c.nodeId, c.key)) hidden.add(controlRef(c.nodeId, c.key));
  }
  return hidden;
}
