// Attribute vectors end to end on the faces data: the glasses vector, added to faces without glasses, draws glasses.
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { runLatent } from '../../src/cli/latentRun';
import { withDataSettings } from '../../src/core/graphQueries';
import { parseVectorSpec, type VectorSpec } from '../../src/core/latentArithmetic';
import { loadDatasetNode } from '../../src/data/loadNode';
import { findNode, smallVae } from '../helpers';
import { useBackend } from '../tf';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await useBackend('wasm');
});

const spec = (text: string): VectorSpec => {
  const r = parseVectorSpec(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('npm run latent', () => {
  test('the glasses vector added to faces without glasses makes their glasses region light up', async () => {
    const doc = withDataSettings(smallVae(), specRegistry, { dataset: 'faces', batchSize: 64 });
    findNode(doc, 'encoder').params.latentDim = 8;
    const alphas = [0, 1, 2];
    const { report, grid } = await runLatent(tf, doc, loadDatasetNode('faces'), {
      spec: spec('glasses'),
      specText: 'glasses',
      alphas,
      rows: 24,
      epochs: 2,
    });
    expect(report.from.group).toBe('glasses = no');
    expect(report.to.images + report.from.images).toBe(778);
    expect(grid.n).toBe(24 * 4);
    const [at0, at1, at2] = report.measureByAlpha as [number, number, number];
    // without glasses the region is skin grey (≤ 0.67); drawn glasses are white (1)
    expect(at1).toBeGreaterThan(at0 + 0.05);
    expect(at2).toBeGreaterThan(at1);
  }, 120_000);

  test('a label vector on MNIST, and clear refusals before any training', async () => {
    const mnist = loadDatasetNode('mnist');
    const { report } = await runLatent(tf, smallVae(), mnist, {
      spec: spec('label=7-1'),
      specText: 'label=7-1',
      alphas: [-1, 0, 1],
      rows: 3,
      epochs: 1,
      trainLimit: 640,
    });
    expect(report.from.group).toBe('label 1 (1)');
    expect(report.images.every((i) => mnist.test.labels[i] === 1)).toBe(true);
    expect(report.values.length).toBe(4);
    expect(report.measureByAlpha).toBeUndefined();
    await expect(runLatent(tf, smallVae(), mnist, { spec: spec('glasses'), specText: 'glasses', alphas: [0], rows: 1 })).rejects.toThrow(
      /no known factors/,
    );
  }, 60_000);
});
