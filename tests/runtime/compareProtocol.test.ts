import { describe, expect, test } from 'vitest';
import { parseFromWorker, parseToWorker, type LanePreview } from '../../src/runtime/protocol';

const scores = { laplacianVariance: 0.4, gradientEnergy: 0.6 };
const lanePreview = (): LanePreview => ({
  step: 8,
  epoch: 1,
  imageShape: [28, 28, 1],
  inputs: { n: 1, data: new Float32Array(784) },
  reconstructions: { n: 1, data: new Float32Array(784) },
  labels: [7],
  samples: { n: 1, data: new Float32Array(784) },
  sharpness: { step: 8, reconstructions: scores, samples: scores },
});
const laneInfo = {
  label: 'original',
  totalSteps: 16,
  stepsPerEpoch: 8,
  epochs: 2,
  paramCount: 1000,
  latentDim: 4,
  variational: true,
  sameWeights: 10,
  weights: 10,
  sameBatches: true,
};

describe('comparison commands', () => {
  test('startCompare takes 2 to 8 labelled graphs and the run options, with defaults', () => {
    const parsed = parseToWorker({
      type: 'startCompare',
      runId: 3,
      lanes: [
        { label: 'original', doc: {} },
        { label: 'loss = mse', doc: {} },
      ],
      options: { trainLimit: 500 },
    });
    if (!parsed.ok || parsed.message.type !== 'startCompare') throw new Error('expected a startCompare');
    expect(parsed.message.lanes.map((l) => l.label)).toEqual(['original', 'loss = mse']);
    expect(parsed.message.options).toMatchObject({ backend: 'auto', reportEvery: 20, previewEvery: 100, trainLimit: 500 });
  });

  test.each([
    [
      { type: 'startCompare', runId: 1, lanes: [{ label: 'a', doc: {} }], options: {} },
      "malformed 'startCompare' message: lanes needs at least 2 item(s), got a list of 1",
    ],
    [
      { type: 'startCompare', runId: 1, lanes: Array.from({ length: 9 }, (_, i) => ({ label: `β = ${i}`, doc: {} })), options: {} },
      "malformed 'startCompare' message: lanes allows at most 8 item(s), got a list of 9",
    ],
    [
      {
        type: 'startCompare',
        runId: 1,
        lanes: [
          { label: '', doc: {} },
          { label: 'b', doc: {} },
        ],
        options: {},
      },
      "malformed 'startCompare' message: lanes[0].label must not be shorter than 1 character(s)",
    ],
    [
      {
        type: 'startCompare',
        runId: 1,
        lanes: [
          { label: 'a', doc: {}, extra: 1 },
          { label: 'b', doc: {} },
        ],
        options: {},
      },
      "unknown field 'extra'",
    ],
    [
      {
        type: 'startCompare',
        runId: 1,
        lanes: [
          { label: 'a', doc: {} },
          { label: 'b', doc: {} },
        ],
      },
      "malformed 'startCompare' message: options",
    ],
  ])('rejects %j clearly', (raw, fragment) => {
    const parsed = parseToWorker(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(fragment);
  });
});

describe('comparison reports', () => {
  const wellFormed: unknown[][] = [
    [
      {
        type: 'compareStarted',
        runId: 1,
        backend: 'webgl',
        dataset: 'mnist',
        setupMs: 900,
        sharpnessImages: 64,
        lanes: [laneInfo, { ...laneInfo, label: 'loss = mse' }],
      },
    ],
    [
      {
        type: 'laneProgress',
        runId: 1,
        lane: 1,
        step: 4,
        epoch: 0,
        samplesPerSecond: 300,
        train: { objective: NaN, recon: NaN, kl: 1, betaKl: 1, beta: 1 },
        batchDigest: '0a1b2c3d',
        numTensors: 80,
      },
    ],
    [
      {
        type: 'laneEpochEnded',
        runId: 1,
        lane: 0,
        record: {
          epoch: 1,
          step: 8,
          train: { objective: 1, recon: 1, kl: 0, betaKl: 0, beta: 1 },
          test: { recon: 1, kl: 0, betaKl: 0, elbo: -1, klPerDim: [], meanVariance: [], activeUnits: 0 },
          seconds: 1,
        },
      },
    ],
    [{ type: 'lanePreview', runId: 1, lane: 7, preview: lanePreview() }],
    [{ type: 'laneFinished', runId: 1, lane: 0, status: 'diverged', steps: 3, final: null, message: 'training diverged' }],
    [{ type: 'compareFinished', runId: 1, status: 'stopped' }],
  ];
  test.each(wellFormed.map(([raw], i) => ({ raw, i })))('accepts well-formed report $i', ({ raw }) => {
    const parsed = parseFromWorker(raw);
    expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
  });

  const malformed: Array<[unknown, string]> = [
    [{ type: 'lanePreview', runId: 1, lane: 8, preview: lanePreview() }, 'lane must be ≤ 7, got 8'],
    [{ type: 'lanePreview', runId: 1, lane: 0, preview: { ...lanePreview(), sharpness: undefined } }, 'preview.sharpness'],
    [
      { type: 'lanePreview', runId: 1, lane: 0, preview: { ...lanePreview(), samples: { n: 1, data: [0, 1] } } },
      'preview.samples.data must be a Float32Array',
    ],
    [
      {
        type: 'laneProgress',
        runId: 1,
        lane: 0,
        step: 4,
        epoch: 0,
        samplesPerSecond: 3,
        train: { objective: 1, recon: 1, kl: 1, betaKl: 1, beta: 1 },
        batchDigest: 'xyz',
        numTensors: 1,
      },
      'batchDigest must be 8 hex digits',
    ],
    [
      {
        type: 'compareStarted',
        runId: 1,
        backend: 'webgl',
        dataset: 'mnist',
        setupMs: 1,
        sharpnessImages: 64,
        lanes: [{ ...laneInfo, sameBatches: 'yes' }],
      },
      'lanes[0].sameBatches must be true or false, got "yes"',
    ],
    [{ type: 'compareFinished', runId: 1, status: 'diverged' }, 'status must be "finished" or "stopped"'],
  ];
  test.each(malformed.map(([raw, fragment]) => ({ raw, fragment })))('rejects: $fragment', ({ raw, fragment }) => {
    const parsed = parseFromWorker(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(fragment);
  });

  test('a single run preview may carry the sharpness meter', () => {
    const base = lanePreview();
    const preview = {
      ...base,
      scatter: { n: 0, points: new Float32Array(0), labels: new Uint8Array(0), projection: 'raw', explained: [0, 0] },
      traversal: null,
      interpolation: null,
      klPerDim: [],
      meanVariance: [],
      activeUnits: 0,
      numTensors: 30,
    };
    expect(parseFromWorker({ type: 'preview', runId: 1, preview }).ok).toBe(true);
    const { sharpness: _s, ...without } = preview;
    expect(parseFromWorker({ type: 'preview', runId: 1, preview: without }).ok).toBe(true);
    const bad = parseFromWorker({ type: 'preview', runId: 1, preview: { ...preview, sharpness: { step: 1, reconstructions: scores } } });
    expect(!bad.ok && bad.error).toContain('preview.sharpness.samples');
  });
});
