// A collapsed group on the canvas: one node with its exposed ports, wires drawn to them, wiring and moving through it.
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { applyChange, extractFragment } from '../../src/core/changes';
import { fragmentToText, textToFragment } from '../../src/editor/clipboard';
import type { GraphDoc } from '../../src/core/schema';
import {
  connectionChange,
  docToModel,
  GROUP_NODE_TYPE,
  movesChange,
  planSync,
  type EditorModel,
  type EditorState,
} from '../../src/editor/model';
import { galleryGraph } from '../../src/graphs';

const grouped = (collapsed = true): GraphDoc =>
  applyChange(galleryGraph('vae'), {
    type: 'group',
    group: { id: 'bottleneck', name: 'VAE bottleneck', members: ['reparam', 'kl'], collapsed, position: { x: 0, y: 0 } },
  });

function stateOf(model: EditorModel): EditorState {
  return {
    nodes: model.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position, ...(n.portsKey ? { portsKey: n.portsKey } : {}) })),
    connections: model.connections,
  };
}

describe('a collapsed group on the canvas', () => {
  test('is one node in place of its members, with the wires drawn to its ports', () => {
    const m = docToModel(grouped(), specRegistry);
    expect(m.nodes.map((n) => n.id)).toEqual(['bottleneck', 'data', 'encoder', 'decoder', 'recon', 'loss']);
    const group = m.nodes[0];
    expect(group?.type).toBe(GROUP_NODE_TYPE);
    expect(group?.title).toBe('VAE bottleneck');
    expect(group?.group?.members).toEqual(['reparam', 'kl']);
    expect(group?.inputs.map((p) => p.key)).toEqual(['reparam.mean', 'reparam.logVar', 'kl.mean', 'kl.logVar']);
    expect(group?.outputs.map((p) => p.key)).toEqual(['reparam.z', 'kl.kl']);
    // every edge of the VAE is still drawn (none runs between the two members)
    expect(m.connections.length).toBe(galleryGraph('vae').edges.length);
    expect(m.connections.filter((c) => c.target === 'bottleneck').map((c) => c.targetInput)).toEqual([
      'reparam.mean',
      'reparam.logVar',
      'kl.mean',
      'kl.logVar',
    ]);
    expect(m.connections.filter((c) => c.source === 'bottleneck').map((c) => c.sourceOutput)).toEqual(['reparam.z', 'kl.kl']);
  });

  test('an expanded group draws its members as usual', () => {
    const m = docToModel(grouped(false), specRegistry);
    expect(m.nodes.map((n) => n.id)).toEqual(docToModel(galleryGraph('vae'), specRegistry).nodes.map((n) => n.id));
  });

  test('collapsing and expanding is planned as nodes replaced; a change of ports draws the group anew', () => {
    const open = docToModel(grouped(false), specRegistry);
    const closed = docToModel(grouped(true), specRegistry);
    const plan = planSync(stateOf(open), closed);
    expect(plan.removeNodes.sort()).toEqual(['kl', 'reparam']);
    expect(plan.addNodes.map((n) => n.id)).toEqual(['bottleneck']);
    // unplug the KL from the encoder's mean: still exposed (unwired inputs stay), same ports, nothing re-created
    const doc = grouped();
    const edge = doc.edges.find((e) => e.to.node === 'kl' && e.to.port === 'mean');
    const unplugged = docToModel(applyChange(doc, { type: 'disconnect', edgeIds: [edge?.id ?? ''] }), specRegistry);
    expect(planSync(stateOf(closed), unplugged).removeNodes).toEqual([]);
    // wire the sampler's z into the KL's mean inside the group (nonsense, but it hides both ports): re-created
    const inside = applyChange(doc, {
      type: 'connect',
      from: { node: 'kl', port: 'kl' },
      to: { node: 'reparam', port: 'mean' },
      single: true,
    });
    expect(planSync(stateOf(closed), docToModel(inside, specRegistry)).removeNodes).toEqual(['bottleneck']);
  });

  test('a wire drawn to a group port connects the member port behind it', () => {
    const doc = applyChange(grouped(), {
      type: 'disconnect',
      edgeIds: grouped()
        .edges.filter((e) => e.to.node === 'kl')
        .map((e) => e.id),
    });
    const decision = connectionChange(doc, specRegistry, { node: 'encoder', port: 'mean' }, { node: 'bottleneck', port: 'kl.mean' });
    expect(decision).toEqual({
      ok: true,
      change: { type: 'connect', from: { node: 'encoder', port: 'mean' }, to: { node: 'kl', port: 'mean' }, single: true },
    });
    const refused = connectionChange(doc, specRegistry, { node: 'encoder', port: 'logVar' }, { node: 'bottleneck', port: 'kl.mean' });
    expect(refused.ok).toBe(false);
  });

  test('dragging a collapsed group is one move of the group', () => {
    const doc = grouped();
    const at = doc.groups?.[0]?.position ?? { x: 0, y: 0 };
    const change = movesChange(doc, new Map([['bottleneck', { x: at.x + 10, y: at.y }]]));
    expect(change).toEqual({ type: 'moveNodes', moves: [{ id: 'bottleneck', position: { x: at.x + 10, y: at.y } }] });
  });

  test('a copied group pastes as a group (through the clipboard text)', () => {
    const pasted = textToFragment(fragmentToText(extractFragment(grouped(), ['bottleneck'])), specRegistry);
    expect(pasted.ok && pasted.fragment.groups?.map((g) => g.members)).toEqual([['reparam', 'kl']]);
  });
});
