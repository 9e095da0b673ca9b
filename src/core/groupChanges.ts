/** The edits of groups, applied by `applyChange` (changes.ts): make, change and remove groups. */
import { findGroup, groupsOf } from './groups';
import { freshId, takenIds } from './ids';
import { limits, type GraphDoc, type NodeGroup } from './schema';

/** The document with these groups (the field is left out when there are none). */
export function withGroups(doc: GraphDoc, groups: ReadonlyArray<NodeGroup>): GraphDoc {
  const { groups: _old, ...rest } = doc;
  return groups.length > 0 ? { ...rest, groups: [...groups] } : rest;
}

export function updateGroup(doc: GraphDoc, id: string, update: (g: NodeGroup) => NodeGroup): GraphDoc {
  const group = findGroup(doc, id);
  if (!group) return doc;
  const after = update(group);
  return after === group
    ? doc
    : withGroups(
        doc,
        groupsOf(doc).map((g) => (g === group ? after : g)),
      );
}

/** Where a collapsed group sits: at the top-left corner of its members. */
export function membersCorner(doc: GraphDoc, members: ReadonlyArray<string>): { x: number; y: number } {
  const positions = doc.nodes.filter((n) => members.includes(n.id)).map((n) => n.position);
  if (positions.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...positions.map((p) => p.x)), y: Math.min(...positions.map((p) => p.y)) };
}

/** Collapses or expands a group; a group collapses where its members are. */
export function setCollapsed(doc: GraphDoc, id: string, collapsed: boolean): GraphDoc {
  return updateGroup(doc, id, (g) =>
    g.collapsed === collapsed ? g : { ...g, collapsed, ...(collapsed ? { position: membersCorner(doc, g.members) } : {}) },
  );
}

export function addGroup(doc: GraphDoc, group: NodeGroup): GraphDoc {
  const nodes = new Set(doc.nodes.map((n) => n.id));
  const members = [...new Set(group.members)].filter((m) => nodes.has(m));
  const name = group.name.trim().slice(0, limits.groupNameLength);
  if (members.length === 0 || name === '' || groupsOf(doc).length >= limits.groups) return doc;
  const id = freshId(group.id, takenIds(doc));
  const taken = new Set(members);
  const others = groupsOf(doc)
    .map((g) => ({ ...g, members: g.members.filter((m) => !taken.has(m)) }))
    .filter((g) => g.members.length > 0);
  return withGroups(doc, [...others, { id, name, members, collapsed: group.collapsed, position: membersCorner(doc, members) }]);
}
