import { describe, expect, test } from 'vitest';
import {
  checkBatches,
  createPreparingCompare,
  latestSharpness,
  reduceCompare,
  type CompareView,
} from '../../src/runtime/page/compareState';
import { likelihoodsDiffer, summaryRows } from '../../src/runtime/page/compareTable';
import type { FromWorker, LanePreview } from '../../src/runtime/protocol';
import { layoutRateDistortion, niceTicks, rateDistortionSvg } from '../../src/metrics/rateDistortion';
import { loadGraph } from '../helpers';
import { specRegistry } from '../../nodes';
import { swapGraph } from '../../src/core/fork';

const train = (objective: number, kl = 5) => ({ objective, recon: objective - kl, kl, betaKl: kl, beta: 1 });
const laneInfo = (label: string) => ({
  label,
  totalSteps: 20,
  stepsPerEpoch: 10,
  epochs: 2,
  paramCount: 1000,
  latentDim: 4,
  variational: true,
  sameWeights: 10,
  weights: 10,
  sameBatches: true,
});
const progress = (runId: number, lane: number, step: number, objective: number, digest = 'aaaaaaaa'): FromWorker => ({
  type: 'laneProgress',
  runId,
  lane,
  step,
  epoch: 0,
  samplesPerSecond: 100,
  train: train(objective),
  batchDigest: digest,
  numTensors: 50,
});
const preview = (step: number, sharp: number): LanePreview => ({
  step,
  epoch: 0,
  imageShape: [28, 28, 1],
  inputs: { n: 1, data: new Float32Array(784) },
  reconstructions: { n: 1, data: new Float32Array(784) },
  labels: [0],
  samples: { n: 1, data: new Float32Array(784) },
  sharpness: {
    step,
    reconstructions: { laplacianVariance: sharp, gradientEnergy: sharp },
    samples: { laplacianVariance: sharp, gradientEnergy: sharp },
  },
});

function play(view: CompareView, messages: FromWorker[]): CompareView {
  return messages.reduce((v, m, i) => reduceCompare(v, m, i * 1000), view);
}

