import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import {
  applyChange,
  applyChanges,
  emptyGraph,
  extractFragment,
  freshId,
  freshNodeId,
  nodeIdStem,
  offsetFragment,
  placeFragment,
  type GraphChange,
} from '../../src/core/changes';
import { parseGraph } from '../../src/core/parse';
import type { GraphDoc, GraphNode } from '../../src/core/schema';
import { galleryGraph } from '../../src/graphs';

const vae = (): GraphDoc => galleryGraph('vae');

function node(id: string, type = 'Encoder', x = 0, y = 0): GraphNode {
  return { id, type, version: 1, params: {}, position: { x, y } };
}

/** Every result must still be a valid document. */
function expectValid(doc: GraphDoc): void {
  const parsed = parseGraph(doc, specRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  expect(new Set(doc.nodes.map((n) => n.id)).size).toBe(doc.nodes.length);
  expect(new Set(doc.edges.map((e) => e.id)).size).toBe(doc.edges.length);
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const e of doc.edges) {
    expect(ids.has(e.from.node)).toBe(true);
    expect(ids.has(e.to.node)).toBe(true);
  }
}

describe('ids', () => {
  test.each([
    ['Encoder', 'encoder'],
    ['KL', 'kl'],
    ['ReconstructionLoss', 'reconstructionLoss'],
    ['Beta', 'beta'],
    ['3D', 'n3d'],
  ])('nodeIdStem(%s) = %s', (type, stem) => {
    expect(nodeIdStem(type)).toBe(stem);
  });

  test.each([
    ['encoder', [], 'encoder'],
    ['encoder', ['encoder'], 'encoder2'],
    ['encoder', ['encoder', 'encoder2', 'encoder3'], 'encoder4'],
    ['encoder2', ['encoder', 'encoder2'], 'encoder3'],
    ['e5', ['e5'], 'e2'],
    ['9lives', [], 'lives'],
    ['bad id!', [], 'badid'],
    ['', [], 'n'],
  ])('freshId(%s, %j) = %s', (base, taken, expected) => {
    expect(freshId(base, new Set(taken))).toBe(expected);
  });

  test('a long base still gives an id of at most 64 characters that is free', () => {
    const base = 'a'.repeat(64);
    const id = freshId(base, new Set([base]));
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).not.toBe(base);
  });

  test('adding 50 nodes of one kind never collides', () => {
    let doc = emptyGraph();
    for (let i = 0; i < 50; i++) doc = applyChange(doc, { type: 'addNode', node: node(freshNodeId(doc, 'Encoder')) });
    expect(new Set(doc.nodes.map((n) => n.id)).size).toBe(50);
    expectValid(doc);
  });

  test('adding a node whose id is taken gives it a fresh id instead', () => {
    const doc = applyChange(vae(), { type: 'addNode', node: node('encoder') });
    expect(doc.nodes.filter((n) => n.id.startsWith('encoder')).map((n) => n.id)).toEqual(['encoder', 'encoder2']);
    expectValid(doc);
  });
});

