// Groups in the graph document: strict parsing with errors that name the field, and the group edits.
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import { applyChange, applyChanges, extractFragment, freshNodeId, placeFragment } from '../../src/core/changes';
import { exposedPorts, memberIds, resolveGroupPort, shownAs } from '../../src/core/groups';
import { parseGraph } from '../../src/core/parse';
import type { GraphDoc, NodeGroup } from '../../src/core/schema';
import { galleryGraph } from '../../src/graphs';
import { readGraphText, serializeGraph } from '../../src/share/graphFile';

const vae = (): GraphDoc => galleryGraph('vae');
const bottleneck = (extra: Partial<NodeGroup> = {}): NodeGroup => ({
  id: 'bottleneck',
  name: 'VAE bottleneck',
  members: ['reparam', 'kl'],
  collapsed: true,
  position: { x: 0, y: 0 },
  ...extra,
});
const grouped = (): GraphDoc => applyChange(vae(), { type: 'group', group: bottleneck() });

function messages(value: unknown): string[] {
  const r = parseGraph(value, specRegistry);
  return r.ok ? [] : r.errors.map((e) => e.message);
}

describe('parsing groups', () => {
  test('a graph with a group parses, and a graph file keeps it byte for byte', () => {
    const doc = grouped();
    const text = serializeGraph(doc);
    expect(text).toContain('"groups": [');
    const back = readGraphText(text);
    if (!back.ok) throw new Error(back.errors.map((e) => e.message).join('; '));
    expect(back.doc.groups).toEqual(doc.groups);
    expect(serializeGraph(back.doc)).toBe(text);
    // a graph without groups writes no groups field
    expect(serializeGraph(vae())).not.toContain('groups');
  });

  test.each([
    [
      'a member that is not a node',
      { members: ['reparam', 'ghost'] },
      "group 'bottleneck' (VAE bottleneck): field 'groups[0].members[1]' names a node that does not exist ('ghost')",
    ],
    ['a member listed twice', { members: ['kl', 'kl'] }, "field 'groups[0].members[1]' lists node 'kl' twice"],
    ['an id that is a node id', { id: 'kl' }, "field 'groups[0].id' is also the id of a node ('kl')"],
  ])('%s is refused, naming the field', (_what, extra, expected) => {
    const doc = { ...vae(), groups: [bottleneck(extra)] };
    expect(messages(doc).join('\n')).toContain(expected);
  });

  test('a node in two groups, a second group with the same id, bad names and shapes are refused', () => {
    const two = { ...vae(), groups: [bottleneck(), bottleneck({ id: 'other', members: ['kl'] })] };
    expect(messages(two).join('\n')).toContain(
      "field 'groups[1].members[0]' puts node 'kl' in a second group (it is already in 'bottleneck')",
    );
    const same = { ...vae(), groups: [bottleneck({ members: ['reparam'] }), bottleneck({ members: ['kl'] })] };
    expect(messages(same).join('\n')).toContain("field 'groups[1].id' repeats the id 'bottleneck' of another group");
    expect(messages({ ...vae(), groups: [bottleneck({ name: 'x'.repeat(61) })] }).join('\n')).toMatch(/field 'groups\[0\]\.name'/);
    expect(messages({ ...vae(), groups: [bottleneck({ name: '  ' })] }).join('\n')).toMatch(/field 'groups\[0\]\.name'/);
    expect(messages({ ...vae(), groups: [{ ...bottleneck(), colour: 'red' }] }).join('\n')).toMatch(/groups\[0\]/);
    expect(messages({ ...vae(), groups: 'all' }).join('\n')).toMatch(/field 'groups'/);
    expect(messages({ ...vae(), groups: [bottleneck({ members: [] })] }).join('\n')).toMatch(/field 'groups\[0\]\.members'/);
  });

  test('the analysis ignores groups: same shapes, parameter counts and problems', () => {
    const plain = analyzeGraph(vae(), specRegistry);
    const withGroup = analyzeGraph(grouped(), specRegistry);
    expect(withGroup).toEqual(plain);
  });
});

