import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { parseGraph, parseGraphText } from '../../src/core/parse';
import type { GraphDoc } from '../../src/core/schema';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import type { RunOptions } from '../../src/runtime/protocol';
import vae from '../../graphs/vae.json';
import ae from '../../graphs/ae.json';
import { nodeHost } from './hostHarness';

function small(source: unknown): GraphDoc {
  const parsed = parseGraph(structuredClone(source), specRegistry);
  if (!parsed.ok) throw new Error('the graph does not parse');
  const doc = parsed.doc;
  for (const n of doc.nodes) {
    if (n.type === 'Dataset') n.params = { ...n.params, batchSize: 16 };
    if (n.type === 'Encoder') n.params = { ...n.params, hidden: [32], latentDim: 3 };
    if (n.type === 'Decoder') n.params = { ...n.params, hidden: [32] };
  }
  return doc;
}

const options: RunOptions = {
  backend: 'wasm',
  trainLimit: 256,
  testLimit: 32,
  scatterSize: 16,
  reportEvery: 1,
  previewEvery: 1000,
  epochs: 1,
};

beforeAll(async () => {
  await initNodeBackend('wasm');
});

/** Starts a run, waits for it to start, follows batch position `slot` and takes `steps` single steps. */
async function traceSteps(doc: GraphDoc, slot: number, steps: number) {
  const h = nodeHost();
  h.host.handle({ type: 'start', runId: 1, doc, options });
  await h.waitFor(() => h.of('started', 1).length > 0, 'the run to start');
  h.host.handle({ type: 'watchAnatomy', runId: 1, slot });
  for (let i = 1; i <= steps; i++) {
    h.host.handle({ type: 'step', runId: 1, steps: 1 });
    await h.waitFor(() => h.of('anatomy', 1).length >= i, `anatomy ${i}`);
    await h.waitFor(
      () => h.of('paused', 1).some((p) => p.step === (h.of('anatomy', 1)[i - 1]?.anatomy.step ?? -1) + 1),
      `step ${i} to end`,
    );
  }
  return h;
}

describe('the anatomy of a training step', () => {
  test('a VAE step: z = μ + σ·ε with the very ε and weights the step trains with', async () => {
    const h = await traceSteps(small(vae), 5, 2);
    const traced = h.of('anatomy', 1).map((m) => m.anatomy);
    expect(traced).toHaveLength(2);
    const a = traced[1]!;
    expect(a.slot).toBe(5);
    expect(a.batchSize).toBe(16);
    expect(a.mean).toHaveLength(3);
    expect(a.sigma).toHaveLength(3);
    expect(a.eps).toHaveLength(3);
    a.z.forEach((z, j) => expect(z).toBeCloseTo(a.mean[j]! + a.sigma![j]! * a.eps![j]!, 5));
    expect(a.input).toHaveLength(784);
    expect(Array.from(a.input)).toEqual(Array.from(a.target));
    expect(a.reconstruction.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.recon).toBeGreaterThan(0);
    expect(a.kl).toBeGreaterThan(0);
    expect(a.beta).toBe(1);
    // the step reported right after is the traced forward pass itself (one step per report)
    const progress = h.of('progress', 1).find((p) => p.step === a.step + 1);
    expect(progress).toBeDefined();
    expect(a.batch.objective).toBeCloseTo(progress!.train.objective, 3);
    expect(a.batch.kl).toBeCloseTo(progress!.train.kl, 3);
    // different steps draw different noise
    expect(traced[0]!.eps).not.toEqual(a.eps);
    // no tensors left behind by tracing
    const counts = h
      .of('progress', 1)
      .filter((p) => p.step > traced[0]!.step)
      .map((p) => p.numTensors);
    expect(new Set(counts).size).toBe(1);
    h.host.handle({ type: 'cancel', runId: 1 });
    await h.host.idle();
  });

  test('an autoencoder step: no σ and no ε, z is μ', async () => {
    const h = await traceSteps(small(ae), 0, 1);
    const a = h.of('anatomy', 1)[0]!.anatomy;
    expect(a.sigma).toBeNull();
    expect(a.eps).toBeNull();
    expect(a.kl).toBeNull();
    expect(a.z).toEqual(a.mean);
    h.host.handle({ type: 'cancel', runId: 1 });
    await h.host.idle();
  });
});

describe('disentanglement scores in the training worker', () => {
  test('a shapes run is scored when it ends and on request; MNIST says why it cannot be', async () => {
    const parsed = parseGraphText(readFileSync('graphs/beta-vae-shapes.json', 'utf8'), specRegistry);
    if (!parsed.ok) throw new Error('beta-vae-shapes.json does not parse');
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: parsed.doc, options: { ...options, maxSteps: 3, trainLimit: 512, testLimit: 64 } });
    await h.waitFor(() => h.of('finished', 1).length > 0 || h.of('failed', 1).length > 0, 'the shapes run', 120_000);
    const scored = h.of('scores', 1);
    expect(scored).toHaveLength(1);
    const s = scored[0]!;
    expect(s.requestId).toBeNull();
    expect(s.scores.images).toBe(4608);
    expect(s.scores.mig).toBeGreaterThanOrEqual(0);
    expect(s.scores.mig).toBeLessThanOrEqual(1);
    expect(s.scores.perFactor.map((f) => f.factor)).toEqual(['shape', 'scale', 'rotation', 'x', 'y']);
    // the scores arrive before the run says it finished
    const order = h.messages.map((m) => m.type);
    expect(order.indexOf('scores')).toBeLessThan(order.indexOf('finished'));
    h.host.handle({ type: 'score', runId: 1, requestId: 7 });
    await h.waitFor(() => h.of('scores', 1).length > 1, 'the requested scores', 60_000);
    expect(h.of('scores', 1)[1]?.requestId).toBe(7);
    expect(h.of('scores', 1)[1]?.scores.mig).toBeCloseTo(s.scores.mig, 10);

    h.host.handle({ type: 'start', runId: 2, doc: small(vae), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 2).length > 0, 'the MNIST run');
    expect(h.of('scores', 2)).toEqual([]);
    h.host.handle({ type: 'score', runId: 2, requestId: 8 });
    await h.waitFor(() => h.of('scoreFailed', 2).length > 0, 'the refusal');
    expect(h.of('scoreFailed', 2)[0]?.message).toBe('the mnist dataset has no known factors; disentanglement is scored on shapes');
    await h.host.idle();
    expect(tf.getBackend()).toBe('wasm');
  }, 180_000);
});
