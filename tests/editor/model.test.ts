import { NodeEditor } from 'rete';
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { applyChange, emptyGraph, type Position } from '../../src/core/changes';
import type { GraphDoc } from '../../src/core/schema';
import {
  connectionChange,
  disconnectChange,
  docToModel,
  isEmptyPlan,
  movesChange,
  planSync,
  portTooltip,
  type EditorModel,
  type EditorState,
} from '../../src/editor/model';
import type { Schemes } from '../../src/editor/reteNodes';
import { applySyncPlan, createSyncer, readEditorState, type NodePositions } from '../../src/editor/sync';
import { galleryGraph } from '../../src/graphs';

const vae = (): GraphDoc => galleryGraph('vae');

function stateOf(model: EditorModel): EditorState {
  return { nodes: model.nodes.map((n) => ({ id: n.id, type: n.type, position: n.position })), connections: model.connections };
}

describe('docToModel', () => {
  test('maps every node, port and edge of the VAE', () => {
    const m = docToModel(vae(), specRegistry);
    expect(m.nodes.map((n) => n.id)).toEqual(['data', 'encoder', 'reparam', 'decoder', 'recon', 'kl', 'loss']);
    const encoder = m.nodes[1];
    expect(encoder).toMatchObject({ type: 'Encoder', title: 'Encoder', position: { x: 300, y: 140 } });
    expect(encoder?.inputs.map((p) => [p.key, p.kind])).toEqual([
      ['x', 'image'],
      ['condition', 'labels'],
    ]);
    expect(encoder?.outputs.map((p) => [p.key, p.kind, p.label])).toEqual([
      ['mean', 'latent', 'μ'],
      ['logVar', 'logvar', 'log σ²'],
    ]);
    expect(encoder?.controls).toEqual(['architecture', 'filters', 'kernelSize', 'hidden', 'activation', 'latentDim']);
    expect(m.nodes.find((n) => n.id === 'loss')?.inputs[0]).toMatchObject({ key: 'terms', multiple: true });
    expect(m.connections.length).toBe(10);
    expect(m.connections[0]).toEqual({ id: 'e-data-encoder', source: 'data', sourceOutput: 'x', target: 'encoder', targetInput: 'x' });
  });

  test('leaves out what cannot be drawn: unknown kinds, missing ports, dangling edges', () => {
    const doc = vae();
    const broken: GraphDoc = {
      ...doc,
      nodes: [...doc.nodes, { id: 'odd', type: 'Mystery', version: 1, params: {}, position: { x: 0, y: 0 } }],
      edges: [
        ...doc.edges,
        { id: 'bad-port', from: { node: 'encoder', port: 'nope' }, to: { node: 'kl', port: 'mean' } },
        { id: 'dangling', from: { node: 'ghost', port: 'x' }, to: { node: 'kl', port: 'mean' } },
        { id: 'to-odd', from: { node: 'data', port: 'x' }, to: { node: 'odd', port: 'x' } },
        // incompatible kinds are drawn (so they can be pulled off)
        { id: 'wrong-kind', from: { node: 'encoder', port: 'logVar' }, to: { node: 'decoder', port: 'z' } },
      ],
    };
    const m = docToModel(broken, specRegistry);
    expect(m.nodes.map((n) => n.id)).not.toContain('odd');
    expect(m.connections.map((c) => c.id)).not.toContain('bad-port');
    expect(m.connections.map((c) => c.id)).not.toContain('dangling');
    expect(m.connections.map((c) => c.id)).not.toContain('to-odd');
    expect(m.connections.map((c) => c.id)).toContain('wrong-kind');
  });
});