describe('reduceCompare', () => {
  test('a comparison goes from preparing to finished, lane by lane', () => {
    const v = play(createPreparingCompare(4, 'fork', ['original', 'loss = mse'], 123), [
      { type: 'backend', runId: 4, backend: 'webgl', attempts: [], note: 'Training on WebGL' },
      {
        type: 'compareStarted',
        runId: 4,
        backend: 'webgl',
        dataset: 'mnist',
        setupMs: 900,
        sharpnessImages: 64,
        lanes: [laneInfo('original'), laneInfo('loss = mse')],
      },
      progress(4, 0, 1, 540),
      progress(4, 1, 1, 190),
      progress(4, 0, 10, 300, 'bbbbbbbb'),
      progress(4, 1, 10, 100, 'bbbbbbbb'),
      { type: 'lanePreview', runId: 4, lane: 0, preview: preview(10, 0.05) },
      { type: 'lanePreview', runId: 4, lane: 1, preview: preview(10, 0.03) },
      { type: 'lanePreview', runId: 4, lane: 1, preview: preview(10, 0.03) },
      progress(9, 0, 99, 1), // another run: ignored
      {
        type: 'laneFinished',
        runId: 4,
        lane: 0,
        status: 'finished',
        steps: 20,
        final: { recon: 180, kl: 12, betaKl: 12, elbo: -192, klPerDim: [], meanVariance: [], activeUnits: 4 },
      },
      { type: 'laneFinished', runId: 4, lane: 1, status: 'diverged', steps: 12, final: null, message: 'training diverged near step 12' },
      { type: 'compareFinished', runId: 4, status: 'finished' },
    ]);
    expect(v.phase).toBe('finished');
    expect(v.startedAt).toBe(123);
    expect(v.sharpnessImages).toBe(64);
    expect(v.lanes.map((l) => [l.label, l.status, l.step])).toEqual([
      ['original', 'finished', 20],
      ['loss = mse', 'diverged', 12],
    ]);
    expect(v.lanes[0]?.curves.objective).toEqual([
      { step: 1, value: 540 },
      { step: 10, value: 300 },
    ]);
    expect(v.lanes[0]?.first?.objective).toBe(540);
    expect(v.lanes[1]?.sharpness).toHaveLength(1); // the same step twice counts once
    expect(latestSharpness(v).map((s) => s?.reconstructions.laplacianVariance)).toEqual([0.05, 0.03]);
    expect(v.lanes[1]?.message).toBe('training diverged near step 12');
    expect(checkBatches(v, 1)).toEqual({ kind: 'same', step: 10 });
  });

  test('pause, resume, failure and cancel', () => {
    let v = createPreparingCompare(2, 'sweep', ['β = 1', 'β = 4'], 0);
    v = play(v, [{ type: 'paused', runId: 2, step: 0 }]);
    expect(v.phase).toBe('paused');
    v = play(v, [{ type: 'resumed', runId: 2, step: 0 }]);
    expect(v.phase).toBe('training');
    const failed = play(v, [{ type: 'failed', runId: 2, message: "'β = 4': the graph is not valid", diagnostics: [] }]);
    expect(failed).toMatchObject({ phase: 'failed', error: "'β = 4': the graph is not valid" });
    expect(play(v, [{ type: 'cancelled', runId: 2 }]).phase).toBe('cancelled');
    // a paused message after the end changes nothing
    expect(play(failed, [{ type: 'paused', runId: 2, step: 3 }]).phase).toBe('failed');
  });

  test('batch checks: same, different, expected to differ, or not yet known', () => {
    const base = play(createPreparingCompare(1, 'fork', ['a', 'b'], 0), [
      {
        type: 'compareStarted',
        runId: 1,
        backend: 'wasm',
        dataset: 'mnist',
        setupMs: 1,
        sharpnessImages: 64,
        lanes: [laneInfo('a'), laneInfo('b')],
      },
    ]);
    expect(checkBatches(base, 1)).toEqual({ kind: 'pending' });
    const differ = play(base, [progress(1, 0, 5, 10, '11111111'), progress(1, 1, 5, 10, '22222222')]);
    expect(checkBatches(differ, 1)).toEqual({ kind: 'different', step: 5 });
    // lane 1 ahead: compared at the latest step both reported
    const ahead = play(base, [progress(1, 0, 5, 10, '11111111'), progress(1, 1, 5, 10, '11111111'), progress(1, 1, 10, 10, '33333333')]);
    expect(checkBatches(ahead, 1)).toEqual({ kind: 'same', step: 5 });
    const other = play(createPreparingCompare(1, 'fork', ['a', 'b'], 0), [
      {
        type: 'compareStarted',
        runId: 1,
        backend: 'wasm',
        dataset: 'mnist',
        setupMs: 1,
        sharpnessImages: 64,
        lanes: [laneInfo('a'), { ...laneInfo('b'), sameBatches: false }],
      },
    ]);
    expect(checkBatches(other, 1)).toEqual({ kind: 'expected-different' });
  });
});

