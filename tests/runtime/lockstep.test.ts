/**
 * Lock-step training: forks start from the same weights, read the same
 * batches with the same noise, and stay at the same step; the only difference
 * between their numbers is the one change made.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { compileProgram, type Program } from '../../src/compiler/program';
import { applySwaps } from '../../src/core/fork';
import type { GraphDoc } from '../../src/core/schema';
import { loadDatasetNode } from '../../src/data/loadNode';
import { EMPTY_DIGEST, StepBarrier, batchKey, digestIndices, trainLockstep } from '../../src/runtime/worker/lockstep';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import type { TrainEvent } from '../../src/runtime/worker/trainer';
import { smallVae } from '../helpers';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

function fork(doc: GraphDoc, ...swaps: string[]): GraphDoc {
  const r = applySwaps(doc, specRegistry, swaps);
  if (!r.ok) throw new Error(r.message);
  return r.doc;
}

function programOf(doc: GraphDoc): Program {
  const c = compileProgram(doc, tf);
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return c.program;
}

type Progress = Extract<TrainEvent, { type: 'progress' }>;

describe('StepBarrier', () => {
  const tick = () => new Promise((r) => setTimeout(r, 0));

  test('a lane waits until every other lane has reached its step', async () => {
    const b = new StepBarrier(3);
    const done: string[] = [];
    void b.arrive(0, 10).then(() => done.push('0@10'));
    await tick();
    expect(done).toEqual([]);
    void b.arrive(1, 10).then(() => done.push('1@10'));
    await tick();
    expect(done).toEqual([]);
    // lane 2 reports further on: the others may go, it waits for them
    void b.arrive(2, 20).then(() => done.push('2@20'));
    await tick();
    expect(done.sort()).toEqual(['0@10', '1@10']);
    void b.arrive(0, 20).then(() => done.push('0@20'));
    await tick();
    expect(done).not.toContain('2@20');
    b.leave(1); // a finished lane holds nobody back
    await tick();
    expect(done).toContain('2@20');
    expect(done).toContain('0@20');
  });

  test('abort opens it', async () => {
    const abort = new AbortController();
    const b = new StepBarrier(2, abort.signal);
    let released = false;
    void b.arrive(0, 5).then(() => (released = true));
    await tick();
    expect(released).toBe(false);
    abort.abort();
    await tick();
    expect(released).toBe(true);
    await b.arrive(0, 6); // and stays open
  });
});

describe('batch digests and keys', () => {
  test('the digest depends on the indices and their order', () => {
    const a = digestIndices(EMPTY_DIGEST, [1, 2, 3]);
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(digestIndices(EMPTY_DIGEST, [1, 2, 3])).toBe(a);
    expect(digestIndices(EMPTY_DIGEST, [3, 2, 1])).not.toBe(a);
    expect(digestIndices(digestIndices(EMPTY_DIGEST, [1, 2]), [3])).not.toBe(a); // the same images in other batches
  });

  test('forks that keep data, batch size and seed read the same batches', () => {
    const vae = smallVae();
    expect(batchKey(fork(vae, 'loss=mse'), {})).toBe(batchKey(vae, {}));
    expect(batchKey(fork(vae, 'beta=4'), { trainLimit: 100 })).toBe(batchKey(vae, { trainLimit: 100 }));
    expect(batchKey(fork(vae, 'data.batchSize=64'), {})).not.toBe(batchKey(vae, {}));
    expect(batchKey(vae, { trainLimit: 100 })).not.toBe(batchKey(vae, {}));
  });
});

describe('trainLockstep', () => {
  const data = loadDatasetNode('mnist');

  test('the MSE fork: same initial weights, same batches, same step; the first losses differ only in the likelihood', async () => {
    const programs = [programOf(smallVae()), programOf(fork(smallVae(), 'loss=mse'))];
    try {
      const [w0, w1] = await Promise.all(programs.map((p) => p.readWeights()));
      expect(Object.keys(w1 ?? {})).toEqual(Object.keys(w0 ?? {}));
      for (const [name, w] of Object.entries(w0 ?? {})) expect(w1?.[name]?.values).toEqual(w.values);

      const tensorsBefore = tf.memory().numTensors;
      const progress: Progress[][] = [[], []];
      const reports: Array<{ lane: number; step: number; batchDigest: string }> = [];
      const results = await trainLockstep(programs, {
        data,
        trainLimit: 192,
        testLimit: 64,
        epochs: 2,
        reportEvery: 3,
        reportFirstStep: true,
        onEvent: (lane, e) => {
          if (e.type === 'progress') progress[lane]?.push(e);
        },
        onReport: (lane, info) => {
          reports.push({ lane, step: info.step, batchDigest: info.batchDigest });
        },
      });
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(results.map((r) => [r.status, r.steps])).toEqual([
        ['finished', 12],
        ['finished', 12],
      ]);
      expect(results[0]?.batchDigest).toBe(results[1]?.batchDigest);

      // step 1 is scored on the initial weights and the first batch: the KL
      // (encoder only, same ε) is identical; the reconstruction term is not
      const [b1, m1] = [progress[0]?.[0], progress[1]?.[0]];
      expect(b1?.step).toBe(1);
      expect(m1?.step).toBe(1);
      expect(m1?.train.kl).toBe(b1?.train.kl);
      expect(m1?.train.recon).not.toBe(b1?.train.recon);
      // Bernoulli cross-entropy of grey guesses ≈ 784·log 2 ≈ 543 nats; squared error is far smaller
      expect(b1?.train.recon).toBeGreaterThan(400);
      expect(m1?.train.recon).toBeLessThan(200);

      // reports come in pairs at the same steps, with the same batches so far
      const steps = (lane: number) => reports.filter((r) => r.lane === lane).map((r) => r.step);
      expect(steps(0)).toEqual([1, 3, 6, 9, 12]);
      expect(steps(1)).toEqual(steps(0));
      for (const r of reports.filter((x) => x.lane === 0)) {
        expect(reports.find((x) => x.lane === 1 && x.step === r.step)?.batchDigest).toBe(r.batchDigest);
      }
      // after the first report neither lane ever got more than one report ahead
      let seen = [0, 0];
      for (const r of reports) {
        seen = seen.map((s, i) => (i === r.lane ? r.step : s));
        expect(Math.abs((seen[0] ?? 0) - (seen[1] ?? 0))).toBeLessThanOrEqual(3);
      }
    } finally {
      for (const p of programs) p.dispose();
    }
  });

  test('a fork that changes nothing trains to exactly the same numbers: the interleaving itself changes nothing', async () => {
    const programs = [programOf(smallVae()), programOf(fork(smallVae(), 'kl.freeBits=0'))];
    try {
      const objectives: number[][] = [[], []];
      const results = await trainLockstep(programs, {
        data,
        trainLimit: 128,
        testLimit: 64,
        epochs: 1,
        reportEvery: 1,
        onEvent: (lane, e) => {
          if (e.type === 'progress') objectives[lane]?.push(e.train.objective);
        },
      });
      expect(objectives[0]?.length).toBe(4);
      expect(objectives[1]).toEqual(objectives[0]);
      expect(results[1]?.final?.elbo).toBe(results[0]?.final?.elbo);
    } finally {
      for (const p of programs) p.dispose();
    }
  });

  test('different batch sizes: both run to their own end, and the faster one waits at each report', async () => {
    const programs = [programOf(smallVae()), programOf(fork(smallVae(), 'data.batchSize=64'))];
    try {
      const order: Array<[number, number]> = [];
      const results = await trainLockstep(programs, {
        data,
        trainLimit: 256,
        testLimit: 32,
        epochs: 1,
        reportEvery: 2,
        onReport: (lane, { step }) => {
          order.push([lane, step]);
        },
      });
      expect(results.map((r) => r.steps)).toEqual([8, 4]);
      expect(results[0]?.batchDigest).not.toBe(results[1]?.batchDigest);
      // lane 1 (4 steps) finished while lane 0 went on alone
      expect(order.filter(([lane]) => lane === 1).map(([, s]) => s)).toEqual([2, 4]);
      expect(order.filter(([lane]) => lane === 0).map(([, s]) => s)).toEqual([2, 4, 6, 8]);
    } finally {
      for (const p of programs) p.dispose();
    }
  });

  test('an abort stops every lane', async () => {
    const programs = [programOf(smallVae()), programOf(fork(smallVae(), 'loss=mse'))];
    try {
      const abort = new AbortController();
      const results = await trainLockstep(programs, {
        data,
        trainLimit: 640,
        testLimit: 32,
        epochs: 5,
        reportEvery: 2,
        signal: abort.signal,
        onReport: (_lane, { step }) => {
          if (step >= 4) abort.abort();
        },
      });
      expect(results.map((r) => r.status)).toEqual(['aborted', 'aborted']);
      expect(Math.abs((results[0]?.steps ?? 0) - (results[1]?.steps ?? 0))).toBeLessThanOrEqual(2);
    } finally {
      for (const p of programs) p.dispose();
    }
  });
});
