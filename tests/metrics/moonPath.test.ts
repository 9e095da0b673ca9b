/**
 * The moon example: a small and a full-size ellipse of the shapes test set, picked by their factors, and the
 * straight line between their codes decoded — measured against the real ellipse at every scale. Pure checks of
 * the pair and the measure, then an autoencoder and a VAE trained briefly on the same data (the graphs of the
 * VAE lesson, ae.json and vae.json, on shapes) and asked through the training worker.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TF } from '../../nodes/defineNode';
import { compileProgram, type Program } from '../../src/compiler/program';
import type { GraphDoc } from '../../src/core/schema';
import { loadShapesDataset, shapeScales, shapesFactorNames } from '../../src/data/shapes';
import { measurePath, moonPair, scaleLadder } from '../../src/metrics/moonPath';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { moonPath } from '../../src/runtime/worker/moonPath';
import { train } from '../../src/runtime/worker/trainer';
import { cloneDoc, findNode, loadGraph } from '../helpers';
import { nodeHost } from '../runtime/hostHarness';

let tf: TF;
beforeAll(async () => {
  tf = await initNodeBackend('wasm');
});

/** A short run: 300 steps of 64 (about 15 s per model on wasm). */
const TRAIN_STEPS = 300;
const PATH_STEPS = 9;

function onShapes(name: string): GraphDoc {
  const doc = cloneDoc(loadGraph(name));
  findNode(doc, 'data').params = { ...findNode(doc, 'data').params, dataset: 'shapes', batchSize: 64 };
  return doc;
}

function compile(doc: GraphDoc): Program {
  const r = compileProgram(doc, tf);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.program;
}

const fixed = (xs: number[], digits = 3) => xs.map((x) => x.toFixed(digits)).join(' ');

/** The pixel cross-fade's mid gap over its ends (set by the second test; the trained paths must beat it). */
let fadeExcess = NaN;

describe('the moon pair and its measure', () => {
  const data = loadShapesDataset();
  const factors = data.factors!;
  const pair = moonPair({ names: factors.names, levels: factors.test })!;

  it('picks a small and a full-size ellipse of the test split at the same rotation and position', () => {
    expect(pair).toBeDefined();
    const k = shapesFactorNames.length;
    const of = (i: number) => Array.from(factors.test.subarray(i * k, (i + 1) * k));
    expect(of(pair.small)).toEqual([1, 0, pair.rotation, pair.x, pair.y]);
    expect(of(pair.large)).toEqual([1, shapeScales.length - 1, pair.rotation, pair.x, pair.y]);
    // the ladder's ends are those two test images
    const ladder = scaleLadder(pair);
    const px = 32 * 32;
    const test = (i: number) => Float32Array.from(data.test.images.subarray(i * px, (i + 1) * px), (v) => v / 255);
    expect(ladder.subarray(0, px)).toEqual(test(pair.small));
    expect(ladder.subarray((shapeScales.length - 1) * px)).toEqual(test(pair.large));
    expect(moonPair({ names: ['label'], levels: [0, 1] })).toBeUndefined();
  });

  it('the real ellipses score zero and grow; a pixel cross-fade between the ends does not look like a real ellipse', () => {
    const ladder = scaleLadder(pair);
    const real = measurePath(ladder, shapeScales.length, ladder);
    expect(real.gaps.every((g) => g === 0)).toBe(true);
    expect(real.nearestScales).toEqual([...shapeScales]);
    expect(real.growsMonotonically).toBe(true);
    expect(real.massScales[0]).toBeCloseTo(0.5, 1);
    expect(real.massScales.at(-1)).toBe(1);
    // (1 − α)·small + α·large: the double outline of two images laid on top of each other
    const px = 32 * 32;
    const fade = new Float32Array(PATH_STEPS * px);
    for (let s = 0; s < PATH_STEPS; s++) {
      const a = s / (PATH_STEPS - 1);
      for (let p = 0; p < px; p++) fade[s * px + p] = (1 - a) * ladder[p]! + a * ladder[(shapeScales.length - 1) * px + p]!;
    }
    const m = measurePath(fade, PATH_STEPS, ladder);
    expect(m.gaps[0]).toBe(0);
    expect(m.gaps.at(-1)).toBe(0);
    expect(m.midGap).toBeGreaterThan(0.03);
    expect(m.midExcess).toBe(m.midGap);
    console.info(`pixel cross-fade: mid gap ${m.midGap.toFixed(4)}, gaps ${fixed(m.gaps)}`);
    fadeExcess = m.midExcess;
  });
});

