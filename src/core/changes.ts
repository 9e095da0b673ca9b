/**
 * Edits are data: every edit to a graph is a `GraphChange`, applied by the pure
 * `applyChange`. The editor, undo/redo, paste and the tests all go through it.
 *
 * `applyChange` never mutates its input and returns the very same document when
 * a change does nothing (so callers can skip recording an undo step). It keeps
 * the document valid: ids never collide (colliding ids are replaced by fresh
 * ones), removing a node removes its edges, and edges only join nodes that exist.
 */
import { addGroup, setCollapsed, updateGroup, withGroups } from './groupChanges';
import { findGroup, groupsOf } from './groups';
import { edgeIds, freshEdgeId, freshId, nodeIds, takenIds } from './ids';
import {
  defaultTraining,
  limits,
  type GraphDoc,
  type GraphEdge,
  type GraphNode,
  type NodeGroup,
  type PortRef,
  type TrainingSettings,
} from './schema';

export interface Position {
  x: number;
  y: number;
}

export interface NodeMove {
  id: string;
  position: Position;
}

/** Nodes and the edges between them (and their groups): what copy, paste, duplicate and templates move around. */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups?: NodeGroup[];
}

export type GraphChange =
  | { type: 'addNode'; node: GraphNode }
  /** Adds nodes with the edges between them (paste, duplicate); colliding ids are renamed. */
  | { type: 'addFragment'; fragment: GraphFragment }
  /** Removes nodes (and their edges). A group id among them removes the group only: its nodes stay. */
  | { type: 'removeNodes'; ids: ReadonlyArray<string> }
  /** Moves nodes; a collapsed group's id moves the group and its members with it. */
  | { type: 'moveNodes'; moves: ReadonlyArray<NodeMove> }
  /** Makes a group of nodes (taking them out of any group they were in); a taken id is replaced; it sits at its members' corner. */
  | { type: 'group'; group: NodeGroup }
  | { type: 'ungroup'; groupId: string }
  | { type: 'setGroupCollapsed'; groupId: string; collapsed: boolean }
  | { type: 'renameGroup'; groupId: string; name: string }
  | { type: 'setParam'; nodeId: string; key: string; value: unknown }
  | { type: 'setNote'; nodeId: string; note: string }
  | { type: 'setLabel'; nodeId: string; label: string }
  /**
   * Connects an output to an input. `single`: the input takes one connection,
   * so whatever was connected to it before is disconnected.
   */
  | { type: 'connect'; from: PortRef; to: PortRef; id?: string; single?: boolean }
  | { type: 'disconnect'; edgeIds: ReadonlyArray<string> }
  | { type: 'rename'; name: string }
  | { type: 'setDescription'; description: string }
  | { type: 'setTraining'; training: Partial<TrainingSettings> }
  /** Several changes as one step (one undo entry). */
  | { type: 'batch'; changes: ReadonlyArray<GraphChange> };

export type GraphChangeType = GraphChange['type'];

export { edgeIds, freshEdgeId, freshId, freshNodeId, nodeIds, nodeIdStem, takenIds } from './ids';

// ---------------------------------------------------------------- fragments

/**
 * The nodes with these ids (a group's id stands for its members) and the
 * edges that run between them, with the groups all of whose members came along.
 */
export function extractFragment(doc: GraphDoc, ids: Iterable<string>): GraphFragment {
  const wanted = new Set<string>();
  for (const id of ids) {
    const group = findGroup(doc, id);
    if (group) group.members.forEach((m) => wanted.add(m));
    else wanted.add(id);
  }
  const groups = groupsOf(doc).filter((g) => g.members.every((m) => wanted.has(m)));
  return {
    nodes: doc.nodes.filter((n) => wanted.has(n.id)),
    edges: doc.edges.filter((e) => wanted.has(e.from.node) && wanted.has(e.to.node)),
    ...(groups.length > 0 ? { groups } : {}),
  };
}

/** The same fragment moved by (dx, dy). */
export function offsetFragment(fragment: GraphFragment, dx: number, dy: number): GraphFragment {
  const move = (p: Position): Position => ({ x: p.x + dx, y: p.y + dy });
  return {
    nodes: fragment.nodes.map((n) => ({ ...n, position: move(n.position) })),
    edges: fragment.edges,
    ...(fragment.groups ? { groups: fragment.groups.map((g) => ({ ...g, position: move(g.position) })) } : {}),
  };
}

