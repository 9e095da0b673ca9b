import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../../src/core/parse';
import type { GraphDoc } from '../../src/core/schema';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import type { RunOptions } from '../../src/runtime/protocol';
import { nodeHost } from './hostHarness';
import vae from '../../graphs/vae.json';

function smallVae(): GraphDoc {
  const parsed = parseGraph(structuredClone(vae), specRegistry);
  if (!parsed.ok) throw new Error('vae.json does not parse');
  const doc = parsed.doc;
  for (const n of doc.nodes) {
    if (n.type === 'Dataset') n.params = { ...n.params, batchSize: 32 };
    if (n.type === 'Encoder') n.params = { ...n.params, hidden: [64], latentDim: 4 };
    if (n.type === 'Decoder') n.params = { ...n.params, hidden: [64] };
  }
  doc.training.learningRate = 0.003;
  return doc;
}

/** The small VAE as a plain autoencoder: the decoder reads μ; no Reparameterize, no KL. */
function smallAe(): GraphDoc {
  const doc = smallVae();
  doc.nodes = doc.nodes.filter((n) => n.id !== 'reparam' && n.id !== 'kl');
  doc.edges = doc.edges.filter((e) => e.from.node !== 'reparam' && e.to.node !== 'reparam' && e.to.node !== 'kl' && e.from.node !== 'kl');
  doc.edges.push({ id: 'e-mean-decoder', from: { node: 'encoder', port: 'mean' }, to: { node: 'decoder', port: 'z' } });
  return doc;
}