describe('AE vs VAE on the moon path (short runs)', () => {
  it('both decode a path that grows from the small to the full ellipse and stays near real ones; an untrained decoder does not', async () => {
    const data = loadShapesDataset();
    const before = tf.memory().numTensors;
    const untrained = compile(onShapes('vae'));
    const control = (await moonPath(untrained, data, PATH_STEPS)).measures;
    untrained.dispose();
    console.info(`untrained VAE: mid gap ${control.midGap.toFixed(4)}, sizes ${fixed(control.massScales, 2)}`);

    const measured: Record<'ae' | 'vae', { gap: number; excess: number }> = {
      ae: { gap: NaN, excess: NaN },
      vae: { gap: NaN, excess: NaN },
    };
    for (const name of ['ae', 'vae'] as const) {
      const program = compile(onShapes(name));
      const started = Date.now();
      const r = await train(program, { data, epochs: 100, maxSteps: TRAIN_STEPS, testLimit: 100, reportEvery: 100 });
      expect(r.status).toBe('finished');
      const inLoop = tf.memory().numTensors;
      const path = await moonPath(program, data, PATH_STEPS);
      expect(tf.memory().numTensors).toBe(inLoop);
      const m = path.measures;
      measured[name] = { gap: m.midGap, excess: m.midExcess };
      console.info(
        `${name} after ${r.steps} steps (${((Date.now() - started) / 1000).toFixed(1)} s): mid gap ${m.midGap.toFixed(4)} ` +
          `(${m.midExcess.toFixed(4)} over the ends), ` +
          `gaps ${fixed(m.gaps)}, sizes ${fixed(m.massScales, 2)}, grows at every step: ${m.growsMonotonically}`,
      );
      expect(path.images.length).toBe(PATH_STEPS * 32 * 32);
      expect(m.growsMonotonically).toBe(true);
      expect(m.massScales[0]).toBeLessThan(0.7);
      expect(m.massScales.at(-1)).toBeGreaterThan(0.85);
      expect(m.midGap).toBeLessThan(0.1);
      expect(m.midGap).toBeLessThan(control.midGap / 3);
      // not a pixel cross-fade of the two ends: the images between are about as near real ellipses as the ends
      expect(m.midExcess).toBeLessThan(fadeExcess / 2);
      program.dispose();
    }
    // reported, not asserted: on this near pair, after a short run, the autoencoder's path is not worse (see the lesson)
    const show = (v: { gap: number; excess: number }) => `${v.gap.toFixed(4)} (${v.excess.toFixed(4)} over the ends)`;
    console.info(
      `mid gap to the nearest real ellipse: AE ${show(measured.ae)}, VAE ${show(measured.vae)}, cross-fade ${fadeExcess.toFixed(4)}`,
    );
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);

  it('the training worker answers a moon row for shapes, refuses MNIST, and keeps no tensors', async () => {
    const options = { backend: 'wasm' as const, trainLimit: 512, testLimit: 64, scatterSize: 16, reportEvery: 5, previewEvery: 1000 };
    const h = nodeHost();
    h.host.handle({ type: 'start', runId: 1, doc: onShapes('vae'), options: { ...options, maxSteps: 10 } });
    await h.waitFor(() => h.of('finished', 1).length > 0 || h.of('failed', 1).length > 0, 'the shapes run', 120_000);
    expect(h.of('failed', 1)).toEqual([]);
    const before = tf.memory().numTensors;
    h.host.handle({ type: 'moonPath', runId: 1, requestId: 1, steps: 5 });
    await h.waitFor(() => h.of('moonRow', 1).length + h.of('moonFailed', 1).length > 0, 'the moon row');
    expect(h.of('moonFailed', 1)).toEqual([]);
    const { row } = h.of('moonRow', 1)[0]!;
    expect(row.variational).toBe(true);
    expect([row.images.n, row.images.data.length, row.ends.data.length]).toEqual([5, 5 * 1024, 2 * 1024]);
    expect(row.gaps.length).toBe(5);
    expect(row.pair.shape).toBe(1);
    expect(tf.memory().numTensors).toBe(before);

    h.host.handle({ type: 'start', runId: 2, doc: loadGraph('ae'), options: { ...options, maxSteps: 2 } });
    await h.waitFor(() => h.of('finished', 2).length > 0 || h.of('failed', 2).length > 0, 'the MNIST run', 120_000);
    h.host.handle({ type: 'moonPath', runId: 2, requestId: 2, steps: 5 });
    await h.waitFor(() => h.of('moonFailed', 2).length + h.of('moonRow', 2).length > 0, 'the refusal');
    expect(h.of('moonFailed', 2)[0]?.message).toMatch(/needs the shapes dataset/);
    h.host.handle({ type: 'cancel', runId: 2 });
  }, 180_000);
});
