/**
 * The importance-weighted estimate of log p(x) (Burda et al.): for each test
 * image, k draws z ~ q(z|x) and log (1/k Σ p(x|z)·p(z)/q(z|x)). It is a lower
 * bound that rises towards log p(x) with k; the mean of the same log-weights is
 * the ELBO on the same images and draws. k may run to thousands: the draws go
 * through the model in passes of at most `rowsPerPass` rows.
 */
import { nodeRegistry } from '../../nodes';
import type { Tensor } from '../../nodes/defineNode';
import { importancePath, logImportanceWeights } from '../compiler/importance';
import type { Program } from '../compiler/program';
import { hashSeed, Rng } from '../core/random';
import { BatchSampler } from '../data/batches';
import type { DatasetData } from '../data/format';
import { toBatch } from '../runtime/worker/evaluate';

export interface LikelihoodEstimate {
  /** Draws of z per image (k). */
  samples: number;
  images: number;
  /** Mean over the images of the IW-k estimate of log p(x), nats. */
  logLikelihood: number;
  /** Mean over the images and draws of log w: the ELBO on the same images (nats). */
  elbo: number;
  /** Per image, in test-set order. */
  perImage: { logLikelihood: Float64Array; elbo: Float64Array };
}

export interface LikelihoodOptions {
  samples: number;
  /** Score the first N test images (default: all). */
  limit?: number;
  /** Rows of draws through the model at once (memory stays bounded by this, whatever k is). */
  rowsPerPass?: number;
  /** Seeds the draws (default: the program's seed). */
  seed?: number;
  /** Called after each pass of images; a promise it returns is awaited (to let other work in, or to stop by throwing). */
  onProgress?: (imagesDone: number, images: number) => void | Promise<void>;
}

/** Why the graph has no likelihood to estimate, or undefined when it has one. */
export function likelihoodProblem(program: Program): string | undefined {
  const path = importancePath(program.plan, nodeRegistry);
  return typeof path === 'string' ? `log p(x) cannot be estimated: ${path}` : undefined;
}

export async function estimateLogLikelihood(program: Program, data: DatasetData, options: LikelihoodOptions): Promise<LikelihoodEstimate> {
  const { tf, plan, model } = program;
  const path = importancePath(plan, nodeRegistry);
  if (typeof path === 'string') throw new Error(`log p(x) cannot be estimated: ${path}`);
  const k = options.samples;
  if (!Number.isInteger(k) || k < 1) throw new Error(`the number of samples must be a whole number ≥ 1, got ${k}`);
  const rows = Math.max(1, options.rowsPerPass ?? 2000);
  const drawsPerPass = Math.min(k, rows);
  const imagesPerPass = Math.max(1, Math.floor(rows / drawsPerPass));
  const sampler = new BatchSampler(data, {
    split: 'test',
    batchSize: imagesPerPass,
    binarize: plan.dataset.binarize,
    seed: program.seed,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const seed = options.seed ?? program.seed;
  const d = path.latentDim;
  const logLikelihood = new Float64Array(sampler.count);
  const elbo = new Float64Array(sampler.count);
  let done = 0;
  for (let i = 0; i < sampler.batchesPerEpoch; i++) {
    const arrays = sampler.batch(0, i);
    const b = arrays.size;
    const batch = toBatch(tf, arrays, plan.imageShape);
    const posterior = tf.tidy(() => {
      const ev = model.evaluate({
        mode: 'infer',
        step: 0,
        noiseKey: 'iw:encode',
        feeds: new Map([
          [path.imagesKey, batch.x],
          [path.labelsKey, batch.labels],
        ]),
      });
      return [ev.get(path.mean), ev.get(path.logVar)] as Tensor[];
    });
    // running log Σ w and Σ log w per image, over the passes of draws
    let logSum: Tensor = tf.fill([b], -Infinity);
    let sumLog: Tensor = tf.zeros([b]);
    try {
      for (let start = 0; start < k; start += drawsPerPass) {
        const n = Math.min(drawsPerPass, k - start);
        const eps = new Rng(hashSeed(seed, 'iw', i, start)).fillNormal(new Float32Array(b * n * d));
        const [nextLogSum, nextSumLog] = tf.tidy(() => {
          const logWeights = logImportanceWeights(tf, model, path, {
            x: batch.x,
            labels: batch.labels,
            mean: posterior[0] as Tensor,
            logVar: posterior[1] as Tensor,
            eps: tf.tensor2d(eps, [b * n, d]),
            k: n,
            run: { mode: 'test', step: 0, noiseKey: `iw:${i}:${start}` },
          });
          return [tf.logSumExp(tf.stack([logSum, tf.logSumExp(logWeights, 1)]), 0), tf.add(sumLog, tf.sum(logWeights, 1))];
        }) as [Tensor, Tensor];
        logSum.dispose();
        sumLog.dispose();
        logSum = nextLogSum;
        sumLog = nextSumLog;
      }
      const [ls, sl] = await Promise.all([logSum.data(), sumLog.data()]);
      for (let j = 0; j < b; j++) {
        logLikelihood[done + j] = (ls[j] as number) - Math.log(k);
        elbo[done + j] = (sl[j] as number) / k;
      }
    } finally {
      logSum.dispose();
      sumLog.dispose();
      for (const t of posterior) t.dispose();
      batch.x.dispose();
      batch.labels.dispose();
    }
    done += b;
    await options.onProgress?.(done, sampler.count);
  }
  const average = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  return {
    samples: k,
    images: sampler.count,
    logLikelihood: average(logLikelihood),
    elbo: average(elbo),
    perImage: { logLikelihood, elbo },
  };
}