describe('the comparison table', () => {
  test('rows per metric; only sharpness marks a best value', () => {
    const rows = summaryRows([
      {
        final: { elbo: -198.3, recon: 185.8, kl: 12.56, activeUnits: 20 },
        sharpness: {
          step: 100,
          reconstructions: { laplacianVariance: 0.049, gradientEnergy: 0.1 },
          samples: { laplacianVariance: 0.07, gradientEnergy: 0.06 },
        },
        steps: 100,
        status: 'finished',
      },
      {
        final: undefined,
        sharpness: {
          step: 100,
          reconstructions: { laplacianVariance: 0.03, gradientEnergy: 0.06 },
          samples: { laplacianVariance: 0.07, gradientEnergy: 0.05 },
        },
        steps: 100,
        status: 'training',
      },
    ]);
    const row = (key: string) => rows.find((r) => r.key === key);
    expect(row('elbo')).toEqual({ key: 'elbo', label: 'test ELBO (nats)', values: ['-198.30', '—'], best: undefined });
    expect(row('kl')?.values).toEqual(['12.56', '—']);
    expect(row('sharpRecon')).toMatchObject({ values: ['0.049', '0.030'], best: 0 });
    expect(row('sharpSamples')?.best).toBeUndefined(); // a tie
    expect(row('sharpSamplesGrad')?.best).toBe(0);
    // equal as shown is a tie too
    const close = summaryRows(
      [0.21904, 0.21896].map((v) => ({
        final: null,
        sharpness: {
          step: 1,
          reconstructions: { laplacianVariance: v, gradientEnergy: v },
          samples: { laplacianVariance: v, gradientEnergy: v },
        },
        steps: 1,
        status: 'training',
      })),
    );
    expect(close.find((r) => r.key === 'sharpRecon')).toMatchObject({ values: ['0.219', '0.219'], best: undefined });
    expect(row('status')?.values).toEqual(['finished', 'training']);
  });

  test('likelihoods: MSE and Bernoulli differ; two β values do not', () => {
    const vae = loadGraph('vae');
    const mse = swapGraph(vae, specRegistry, 'loss=mse');
    const beta = swapGraph(vae, specRegistry, 'beta=4');
    if (!mse.ok || !beta.ok) throw new Error('swap failed');
    expect(likelihoodsDiffer([vae, mse.doc])).toBe(true);
    expect(likelihoodsDiffer([vae, beta.doc])).toBe(false);
    const s1 = swapGraph(vae, specRegistry, 'recon.distribution=gaussian');
    const s2 = s1.ok ? swapGraph(s1.doc, specRegistry, 'recon.sigma=0.5') : s1;
    if (!s1.ok || !s2.ok) throw new Error('swap failed');
    expect(likelihoodsDiffer([s1.doc, s2.doc])).toBe(true);
  });
});

describe('rate–distortion layout', () => {
  const points = [
    { label: 'β = 0.5', rate: 23.1, distortion: 219.5 },
    { label: 'β = 8', rate: 2.8, distortion: 250.4 },
    { label: 'β = 2', rate: 8.6, distortion: 225.3 },
  ];
  test('points ordered by rate; more rate, less distortion: the curve falls to the right', () => {
    const l = layoutRateDistortion(points);
    expect(l.dots.map((d) => d.label)).toEqual(['β = 8', 'β = 2', 'β = 0.5']);
    const xs = l.dots.map((d) => d.x);
    const ys = l.dots.map((d) => d.y);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // distortion falls as the rate grows, and SVG's y grows downwards: y increases along the curve
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    for (const d of l.dots) {
      expect(d.x).toBeGreaterThanOrEqual(l.margin.l);
      expect(d.x).toBeLessThanOrEqual(l.width - l.margin.r);
      expect(d.y).toBeGreaterThanOrEqual(l.margin.t);
      expect(d.y).toBeLessThanOrEqual(l.height - l.margin.b);
    }
    expect(l.path.startsWith('M')).toBe(true);
    expect(l.xTicks[0]?.label).toBe('0');
  });
  test('non-finite points are left out; no points still lays out', () => {
    expect(layoutRateDistortion([...points, { label: 'bad', rate: NaN, distortion: 1 }]).dots).toHaveLength(3);
    expect(layoutRateDistortion([]).dots).toEqual([]);
  });
  test('the SVG file escapes labels', () => {
    const svg = rateDistortionSvg([{ label: '<β & 1>', rate: 1, distortion: 2 }, ...points]);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('&lt;β &amp; 1&gt;');
  });
  test('nice ticks', () => {
    expect(niceTicks(0, 25, 5)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(niceTicks(3, 3, 4)).toEqual([3]);
  });
});
