/** Scores a program on the test split: reconstruction, KL (sampled z, fixed seeds), KL per dimension, active units. */
import type { Tensor, TF } from '../../../nodes/defineNode';
import type { Batch, Program } from '../../compiler/program';
import { BatchSampler } from '../../data/batches';
import type { DatasetData } from '../../data/format';

export interface EvalMetrics {
  /** −log p(x|z) per example, averaged over the test set. */
  recon: number;
  kl: number;
  /** The weighted KL as it enters the objective (β·|KL − C|), per example. */
  betaKl: number;
  /** ELBO = −(recon + KL), per example (nats; higher is better). */
  elbo: number;
  klPerDim: number[];
  /** Var over the test set of E_q[z_u|x], per dimension. */
  meanVariance: number[];
  /** Dimensions with meanVariance > 0.01 (Burda et al.). */
  activeUnits: number;
}

export function toBatch(tf: TF, arrays: { x: Float32Array; labels: Int32Array; size: number }, imageShape: readonly number[]): Batch {
  return {
    x: tf.tensor4d(arrays.x, [arrays.size, imageShape[0] as number, imageShape[1] as number, imageShape[2] as number]),
    labels: tf.tensor1d(arrays.labels, 'int32'),
  };
}

/** Scores the test split: reconstruction, KL (sampled z, fixed seeds), per-dim KL, active units. */
export async function evaluateProgram(
  program: Program,
  data: DatasetData,
  options: { step: number; limit?: number; batchSize?: number; live?: Record<string, Record<string, number>> } = { step: 0 },
): Promise<EvalMetrics> {
  const { tf, plan } = program;
  const sampler = new BatchSampler(data, {
    split: 'test',
    batchSize: options.batchSize ?? 500,
    binarize: plan.dataset.binarize,
    seed: program.seed,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const d = plan.generation?.latentDim ?? 0;
  // [recon·n, kl·n, n, betaKl·n, klPerDim·n (d), Σμ (d), Σμ² (d)]
  const width = 4 + 3 * d;
  const acc = tf.tidy(() => tf.variable(tf.zeros([width]), false));
  try {
    for (let i = 0; i < sampler.batchesPerEpoch; i++) {
      const arrays = sampler.batch(0, i);
      tf.tidy(() => {
        const batch = toBatch(tf, arrays, plan.imageShape);
        const t = program.losses(batch, {
          mode: 'test',
          step: options.step,
          noiseKey: `test:${i}`,
          ...(options.live ? { live: options.live } : {}),
        });
        const n = arrays.size;
        const parts: Tensor[] = [tf.stack([tf.mul(t.recon, n), tf.mul(t.kl, n), tf.scalar(n), tf.mul(t.betaKl, n)])];
        if (d > 0) {
          parts.push(t.klPerDim && t.klPerDim.size === d ? tf.mul(t.klPerDim, n) : tf.zeros([d]));
          parts.push(t.mean ? tf.sum(t.mean, 0) : tf.zeros([d]));
          parts.push(t.mean ? tf.sum(tf.square(t.mean), 0) : tf.zeros([d]));
        }
        acc.assign(tf.add(acc, tf.concat(parts)));
      });
    }
    const v = await acc.data();
    const n = v[2] as number;
    const klPerDim: number[] = [];
    const meanVariance: number[] = [];
    for (let j = 0; j < d; j++) {
      klPerDim.push((v[4 + j] as number) / n);
      const m = (v[4 + d + j] as number) / n;
      const m2 = (v[4 + 2 * d + j] as number) / n;
      meanVariance.push(Math.max(0, m2 - m * m));
    }
    const recon = (v[0] as number) / n;
    const kl = (v[1] as number) / n;
    return {
      recon,
      kl,
      betaKl: (v[3] as number) / n,
      elbo: -(recon + kl),
      klPerDim,
      meanVariance,
      activeUnits: plan.generation?.mean ? meanVariance.filter((x) => x > 0.01).length : 0,
    };
  } finally {
    acc.dispose();
  }
}
