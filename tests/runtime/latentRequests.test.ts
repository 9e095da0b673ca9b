/**
 * The training worker's latent questions on the Node wasm backend: the
 * glasses vector on faces (groups, counts, the row x → x + α·v, α = 0 being
 * the reconstruction), the IW-k estimate of log p(x) with progress, what is
 * refused (unknown factor, an autoencoder's likelihood, a run taking steps),
 * and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../../src/core/parse';
import type { GraphDoc } from '../../src/core/schema';
import type { RunOptions } from '../../src/runtime/protocol';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import vaeFaces from '../../graphs/vae-faces.json';
import ae from '../../graphs/ae.json';
import { nodeHost } from './hostHarness';

const options: RunOptions = { backend: 'wasm', trainLimit: 512, testLimit: 64, scatterSize: 16, reportEvery: 5, previewEvery: 1000 };

function graph(source: unknown): GraphDoc {
  const parsed = parseGraph(structuredClone(source), specRegistry);
  if (!parsed.ok) throw new Error('the graph does not parse');
  return parsed.doc;
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('latent questions to the training worker', () => {
  test('the glasses vector on faces, and the IW estimate of log p(x), leave no tensors behind', async () => {
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: graph(vaeFaces), options: { ...options, maxSteps: 20 } });
    await h.waitFor(() => h.of('finished', 1).length > 0 || h.of('failed', 1).length > 0, 'the faces run', 120_000);
    expect(h.of('failed', 1)).toEqual([]);
    const before = tf.memory().numTensors;

    const alphas = [-1, 0, 1, 2];
    h.host.handle({ type: 'attributeVector', runId: 1, requestId: 1, spec: { by: 'factor', factor: 'glasses' }, image: 0, alphas });
    await h.waitFor(() => h.of('attributeRow', 1).length + h.of('attributeFailed', 1).length > 0, 'the glasses row');
    expect(h.of('attributeFailed', 1)).toEqual([]);
    const { row, requestId } = h.of('attributeRow', 1)[0]!;
    expect(requestId).toBe(1);
    expect([row.toName, row.fromName]).toEqual(['glasses = yes', 'glasses = no']);
    expect(row.toCount + row.fromCount).toBe(778);
    expect(row.toCount).toBeGreaterThan(300);
    expect(row.fromCount).toBeGreaterThan(300);
    expect(row.norm).toBeGreaterThan(0);
    expect(row.variational).toBe(true);
    // the first fixed image is the first test face of label 0: no glasses
    expect(row.imageGroup).toBe('from');
    expect(row.images.n).toBe(4);
    expect(row.images.data.length).toBe(4 * 32 * 32);
    expect(row.input.data.length).toBe(32 * 32);
    // α = 0 decodes the image's own μ: its reconstruction in the preview
    const preview = h.of('preview', 1).at(-1)!.preview;
    const recon = preview.reconstructions.data.subarray(0, 1024);
    const atZero = row.images.data.subarray(1024, 2048);
    const maxDiff = recon.reduce((m, v, i) => Math.max(m, Math.abs(v - (atZero[i] as number))), 0);
    expect(maxDiff).toBeLessThan(1e-4);
    // α = 2 moves the picture away from α = 0
    const atTwo = row.images.data.subarray(3072, 4096);
    expect(atTwo.reduce((s, v, i) => s + Math.abs(v - (atZero[i] as number)), 0)).toBeGreaterThan(1);

    // the label of a face is its glasses: label 1 − label 0 is the same vector
    h.host.handle({ type: 'attributeVector', runId: 1, requestId: 2, spec: { by: 'label', to: 1, from: 0 }, image: 1, alphas: [1] });
    await h.waitFor(() => h.of('attributeRow', 1).length > 1, 'the label row');
    const byLabel = h.of('attributeRow', 1)[1]!.row;
    expect(byLabel.norm).toBeCloseTo(row.norm, 5);
    expect(byLabel.imageGroup).toBe('to');

    // hand-picked groups name preview images: the first two faces (no glasses, label 0) against the next one
    h.host.handle({ type: 'attributeVector', runId: 1, requestId: 5, spec: { by: 'picked', to: [1], from: [0] }, image: 0, alphas: [1] });
    await h.waitFor(() => h.of('attributeRow', 1).length > 2, 'the picked row');
    const picked = h.of('attributeRow', 1)[2]!.row;
    expect([picked.toName, picked.fromName, picked.toCount, picked.fromCount]).toEqual([
      'group A (1 picked image)',
      'group B (1 picked image)',
      1,
      1,
    ]);
    expect(picked.imageGroup).toBe('from');
    expect(picked.norm).toBeGreaterThan(0);

    h.host.handle({ type: 'attributeVector', runId: 1, requestId: 3, spec: { by: 'factor', factor: 'beard' }, image: 0, alphas: [1] });
    await h.waitFor(() => h.of('attributeFailed', 1).length > 0, 'the refusal');
    expect(h.of('attributeFailed', 1)[0]).toMatchObject({ requestId: 3, message: expect.stringContaining("no factor 'beard'") });

    h.host.handle({ type: 'estimateLikelihood', runId: 1, requestId: 4, samples: 20, images: 16 });
    await h.waitFor(() => h.of('likelihood', 1).length + h.of('likelihoodFailed', 1).length > 0, 'the estimate', 120_000);
    expect(h.of('likelihoodFailed', 1)).toEqual([]);
    const progress = h.of('likelihoodProgress', 1);
    expect(progress.at(-1)).toMatchObject({ requestId: 4, done: 16, total: 16 });
    const { result } = h.of('likelihood', 1)[0]!;
    expect(result).toMatchObject({ samples: 20, images: 16, step: 20 });
    expect(Number.isFinite(result.logLikelihood)).toBe(true);
    // log of a mean of weights is at least the mean of their logs
    expect(result.logLikelihood).toBeGreaterThanOrEqual(result.elbo);
    expect(result.elbo).toBeLessThan(0);
    expect(tf.memory().numTensors).toBe(before);
    h.host.handle({ type: 'cancel', runId: 1 });
    await h.host.idle();
  }, 180_000);

  test('an autoencoder has no log p(x) to estimate; a run taking steps is not asked', async () => {
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: graph(ae), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 1).length > 0, 'the autoencoder run');
    h.host.handle({ type: 'estimateLikelihood', runId: 1, requestId: 1, samples: 10, images: 10 });
    await h.waitFor(() => h.of('likelihoodFailed', 1).length > 0, 'the refusal');
    expect(h.of('likelihoodFailed', 1)[0]?.message).toMatch(/^log p\(x\) cannot be estimated/);

    h.host.handle({ type: 'start', runId: 2, doc: graph(vaeFaces), options: { ...options, epochs: 50 } });
    await h.waitFor(() => h.of('progress', 2).length > 1, 'training');
    h.host.handle({ type: 'attributeVector', runId: 2, requestId: 2, spec: { by: 'factor', factor: 'glasses' }, image: 0, alphas: [1] });
    h.host.handle({ type: 'estimateLikelihood', runId: 2, requestId: 3, samples: 10, images: 10 });
    await h.waitFor(() => h.of('attributeFailed', 2).length > 0 && h.of('likelihoodFailed', 2).length > 0, 'the refusals');
    expect(h.of('attributeFailed', 2)[0]?.message).toMatch(/^pause or stop training first/);
    expect(h.of('likelihoodFailed', 2)[0]?.message).toMatch(/^pause or stop training first/);
    h.host.handle({ type: 'cancel', runId: 2 });
    await h.host.idle();
  }, 180_000);

  test('a cancelled estimate stops at its next image and posts nothing more; the next one runs', async () => {
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: graph(vaeFaces), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 1).length > 0, 'the faces run');
    h.host.handle({ type: 'estimateLikelihood', runId: 1, requestId: 1, samples: 2000, images: 200 });
    await h.waitFor(() => h.of('likelihoodProgress', 1).length > 0, 'the first image');
    h.host.handle({ type: 'cancelLikelihood', runId: 1, requestId: 1 });
    h.host.handle({ type: 'estimateLikelihood', runId: 1, requestId: 2, samples: 4, images: 3 });
    await h.waitFor(() => h.of('likelihood', 1).length > 0, 'the next estimate', 60_000);
    const progress = h.of('likelihoodProgress', 1) as Array<{ requestId: number }>;
    expect(progress.filter((p) => p.requestId === 1).length).toBeLessThan(10);
    expect(h.of('likelihood', 1)).toMatchObject([{ requestId: 2, result: { samples: 4, images: 3 } }]);
    expect(h.of('likelihoodFailed', 1)).toEqual([]);
    await h.host.idle();
  }, 120_000);

  test('a long estimate stops at the next image when a new run starts', async () => {
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: graph(vaeFaces), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 1).length > 0, 'the faces run');
    h.host.handle({ type: 'estimateLikelihood', runId: 1, requestId: 1, samples: 2000, images: 200 });
    await h.waitFor(() => h.of('likelihoodProgress', 1).length > 0, 'the first image');
    h.host.handle({ type: 'start', runId: 2, doc: graph(vaeFaces), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 2).length > 0, 'the next run', 60_000);
    expect(h.of('likelihoodProgress', 1).length).toBeLessThan(200);
    expect(h.of('likelihood', 1)).toEqual([]);
    expect(h.of('likelihoodFailed', 1)).toEqual([]);
    await h.host.idle();
  }, 120_000);
});
