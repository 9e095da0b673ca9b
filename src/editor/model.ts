/**
 * The pure half of the doc ⇄ canvas adapters (no Rete, no DOM).
 *
 * doc → canvas: `docToModel` says which nodes, ports and connections the canvas
 * should show; `planSync` compares that with what the canvas shows now and
 * lists the smallest set of operations that makes them equal.
 *
 * canvas → doc: the user's gestures become `GraphChange`s
 * (`connectionChange`, `movesChange`, `disconnectChange`); the canvas never
 * edits the document itself.
 */
import type { GraphChange, NodeMove, Position } from '../core/changes';
import { exposedPorts, groupsOf, resolveGroupPort, shownAs } from '../core/groups';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc, PortRef } from '../core/schema';
import { canConnect, socketInfo, type SocketKind } from '../core/sockets';

export interface PortModel {
  key: string;
  kind: SocketKind;
  label: string;
  doc: string;
  /** Inputs: takes several connections. */
  multiple: boolean;
  optional: boolean;
}

export interface NodeModel {
  id: string;
  type: string;
  title: string;
  position: Position;
  inputs: PortModel[];
  outputs: PortModel[];
  /** Param keys that have a control (in spec order). */
  controls: string[];
  /** A collapsed group drawn as one node: its members. */
  group?: { members: string[] };
  /** Changes when a group's ports change (the canvas node is then drawn anew). */
  portsKey?: string;
}

/** The `type` of a collapsed group's canvas node (node kinds are PascalCase, so it never collides). */
export const GROUP_NODE_TYPE = 'group';

export interface ConnectionModel {
  id: string;
  source: string;
  sourceOutput: string;
  target: string;
  targetInput: string;
}

export interface EditorModel {
  nodes: NodeModel[];
  connections: ConnectionModel[];
}

/** What the canvas shows now. */
export interface EditorState {
  nodes: Array<{ id: string; type: string; position: Position; portsKey?: string }>;
  connections: ConnectionModel[];
}

export interface SyncPlan {
  removeConnections: string[];
  removeNodes: string[];
  addNodes: NodeModel[];
  moveNodes: NodeMove[];
  addConnections: ConnectionModel[];
}

function ports(
  record: Readonly<Record<string, { kind: SocketKind; label: string; doc: string; multiple?: boolean; optional?: boolean }>>,
): PortModel[] {
  return Object.entries(record).map(([key, p]) => ({
    key,
    kind: p.kind,
    label: p.label,
    doc: p.doc,
    multiple: p.multiple ?? false,
    optional: p.optional ?? false,
  }));
}

/**
 * The canvas model of a document. Nodes of unknown kinds and edges whose
 * ports do not exist cannot be drawn and are left out (the analysis reports
 * them); edges between incompatible ports are drawn so they can be removed.
 */
export function docToModel(doc: GraphDoc, registry: NodeSpecRegistry): EditorModel {
  const nodes: NodeModel[] = [];
  const byId = new Map<string, NodeModel>();
  const hidden = new Set<string>();
  for (const g of groupsOf(doc)) {
    if (!g.collapsed || byId.has(g.id)) continue;
    const exposed = exposedPorts(doc, registry, g);
    const toPort = ({ key, kind, label, doc: text, multiple, optional }: PortModel) => ({
      key,
      kind,
      label,
      doc: text,
      multiple,
      optional,
    });
    const model: NodeModel = {
      id: g.id,
      type: GROUP_NODE_TYPE,
      title: g.name,
      position: { x: g.position.x, y: g.position.y },
      inputs: exposed.inputs.map(toPort),
      outputs: exposed.outputs.map(toPort),
      controls: [],
      group: { members: [...g.members] },
      portsKey: `${exposed.inputs.map((p) => p.key).join(',')}|${exposed.outputs.map((p) => p.key).join(',')}`,
    };
    nodes.push(model);
    byId.set(g.id, model);
    g.members.forEach((m) => hidden.add(m));
  }
  for (const n of doc.nodes) {
    const spec = registry.get(n.type);
    if (!spec || byId.has(n.id) || hidden.has(n.id)) continue;
    const model: NodeModel = {
      id: n.id,
      type: n.type,
      title: spec.title,
      position: { x: n.position.x, y: n.position.y },
      inputs: ports(spec.inputs),
      outputs: ports(spec.outputs),
      controls: spec.controls.map((c) => c.key),
    };
    nodes.push(model);
    byId.set(n.id, model);
  }
  const connections: ConnectionModel[] = [];
  const seen = new Set<string>();
  // a wire to a member of a collapsed group is drawn to the group's port; wires inside it are not drawn
  const end = (ref: PortRef) => {
    const shown = shownAs(doc, ref.node);
    return shown === ref.node ? { node: shown, port: ref.port } : { node: shown, port: `${ref.node}.${ref.port}` };
  };
  for (const e of doc.edges) {
    const from = end(e.from);
    const to = end(e.to);
    const source = byId.get(from.node);
    const target = byId.get(to.node);
    if (!source || !target || seen.has(e.id) || (source.group && source === target)) continue;
    if (!source.outputs.some((p) => p.key === from.port) || !target.inputs.some((p) => p.key === to.port)) continue;
    seen.add(e.id);
    connections.push({ id: e.id, source: source.id, sourceOutput: from.port, target: target.id, targetInput: to.port });
  }
  return { nodes, connections };
}