describe('planSync', () => {
  const model = docToModel(vae(), specRegistry);

  test('an empty canvas gets every node and connection', () => {
    const plan = planSync({ nodes: [], connections: [] }, model);
    expect(plan.addNodes.length).toBe(7);
    expect(plan.addConnections.length).toBe(10);
    expect(plan.removeNodes).toEqual([]);
  });

  test('a canvas equal to the doc needs nothing', () => {
    expect(isEmptyPlan(planSync(stateOf(model), model))).toBe(true);
  });

  test.each<[string, (d: GraphDoc) => GraphDoc, Partial<Record<keyof ReturnType<typeof planSync>, unknown>>]>([
    [
      'a move',
      (d) => applyChange(d, { type: 'moveNodes', moves: [{ id: 'kl', position: { x: 1, y: 2 } }] }),
      { moveNodes: [{ id: 'kl', position: { x: 1, y: 2 } }] },
    ],
    [
      'a removed node takes its connections',
      (d) => applyChange(d, { type: 'removeNodes', ids: ['kl'] }),
      { removeNodes: ['kl'], removeConnections: ['e-mean-kl', 'e-logvar-kl', 'e-kl-loss'] },
    ],
    [
      'a disconnect',
      (d) => applyChange(d, { type: 'disconnect', edgeIds: ['e-kl-loss'] }),
      { removeConnections: ['e-kl-loss'], addConnections: [] },
    ],
    [
      'a param edit changes nothing on the canvas',
      (d) => applyChange(d, { type: 'setParam', nodeId: 'encoder', key: 'latentDim', value: 2 }),
      { removeNodes: [], addNodes: [], moveNodes: [], removeConnections: [], addConnections: [] },
    ],
  ])('%s', (_name, edit, expected) => {
    const plan = planSync(stateOf(model), docToModel(edit(vae()), specRegistry));
    expect(plan).toMatchObject(expected);
  });

  test('a node whose kind changed under the same id is re-created with its connections', () => {
    const doc = vae();
    const swapped: GraphDoc = {
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === 'kl' ? { ...n, type: 'Reparameterize', params: {} } : n)),
      edges: doc.edges.filter((e) => e.id !== 'e-kl-loss'),
    };
    const plan = planSync(stateOf(model), docToModel(swapped, specRegistry));
    expect(plan.removeNodes).toEqual(['kl']);
    expect(plan.addNodes.map((n) => [n.id, n.type])).toEqual([['kl', 'Reparameterize']]);
    expect(plan.removeConnections.sort()).toEqual(['e-kl-loss', 'e-logvar-kl', 'e-mean-kl']);
    expect(plan.addConnections.map((c) => c.id).sort()).toEqual(['e-logvar-kl', 'e-mean-kl']);
  });

  test('a connection whose id stayed but whose ends changed is replaced', () => {
    const doc = vae();
    const rewired: GraphDoc = {
      ...doc,
      edges: doc.edges.map((e) => (e.id === 'e-z-decoder' ? { ...e, from: { node: 'encoder', port: 'mean' } } : e)),
    };
    const plan = planSync(stateOf(model), docToModel(rewired, specRegistry));
    expect(plan.removeConnections).toEqual(['e-z-decoder']);
    expect(plan.addConnections).toEqual([expect.objectContaining({ id: 'e-z-decoder', source: 'encoder' })]);
  });
});

describe('sync against a real Rete editor (headless)', () => {
  function positionsMap(): NodePositions & { map: Map<string, Position> } {
    const map = new Map<string, Position>();
    return { map, get: (id) => map.get(id), set: async (id, p) => map.set(id, { ...p }) };
  }

  test('doc → canvas → state round-trips, through edits and undo', async () => {
    const editor = new NodeEditor<Schemes>();
    const positions = positionsMap();
    const syncer = createSyncer(editor, positions);
    const doc = vae();
    await syncer.sync(docToModel(doc, specRegistry));
    expect(readEditorState(editor, positions)).toEqual(stateOf(docToModel(doc, specRegistry)));

    const edited = applyChange(doc, { type: 'removeNodes', ids: ['encoder'] });
    await syncer.sync(docToModel(edited, specRegistry));
    expect(editor.getNodes().length).toBe(6);
    expect(editor.getConnections().length).toBe(5);

    // undo = the old snapshot: every link comes back
    await syncer.sync(docToModel(doc, specRegistry));
    const state = readEditorState(editor, positions);
    expect(state.nodes.map((n) => n.id).sort()).toEqual(doc.nodes.map((n) => n.id).sort());
    expect(state.connections.map((c) => c.id).sort()).toEqual(doc.edges.map((e) => e.id).sort());
    expect(syncer.isSyncing()).toBe(false);
  });

  test('queued syncs end at the newest document', async () => {
    const editor = new NodeEditor<Schemes>();
    const positions = positionsMap();
    const syncer = createSyncer(editor, positions);
    let doc = emptyGraph();
    const runs: Array<Promise<unknown>> = [];
    for (const type of ['Dataset', 'Encoder', 'KL']) {
      doc = applyChange(doc, { type: 'addNode', node: { id: type.toLowerCase(), type, version: 1, params: {}, position: { x: 0, y: 0 } } });
      runs.push(syncer.sync(docToModel(doc, specRegistry)));
    }
    await Promise.all(runs);
    expect(editor.getNodes().map((n) => n.id)).toEqual(['dataset', 'encoder', 'kl']);
  });

  test('applySyncPlan builds Rete nodes with typed sockets and controls', async () => {
    const editor = new NodeEditor<Schemes>();
    await applySyncPlan(editor, positionsMap(), planSync({ nodes: [], connections: [] }, docToModel(vae(), specRegistry)));
    const enc = editor.getNode('encoder');
    expect(enc?.outputs.logVar?.socket.kind).toBe('logvar');
    expect(Object.keys(enc?.controls ?? {})).toContain('latentDim');
  });
});

