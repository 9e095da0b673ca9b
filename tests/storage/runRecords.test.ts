import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { swapGraph } from '../../src/core/fork';
import {
  createRunRecord,
  decodeRunRecord,
  dequantizeImages,
  pruneRuns,
  quantizeImages,
  RUN_HISTORY_LIMIT,
  settingsDifferences,
  thinPoints,
  type RunFacts,
} from '../../src/storage/runRecords';
import { loadGraph } from '../helpers';

const scores = { laplacianVariance: 0.05, gradientEnergy: 0.1 };
const images = (n: number, value: number) => ({ n, data: new Float32Array(n * 784).fill(value) });

function facts(overrides: Partial<RunFacts> = {}): RunFacts {
  return {
    id: 'r-1',
    createdAt: 1_700_000_000_000,
    label: 'VAE (MLP, Bernoulli)',
    doc: loadGraph('vae'),
    backend: 'webgl',
    epochs: 2,
    trainLimit: 800,
    testLimit: undefined,
    status: 'finished',
    steps: 100,
    final: { elbo: -198.3, recon: 185.8, kl: 12.6, activeUnits: 20 },
    sharpness: [
      { step: 50, reconstructions: scores, samples: scores },
      { step: 100, reconstructions: { laplacianVariance: 0.049, gradientEnergy: 0.1 }, samples: scores },
    ],
    curves: { recon: Array.from({ length: 300 }, (_, i) => ({ step: i + 1, value: 500 - i })), kl: [{ step: 1, value: 0.5 }] },
    pictures: { shape: [28, 28, 1], inputs: images(10, 1), reconstructions: images(10, 0.5), samples: images(20, 0.25) },
    ...overrides,
  };
}

describe('run records', () => {
  test('a record keeps the graph, seed, settings, final metrics, sharpness, short curves and byte thumbnails', () => {
    const r = createRunRecord(facts());
    expect(r.settings).toEqual({ seed: 1, epochs: 2, batchSize: 128, learningRate: 0.001, trainLimit: 800, testLimit: null });
    expect(r.final).toEqual({ elbo: -198.3, recon: 185.8, kl: 12.6, activeUnits: 20 });
    expect(r.sharpness?.step).toBe(100);
    expect(r.sharpnessHistory).toHaveLength(2);
    expect(r.curves.recon).toHaveLength(120);
    expect(r.curves.recon[0]).toEqual({ step: 1, value: 500 });
    expect(r.curves.recon.at(-1)).toEqual({ step: 300, value: 201 });
    expect(r.thumbnails?.reconstructions.data).toBeInstanceOf(Uint8Array);
    expect(r.thumbnails?.reconstructions.data[0]).toBe(128);
    expect(r.thumbnails?.samples.n).toBe(20);
    // small: a few tens of kilobytes per run
    const bytes =
      (r.thumbnails?.inputs.data.length ?? 0) + (r.thumbnails?.reconstructions.data.length ?? 0) + (r.thumbnails?.samples.data.length ?? 0);
    expect(bytes).toBe(40 * 784);
  });

  test('records read back through the schema and parseGraph; anything else is skipped', () => {
    const r = createRunRecord(facts());
    const back = decodeRunRecord(structuredClone(r));
    expect(back?.doc.nodes.map((n) => n.id)).toEqual(r.doc.nodes.map((n) => n.id));
    expect(back?.thumbnails?.samples.data).toEqual(r.thumbnails?.samples.data);
    expect(decodeRunRecord({ ...r, version: 2 })).toBeUndefined();
    expect(decodeRunRecord({ ...r, doc: { format: 'bottleneck-graph' } })).toBeUndefined();
    expect(decodeRunRecord({ ...r, thumbnails: { ...r.thumbnails, samples: { n: 1, data: [1, 2] } } })).toBeUndefined();
    expect(decodeRunRecord({ ...r, extra: true })).toBeUndefined();
    expect(decodeRunRecord(null)).toBeUndefined();
    // a stopped run without pictures or a final score is still a record
    const bare = createRunRecord(facts({ status: 'stopped', final: null, pictures: undefined, sharpness: [] }));
    expect(decodeRunRecord(structuredClone(bare))).toMatchObject({ status: 'stopped', final: null, thumbnails: null, sharpness: null });
  });

  test('quantized thumbnails: 0..1 to bytes and back within half a level; out-of-range and NaN clamp', () => {
    const q = quantizeImages(Float32Array.of(0, 0.5, 1, 1.7, -2, NaN, 0.2));
    expect(Array.from(q)).toEqual([0, 128, 255, 255, 0, 0, 51]);
    const back = dequantizeImages(q);
    expect(back[6]).toBeCloseTo(0.2, 2);
  });

  test('thinPoints keeps the ends and spreads the rest', () => {
    const pts = Array.from({ length: 10 }, (_, i) => ({ step: i, value: i }));
    expect(thinPoints(pts, 4).map((p) => p.step)).toEqual([0, 3, 6, 9]);
    expect(thinPoints(pts, 20)).toEqual(pts);
  });

  test('pruning keeps the newest up to the limit and drops the oldest', () => {
    const runs = Array.from({ length: 35 }, (_, i) => ({ id: `r${i}`, createdAt: 1000 + i }));
    const { keep, drop } = pruneRuns(runs);
    expect(RUN_HISTORY_LIMIT).toBe(30);
    expect(keep).toHaveLength(30);
    expect(keep[0]?.id).toBe('r34');
    expect(drop.map((r) => r.id)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    expect(pruneRuns(runs, 0).keep).toEqual([]);
    // the same time: a stable order by id
    expect(
      pruneRuns(
        [
          { id: 'a', createdAt: 1 },
          { id: 'b', createdAt: 1 },
        ],
        1,
      ).keep[0]?.id,
    ).toBe('b');
  });

  test('settings that differ beyond the graphs', () => {
    const a = createRunRecord(facts());
    const fork = swapGraph(a.doc, specRegistry, 'loss=mse');
    if (!fork.ok) throw new Error(fork.message);
    const b = createRunRecord(facts({ id: 'r-2', doc: fork.doc, trainLimit: undefined, epochs: 3, backend: 'wasm' }));
    expect(settingsDifferences(a, b)).toEqual(['epochs: 2 → 3', 'training images: 800 → all', 'backend: webgl → wasm']);
    expect(settingsDifferences(a, a)).toEqual([]);
  });
});
