/**
 * Groups of nodes: lookups, the strict checks a document's groups must pass,
 * and the ports a collapsed group shows. Groups are a view concept: the
 * compiler and the analysis read nodes and edges only.
 */
import type { Diagnostic } from './diagnostics';
import { clip } from './issues';
import type { NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc, NodeGroup, PortRef } from './schema';
import type { SocketKind } from './sockets';

export function groupsOf(doc: GraphDoc): ReadonlyArray<NodeGroup> {
  return doc.groups ?? [];
}

export function findGroup(doc: GraphDoc, id: string): NodeGroup | undefined {
  return groupsOf(doc).find((g) => g.id === id);
}

/** The group a node belongs to (a node is in at most one). */
export function groupOfNode(doc: GraphDoc, nodeId: string): NodeGroup | undefined {
  return groupsOf(doc).find((g) => g.members.includes(nodeId));
}

/** The collapsed group a lesson step asks to show opened: by id, or by name (any case); undefined when none is collapsed. */
export function groupToOpen(doc: GraphDoc, idOrName: string): NodeGroup | undefined {
  const wanted = idOrName.trim().toLowerCase();
  return groupsOf(doc).find((g) => g.collapsed && (g.id === idOrName || g.name.toLowerCase() === wanted));
}

/** Where a node is drawn: its own id, or the id of the collapsed group it is hidden in. */
export function shownAs(doc: GraphDoc, nodeId: string): string {
  const group = groupOfNode(doc, nodeId);
  return group?.collapsed ? group.id : nodeId;
}

/** Canvas ids (nodes and groups) → the node ids they stand for. */
export function memberIds(doc: GraphDoc, ids: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const group = findGroup(doc, id);
    if (group) group.members.forEach((m) => out.add(m));
    else out.add(id);
  }
  return [...out];
}

// ---------------------------------------------------------------- ports of a collapsed group

/** The key of a member's port on its collapsed group: `member.port`. */
export function groupPortKey(member: string, port: string): string {
  return `${member}.${port}`;
}

/**
 * The member port behind a port of a collapsed group (`{ node: group, port:
 * 'kl.mean' }` → `{ node: 'kl', port: 'mean' }`); any other ref as it is.
 */
export function resolveGroupPort(doc: GraphDoc, ref: PortRef): PortRef {
  const group = findGroup(doc, ref.node);
  const dot = ref.port.indexOf('.');
  if (!group || dot < 0) return ref;
  const member = ref.port.slice(0, dot);
  return group.members.includes(member) ? { node: member, port: ref.port.slice(dot + 1) } : ref;
}

export interface ExposedPort {
  /** `member.port` */
  key: string;
  member: string;
  port: string;
  kind: SocketKind;
  label: string;
  doc: string;
  multiple: boolean;
  optional: boolean;
}

export interface ExposedPorts {
  inputs: ExposedPort[];
  outputs: ExposedPort[];
}

/**
 * The ports a collapsed group shows: every member port that is not wired only
 * inside the group (wired across its boundary, or not wired at all, so the
 * group can still be connected). Labels get the member's label or id when two
 * exposed ports would read the same.
 */
export function exposedPorts(doc: GraphDoc, registry: NodeSpecRegistry, group: NodeGroup): ExposedPorts {
  const inside = new Set(group.members);
  const inputs: ExposedPort[] = [];
  const outputs: ExposedPort[] = [];
  for (const member of group.members) {
    const node = doc.nodes.find((n) => n.id === member);
    const spec = node ? registry.get(node.type) : undefined;
    if (!node || !spec) continue;
    const name = node.label ?? spec.title;
    const expose = (side: 'input' | 'output') => {
      const record = side === 'input' ? spec.inputs : spec.outputs;
      const list = side === 'input' ? inputs : outputs;
      for (const [port, p] of Object.entries(record)) {
        const edges = doc.edges.filter(
          (e) => (side === 'input' ? e.to : e.from).node === member && (side === 'input' ? e.to : e.from).port === port,
        );
        const internalOnly = edges.length > 0 && edges.every((e) => inside.has(side === 'input' ? e.from.node : e.to.node));
        // an unwired optional input (a condition) is not part of what the group offers: expand it to wire one
        const unusedOption = side === 'input' && edges.length === 0 && p.optional === true;
        if (internalOnly || unusedOption) continue;
        list.push({
          key: groupPortKey(member, port),
          member,
          port,
          kind: p.kind,
          label: p.label,
          doc: `${name}: ${p.doc}`,
          multiple: p.multiple ?? false,
          optional: p.optional ?? false,
        });
      }
    };
    expose('input');
    expose('output');
  }
  // short: the member's label, or its id
  const nameOf = (member: string) => doc.nodes.find((n) => n.id === member)?.label ?? member;
  for (const list of [inputs, outputs]) {
    for (const p of list) {
      if (list.filter((q) => q.label === p.label).length > 1) p.label = `${nameOf(p.member)} ${p.label}`;
    }
  }
  return { inputs, outputs };
}

// ---------------------------------------------------------------- checks

/**
 * What is wrong with a document's groups, in plain words naming the group and
 * field: ids must be unique and differ from node ids, members must be nodes of
 * the graph, and a node is in at most one group.
 */
export function checkGroups(doc: GraphDoc): Diagnostic[] {
  const errors: Diagnostic[] = [];
  const nodes = new Set(doc.nodes.map((n) => n.id));
  const groupIds = new Set<string>();
  const owner = new Map<string, string>();
  groupsOf(doc).forEach((g, i) => {
    const label = `group '${clip(g.id)}' (${clip(g.name)})`;
    const fail = (field: string, message: string) =>
      errors.push({ severity: 'error', code: 'group', message: `${label}: field '${field}' ${message}`, field });
    if (groupIds.has(g.id)) fail(`groups[${i}].id`, `repeats the id '${g.id}' of another group`);
    if (nodes.has(g.id)) fail(`groups[${i}].id`, `is also the id of a node ('${g.id}'); a group needs an id of its own`);
    groupIds.add(g.id);
    const seen = new Set<string>();
    g.members.forEach((m, j) => {
      const field = `groups[${i}].members[${j}]`;
      if (!nodes.has(m)) fail(field, `names a node that does not exist ('${clip(m)}')`);
      else if (seen.has(m)) fail(field, `lists node '${m}' twice`);
      else if (owner.has(m))
        fail(field, `puts node '${m}' in a second group (it is already in '${owner.get(m)}'); a node is in at most one group`);
      seen.add(m);
      if (!owner.has(m)) owner.set(m, g.id);
    });
  });
  return errors;
}
