import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { swapGraph } from '../../src/core/fork';
import { describeDifference, diffGraphs, formatValue } from '../../src/core/graphDiff';
import { cloneDoc, findNode, loadGraph } from '../helpers';

describe('diffGraphs', () => {
  const vae = loadGraph('vae');

  test('a graph does not differ from itself, nor from a copy moved around and annotated', () => {
    expect(diffGraphs(vae, vae, specRegistry)).toEqual([]);
    const moved = cloneDoc(vae);
    for (const n of moved.nodes) {
      n.position = { x: n.position.x + 40, y: n.position.y - 10 };
      n.note = 'moved';
      n.label = `the ${n.id}`;
    }
    moved.edges = moved.edges.map((e, i) => ({ ...e, id: `renamed${i}` })).reverse();
    expect(diffGraphs(vae, moved, specRegistry)).toEqual([]);
  });

  test('the MSE fork differs in exactly one param', () => {
    const r = swapGraph(vae, specRegistry, 'loss=mse');
    if (!r.ok) throw new Error(r.message);
    const diff = diffGraphs(vae, r.doc, specRegistry);
    expect(diff).toEqual([
      { kind: 'param', nodeId: 'recon', nodeType: 'ReconstructionLoss', key: 'distribution', a: 'bernoulli', b: 'mse' },
    ]);
    expect(diff.map(describeDifference)).toEqual(['recon.distribution: bernoulli → mse']);
  });

  test('inserting a β node: one node and two connections added, one connection removed', () => {
    const r = swapGraph(vae, specRegistry, 'beta=4');
    if (!r.ok) throw new Error(r.message);
    expect(diffGraphs(vae, r.doc, specRegistry).map(describeDifference)).toEqual([
      'beta (Beta) only in the second',
      'connection kl.kl → loss.terms only in the first',
      'connection kl.kl → beta.kl only in the second',
      'connection beta.loss → loss.terms only in the second',
    ]);
    // and the other way round
    expect(diffGraphs(r.doc, vae, specRegistry).map((d) => d.kind)).toEqual(['nodeRemoved', 'edgeRemoved', 'edgeRemoved', 'edgeAdded']);
  });

  test('lists, training settings and defaults', () => {
    const b = cloneDoc(vae);
    findNode(b, 'encoder').params.hidden = [400, 200];
    b.training.seed = 7;
    b.training.learningRate = 0.003;
    expect(diffGraphs(vae, b, specRegistry).map(describeDifference)).toEqual([
      'encoder.hidden: [400] → [400, 200]',
      'training learningRate: 0.001 → 0.003',
      'training seed: 1 → 7',
    ]);
    // a param left out equals its default when the registry is given
    const sparse = cloneDoc(vae);
    const { sigma: _sigma, ...rest } = findNode(sparse, 'recon').params;
    findNode(sparse, 'recon').params = rest;
    expect(diffGraphs(vae, sparse, specRegistry)).toEqual([]);
    expect(diffGraphs(vae, sparse).map(describeDifference)).toEqual(['recon.sigma: 0.1 → —']);
  });

  test('a node that changed kind is reported once, without its params', () => {
    const b = cloneDoc(vae);
    findNode(b, 'kl').type = 'Noise';
    expect(diffGraphs(vae, b, specRegistry)).toEqual([{ kind: 'nodeType', nodeId: 'kl', a: 'KL', b: 'Noise' }]);
  });

  test.each([
    [true, 'on'],
    [false, 'off'],
    [0.25, '0.25'],
    ['mse', 'mse'],
    [[1, [2, 3]], '[1, [2, 3]]'],
    [{ a: 1 }, '{"a":1}'],
    [undefined, '—'],
  ])('formatValue(%j) = %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});
