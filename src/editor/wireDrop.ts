/** A wire dropped on empty canvas: which node kinds can end it, and how the new node is wired in. */
import type { AnyNodeSpec, NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc, PortRef } from '../core/schema';
import type { SocketKind } from '../core/sockets';

/** The port a wire was drawn from, with the kind of value it carries. */
export interface LooseWire {
  node: string;
  port: string;
  side: 'input' | 'output';
  kind: SocketKind;
}

/** The loose wire's kind, looked up in the document (null when its node or port is unknown). */
export function looseWire(
  doc: GraphDoc,
  registry: NodeSpecRegistry,
  end: { node: string; port: string; side: 'input' | 'output' },
): LooseWire | null {
  const node = doc.nodes.find((n) => n.id === end.node);
  const spec = node ? registry.get(node.type) : undefined;
  const port = spec ? (end.side === 'output' ? spec.outputs : spec.inputs)[end.port] : undefined;
  return port ? { ...end, kind: port.kind } : null;
}

/** The port of a new node of `spec` that the wire goes to: an input for a wire from an output, and the other way round. */
export function portForWire(spec: AnyNodeSpec, wire: LooseWire): string | null {
  const ports = wire.side === 'output' ? spec.inputs : spec.outputs;
  const match = Object.entries(ports).find(([, p]) => p.kind === wire.kind);
  return match ? match[0] : null;
}

/** The node kinds that can end this wire, in catalogue order. */
export function specsForWire(specs: ReadonlyArray<AnyNodeSpec>, wire: LooseWire): AnyNodeSpec[] {
  return specs.filter((s) => portForWire(s, wire) !== null);
}

/** The connection that joins the wire to port `port` of the new node `nodeId`. */
export function wireConnection(wire: LooseWire, nodeId: string, port: string): { from: PortRef; to: PortRef } {
  const loose = { node: wire.node, port: wire.port };
  const added = { node: nodeId, port };
  return wire.side === 'output' ? { from: loose, to: added } : { from: added, to: loose };
}