function sameConnection(a: ConnectionModel, b: ConnectionModel): boolean {
  return a.source === b.source && a.sourceOutput === b.sourceOutput && a.target === b.target && a.targetInput === b.targetInput;
}

/** Operations that turn the canvas `current` into `target`, in the order they must run. */
export function planSync(current: EditorState, target: EditorModel): SyncPlan {
  const targetNodes = new Map(target.nodes.map((n) => [n.id, n]));
  const currentNodes = new Map(current.nodes.map((n) => [n.id, n]));

  // a node whose kind (or a group whose ports) changed under the same id is re-created
  const removeNodes = current.nodes
    .filter((n) => {
      const t = targetNodes.get(n.id);
      return t?.type !== n.type || (t.portsKey ?? '') !== (n.portsKey ?? '');
    })
    .map((n) => n.id);
  const recreated = new Set(removeNodes);
  const addNodes = target.nodes.filter((n) => !currentNodes.has(n.id) || recreated.has(n.id));

  const moveNodes: NodeMove[] = [];
  for (const n of target.nodes) {
    const cur = currentNodes.get(n.id);
    if (!cur || recreated.has(n.id)) continue;
    if (cur.position.x !== n.position.x || cur.position.y !== n.position.y) moveNodes.push({ id: n.id, position: n.position });
  }

  const targetConnections = new Map(target.connections.map((c) => [c.id, c]));
  const kept = new Set<string>();
  const removeConnections: string[] = [];
  for (const c of current.connections) {
    const t = targetConnections.get(c.id);
    const touchesRecreated = recreated.has(c.source) || recreated.has(c.target);
    if (t && sameConnection(c, t) && !touchesRecreated) kept.add(c.id);
    else removeConnections.push(c.id);
  }
  const addConnections = target.connections.filter((c) => !kept.has(c.id));
  return { removeConnections, removeNodes, addNodes, moveNodes, addConnections };
}

export function isEmptyPlan(plan: SyncPlan): boolean {
  return (
    plan.removeConnections.length === 0 &&
    plan.removeNodes.length === 0 &&
    plan.addNodes.length === 0 &&
    plan.moveNodes.length === 0 &&
    plan.addConnections.length === 0
  );
}

// ---------------------------------------------------------------- canvas → doc

export type ConnectionDecision = { ok: true; change: GraphChange } | { ok: false; reason: string };