/**
 * The fragment as it will be inserted into `doc`: nodes whose ids are taken get
 * fresh ids (encoder → encoder2), edges follow them, edges to nodes outside the
 * fragment are dropped and edge ids are fresh where needed.
 */
export function placeFragment(doc: GraphDoc, fragment: GraphFragment): GraphFragment {
  const takenNodes = takenIds(doc);
  const rename = new Map<string, string>();
  const nodes: GraphNode[] = [];
  for (const n of fragment.nodes) {
    if (rename.has(n.id)) continue; // a duplicate inside the fragment itself
    const id = freshId(n.id, takenNodes);
    takenNodes.add(id);
    rename.set(n.id, id);
    nodes.push({ ...n, id });
  }
  const takenEdges = edgeIds(doc);
  const edges: GraphEdge[] = [];
  for (const e of fragment.edges) {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    if (!from || !to) continue;
    const id = takenEdges.has(e.id) ? freshEdgeId({ ...doc, edges: [...doc.edges, ...edges] }, takenEdges) : e.id;
    takenEdges.add(id);
    edges.push({ id, from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } });
  }
  const groups: NodeGroup[] = [];
  const grouped = new Set<string>();
  for (const g of fragment.groups ?? []) {
    const members = g.members.flatMap((m) => {
      const id = rename.get(m);
      return id && !grouped.has(id) ? [id] : [];
    });
    if (members.length === 0) continue;
    members.forEach((m) => grouped.add(m));
    const id = freshId(g.id, takenNodes);
    takenNodes.add(id);
    groups.push({ ...g, id, members });
  }
  return groups.length > 0 ? { nodes, edges, groups } : { nodes, edges };
}

// ---------------------------------------------------------------- apply

const round = (v: number): number => Math.round(v * 10) / 10;

function updateNode(doc: GraphDoc, id: string, update: (n: GraphNode) => GraphNode): GraphDoc {
  const i = doc.nodes.findIndex((n) => n.id === id);
  if (i < 0) return doc;
  const before = doc.nodes[i] as GraphNode;
  const after = update(before);
  if (after === before) return doc;
  const nodes = doc.nodes.slice();
  nodes[i] = after;
  return { ...doc, nodes };
}

function sameRef(a: PortRef, b: PortRef): boolean {
  return a.node === b.node && a.port === b.port;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return false;
}

function addFragment(doc: GraphDoc, fragment: GraphFragment): GraphDoc {
  if (fragment.nodes.length === 0) return doc;
  const placed = placeFragment(doc, fragment);
  const next = { ...doc, nodes: [...doc.nodes, ...placed.nodes], edges: [...doc.edges, ...placed.edges] };
  return placed.groups ? withGroups(next, [...groupsOf(doc), ...placed.groups]) : next;
}

function removeNodes(doc: GraphDoc, ids: ReadonlyArray<string>): GraphDoc {
  const gone = new Set(ids);
  const groupsGone = groupsOf(doc).some((g) => gone.has(g.id));
  if (!doc.nodes.some((n) => gone.has(n.id)) && !groupsGone) return doc;
  const groups = groupsOf(doc)
    .filter((g) => !gone.has(g.id))
    .map((g) => (g.members.some((m) => gone.has(m)) ? { ...g, members: g.members.filter((m) => !gone.has(m)) } : g))
    .filter((g) => g.members.length > 0);
  return withGroups(
    {
      ...doc,
      nodes: doc.nodes.filter((n) => !gone.has(n.id)),
      edges: doc.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node)),
    },
    groups,
  );
}

function moveNodes(doc: GraphDoc, moves: ReadonlyArray<NodeMove>): GraphDoc {
  let next = doc;
  for (const m of moves) {
    const position = { x: round(m.position.x), y: round(m.position.y) };
    if (!Number.isFinite(position.x) || !Number.isFinite(position.y)) continue;
    const group = findGroup(next, m.id);
    if (group) {
      // a collapsed group carries its members along, so they open where it was put
      const dx = position.x - group.position.x;
      const dy = position.y - group.position.y;
      if (dx === 0 && dy === 0) continue;
      next = updateGroup(next, m.id, (g) => ({ ...g, position }));
      for (const member of group.members) {
        next = updateNode(next, member, (n) => ({ ...n, position: { x: round(n.position.x + dx), y: round(n.position.y + dy) } }));
      }
      continue;
    }
    next = updateNode(next, m.id, (n) => (n.position.x === position.x && n.position.y === position.y ? n : { ...n, position }));
  }
  return next;
}

