import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { parseGraph, parseGraphText } from '../../src/core/parse';
import { GRAPH_VERSION, limits } from '../../src/core/schema';
import { cloneDoc, graphFiles, loadGraph } from '../helpers';

const vae = loadGraph('vae');

function messages(r: ReturnType<typeof parseGraph>): string[] {
  return r.ok ? [] : r.errors.map((e) => e.message);
}

describe('parseGraph', () => {
  test.each(graphFiles())('%s parses', (file) => {
    expect(loadGraph(file).nodes.length).toBeGreaterThan(0);
  });

  test('fills param defaults', () => {
    const doc = cloneDoc(vae);
    const kl = doc.nodes.find((n) => n.id === 'kl');
    if (!kl) throw new Error('kl missing');
    kl.params = {};
    const r = parseGraph(doc, specRegistry);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.doc.nodes.find((n) => n.id === 'kl')?.params).toEqual({ freeBits: 0 });
  });

  const cases: Array<[string, (d: Record<string, unknown>) => unknown, RegExp]> = [
    ['not an object', () => [1, 2], /must contain a JSON object/],
    ['wrong format', (d) => ({ ...d, format: 'other' }), /not a Bottleneck graph/],
    ['no format', (d) => ({ ...d, format: undefined }), /not a Bottleneck graph/],
    ['newer version', (d) => ({ ...d, version: GRAPH_VERSION + 1 }), /newer Bottleneck/],
    ['bad version', (d) => ({ ...d, version: 'x' }), /no valid "version"/],
    ['unknown top-level field', (d) => ({ ...d, extra: 1 }), /unknown field 'extra'/],
    ['negative epochs', (d) => ({ ...d, training: { ...(d.training as object), epochs: -1 } }), /training.epochs' must be ≥ 1, got -1/],
    [
      'unknown node type',
      (d) => ({
        ...d,
        nodes: [...(d.nodes as object[]), { id: 'x', type: 'Teleporter', version: 1, params: {}, position: { x: 0, y: 0 } }],
      }),
      /node 'x' \(Teleporter\): unknown node type 'Teleporter'/,
    ],
    [
      'bad param value names node and field',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) =>
          n.id === 'encoder' ? { ...n, params: { ...(n.params as object), latentDim: 0 } } : n,
        ),
      }),
      /node 'encoder' \(Encoder\): param 'latentDim' must be ≥ 1, got 0/,
    ],
    [
      'wrong param type',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) =>
          n.id === 'recon' ? { ...n, params: { ...(n.params as object), distribution: 'poisson' } } : n,
        ),
      }),
      /node 'recon' \(ReconstructionLoss\): param 'distribution' must be "bernoulli" or "mse"/,
    ],
    [
      'unknown param',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) => (n.id === 'kl' ? { ...n, params: { freeBits: 0, magic: true } } : n)),
      }),
      /node 'kl' \(KL\): params has unknown field 'magic'/,
    ],
    [
      'bad node id',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) => (n.id === 'kl' ? { ...n, id: '1 bad' } : n)),
      }),
      /node '1 bad' \(KL\): field 'id' an id starts with a letter/,
    ],
    [
      'duplicate node ids',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) => (n.id === 'kl' ? { ...n, id: 'encoder' } : n)),
      }),
      /two nodes have the id 'encoder'/,
    ],
    [
      'dangling edge',
      (d) => ({
        ...d,
        edges: [...(d.edges as object[]), { id: 'ghost', from: { node: 'nowhere', port: 'x' }, to: { node: 'encoder', port: 'x' } }],
      }),
      /connection 'ghost' starts at a node that does not exist \('nowhere'\)/,
    ],
    [
      'unknown port',
      (d) => ({
        ...d,
        edges: [...(d.edges as object[]), { id: 'bad-port', from: { node: 'data', port: 'pixels' }, to: { node: 'encoder', port: 'x' } }],
      }),
      /node 'data' \(Dataset\) has no output 'pixels' \(outputs: x, label\)/,
    ],
    [
      'newer node version',
      (d) => ({
        ...d,
        nodes: (d.nodes as Array<Record<string, unknown>>).map((n) => (n.id === 'kl' ? { ...n, version: 9 } : n)),
      }),
      /node 'kl' \(KL\): saved by a newer Bottleneck/,
    ],
  ];

  test.each(cases)('%s → a clear error', (_name, mutate, expected) => {
    const r = parseGraph(mutate(cloneDoc(vae) as unknown as Record<string, unknown>), specRegistry);
    expect(r.ok).toBe(false);
    expect(messages(r).join('\n')).toMatch(expected);
  });

  test('invalid JSON text', () => {
    const r = parseGraphText('{"format": ', specRegistry);
    expect(messages(r)[0]).toMatch(/not valid JSON/);
  });

  test('too large', () => {
    const r = parseGraphText(' '.repeat(limits.documentBytes + 1), specRegistry);
    expect(messages(r)[0]).toMatch(/too large/);
  });

  test('migrations run in order from an older version', () => {
    const old = { ...cloneDoc(vae), version: GRAPH_VERSION - 1, title: vae.name } as Record<string, unknown>;
    delete old.name;
    const r = parseGraph(old, specRegistry, {
      migrations: [
        {
          from: GRAPH_VERSION - 1,
          migrate: ({ title, ...rest }) => ({ ...rest, name: title }),
        },
      ],
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.doc).toEqual(vae);
  });

  test('a version with no migration is refused', () => {
    const r = parseGraph({ ...cloneDoc(vae), version: GRAPH_VERSION - 1 }, specRegistry, { migrations: [] });
    expect(messages(r)[0]).toMatch(/no migration/);
  });

  test('node params migrate through the node kind', () => {
    const registry = new Map(specRegistry);
    const kl = specRegistry.get('KL');
    if (!kl) throw new Error('KL missing');
    registry.set('KL', { ...kl, version: 2, migrate: (_from, p) => ({ freeBits: p.lambda }) });
    const doc = cloneDoc(vae) as unknown as { nodes: Array<Record<string, unknown>> };
    doc.nodes = doc.nodes.map((n) => (n.id === 'kl' ? { ...n, params: { lambda: 0.5 } } : n));
    const r = parseGraph(doc, registry);
    expect(r.ok).toBe(true);
    if (r.ok) {
      const node = r.doc.nodes.find((n) => n.id === 'kl');
      expect(node?.params).toEqual({ freeBits: 0.5 });
      expect(node?.version).toBe(2);
    }
  });

  test('never throws on hostile values', () => {
    const hostile: unknown[] = [
      null,
      undefined,
      0,
      'x',
      [],
      { format: 'bottleneck-graph', version: 1, nodes: 'no' },
      JSON.parse('{"__proto__": {"x": 1}, "format": "bottleneck-graph", "version": 1}'),
    ];
    for (const h of hostile) expect(parseGraph(h, specRegistry).ok).toBe(false);
  });
});