/** Does data already flow from `start` to `goal` along the document's edges? */
function reaches(doc: GraphDoc, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  const stack = [start];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/**
 * The change for a wire the user drew from an output to an input, or the
 * reason it is refused (incompatible kinds, a cycle, a node wired to itself).
 */
export function connectionChange(doc: GraphDoc, registry: NodeSpecRegistry, fromPort: PortRef, toPort: PortRef): ConnectionDecision {
  // a port of a collapsed group stands for its member's port
  const from = resolveGroupPort(doc, fromPort);
  const to = resolveGroupPort(doc, toPort);
  const fromNode = doc.nodes.find((n) => n.id === from.node);
  const toNode = doc.nodes.find((n) => n.id === to.node);
  const outPort = fromNode ? registry.get(fromNode.type)?.outputs[from.port] : undefined;
  const inPort = toNode ? registry.get(toNode.type)?.inputs[to.port] : undefined;
  if (!fromNode || !toNode || !outPort || !inPort) return { ok: false, reason: 'that port no longer exists' };
  const what = `${fromNode.label ?? fromNode.id}.${outPort.label} → ${toNode.label ?? toNode.id}.${inPort.label}`;
  if (fromNode.id === toNode.id) return { ok: false, reason: `cannot connect ${what}: a node cannot feed itself` };
  const compat = canConnect(outPort.kind, inPort.kind);
  if (!compat.ok) return { ok: false, reason: `cannot connect ${what}: ${compat.reason}` };
  if (reaches(doc, toNode.id, fromNode.id)) {
    return {
      ok: false,
      reason: `cannot connect ${what}: it would make a loop (${toNode.id} already feeds ${fromNode.id}); data must flow one way`,
    };
  }
  return { ok: true, change: { type: 'connect', from: { ...from }, to: { ...to }, single: !inPort.multiple } };
}

/** One change for the positions the user dragged nodes to (null when nothing moved). */
export function movesChange(doc: GraphDoc, moves: ReadonlyMap<string, Position>): GraphChange | null {
  const list: NodeMove[] = [];
  for (const n of [...doc.nodes, ...groupsOf(doc).filter((g) => g.collapsed)]) {
    const p = moves.get(n.id);
    if (p && (Math.abs(p.x - n.position.x) > 0.05 || Math.abs(p.y - n.position.y) > 0.05))
      list.push({ id: n.id, position: { x: p.x, y: p.y } });
  }
  return list.length > 0 ? { type: 'moveNodes', moves: list } : null;
}

/** The change for a connection the user pulled off an input (null when the doc no longer has it). */
export function disconnectChange(doc: GraphDoc, connectionId: string): GraphChange | null {
  return doc.edges.some((e) => e.id === connectionId) ? { type: 'disconnect', edgeIds: [connectionId] } : null;
}

/** Tooltip text for a port: its doc line and what kind of value flows through it. */
export function portTooltip(port: PortModel, side: 'input' | 'output'): string {
  const info = socketInfo[port.kind];
  const many = side === 'input' && port.multiple ? ' Takes several connections.' : '';
  const optional = side === 'input' && port.optional ? ' Optional.' : '';
  return `${port.doc}. ${side === 'input' ? 'Expects' : 'Gives'} ${info.describes} (${info.title}).${many}${optional}`;
}

export interface ConnectOption {
  from: PortRef;
  to: PortRef;
  /** e.g. "encoder.μ → kl.μ" */
  label: string;
}

/**
 * Every wire that could be added to or from a node: its outputs to compatible
 * inputs elsewhere, and compatible outputs elsewhere to its inputs. Lets a
 * graph be wired from the keyboard (the node's actions menu).
 */
export function connectOptions(doc: GraphDoc, registry: NodeSpecRegistry, nodeId: string): ConnectOption[] {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const spec = node ? registry.get(node.type) : undefined;
  if (!node || !spec) return [];
  const exists = (from: PortRef, to: PortRef) =>
    doc.edges.some((e) => e.from.node === from.node && e.from.port === from.port && e.to.node === to.node && e.to.port === to.port);
  const name = (id: string) => doc.nodes.find((n) => n.id === id)?.label ?? id;
  const out: ConnectOption[] = [];
  const consider = (from: PortRef, to: PortRef, fromLabel: string, toLabel: string) => {
    if (exists(from, to) || !connectionChange(doc, registry, from, to).ok) return;
    out.push({ from, to, label: `${name(from.node)}.${fromLabel} → ${name(to.node)}.${toLabel}` });
  };
  for (const other of doc.nodes) {
    if (other.id === node.id) continue;
    const otherSpec = registry.get(other.type);
    if (!otherSpec) continue;
    for (const [outKey, outPort] of Object.entries(spec.outputs)) {
      for (const [inKey, inPort] of Object.entries(otherSpec.inputs)) {
        consider({ node: node.id, port: outKey }, { node: other.id, port: inKey }, outPort.label, inPort.label);
      }
    }
    for (const [outKey, outPort] of Object.entries(otherSpec.outputs)) {
      for (const [inKey, inPort] of Object.entries(spec.inputs)) {
        consider({ node: other.id, port: outKey }, { node: node.id, port: inKey }, outPort.label, inPort.label);
      }
    }
  }
  return out;
}