function connect(doc: GraphDoc, change: Extract<GraphChange, { type: 'connect' }>): GraphDoc {
  const { from, to } = change;
  const ids = nodeIds(doc);
  if (!ids.has(from.node) || !ids.has(to.node) || from.node === to.node) return doc;
  const exists = doc.edges.some((e) => sameRef(e.from, from) && sameRef(e.to, to));
  const others = change.single ? doc.edges.filter((e) => sameRef(e.to, to) && !sameRef(e.from, from)) : [];
  if (exists && others.length === 0) return doc;
  const kept = others.length > 0 ? doc.edges.filter((e) => !others.includes(e)) : doc.edges;
  if (exists) return { ...doc, edges: kept };
  const taken = new Set(kept.map((e) => e.id));
  const id = change.id && !taken.has(change.id) ? change.id : freshEdgeId({ ...doc, edges: kept }, taken);
  return { ...doc, edges: [...kept, { id, from: { ...from }, to: { ...to } }] };
}

export function applyChange(doc: GraphDoc, change: GraphChange): GraphDoc {
  switch (change.type) {
    case 'addNode':
      return addFragment(doc, { nodes: [change.node], edges: [] });
    case 'addFragment':
      return addFragment(doc, change.fragment);
    case 'removeNodes':
      return removeNodes(doc, change.ids);
    case 'moveNodes':
      return moveNodes(doc, change.moves);
    case 'group':
      return addGroup(doc, change.group);
    case 'ungroup':
      return findGroup(doc, change.groupId)
        ? withGroups(
            doc,
            groupsOf(doc).filter((g) => g.id !== change.groupId),
          )
        : doc;
    case 'setGroupCollapsed':
      return setCollapsed(doc, change.groupId, change.collapsed);
    case 'renameGroup': {
      const name = change.name.trim().slice(0, limits.groupNameLength);
      return updateGroup(doc, change.groupId, (g) => (name === '' || name === g.name ? g : { ...g, name }));
    }
    case 'setParam':
      return updateNode(doc, change.nodeId, (n) =>
        sameValue(n.params[change.key], change.value) ? n : { ...n, params: { ...n.params, [change.key]: change.value } },
      );
    case 'setNote': {
      const note = change.note.slice(0, limits.noteLength);
      return updateNode(doc, change.nodeId, (n) => {
        if ((n.note ?? '') === note) return n;
        const { note: _old, ...rest } = n;
        return note.trim() === '' ? rest : { ...rest, note };
      });
    }
    case 'setLabel': {
      const label = change.label.trim().slice(0, 80);
      return updateNode(doc, change.nodeId, (n) => {
        if ((n.label ?? '') === label) return n;
        const { label: _old, ...rest } = n;
        return label === '' ? rest : { ...rest, label };
      });
    }
    case 'connect':
      return connect(doc, change);
    case 'disconnect': {
      const gone = new Set(change.edgeIds);
      if (!doc.edges.some((e) => gone.has(e.id))) return doc;
      return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)) };
    }
    case 'rename': {
      const name = change.name.trim().slice(0, limits.nameLength);
      return name === '' || name === doc.name ? doc : { ...doc, name };
    }
    case 'setDescription': {
      const description = change.description.slice(0, limits.descriptionLength);
      if ((doc.description ?? '') === description) return doc;
      const { description: _old, ...rest } = doc;
      return description.trim() === '' ? rest : { ...rest, description };
    }
    case 'setTraining': {
      const training = { ...doc.training, ...change.training };
      const same = (Object.keys(training) as Array<keyof TrainingSettings>).every((k) => training[k] === doc.training[k]);
      return same ? doc : { ...doc, training };
    }
    case 'batch':
      return change.changes.reduce(applyChange, doc);
  }
}

/** Applies several changes in order. */
export function applyChanges(doc: GraphDoc, changes: ReadonlyArray<GraphChange>): GraphDoc {
  return changes.reduce(applyChange, doc);
}

/** An empty graph with default training settings. */
export function emptyGraph(name = 'Untitled graph'): GraphDoc {
  return {
    format: 'bottleneck-graph',
    version: 1,
    name,
    nodes: [],
    edges: [],
    training: { ...defaultTraining },
  };
}
