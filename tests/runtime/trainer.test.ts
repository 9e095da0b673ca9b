import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileProgram, type Program } from '../../src/compiler/program';
import type { GraphDoc } from '../../src/core/schema';
import type { DatasetData } from '../../src/data/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import { missingKernels } from '../../src/runtime/worker/kernels';
import { TrainControl, train, type TrainEvent } from '../../src/runtime/worker/trainer';
import { cloneDoc, findNode, graphFiles, loadGraph } from '../helpers';
import { useBackend } from '../tf';

let tf: typeof tfType;
let mnist: DatasetData;
beforeAll(async () => {
  tf = await useBackend('wasm');
  mnist = loadDatasetNode('mnist');
});

function compile(doc: GraphDoc): Program {
  const r = compileProgram(doc, tf);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.program;
}

function small(doc: GraphDoc, batchSize = 32): GraphDoc {
  const d = cloneDoc(doc);
  findNode(d, 'data').params.batchSize = batchSize;
  return d;
}

describe('train', () => {
  test.each(graphFiles())('%s trains a few steps on wasm; the loss falls and stays finite', async (file) => {
    await tf.setBackend('wasm');
    const batch = 64;
    const p = compile(small(loadGraph(file), batch));
    const losses: number[] = [];
    const r = await train(p, {
      data: loadDatasetNode(p.plan.dataset.id),
      epochs: 1,
      trainLimit: batch * 12,
      testLimit: 200,
      reportEvery: 4,
      onEvent: (e) => {
        if (e.type === 'progress') losses.push(e.train.objective);
      },
    });
    expect(r.status).toBe('finished');
    expect(r.steps).toBe(12);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
    expect(r.final && Number.isFinite(r.final.recon)).toBe(true);
    p.dispose();
    await tf.setBackend('wasm');
  });

  test('convolution graphs need no kernel that wasm or cpu lack (the filter gradient is built from patches)', () => {
    const p = compile(loadGraph('conv-vae'));
    expect(missingKernels(tf, 'wasm', p.plan)).toEqual([]);
    expect(missingKernels(tf, 'cpu', p.plan)).toEqual([]);
    p.dispose();
  });

  test('no tensor leaks: numTensors is flat across epochs', async () => {
    const p = compile(small(loadGraph('beta-vae')));
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await train(p, {
      data: mnist,
      epochs: 3,
      trainLimit: 32 * 5,
      testLimit: 100,
      reportEvery: 2,
      onEvent: (e: TrainEvent) => {
        if (e.type === 'epochEnded') counts.push(tf.memory().numTensors);
      },
    });
    expect(counts.length).toBe(3);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  test('reproducible: the same seed gives the same losses and weights; another seed differs', async () => {
    const run = async (seed: number) => {
      const doc = small(loadGraph('vae'));
      doc.training.seed = seed;
      const p = compile(doc);
      const losses: number[] = [];
      await train(p, {
        data: mnist,
        epochs: 1,
        trainLimit: 32 * 6,
        testLimit: 100,
        reportEvery: 1,
        onEvent: (e) => e.type === 'progress' && losses.push(e.train.objective),
      });
      const w = (await p.readWeights())['decoder/dense1/bias']?.values;
      p.dispose();
      return { losses, w };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.losses).toEqual(b.losses);
    expect(a.w).toEqual(b.w);
    expect(a.losses).not.toEqual(c.losses);
  });

  test('a NaN stops training with a clear message and keeps the last good weights', async () => {
    const p = compile(small(loadGraph('vae')));
    let good: Float32Array | undefined;
    let reports = 0;
    const r = await train(p, {
      data: mnist,
      epochs: 1,
      trainLimit: 32 * 20,
      testLimit: 100,
      reportEvery: 2,
      onReport: async () => {
        reports++;
        if (reports === 3) {
          good = (await p.readWeights())['encoder/mean/kernel']?.values;
          // poison one weight: the next steps produce NaN losses
          const v = p.model.namedVariables.get('encoder/dense0/bias');
          tf.tidy(() => v?.assign(tf.fill(v.shape, NaN)));
        }
      },
    });
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(
      /training diverged near step 8: the reconstruction loss became NaN\. The weights from step 6 \(the last good ones\) were kept/,
    );
    const after = await p.readWeights();
    expect(after['encoder/mean/kernel']?.values).toEqual(good);
    expect(Array.from(after['encoder/dense0/bias']?.values ?? []).every(Number.isFinite)).toBe(true);
    p.dispose();
  });

  test('a genuinely unstable setting (learning rate 1, learned σ) is caught too', async () => {
    const doc = small(loadGraph('vae'));
    doc.training.learningRate = 1;
    doc.training.optimizer = 'sgd';
    Object.assign(findNode(doc, 'recon').params, { distribution: 'gaussian', sigma: 0.01, learnSigma: true });
    const p = compile(doc);
    const r = await train(p, { data: mnist, epochs: 1, trainLimit: 32 * 30, testLimit: 100, reportEvery: 1 });
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/became (NaN|infinite)/);
    p.dispose();
  });

  test('pause, single steps, resume and abort', async () => {
    const p = compile(small(loadGraph('vae')));
    const control = new TrainControl();
    const abort = new AbortController();
    const events: string[] = [];
    control.pause();
    const running = train(p, {
      data: mnist,
      epochs: 5,
      trainLimit: 32 * 10,
      testLimit: 100,
      reportEvery: 1,
      control,
      signal: abort.signal,
      onEvent: (e) => {
        events.push(e.type === 'progress' ? `step${e.step}` : e.type);
        if (e.type === 'progress' && e.step === 2) control.resume();
        if (e.type === 'progress' && e.step === 5) abort.abort();
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['started', 'paused']);
    control.step(2);
    const r = await running;
    expect(r.status).toBe('aborted');
    expect(r.steps).toBe(5);
    expect(events.slice(0, 4)).toEqual(['started', 'paused', 'step1', 'paused']);
    p.dispose();
  });

  test('progress comes by the clock when steps are slow; a pause made between reports is seen at the next step', async () => {
    const p = compile(small(loadGraph('vae')));
    const control = new TrainControl();
    const progressSteps: number[] = [];
    let pausedAt: number | undefined;
    let pauseAskedAt: number | undefined;
    const running = train(p, {
      data: mnist,
      epochs: 1,
      trainLimit: 32 * 12,
      testLimit: 32,
      // by step count, only the end of the epoch would be reported
      reportEvery: 1000,
      reportIntervalMs: 60,
      yieldIntervalMs: 0,
      control,
      // each step takes at least 40 ms
      beforeStep: () => new Promise((r) => setTimeout(r, 40)),
      onEvent: (e) => {
        if (e.type === 'progress') progressSteps.push(e.step);
        if (e.type === 'paused') pausedAt = e.step;
      },
      onBatch: (step) => {
        if (step === 5 && pauseAskedAt === undefined) {
          pauseAskedAt = step;
          setTimeout(() => control.pause(), 0);
        }
      },
    });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (pausedAt !== undefined) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    // asked while step 5 was about to run: seen before step 7 starts
    expect(pausedAt).toBeLessThanOrEqual(7);
    control.resume();
    const r = await running;
    expect(r.steps).toBe(12);
    // roughly every other step, not only at the end
    expect(progressSteps.length).toBeGreaterThanOrEqual(4);
    p.dispose();
  });

  test('live β and learning rate changes apply to the next steps', async () => {
    const p = compile(small(loadGraph('beta-vae')));
    const control = new TrainControl();
    const betas: number[] = [];
    const applied: Array<{ learningRate: number; live: Record<string, Record<string, number>> }> = [];
    // how far one step moves the weights (Adam moves each by about the learning rate)
    const moves: number[] = [];
    let before = await p.readWeights();
    await train(p, {
      data: mnist,
      epochs: 1,
      trainLimit: 32 * 6,
      testLimit: 100,
      reportEvery: 1,
      control,
      onEvent: (e) => {
        if (e.type !== 'progress') return;
        betas.push(e.train.beta);
        applied.push(e.applied);
        if (e.step === 3) {
          control.setLive('beta', 'beta', 0.5);
          control.learningRate = 1e-4;
        }
      },
      onReport: async () => {
        const after = await p.readWeights();
        const kernel = (w: typeof after) => w['decoder/dense1/kernel']?.values ?? new Float32Array();
        const [a, b] = [kernel(before), kernel(after)];
        moves.push(a.reduce((s, v, i) => s + Math.abs((b[i] as number) - v), 0) / a.length);
        before = after;
      },
    });
    expect(betas).toEqual([4, 4, 4, 0.5, 0.5, 0.5]);
    // what the steps trained with, as the β node read it and the optimizer applied it
    expect(applied.map((a) => a.learningRate)).toEqual([0.001, 0.001, 0.001, 1e-4, 1e-4, 1e-4]);
    expect(applied.map((a) => a.live.beta?.beta)).toEqual([undefined, undefined, undefined, 0.5, 0.5, 0.5]);
    // and the weights moved about ten times less per step after the change
    const early = ((moves[1] ?? 0) + (moves[2] ?? 0)) / 2;
    const late = ((moves[4] ?? 0) + (moves[5] ?? 0)) / 2;
    expect(late / early).toBeGreaterThan(0.03);
    expect(late / early).toBeLessThan(0.3);
    p.dispose();
  });
});
