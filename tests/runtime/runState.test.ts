import { describe, expect, test } from 'vitest';
import type { FromWorker } from '../../src/runtime/protocol';
import { formatDuration, createPreparingRun, reduceRun, type RunView } from '../../src/runtime/page/runState';

const train = (objective: number) => ({ objective, recon: objective - 10, kl: 10, betaKl: 10, beta: 1 });
const progress = (runId: number, step: number, objective: number): FromWorker => ({
  type: 'progress',
  runId,
  step,
  epoch: 0,
  epochStep: step,
  samplesPerSecond: 500,
  train: train(objective),
  klPerDim: [5, 5],
  learningRate: 0.001,
  live: {},
  numTensors: 41,
  numBytes: 100,
});
const started = (runId: number, startStep = 0, backend: 'webgpu' | 'webgl' = 'webgpu'): FromWorker => ({
  type: 'started',
  runId,
  backend,
  totalSteps: 100,
  stepsPerEpoch: 50,
  epochs: 2,
  paramCount: 1000,
  startStep,
  dataset: 'mnist',
  latentDim: 2,
  variational: true,
  hasEncoder: true,
  hasDecoder: true,
  live: [],
  setupMs: 1200,
});

function play(view: RunView, messages: FromWorker[], dt = 1000): RunView {
  let now = 0;
  return messages.reduce((v, m) => reduceRun(v, m, (now += dt)), view);
}

describe('reduceRun', () => {
  test('a run goes from preparing to finished, with curves, ETA and records', () => {
    const v = play(createPreparingRun(3), [
      { type: 'backend', runId: 3, backend: 'webgpu', attempts: [{ backend: 'webgpu', ok: true }], note: 'Training on WebGPU' },
      started(3),
      progress(3, 10, 500),
      progress(3, 20, 400),
      {
        type: 'epochEnded',
        runId: 3,
        record: {
          epoch: 1,
          step: 50,
          train: train(300),
          test: { recon: 280, kl: 12, betaKl: 12, elbo: -292, klPerDim: [6, 6], meanVariance: [1, 1], activeUnits: 2 },
          seconds: 3,
        },
      },
    ]);
    expect(v.phase).toBe('training');
    expect(v.backend?.name).toBe('webgpu');
    expect(v.step).toBe(20);
    expect(v.curves.objective.train).toEqual([
      { step: 10, value: 500 },
      { step: 20, value: 400 },
    ]);
    expect(v.curves.recon.test).toEqual([{ step: 50, value: 280 }]);
    expect(v.curves.objective.test).toEqual([{ step: 50, value: 292 }]);
    // 10 steps per second of the clock → 80 steps left take 8 s
    expect(v.stepsPerSecond).toBeCloseTo(10);
    expect(v.etaSeconds).toBeCloseTo(8);
    expect(v.first?.train.objective).toBe(500);
    const done = reduceRun(v, { type: 'finished', runId: 3, status: 'finished', steps: 100, final: null }, 9000);
    expect(done.phase).toBe('finished');
    expect(done.etaSeconds).toBeUndefined();
  });

  test('reports from another run are ignored', () => {
    const v = play(createPreparingRun(2), [
      started(2),
      progress(1, 50, 10),
      progress(2, 5, 600),
      { type: 'finished', runId: 1, status: 'finished', steps: 9, final: null },
    ]);
    expect(v.step).toBe(5);
    expect(v.phase).toBe('training');
    expect(v.curves.objective.train).toEqual([{ step: 5, value: 600 }]);
  });

  test('pause, resume; a fallback adds a note and keeps the curves', () => {
    let v = play(createPreparingRun(1), [started(1), progress(1, 10, 500), { type: 'paused', runId: 1, step: 10 }]);
    expect(v.phase).toBe('paused');
    v = play(v, [
      { type: 'resumed', runId: 1, step: 10 },
      progress(1, 20, 400),
      {
        type: 'fallback',
        runId: 1,
        from: 'webgpu',
        to: 'webgl',
        reason: 'the WebGPU device was lost (destroyed)',
        resumedAtStep: 20,
        lostSteps: 1,
        note: 'training on WebGL',
      },
      started(1, 20, 'webgl'),
      progress(1, 21, 399),
    ]);
    expect(v.phase).toBe('training');
    expect(v.backend?.name).toBe('webgl');
    expect(v.notes.map((n) => n.text)).toEqual([
      'the WebGPU device was lost (destroyed). Training continues on WebGL from step 20 with the weights kept (1 step redone).',
    ]);
    expect(v.curves.objective.train.map((p) => p.step)).toEqual([10, 20, 21]);
  });

  test('a failure keeps the diagnostics that name the node', () => {
    const v = reduceRun(
      createPreparingRun(1),
      {
        type: 'failed',
        runId: 1,
        message: "node 'decoder' (Decoder): needs a latent code z",
        diagnostics: [
          { severity: 'error', code: 'missing-input', message: "node 'decoder' (Decoder): needs a latent code z", nodeId: 'decoder' },
        ],
      },
      0,
    );
    expect(v.phase).toBe('failed');
    expect(v.diagnostics[0]?.nodeId).toBe('decoder');
  });

  test.each([
    [0, '0:00'],
    [59.4, '0:59'],
    [61, '1:01'],
    [3725, '1:02:05'],
  ])('formatDuration(%d) = %s', (s, text) => expect(formatDuration(s)).toBe(text));
});
