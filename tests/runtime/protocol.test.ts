import { describe, expect, test } from 'vitest';
import { parseFromWorker, parseToWorker, type Preview } from '../../src/runtime/protocol';

const preview = (): Preview => ({
  step: 10,
  epoch: 0,
  imageShape: [28, 28, 1],
  inputs: { n: 1, data: new Float32Array(784) },
  reconstructions: { n: 1, data: new Float32Array(784) },
  labels: [3],
  samples: { n: 1, data: new Float32Array(784) },
  scatter: { n: 2, points: new Float32Array(4), labels: Uint8Array.of(1, 2), projection: 'pca', explained: [0.4, 0.2] },
  traversal: null,
  interpolation: null,
  klPerDim: [0.5, 0.001],
  meanVariance: [1, 0],
  activeUnits: 1,
  numTensors: 40,
});

describe('commands to the worker', () => {
  test.each([
    [{ type: 'start', runId: 1, doc: {}, options: {} }],
    [{ type: 'start', runId: 2, doc: {}, options: { backend: 'wasm', trainLimit: 100, picks: { code: 2, pair: [0, 9] } } }],
    [{ type: 'pause', runId: 1 }],
    [{ type: 'step', runId: 1 }],
    [{ type: 'step', runId: 1, steps: 5 }],
    [{ type: 'setLive', runId: 1, nodeId: 'beta', key: 'beta', value: 4 }],
    [{ type: 'setLearningRate', runId: 1, value: 0.01 }],
    [{ type: 'setPicks', runId: 1, picks: { code: 0, pair: [1, 2] } }],
    [{ type: 'download', runId: 1, requestId: 3 }],
    [{ type: 'cancel', runId: 0 }],
    [{ type: 'debugLoseDevice', runId: 7 }],
  ])('accepts %j', (raw) => {
    const parsed = parseToWorker(raw);
    expect(parsed.ok).toBe(true);
  });

  test('fills defaults', () => {
    const parsed = parseToWorker({ type: 'start', runId: 1, doc: {}, options: {} });
    if (!parsed.ok || parsed.message.type !== 'start') throw new Error('expected a start');
    expect(parsed.message.options).toMatchObject({ backend: 'auto', reportEvery: 20, previewEvery: 100, scatterSize: 500 });
    const step = parseToWorker({ type: 'step', runId: 1 });
    expect(step.ok && step.message.type === 'step' && step.message.steps).toBe(1);
  });

  test.each([
    [null, 'training worker: expected a message object, got null'],
    [[1, 2], 'training worker: expected a message object, got a list'],
    [42, 'training worker: expected a message object, got number'],
    [{ runId: 1 }, "training worker: the message has no 'type'"],
    [{ type: 'explode', runId: 1 }, "training worker: unknown message type 'explode'"],
    [{ type: 'toString', runId: 1 }, "training worker: unknown message type 'toString'"],
    [{ type: 'pause' }, "training worker: malformed 'pause' message: runId must be a number, got nothing"],
    [{ type: 'pause', runId: 1.5 }, "training worker: malformed 'pause' message: runId must be a whole number, got 1.5"],
    [{ type: 'pause', runId: 1, extra: true }, "training worker: malformed 'pause' message: message has unknown field 'extra'"],
    [
      { type: 'setLive', runId: 1, nodeId: 'beta', key: 'beta', value: Infinity },
      "training worker: malformed 'setLive' message: value must be a number, got Infinity",
    ],
    [{ type: 'setLearningRate', runId: 1, value: 0 }, "training worker: malformed 'setLearningRate' message: value must be > 0, got 0"],
    [{ type: 'step', runId: 1, steps: 0 }, "training worker: malformed 'step' message: steps must be ≥ 1, got 0"],
    [
      { type: 'start', runId: 1, doc: {}, options: { backend: 'tpu' } },
      `training worker: malformed 'start' message: options.backend must be "auto" or "webgpu" or "webgl" or "wasm" or "cpu", got "tpu"`,
    ],
    [
      { type: 'start', runId: 1, doc: {}, options: { reportEvery: -3 } },
      "training worker: malformed 'start' message: options.reportEvery must be ≥ 1, got -3",
    ],
    [
      { type: 'setPicks', runId: 1, picks: { code: 0, pair: [1] } },
      "training worker: malformed 'setPicks' message: picks.pair needs at least 2 item(s), got a list of 1",
    ],
  ])('rejects %j clearly', (raw, message) => {
    const parsed = parseToWorker(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toBe(message);
  });

  test('a rejected message still names its run when it has a valid id', () => {
    const parsed = parseToWorker({ type: 'setLearningRate', runId: 4, value: 'fast' });
    expect(parsed.ok === false && parsed.runId).toBe(4);
  });
});

describe('reports from the worker', () => {
  test('a preview with typed arrays passes', () => {
    const parsed = parseFromWorker({ type: 'preview', runId: 1, preview: preview() });
    expect(parsed.ok).toBe(true);
  });

  test('images must arrive as typed arrays, not plain lists', () => {
    const p = { ...preview(), samples: { n: 1, data: Array.from(new Float32Array(784)) } };
    const parsed = parseFromWorker({ type: 'preview', runId: 1, preview: p });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain('preview.samples.data must be a Float32Array');
  });

  test('metrics may be NaN (a diverged run) but counts must be whole numbers', () => {
    const progress = {
      type: 'progress',
      runId: 1,
      step: 20,
      epoch: 0,
      epochStep: 20,
      samplesPerSecond: 100,
      train: { objective: NaN, recon: NaN, kl: 1, betaKl: 1, beta: 1 },
      klPerDim: [0.1],
      learningRate: 0.001,
      live: {},
      numTensors: 40,
      numBytes: 1000,
    };
    expect(parseFromWorker(progress).ok).toBe(true);
    const bad = parseFromWorker({ ...progress, numTensors: 40.5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toBe("dashboard: malformed 'progress' message: numTensors must be a whole number, got 40.5");
  });

  test.each([
    [{ type: 'backend', runId: 1, backend: 'metal', attempts: [], note: '' }, 'backend must be'],
    [{ type: 'finished', runId: 1, status: 'done', steps: 3, final: null }, 'status must be "finished" or "stopped" or "diverged"'],
    [{ type: 'failed', runId: 1 }, 'message must be text, got nothing'],
    [{ type: 'hello' }, "unknown message type 'hello'"],
  ])('rejects %j', (raw, fragment) => {
    const parsed = parseFromWorker(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(fragment);
  });
});