describe('group edits', () => {
  test('grouping puts the group at its members’ corner; ids never collide with nodes', () => {
    const doc = applyChange(vae(), { type: 'group', group: bottleneck({ id: 'kl' }) });
    const group = doc.groups?.[0];
    expect(group?.id).toBe('kl2');
    const positions = doc.nodes.filter((n) => ['reparam', 'kl'].includes(n.id)).map((n) => n.position);
    expect(group?.position).toEqual({ x: Math.min(...positions.map((p) => p.x)), y: Math.min(...positions.map((p) => p.y)) });
    expect(parseGraph(doc, specRegistry).ok).toBe(true);
    // a new node never takes a group's id
    expect(freshNodeId({ ...doc, groups: [bottleneck({ id: 'encoder2' })] }, 'Encoder')).toBe('encoder3');
  });

  test('a node moves to the newest group; an emptied group goes; ungroup, rename and collapse are one change each', () => {
    let doc = grouped();
    doc = applyChange(doc, { type: 'group', group: bottleneck({ id: 'g', name: 'Only KL', members: ['kl'] }) });
    expect(doc.groups?.map((g) => [g.id, g.members])).toEqual([
      ['bottleneck', ['reparam']],
      ['g', ['kl']],
    ]);
    doc = applyChange(doc, { type: 'group', group: bottleneck({ id: 'h', name: 'Both', members: ['reparam', 'kl'] }) });
    expect(doc.groups?.map((g) => g.id)).toEqual(['h']);
    const renamed = applyChange(doc, { type: 'renameGroup', groupId: 'h', name: '  Sampler and KL ' });
    expect(renamed.groups?.[0]?.name).toBe('Sampler and KL');
    expect(applyChange(renamed, { type: 'renameGroup', groupId: 'h', name: '   ' })).toBe(renamed);
    const expanded = applyChange(renamed, { type: 'setGroupCollapsed', groupId: 'h', collapsed: false });
    expect(expanded.groups?.[0]?.collapsed).toBe(false);
    expect(applyChange(expanded, { type: 'setGroupCollapsed', groupId: 'h', collapsed: false })).toBe(expanded);
    const ungrouped = applyChange(expanded, { type: 'ungroup', groupId: 'h' });
    expect(ungrouped.groups).toBeUndefined();
    expect(ungrouped.nodes).toEqual(vae().nodes);
  });

  test('removing a group keeps its nodes; removing its members removes it', () => {
    const doc = grouped();
    const noGroup = applyChange(doc, { type: 'removeNodes', ids: ['bottleneck'] });
    expect(noGroup.groups).toBeUndefined();
    expect(noGroup.nodes.length).toBe(7);
    expect(noGroup.edges).toEqual(doc.edges);
    const withMembers = applyChange(doc, { type: 'removeNodes', ids: memberIds(doc, ['bottleneck']) });
    expect(withMembers.nodes.map((n) => n.id)).not.toContain('kl');
    expect(withMembers.groups).toBeUndefined();
    const oneMember = applyChange(doc, { type: 'removeNodes', ids: ['kl'] });
    expect(oneMember.groups?.[0]?.members).toEqual(['reparam']);
  });

  test('moving a collapsed group moves its members by as much', () => {
    const doc = grouped();
    const at = doc.groups?.[0]?.position ?? { x: 0, y: 0 };
    const moved = applyChange(doc, { type: 'moveNodes', moves: [{ id: 'bottleneck', position: { x: at.x + 50, y: at.y - 20 } }] });
    expect(moved.groups?.[0]?.position).toEqual({ x: at.x + 50, y: at.y - 20 });
    for (const id of ['reparam', 'kl']) {
      const before = doc.nodes.find((n) => n.id === id)?.position;
      expect(moved.nodes.find((n) => n.id === id)?.position).toEqual({ x: (before?.x ?? 0) + 50, y: (before?.y ?? 0) - 20 });
    }
  });

  test('copying a group copies it; pasting renames it with its members', () => {
    const doc = grouped();
    const fragment = extractFragment(doc, ['bottleneck']);
    expect(fragment.nodes.map((n) => n.id)).toEqual(['reparam', 'kl']);
    expect(fragment.groups?.map((g) => g.id)).toEqual(['bottleneck']);
    const placed = placeFragment(doc, fragment);
    expect(placed.groups).toEqual([expect.objectContaining({ id: 'bottleneck2', members: ['reparam2', 'kl2'] })]);
    const pasted = applyChanges(doc, [{ type: 'addFragment', fragment }]);
    expect(pasted.groups?.length).toBe(2);
    expect(parseGraph(pasted, specRegistry).ok).toBe(true);
  });
});

describe('the ports of a collapsed group', () => {
  test('the bottleneck shows the four posterior inputs and its two outputs', () => {
    const doc = grouped();
    const group = doc.groups?.[0];
    if (!group) throw new Error('no group');
    const ports = exposedPorts(doc, specRegistry, group);
    expect(ports.inputs.map((p) => p.key)).toEqual(['reparam.mean', 'reparam.logVar', 'kl.mean', 'kl.logVar']);
    expect(ports.outputs.map((p) => p.key)).toEqual(['reparam.z', 'kl.kl']);
    // labels that would read the same get the member's name
    expect(ports.inputs[0]?.label).not.toBe(ports.inputs[2]?.label);
    expect(resolveGroupPort(doc, { node: 'bottleneck', port: 'kl.mean' })).toEqual({ node: 'kl', port: 'mean' });
    expect(resolveGroupPort(doc, { node: 'encoder', port: 'mean' })).toEqual({ node: 'encoder', port: 'mean' });
    expect(shownAs(doc, 'kl')).toBe('bottleneck');
    expect(shownAs(applyChange(doc, { type: 'setGroupCollapsed', groupId: 'bottleneck', collapsed: false }), 'kl')).toBe('kl');
  });

  test('a port wired only inside the group is not shown', () => {
    const doc = applyChange(vae(), { type: 'group', group: bottleneck({ members: ['encoder', 'reparam'] }) });
    const group = doc.groups?.[0];
    if (!group) throw new Error('no group');
    const ports = exposedPorts(doc, specRegistry, group);
    expect(ports.inputs.map((p) => p.key)).toEqual(['encoder.x']);
    // the encoder's outputs also feed the KL outside the group
    expect(ports.outputs.map((p) => p.key)).toEqual(['encoder.mean', 'encoder.logVar', 'reparam.z']);
  });
});