describe('applyChange', () => {
  interface Case {
    name: string;
    change: GraphChange;
    check(after: GraphDoc, before: GraphDoc): void;
  }
  const cases: Case[] = [
    {
      name: 'addNode appends a node',
      change: { type: 'addNode', node: node('beta', 'Beta', 10, 20) },
      check: (a, b) => {
        expect(a.nodes.length).toBe(b.nodes.length + 1);
        expect(a.nodes.at(-1)).toMatchObject({ id: 'beta', position: { x: 10, y: 20 } });
      },
    },
    {
      name: 'removeNodes removes the node and every edge touching it',
      change: { type: 'removeNodes', ids: ['encoder'] },
      check: (a) => {
        expect(a.nodes.some((n) => n.id === 'encoder')).toBe(false);
        expect(a.edges.some((e) => e.from.node === 'encoder' || e.to.node === 'encoder')).toBe(false);
        expect(a.edges.map((e) => e.id)).toEqual(['e-z-decoder', 'e-data-recon', 'e-decoder-recon', 'e-recon-loss', 'e-kl-loss']);
      },
    },
    {
      name: 'removeNodes with several ids',
      change: { type: 'removeNodes', ids: ['kl', 'reparam', 'missing'] },
      check: (a) => {
        expect(a.nodes.map((n) => n.id)).toEqual(['data', 'encoder', 'decoder', 'recon', 'loss']);
        expect(a.edges.length).toBe(4);
      },
    },
    {
      name: 'moveNodes moves only the named nodes (rounded to 0.1)',
      change: {
        type: 'moveNodes',
        moves: [
          { id: 'kl', position: { x: 1.234, y: -5.06 } },
          { id: 'ghost', position: { x: 1, y: 1 } },
        ],
      },
      check: (a, b) => {
        expect(a.nodes.find((n) => n.id === 'kl')?.position).toEqual({ x: 1.2, y: -5.1 });
        expect(a.nodes.filter((n) => n.id !== 'kl')).toEqual(b.nodes.filter((n) => n.id !== 'kl'));
      },
    },
    {
      name: 'setParam sets one param',
      change: { type: 'setParam', nodeId: 'encoder', key: 'latentDim', value: 2 },
      check: (a) => expect(a.nodes.find((n) => n.id === 'encoder')?.params.latentDim).toBe(2),
    },
    {
      name: 'setNote sets a note',
      change: { type: 'setNote', nodeId: 'kl', note: 'the price of information' },
      check: (a) => expect(a.nodes.find((n) => n.id === 'kl')?.note).toBe('the price of information'),
    },
    {
      name: 'setNote with blank text removes the note',
      change: { type: 'setNote', nodeId: 'kl', note: '  ' },
      check: (a) => expect(a.nodes.find((n) => n.id === 'kl')).not.toHaveProperty('note'),
    },
    {
      name: 'setLabel trims the label',
      change: { type: 'setLabel', nodeId: 'decoder', label: '  generator ' },
      check: (a) => expect(a.nodes.find((n) => n.id === 'decoder')?.label).toBe('generator'),
    },
    {
      name: 'connect adds an edge with a fresh id',
      change: { type: 'connect', from: { node: 'encoder', port: 'mean' }, to: { node: 'decoder', port: 'z' } },
      check: (a, b) => {
        expect(a.edges.length).toBe(b.edges.length + 1);
        const e = a.edges.at(-1);
        expect(e).toMatchObject({ from: { node: 'encoder', port: 'mean' }, to: { node: 'decoder', port: 'z' } });
        expect(b.edges.some((x) => x.id === e?.id)).toBe(false);
      },
    },
    {
      name: 'connect to a single input replaces what was connected',
      change: { type: 'connect', from: { node: 'encoder', port: 'mean' }, to: { node: 'decoder', port: 'z' }, single: true },
      check: (a, b) => {
        expect(a.edges.length).toBe(b.edges.length);
        expect(a.edges.filter((e) => e.to.node === 'decoder')).toEqual([
          expect.objectContaining({ from: { node: 'encoder', port: 'mean' } }),
        ]);
      },
    },
    {
      name: 'connect keeps a requested id when it is free',
      change: { type: 'connect', id: 'mine', from: { node: 'data', port: 'label' }, to: { node: 'loss', port: 'terms' } },
      check: (a) => expect(a.edges.at(-1)?.id).toBe('mine'),
    },
    {
      name: 'connect replaces a requested id that is taken',
      change: { type: 'connect', id: 'e-kl-loss', from: { node: 'encoder', port: 'mean' }, to: { node: 'decoder', port: 'z' } },
      check: (a) => {
        expect(a.edges.at(-1)?.id).not.toBe('e-kl-loss');
        expect(a.edges.filter((e) => e.id === 'e-kl-loss').length).toBe(1);
      },
    },
    {
      name: 'disconnect removes edges by id',
      change: { type: 'disconnect', edgeIds: ['e-kl-loss', 'e-recon-loss'] },
      check: (a, b) => expect(a.edges.length).toBe(b.edges.length - 2),
    },
    {
      name: 'rename trims the name',
      change: { type: 'rename', name: '  My VAE  ' },
      check: (a) => expect(a.name).toBe('My VAE'),
    },
    {
      name: 'setDescription with blank text removes it',
      change: { type: 'setDescription', description: '' },
      check: (a) => expect(a).not.toHaveProperty('description'),
    },
    {
      name: 'setTraining merges settings',
      change: { type: 'setTraining', training: { epochs: 3, learningRate: 0.01 } },
      check: (a) => expect(a.training).toEqual({ epochs: 3, optimizer: 'adam', learningRate: 0.01, seed: 1 }),
    },
    {
      name: 'batch applies in order (one step)',
      change: {
        type: 'batch',
        changes: [
          { type: 'addNode', node: node('beta', 'Beta', 0, 0) },
          { type: 'disconnect', edgeIds: ['e-kl-loss'] },
          { type: 'connect', from: { node: 'kl', port: 'kl' }, to: { node: 'beta', port: 'kl' } },
          { type: 'connect', from: { node: 'beta', port: 'loss' }, to: { node: 'loss', port: 'terms' } },
        ],
      },
      check: (a) => {
        expect(
          a.edges
            .filter((e) => e.to.node === 'loss')
            .map((e) => e.from.node)
            .sort(),
        ).toEqual(['beta', 'recon']);
      },
    },
  ];

  test.each(cases)('$name', ({ change, check }) => {
    const before = vae();
    const frozen = structuredClone(before);
    const after = applyChange(before, change);
    expect(after).not.toBe(before);
    check(after, before);
    expect(before).toEqual(frozen); // the input is never mutated
    expectValid(after);
  });

  const noOps: Array<[string, GraphChange]> = [
    ['removing a node that does not exist', { type: 'removeNodes', ids: ['ghost'] }],
    ['moving a node to where it is', { type: 'moveNodes', moves: [{ id: 'kl', position: { x: 880, y: 300 } }] }],
    ['setting a param to its value', { type: 'setParam', nodeId: 'encoder', key: 'hidden', value: [400] }],
    ['setting a param on a missing node', { type: 'setParam', nodeId: 'ghost', key: 'a', value: 1 }],
    [
      'connecting what is connected',
      { type: 'connect', from: { node: 'data', port: 'x' }, to: { node: 'encoder', port: 'x' }, single: true },
    ],
    ['connecting a node to itself', { type: 'connect', from: { node: 'kl', port: 'kl' }, to: { node: 'kl', port: 'mean' } }],
    ['connecting to a missing node', { type: 'connect', from: { node: 'kl', port: 'kl' }, to: { node: 'ghost', port: 'x' } }],
    ['disconnecting a missing edge', { type: 'disconnect', edgeIds: ['nope'] }],
    ['renaming to a blank name', { type: 'rename', name: '   ' }],
    ['renaming to the same name', { type: 'rename', name: 'VAE (MLP, Bernoulli)' }],
    ['setting the same training', { type: 'setTraining', training: { epochs: 10 } }],
    ['an empty batch', { type: 'batch', changes: [] }],
  ];
  test.each(noOps)('%s returns the same document', (_name, change) => {
    const doc = vae();
    expect(applyChange(doc, change)).toBe(doc);
  });
});

