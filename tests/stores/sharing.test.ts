/**
 * The editor side of sharing, without a browser: a locked graph refuses every
 * edit but its run settings; pasted text is told apart (copied nodes are
 * pasted into the graph, whole graphs and links open as graphs); a run's
 * facts for its pictures.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, test } from 'vitest';
import { extractFragment } from '../../src/core/changes';
import { runFacts } from '../../src/composables/useRunPicture';
import { fragmentToText, isCopiedNodesText } from '../../src/editor/clipboard';
import { galleryGraph } from '../../src/graphs';
import { createIdleRun, type RunView } from '../../src/runtime/page/runState';
import { serializeGraph } from '../../src/share/graphFile';
import { createShareLink } from '../../src/share/link';
import { useGraphStore } from '../../src/stores/graphStore';
import { opensAsGraph } from '../../src/stores/shareStore';

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('a locked graph', () => {
  test('refuses nodes, wires, params, notes, labels, names and pastes; keeps its document and history', () => {
    const graph = useGraphStore();
    graph.load(galleryGraph('vae'));
    const before = graph.doc;
    graph.setLocked(true);
    expect(graph.apply({ type: 'removeNodes', ids: ['kl'] })).toBe(false);
    expect(graph.apply({ type: 'moveNodes', moves: [{ id: 'kl', position: { x: 0, y: 0 } }] })).toBe(false);
    expect(graph.apply({ type: 'disconnect', edgeIds: [before.edges[0]?.id ?? ''] })).toBe(false);
    expect(graph.apply({ type: 'setNote', nodeId: 'kl', note: 'mine' })).toBe(false);
    expect(graph.apply({ type: 'setLabel', nodeId: 'kl', label: 'mine' })).toBe(false);
    expect(graph.apply({ type: 'rename', name: 'mine' })).toBe(false);
    expect(
      graph.apply({
        type: 'batch',
        changes: [
          { type: 'setTraining', training: { seed: 5 } },
          { type: 'removeNodes', ids: ['kl'] },
        ],
      }),
    ).toBe(false);
    expect(graph.addNode('Beta', { x: 0, y: 0 })).toBeNull();
    expect(graph.setParam('encoder', 'latentDim', 2)).toMatchObject({ ok: false, message: expect.stringMatching(/locked workshop view/) });
    expect(graph.connect({ node: 'encoder', port: 'mean' }, { node: 'decoder', port: 'z' })).toMatchObject({ ok: false });
    expect(graph.insertFragment(extractFragment(before, ['kl']))).toEqual([]);
    expect(graph.doc).toBe(before);
    expect(graph.canUndo).toBe(false);
  });

  test('still takes run settings, and edits again once unlocked', () => {
    const graph = useGraphStore();
    graph.load(galleryGraph('vae'));
    graph.setLocked(true);
    expect(graph.apply({ type: 'setTraining', training: { epochs: 2 } })).toBe(true);
    expect(graph.doc.training.epochs).toBe(2);
    graph.setLocked(false);
    expect(graph.setParam('encoder', 'latentDim', 2)).toMatchObject({ ok: true });
    expect(graph.doc.nodes.find((n) => n.id === 'encoder')?.params.latentDim).toBe(2);
  });
});

describe('pasted text', () => {
  const vae = galleryGraph('vae');
  const copied = fragmentToText(extractFragment(vae, ['encoder', 'reparam']));

  test('nodes copied on a canvas are recognised as such', () => {
    expect(isCopiedNodesText(copied)).toBe(true);
    expect(isCopiedNodesText(serializeGraph(vae))).toBe(false);
    expect(isCopiedNodesText(`${copied.slice(0, -10)}`)).toBe(false);
    expect(isCopiedNodesText('not json at all')).toBe(false);
  });

  test('whole graphs and share links open as graphs; copied nodes and other text do not', () => {
    const link = createShareLink(vae, 'http://localhost:5173/');
    if (!link.ok) throw new Error('no link');
    expect(opensAsGraph(serializeGraph(vae))).toBe(true);
    expect(opensAsGraph(`  ${link.url}\n`)).toBe(true);
    expect(opensAsGraph(link.hash)).toBe(true);
    expect(opensAsGraph(copied)).toBe(false);
    expect(opensAsGraph('{"some": "json"}')).toBe(false);
    expect(opensAsGraph('https://example.com/page#section')).toBe(false);
    expect(opensAsGraph('')).toBe(false);
  });
});

describe('run facts for pictures', () => {
  const run = (phase: RunView['phase']): RunView => ({
    ...createIdleRun(3),
    phase,
    step: 40,
    backend: { name: 'webgl', note: '', attempts: [] },
    final:
      phase === 'finished'
        ? { recon: 80, kl: 20, betaKl: 20, elbo: -100, klPerDim: [1, 2], meanVariance: [0.5, 0.5], activeUnits: 2 }
        : undefined,
  });
  const at = new Date('2025-01-02T03:04:05Z');

  test('a finished run: its steps, backend, status and final test scores', () => {
    expect(runFacts(run('finished'), at)).toEqual({
      steps: 40,
      backend: 'webgl',
      status: 'finished',
      final: { elbo: -100, recon: 80, kl: 20, activeUnits: 2, klPerDim: [1, 2] },
      createdAt: at,
    });
  });

  test('a stopped run is recorded as aborted; a running one has no status or scores', () => {
    expect(runFacts(run('stopped'), at).status).toBe('aborted');
    expect(runFacts(run('diverged'), at).status).toBe('diverged');
    const live = runFacts(run('training'), at);
    expect(live).toEqual({ steps: 40, backend: 'webgl', createdAt: at });
  });
});
