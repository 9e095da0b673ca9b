// The importance-weighted estimate of log p(x): above the ELBO, rising with k, normalised likelihoods, no leaks; the IWAE objective.
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileProgram, type Program } from '../../src/compiler/program';
import type { GraphDoc } from '../../src/core/schema';
import type { DatasetData } from '../../src/data/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import { estimateLogLikelihood, likelihoodProblem } from '../../src/metrics/logLikelihood';
import { BatchSampler } from '../../src/data/batches';
import { evaluateProgram, toBatch } from '../../src/runtime/worker/evaluate';
import { train } from '../../src/runtime/worker/trainer';
import { cloneDoc, findNode, loadGraph, smallVae } from '../helpers';
import { useBackend } from '../tf';

let tf: typeof tfType;
let mnist: DatasetData;
beforeAll(async () => {
  tf = await useBackend('wasm');
  mnist = loadDatasetNode('mnist');
});

function compile(doc: GraphDoc, seed?: number): Program {
  const r = compileProgram(doc, tf, seed !== undefined ? { seed } : {});
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.program;
}

describe('the IW-k estimate of log p(x)', () => {
  test('lies above the ELBO of the same images and rises with k; k = 1 is the ELBO', async () => {
    const program = compile(smallVae());
    try {
      await train(program, { data: mnist, epochs: 1, trainLimit: 1600, testLimit: 50 });
      const images = 60;
      const test = await evaluateProgram(program, mnist, { step: 0, limit: images });
      const estimates = [];
      for (const samples of [1, 10, 100]) estimates.push(await estimateLogLikelihood(program, mnist, { samples, limit: images }));
      for (const e of estimates) {
        expect(e.images).toBe(images);
        for (let i = 0; i < images; i++) expect(e.perImage.logLikelihood[i]).toBeGreaterThanOrEqual((e.perImage.elbo[i] as number) - 1e-3);
      }
      const [l1, l10, l100] = estimates.map((e) => e.logLikelihood) as [number, number, number];
      // one draw is one sample of the ELBO: the trainer's test ELBO within noise
      expect(Math.abs(l1 - test.elbo)).toBeLessThan(3);
      expect(l10).toBeGreaterThan(test.elbo);
      expect(l10).toBeGreaterThan(l1);
      expect(l100).toBeGreaterThan(l10 - 0.1);
    } finally {
      program.dispose();
    }
  }, 60_000);

  test('counts MSE as the Gaussian with σ² = ½ it is, constant included', async () => {
    const mse = cloneDoc(smallVae());
    findNode(mse, 'recon').params = { distribution: 'mse', sigma: 0.1, learnSigma: false };
    const gaussian = cloneDoc(mse);
    findNode(gaussian, 'recon').params = { distribution: 'gaussian', sigma: Math.SQRT1_2, learnSigma: false };
    const [a, b] = [compile(mse, 5), compile(gaussian, 5)];
    try {
      const [ea, eb] = [
        await estimateLogLikelihood(a, mnist, { samples: 20, limit: 10 }),
        await estimateLogLikelihood(b, mnist, { samples: 20, limit: 10 }),
      ];
      expect(Number.isFinite(ea.logLikelihood)).toBe(true);
      expect(Math.abs(ea.logLikelihood - eb.logLikelihood)).toBeLessThan(1e-2 * Math.abs(eb.logLikelihood) + 1e-2);
      expect(ea.logLikelihood).toBeGreaterThan(ea.elbo);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  test('runs k in bounded passes without leaking a tensor', async () => {
    const program = compile(smallVae(), 3);
    try {
      const run = () => estimateLogLikelihood(program, mnist, { samples: 300, limit: 7, rowsPerPass: 128 });
      const first = await run();
      const before = tf.memory().numTensors;
      const again = await run();
      expect(tf.memory().numTensors).toBe(before);
      expect(again.logLikelihood).toBe(first.logLikelihood);
      expect(again.samples).toBe(300);
    } finally {
      program.dispose();
    }
  });

  test('says why an autoencoder has none', () => {
    const program = compile(loadGraph('ae'));
    try {
      expect(likelihoodProblem(program)).toMatch(/does not sample z/);
    } finally {
      program.dispose();
    }
  });
});

describe('the IWAE objective (importance samples on the Loss)', () => {
  test('is tighter than the ELBO on the same batch and trains', async () => {
    const iwae = cloneDoc(smallVae());
    findNode(iwae, 'loss').params = { importanceSamples: 8 };
    const [elboProgram, iwaeProgram] = [compile(smallVae(), 9), compile(iwae, 9)];
    try {
      const arrays = new BatchSampler(mnist, { split: 'test', batchSize: 64, binarize: 'none', seed: 1 }).batch(0, 0);
      const batch = toBatch(tf, arrays, [28, 28, 1]);
      const options = { mode: 'test' as const, step: 0, noiseKey: 'check' };
      const [elbo, bound] = tf.tidy(() => [
        elboProgram.losses(batch, options).objective.dataSync()[0] as number,
        iwaeProgram.losses(batch, options).objective.dataSync()[0] as number,
      ]);
      tf.dispose([batch.x, batch.labels]);
      expect(bound).toBeLessThan(elbo);
      const r = await train(iwaeProgram, { data: mnist, epochs: 1, trainLimit: 320, testLimit: 50 });
      expect(r.status).toBe('finished');
      expect(Number.isFinite(r.final?.elbo)).toBe(true);
    } finally {
      elboProgram.dispose();
      iwaeProgram.dispose();
    }
  }, 60_000);

  test('is refused where it cannot apply: a β weight, an autoencoder', () => {
    const beta = cloneDoc(loadGraph('beta-vae'));
    findNode(beta, 'loss').params = { importanceSamples: 4 };
    const r = compileProgram(beta, tf);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]?.message).toMatch(/weight of 'beta'.*would not apply/);
    const ae = cloneDoc(loadGraph('ae'));
    findNode(ae, 'loss').params = { importanceSamples: 4 };
    const rAe = compileProgram(ae, tf);
    expect(rAe.ok).toBe(false);
    if (!rAe.ok) expect(rAe.diagnostics[0]?.message).toMatch(/needs a posterior q\(z\|x\), a sampler/);
  });
});
