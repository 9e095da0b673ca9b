/**
 * Comparisons in the training worker's host: a fork and its original (or a
 * sweep) trained side by side in lock-step, on the Node wasm backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { applySwaps } from '../../src/core/fork';
import type { GraphDoc } from '../../src/core/schema';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import type { RunOptions } from '../../src/runtime/protocol';
import { smallVae } from '../helpers';
import { nodeHost } from './hostHarness';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

function lane(swaps: string[], base: GraphDoc = smallVae()): { label: string; doc: GraphDoc } {
  const r = applySwaps(base, specRegistry, swaps);
  if (!r.ok) throw new Error(r.message);
  return { label: r.label, doc: r.doc };
}

const quick: RunOptions = { backend: 'auto', trainLimit: 256, testLimit: 100, reportEvery: 4, previewEvery: 4, epochs: 2 };

describe('comparisons in the training host', () => {
  test('a fork with MSE: the same start, batches and steps; pictures and sharpness for both; nothing leaks', async () => {
    const { host, of, waitFor } = nodeHost();
    const tensorsBefore = tf.memory().numTensors;
    host.handle({ type: 'startCompare', runId: 1, lanes: [lane([]), lane(['loss=mse'])], options: quick });
    await waitFor(() => of('compareFinished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the comparison');
    expect(of('failed', 1)).toEqual([]);
    expect(of('backend', 1)[0]?.backend).toBe('wasm');

    const started = of('compareStarted', 1)[0];
    expect(started?.sharpnessImages).toBe(64);
    expect(started?.lanes.map((l) => [l.label, l.totalSteps, l.stepsPerEpoch, l.sameBatches])).toEqual([
      ['original', 16, 8, true],
      ['loss = mse', 16, 8, true],
    ]);
    // every weight tensor starts equal: the likelihood has no weights of its own
    for (const l of started?.lanes ?? []) expect(l.sameWeights).toBe(l.weights);
    expect(started?.lanes[0]?.weights).toBe(10);

    const progress = (lane: number) => of('laneProgress', 1).filter((p) => p.lane === lane);
    expect(progress(0).map((p) => p.step)).toEqual([1, 4, 8, 12, 16]);
    expect(progress(1).map((p) => p.step)).toEqual(progress(0).map((p) => p.step));
    expect(progress(1).map((p) => p.batchDigest)).toEqual(progress(0).map((p) => p.batchDigest));
    const [b1, m1] = [progress(0)[0], progress(1)[0]];
    // scored on the same initial weights and batch: identical KL, different reconstruction terms
    expect(m1?.train.kl).toBe(b1?.train.kl);
    expect(m1?.train.recon).toBeLessThan((b1?.train.recon ?? 0) / 2);

    const previews = (lane: number) =>
      of('lanePreview', 1)
        .filter((p) => p.lane === lane)
        .map((p) => p.preview);
    // pictures at the first step, then every 4 steps or more (at reports)
    expect(previews(0).map((p) => p.step)).toEqual([1, 8, 12, 16]);
    expect(previews(1).map((p) => p.step)).toEqual(previews(0).map((p) => p.step));
    const [last0, last1] = [previews(0).at(-1), previews(1).at(-1)];
    expect(last0?.step).toBe(16);
    expect(last0?.inputs.n).toBe(10);
    expect(last0?.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(last1?.inputs.data).toEqual(last0?.inputs.data); // the same test images for both
    expect(last0?.samples.n).toBe(20);
    expect(last1?.samples.data).not.toEqual(last0?.samples.data);
    for (const p of [last0, last1]) {
      expect(p?.sharpness.step).toBe(16);
      expect(p?.sharpness.reconstructions.laplacianVariance).toBeGreaterThan(0);
      expect(p?.sharpness.samples.gradientEnergy).toBeGreaterThan(0);
    }

    const finished = of('laneFinished', 1);
    expect(finished.map((f) => [f.lane, f.status, f.steps])).toEqual([
      [0, 'finished', 16],
      [1, 'finished', 16],
    ]);
    expect(finished.every((f) => f.final !== null && Number.isFinite(f.final.elbo))).toBe(true);
    // lanes interleave between reports, so within an epoch either may finish first
    const byEpoch = (x: number[], y: number[]) => (x[1] ?? 0) - (y[1] ?? 0) || (x[0] ?? 0) - (y[0] ?? 0);
    expect(
      of('laneEpochEnded', 1)
        .map((e) => [e.lane, e.record.epoch])
        .sort(byEpoch),
    ).toEqual([
      [0, 1],
      [1, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(of('compareFinished', 1)[0]?.status).toBe('finished');
    await host.idle();
    // both programs were freed when the comparison ended
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  test('a β sweep: one run per β, every one from the same weights; β is what each run trains with', async () => {
    const { host, of, waitFor } = nodeHost();
    const lanes = [lane(['beta=0.5']), lane(['beta=2']), lane(['beta=8'])];
    host.handle({ type: 'startCompare', runId: 1, lanes, options: { ...quick, trainLimit: 512, epochs: 1, previewEvery: 100 } });
    await waitFor(() => of('compareFinished', 1).length > 0 || of('failed', 1).length > 0, 'the end of the sweep');
    expect(of('failed', 1)).toEqual([]);
    const started = of('compareStarted', 1)[0];
    expect(started?.lanes.map((l) => l.label)).toEqual(['β = 0.5', 'β = 2', 'β = 8']);
    expect(started?.lanes.every((l) => l.sameWeights === l.weights && l.sameBatches)).toBe(true);
    const betas = [0, 1, 2].map((i) => of('laneProgress', 1).find((p) => p.lane === i)?.train.beta);
    expect(betas).toEqual([0.5, 2, 8]);
    const finals = of('laneFinished', 1).map((f) => f.final);
    expect(finals.every((f) => f !== null)).toBe(true);
    const kl = finals.map((f) => f?.kl ?? NaN);
    console.log(
      `β 0.5 / 2 / 8 after 16 steps → KL ${kl.map((v) => v.toFixed(2)).join(' / ')}, recon ${finals.map((f) => f?.recon.toFixed(1)).join(' / ')}`,
    );
    // more β, less rate
    expect(kl[0]).toBeGreaterThan(kl[1] as number);
    expect(kl[1]).toBeGreaterThan(kl[2] as number);
    await host.idle();
  });

  test('pause, single steps and stop act on every run at once', async () => {
    const { host, of, waitFor } = nodeHost();
    host.handle({
      type: 'startCompare',
      runId: 1,
      lanes: [lane([]), lane(['loss=mse'])],
      options: { ...quick, epochs: 50, reportEvery: 2, previewEvery: 1000 },
    });
    await waitFor(() => of('laneProgress', 1).filter((p) => p.lane === 1).length >= 2, 'two reports of each run');
    host.handle({ type: 'pause', runId: 1 });
    await waitFor(() => of('paused', 1).length > 0, 'the pause');
    expect(of('paused', 1)).toHaveLength(1);
    const at = of('paused', 1)[0]?.step ?? -1;
    const reports = of('laneProgress', 1).length;
    host.handle({ type: 'step', runId: 1, steps: 1 });
    await waitFor(() => of('laneProgress', 1).length >= reports + 2, 'one step of each run');
    const stepped = of('laneProgress', 1).slice(reports);
    expect(stepped.map((p) => [p.lane, p.step]).sort()).toEqual([
      [0, at + 1],
      [1, at + 1],
    ]);
    // a single step while paused draws the pictures of both
    await waitFor(() => of('lanePreview', 1).filter((p) => p.preview.step === at + 1).length === 2, 'pictures of the step');
    host.handle({ type: 'setLive', runId: 1, nodeId: 'kl', key: 'freeBits', value: 1 });
    expect(of('protocolError', 1).at(-1)?.message).toBe("'setLive' applies to a single run, not to a comparison (run 1)");
    host.handle({ type: 'stop', runId: 1 });
    await waitFor(() => of('compareFinished', 1).length > 0, 'the stop');
    expect(of('laneFinished', 1).map((f) => [f.status, f.steps])).toEqual([
      ['stopped', at + 1],
      ['stopped', at + 1],
    ]);
    expect(of('compareFinished', 1)[0]?.status).toBe('stopped');
    await host.idle();
  });

  test('a single run and a comparison replace each other; bad lanes are named', async () => {
    const { host, of, waitFor } = nodeHost();
    host.handle({ type: 'startCompare', runId: 1, lanes: [lane([]), lane(['loss=mse'])], options: { ...quick, epochs: 50 } });
    await waitFor(() => of('laneProgress', 1).length > 0, 'the comparison to train');
    host.handle({ type: 'start', runId: 2, doc: smallVae(), options: { ...quick, epochs: 1, maxSteps: 4 } });
    await waitFor(() => of('finished', 2).length > 0, 'the single run');
    expect(of('cancelled', 1)).toHaveLength(1);
    expect(of('compareFinished', 1)).toEqual([]);
    // the single run's pictures carry the sharpness meter too
    const preview = of('preview', 2).at(-1)?.preview;
    expect(preview?.sharpness?.step).toBe(4);
    expect(preview?.sharpness?.reconstructions.gradientEnergy).toBeGreaterThan(0);

    host.handle({ type: 'startCompare', runId: 3, lanes: [lane([]), lane(['loss=mse'])], options: { ...quick, epochs: 50 } });
    await waitFor(() => of('laneProgress', 3).length > 0, 'the second comparison');
    host.handle({
      type: 'startCompare',
      runId: 4,
      lanes: [lane([]), { label: 'broken', doc: { format: 'bottleneck-graph' } }],
      options: quick,
    });
    await waitFor(() => of('failed', 4).length > 0, 'the broken comparison to fail');
    expect(of('cancelled', 3)).toHaveLength(1);
    expect(of('failed', 4)[0]?.message).toBe("'broken': the graph is not valid");
    expect(of('failed', 4)[0]?.diagnostics.length).toBeGreaterThan(0);

    const fashion = smallVae();
    for (const n of fashion.nodes) if (n.type === 'Dataset') n.params = { ...n.params, dataset: 'fashion-mnist' };
    host.handle({ type: 'startCompare', runId: 5, lanes: [lane([]), { label: 'fashion', doc: fashion }], options: quick });
    await host.idle();
    expect(of('failed', 5)[0]?.message).toBe('the runs read different datasets (mnist, fashion-mnist); a comparison trains on one');

    const noDecoder = smallVae();
    noDecoder.edges = noDecoder.edges.filter((e) => e.id !== 'e-decoder-recon');
    host.handle({ type: 'startCompare', runId: 6, lanes: [lane([]), { label: 'cut', doc: noDecoder }], options: quick });
    await host.idle();
    expect(of('failed', 6)[0]?.message).toMatch(/^'cut': /);
    host.handle({ type: 'startCompare', runId: 6, lanes: [lane([]), lane([])], options: quick });
    expect(of('protocolError', 6).at(-1)?.message).toBe('run id 6 was already used; ids must increase');
  });

  test('a lost device stops the comparison with a clear message; the next one trains elsewhere', async () => {
    const { host, of, waitFor } = nodeHost({ losable: 'wasm' });
    host.handle({ type: 'startCompare', runId: 1, lanes: [lane([]), lane(['loss=mse'])], options: { ...quick, epochs: 50 } });
    await waitFor(() => of('laneProgress', 1).length >= 2, 'the comparison to train');
    host.handle({ type: 'debugLoseDevice', runId: 1 });
    await waitFor(() => of('failed', 1).length > 0, 'the comparison to stop');
    expect(of('failed', 1)[0]?.message).toBe(
      'the test device was lost. A comparison does not move to another backend mid-run: start it again and it trains on the next one.',
    );
    expect(of('laneFinished', 1)).toEqual([]);
    await host.idle();
    host.handle({ type: 'startCompare', runId: 2, lanes: [lane([]), lane(['loss=mse'])], options: { ...quick, epochs: 1, maxSteps: 2 } });
    await waitFor(() => of('compareFinished', 2).length > 0 || of('failed', 2).length > 0, 'the second comparison');
    expect(of('backend', 2)[0]?.backend).toBe('cpu');
    expect(of('compareFinished', 2)).toHaveLength(1);
    await host.idle();
    await tf.setBackend('wasm');
  });
});