describe('canvas gestures → changes', () => {
  test.each([
    ['encoder', 'mean', 'kl', 'mean', true],
    ['encoder', 'logVar', 'decoder', 'z', false],
    ['data', 'x', 'loss', 'terms', false],
    ['kl', 'kl', 'kl', 'mean', false],
    ['recon', 'loss', 'encoder', 'x', false],
  ])('%s.%s → %s.%s ok=%s', (fn, fp, tn, tp, ok) => {
    const r = connectionChange(vae(), specRegistry, { node: fn, port: fp }, { node: tn, port: tp });
    expect(r.ok).toBe(ok);
  });

  test('an incompatible wire is refused with an explanation', () => {
    const r = connectionChange(vae(), specRegistry, { node: 'encoder', port: 'logVar' }, { node: 'decoder', port: 'z' });
    expect(r).toEqual({
      ok: false,
      reason:
        'cannot connect encoder.log σ² → decoder.z: this output is the log-variance of the latent distribution (logvar), but the input expects a latent code (a mean or a sample z) (latent)',
    });
  });

  test('a loop is refused', () => {
    const r = connectionChange(vae(), specRegistry, { node: 'decoder', port: 'xHat' }, { node: 'encoder', port: 'x' });
    expect(r.ok).toBe(false);
  });

  test('a wire into a single input replaces the old one; into a multiple input it adds', () => {
    const single = connectionChange(vae(), specRegistry, { node: 'encoder', port: 'mean' }, { node: 'decoder', port: 'z' });
    expect(single).toMatchObject({ ok: true, change: { type: 'connect', single: true } });
    const multi = connectionChange(vae(), specRegistry, { node: 'kl', port: 'kl' }, { node: 'loss', port: 'terms' });
    expect(multi).toMatchObject({ ok: true, change: { type: 'connect', single: false } });
  });

  test('moves become one change with only the nodes that moved', () => {
    const doc = vae();
    const moves = new Map([
      ['kl', { x: 10, y: 20 }],
      ['loss', { x: 1420, y: 220 }],
      ['ghost', { x: 0, y: 0 }],
    ]);
    expect(movesChange(doc, moves)).toEqual({ type: 'moveNodes', moves: [{ id: 'kl', position: { x: 10, y: 20 } }] });
    expect(movesChange(doc, new Map([['loss', { x: 1420, y: 220 }]]))).toBeNull();
  });

  test('pulling a wire off becomes a disconnect', () => {
    expect(disconnectChange(vae(), 'e-kl-loss')).toEqual({ type: 'disconnect', edgeIds: ['e-kl-loss'] });
    expect(disconnectChange(vae(), 'gone')).toBeNull();
  });

  test('port tooltips say what flows', () => {
    const m = docToModel(vae(), specRegistry);
    const loss = m.nodes.find((n) => n.id === 'loss');
    expect(portTooltip(loss!.inputs[0]!, 'input')).toBe(
      'loss terms to add up. Expects a loss term (one number per batch) (scalar). Takes several connections.',
    );
  });
});

describe('connectOptions (wiring from the keyboard)', async () => {
  const { connectOptions } = await import('../../src/editor/model');
  test('lists compatible wires to and from a node, without existing ones or loops', () => {
    const doc = applyChange(vae(), { type: 'disconnect', edgeIds: ['e-z-decoder'] });
    const labels = connectOptions(doc, specRegistry, 'decoder').map((o) => o.label);
    expect(labels).toContain('reparam.z → decoder.z');
    expect(labels).toContain('encoder.μ → decoder.z');
    expect(labels).not.toContain('decoder.x̂ → recon.x̂'); // already there
    expect(labels.some((l) => l.includes('log σ² → decoder'))).toBe(false); // wrong kind
  });
  test('every option is accepted by connectionChange', () => {
    const doc = emptyGraph();
    const withNodes = ['Dataset', 'Encoder', 'Reparameterize', 'Decoder', 'ReconstructionLoss', 'KL', 'Loss'].reduce(
      (d, type, i) =>
        applyChange(d, { type: 'addNode', node: { id: `n${i}`, type, version: 1, params: {}, position: { x: i * 300, y: 0 } } }),
      doc,
    );
    for (const id of withNodes.nodes.map((n) => n.id)) {
      for (const o of connectOptions(withNodes, specRegistry, id)) {
        expect(connectionChange(withNodes, specRegistry, o.from, o.to).ok).toBe(true);
      }
    }
    expect(connectOptions(withNodes, specRegistry, 'n1').length).toBeGreaterThan(3);
  });
});