describe('fragments (copy, paste, duplicate)', () => {
  test('extractFragment keeps only edges between the chosen nodes', () => {
    const f = extractFragment(vae(), ['encoder', 'reparam', 'kl']);
    expect(f.nodes.map((n) => n.id)).toEqual(['encoder', 'reparam', 'kl']);
    expect(f.edges.map((e) => e.id).sort()).toEqual(['e-logvar-kl', 'e-logvar-reparam', 'e-mean-kl', 'e-mean-reparam']);
  });

  test('pasting into the same graph gives new ids, keeps internal links, offsets positions', () => {
    const doc = vae();
    const fragment = offsetFragment(extractFragment(doc, ['encoder', 'reparam', 'kl']), 40, 40);
    const placed = placeFragment(doc, fragment);
    expect(placed.nodes.map((n) => n.id)).toEqual(['encoder2', 'reparam2', 'kl2']);
    expect(placed.nodes[0]?.position).toEqual({ x: 340, y: 180 });
    const after = applyChange(doc, { type: 'addFragment', fragment });
    expect(after.nodes.length).toBe(10);
    expect(after.edges.length).toBe(14);
    const pasted = after.edges.slice(10);
    for (const e of pasted) {
      expect(['encoder2', 'reparam2', 'kl2']).toContain(e.from.node);
      expect(['encoder2', 'reparam2', 'kl2']).toContain(e.to.node);
    }
    expectValid(after);
  });

  test('pasting twice never collides', () => {
    const doc = vae();
    const fragment = extractFragment(
      doc,
      doc.nodes.map((n) => n.id),
    );
    const after = applyChanges(doc, [
      { type: 'addFragment', fragment },
      { type: 'addFragment', fragment },
    ]);
    expect(after.nodes.length).toBe(21);
    expect(after.edges.length).toBe(30);
    expectValid(after);
  });

  test('edges to nodes outside the fragment are dropped', () => {
    const doc = emptyGraph();
    const fragment = {
      nodes: [node('a', 'Encoder')],
      edges: [{ id: 'x', from: { node: 'a', port: 'mean' }, to: { node: 'b', port: 'z' } }],
    };
    expect(applyChange(doc, { type: 'addFragment', fragment }).edges).toEqual([]);
  });
});