/** The small VAE with a β node weighting the KL. */
function smallBetaVae(beta: number): GraphDoc {
  const doc = smallVae();
  doc.nodes.push({ id: 'beta', type: 'Beta', version: 1, params: { beta }, position: { x: 0, y: 0 } });
  doc.edges = doc.edges.filter((e) => e.id !== 'e-kl-loss');
  doc.edges.push(
    { id: 'e-kl-beta', from: { node: 'kl', port: 'kl' }, to: { node: 'beta', port: 'kl' } },
    { id: 'e-beta-loss', from: { node: 'beta', port: 'loss' }, to: { node: 'loss', port: 'terms' } },
  );
  const parsed = parseGraph(doc, specRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.doc;
}

const quick: RunOptions = {
  backend: 'auto',
  trainLimit: 256,
  testLimit: 100,
  scatterSize: 100,
  reportEvery: 4,
  previewEvery: 4,
  epochs: 3,
};

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('training host', () => {
  test('trains, reports, previews and exports; falls back past missing GPUs; tensors stay flat', async () => {
    const { host, of, messages, waitFor } = nodeHost();
    host.handle({ type: 'start', runId: 1, doc: smallVae(), options: quick });
    await waitFor(() => of('finished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the run');
    expect(of('failed')).toEqual([]);
    const backend = of('backend', 1)[0];
    expect(backend?.backend).toBe('wasm');
    expect(backend?.attempts.map((a) => a.backend)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(backend?.note).toMatch(/^WebGPU unavailable: webgpu does not exist in Node; WebGL unavailable: .* — training on WebAssembly$/);

    const started = of('started', 1)[0];
    expect(started).toMatchObject({ stepsPerEpoch: 8, totalSteps: 24, epochs: 3, latentDim: 4, variational: true, startStep: 0 });
    const progress = of('progress', 1);
    expect(progress[0]?.step).toBe(1);
    expect(progress[0]?.firstStepMs).toBeGreaterThan(0);
    expect(progress.at(-1)!.train.objective).toBeLessThan(progress[0]!.train.objective);
    // no leaks: the same tensors live at every report, across epochs and previews
    const counts = progress.map((p) => p.numTensors);
    expect(new Set(counts).size).toBe(1);
    expect(of('epochEnded', 1).map((e) => e.record.epoch)).toEqual([1, 2, 3]);

    const previews = of('preview', 1).map((p) => p.preview);
    expect(previews.length).toBeGreaterThanOrEqual(3);
    expect(new Set(previews.map((p) => p.numTensors)).size).toBe(1);
    const first = previews[0]!;
    const last = previews.at(-1)!;
    expect(first.inputs.n).toBe(10);
    expect(first.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first.samples.data.length).toBe(20 * 784);
    expect(first.scatter.n).toBe(100);
    expect(first.scatter.projection).toBe('pca');
    expect(first.traversal?.dims.length).toBe(4);
    expect(first.traversal?.images.data.length).toBe(4 * 9 * 784);
    expect(first.interpolation?.images.n).toBe(9);
    const changed = first.samples.data.some((v, i) => Math.abs(v - last.samples.data[i]!) > 0.05);
    expect(changed).toBe(true);

    const finished = of('finished', 1)[0];
    expect(finished?.status).toBe('finished');
    expect(finished?.steps).toBe(24);
    expect(finished?.final?.elbo).toBeLessThan(0);

    // pictures on demand after training
    const before = of('preview', 1).length;
    host.handle({ type: 'setPicks', runId: 1, picks: { code: 3, pair: [2, 7] } });
    await waitFor(() => of('preview', 1).length > before, 'a preview for the new picks');
    expect(of('preview', 1).at(-1)?.preview.interpolation?.pair).toEqual([2, 7]);
    expect(of('preview', 1).at(-1)?.preview.traversal?.code).toBe(3);

    host.handle({ type: 'download', runId: 1, requestId: 5 });
    await waitFor(() => of('downloadReady', 1).length > 0 || of('downloadFailed', 1).length > 0, 'the export');
    expect(of('downloadReady', 1)[0]?.files.map((f) => f.name)).toEqual([
      'vae-mlp-bernoulli-step24.zip',
      'samples.png',
      'reconstructions.png',
    ]);

    // a second run: commands for the first are ignored, its ids keep apart
    const count = messages.length;
    host.handle({ type: 'start', runId: 2, doc: smallVae(), options: { ...quick, epochs: 1, maxSteps: 3 } });
    host.handle({ type: 'pause', runId: 1 });
    await waitFor(() => of('finished', 2).length > 0, 'run 2');
    expect(of('cancelled', 1).length).toBe(1);
    expect(messages.slice(count).filter((m) => m.type !== 'cancelled' && 'runId' in m && m.runId !== 2)).toEqual([]);
    expect(of('paused', 2)).toEqual([]);
    await host.idle();
  });

  test('a graph with convolutions trains on WebAssembly (its filter gradient is built from patches)', async () => {
    const { host, of, waitFor } = nodeHost();
    const doc = smallVae();
    for (const n of doc.nodes) {
      if (n.type === 'Encoder') n.params = { ...n.params, architecture: 'conv', filters: [4], hidden: [] };
      if (n.type === 'Decoder') n.params = { ...n.params, architecture: 'conv', filters: [4], hidden: [] };
    }
    host.handle({
      type: 'start',
      runId: 1,
      doc,
      options: { ...quick, epochs: 1, maxSteps: 2, trainLimit: 64, testLimit: 16, scatterSize: 16 },
    });
    await waitFor(() => of('finished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the run', 120_000);
    const backend = of('backend', 1)[0];
    expect(backend?.backend).toBe('wasm');
    expect(backend?.note).toMatch(/— training on WebAssembly$/);
    expect(backend?.note).not.toMatch(/WebAssembly unavailable/);
    expect(of('finished', 1)[0]?.steps).toBe(2);
    await host.idle();
    await tf.setBackend('wasm');
  });

  test('malformed and stale commands get clear errors, never a crash', async () => {
    const { host, of } = nodeHost();
    host.handle('hello');
    host.handle({ type: 'launch', runId: 1 });
    host.handle({ type: 'setLive', runId: 1, nodeId: 'beta', key: 'beta', value: 'high' });
    host.handle({ type: 'start', runId: -1, doc: {}, options: {} });
    host.handle({ type: 'pause', runId: 9 });
    const errors = of('protocolError').map((e) => e.message);
    expect(errors).toEqual([
      'training worker: expected a message object, got string',
      "training worker: unknown message type 'launch'",
      'training worker: malformed \'setLive\' message: value must be a number, got "high"',
      "training worker: malformed 'start' message: runId must be ≥ 0, got -1",
      'no training run 9 to pause',
    ]);
    host.handle({ type: 'start', runId: 3, doc: { format: 'bottleneck-graph' }, options: {} });
    await host.idle();
    const failed = of('failed', 3)[0];
    expect(failed?.message).toBe('the graph is not valid');
    expect(failed?.diagnostics.length).toBeGreaterThan(0);

    const broken = smallVae();
    broken.edges = broken.edges.filter((e) => e.id !== 'e-z-decoder');
    host.handle({ type: 'start', runId: 4, doc: broken, options: quick });
    await host.idle();
    const why = of('failed', 4)[0];
    expect(why?.diagnostics.some((d) => d.nodeId === 'decoder')).toBe(true);
    expect(why?.message).toContain("node 'decoder'");
  });

  test('pause, single steps, live β and learning rate, resume, stop', async () => {
    const { host, of, waitFor } = nodeHost();
    host.handle({ type: 'start', runId: 1, doc: smallBetaVae(2), options: { ...quick, epochs: 50, reportEvery: 4, previewEvery: 1000 } });
    await waitFor(() => of('progress', 1).length >= 2, 'two reports');
    // the β node's kind offers β and its capacity live
    expect(of('started', 1)[0]?.live).toEqual([
      { nodeId: 'beta', key: 'beta', label: 'β', value: 2 },
      { nodeId: 'beta', key: 'capacity', label: 'capacity C', value: 0 },
    ]);
    expect(of('progress', 1)[0]?.live).toEqual({});
    expect(of('progress', 1)[0]?.train.beta).toBe(2);
    host.handle({ type: 'pause', runId: 1 });
    await waitFor(() => of('paused', 1).length > 0, 'the pause');
    const at = of('paused', 1)[0]!.step;
    const reports = of('progress', 1).length;
    const previews = of('preview', 1).length;
    host.handle({ type: 'setLive', runId: 1, nodeId: 'beta', key: 'beta', value: 6 });
    host.handle({ type: 'setLearningRate', runId: 1, value: 0.0005 });
    host.handle({ type: 'step', runId: 1, steps: 1 });
    await waitFor(() => of('progress', 1).length > reports && of('preview', 1).length > previews, 'a single step');
    const stepped = of('progress', 1).at(-1)!;
    // one step, reported (and drawn) at once, with the live values in effect: the β the node read
    // and the learning rate the optimizer applied
    expect(stepped.step).toBe(at + 1);
    expect(stepped.train.beta).toBe(6);
    expect(stepped.live).toEqual({ beta: { beta: 6 } });
    expect(stepped.learningRate).toBe(0.0005);
    expect(of('preview', 1).at(-1)?.preview.step).toBe(at + 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(of('progress', 1).at(-1)?.step).toBe(at + 1); // still paused
    host.handle({ type: 'resume', runId: 1 });
    await waitFor(() => of('resumed', 1).length > 0 && of('progress', 1).at(-1)!.step >= at + 8, 'training to go on');
    host.handle({ type: 'stop', runId: 1 });
    await waitFor(() => of('finished', 1).length > 0, 'the stop');
    expect(of('finished', 1)[0]?.status).toBe('stopped');
    expect(of('finished', 1)[0]?.final?.betaKl).toBeCloseTo(6 * of('finished', 1)[0]!.final!.kl, 3);
    await host.idle();
  });

  test('an autoencoder trains too; its preview has no KL and says so', async () => {
    const { host, of, waitFor } = nodeHost();
    host.handle({ type: 'start', runId: 1, doc: smallAe(), options: { ...quick, epochs: 1 } });
    await waitFor(() => of('finished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the run');
    expect(of('failed', 1)).toEqual([]);
    expect(of('started', 1)[0]).toMatchObject({ variational: false, hasEncoder: true, latentDim: 4 });
    const preview = of('preview', 1).at(-1)!.preview;
    expect(preview.klPerDim).toEqual([]);
    expect(preview.meanVariance.length).toBe(4);
    expect(preview.samples.n).toBe(20);
    expect(of('progress', 1).every((p) => p.train.kl === 0)).toBe(true);
    await host.idle();
  });

  test('a lost device: training continues on the next backend from the copied weights', async () => {
    const { host, of, waitFor } = nodeHost({ losable: 'wasm' });
    host.handle({ type: 'start', runId: 1, doc: smallVae(), options: { ...quick, epochs: 2, reportEvery: 2 } });
    await waitFor(() => of('progress', 1).some((p) => p.step >= 6), 'step 6');
    host.handle({ type: 'debugLoseDevice', runId: 1 });
    await waitFor(() => of('finished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the run');
    expect(of('failed', 1)).toEqual([]);
    const fallback = of('fallback', 1)[0];
    expect(fallback).toMatchObject({ from: 'wasm', to: 'cpu', reason: 'the test device was lost' });
    expect(fallback!.resumedAtStep).toBeGreaterThanOrEqual(6);
    expect(fallback!.lostSteps).toBeLessThanOrEqual(2);
    const started = of('started', 1);
    expect(started.map((s) => [s.backend, s.startStep])).toEqual([
      ['wasm', 0],
      ['cpu', fallback!.resumedAtStep],
    ]);
    const progress = of('progress', 1);
    const initial = progress[0]!.train.objective;
    const before = progress.filter((p) => p.step <= fallback!.resumedAtStep).at(-1)!.train.objective;
    const after = progress.find((p) => p.step > fallback!.resumedAtStep)!.train.objective;
    // the weights were kept: the loss goes on from where it was, not from the start
    expect(before).toBeLessThan(initial - 50);
    expect(after).toBeLessThan(before + (initial - before) / 4);
    expect(of('finished', 1)[0]?.steps).toBe(16);
    expect(tf.getBackend()).toBe('cpu');
    await host.idle();
  });
});
