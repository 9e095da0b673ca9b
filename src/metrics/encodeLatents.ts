/**
 * From a trained program to disentanglement scores: encode a split of the
 * dataset into latent means μ (batched, each batch inside tf.tidy, read back
 * and disposed, so nothing leaks), then score them against the dataset's
 * known factors.
 */
import type { Tensor } from '../../nodes/defineNode';
import type { Program } from '../compiler/program';
import { BatchSampler, type Split } from '../data/batches';
import type { DatasetData } from '../data/format';
import { scoreLatents, type DisentanglementOptions, type DisentanglementScores } from './scoreLatents';
import { type FactorLevels, type LatentCodes } from './disentanglement';

export interface EncodedImages {
  split: Split;
  /** μ of q(z|x) per image, [count × dims]. */
  means: LatentCodes;
  /** log σ² of q(z|x) per image, [count × dims], when the encoder has a variance head. */
  logVars: Float32Array | undefined;
  /** Class label per image. */
  labels: Uint8Array;
  /** The images' ground-truth factors, when the dataset has them. */
  factors: FactorLevels | undefined;
}

export interface EncodeOptions {
  split?: Split;
  /** Only the first N images of the split (splits are stored shuffled, so this is a fair sample). */
  limit?: number;
  /** Images per forward pass (default 500). */
  batchSize?: number;
  signal?: AbortSignal;
}

/**
 * The encoder's means μ for the images of a split (default: test), as the model
 * sees them at test time (binarized statically when the graph binarizes).
 */
export async function encodeDataset(program: Program, data: DatasetData, options: EncodeOptions = {}): Promise<EncodedImages> {
  const { tf, plan } = program;
  const gen = plan.generation;
  if (!gen?.mean) throw new Error('this graph has no encoder: latent codes come from the μ of an Encoder');
  const split = options.split ?? 'test';
  const sampler = new BatchSampler(data, {
    split,
    batchSize: 1,
    binarize: plan.dataset.binarize,
    seed: program.seed,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const count = sampler.count;
  const dims = gen.latentDim;
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const [h, w, c] = data.imageShape;
  const means = new Float32Array(count * dims);
  let logVars: Float32Array | undefined = gen.logVar ? new Float32Array(count * dims) : undefined;
  for (let start = 0; start < count; start += batchSize) {
    if (options.signal?.aborted) throw new Error('encoding was cancelled');
    const end = Math.min(count, start + batchSize);
    const arrays = sampler.images(Uint32Array.from({ length: end - start }, (_, i) => start + i));
    const outputs: Tensor[] = tf.tidy(() => {
      const encoded = program.encode(tf.tensor4d(arrays.x, [arrays.size, h, w, c]));
      return encoded.logVar ? [encoded.mean, encoded.logVar] : [encoded.mean];
    });
    try {
      const [mean, logVar] = outputs;
      means.set(await (mean as Tensor).data<'float32'>(), start * dims);
      if (logVar && logVars) logVars.set(await logVar.data<'float32'>(), start * dims);
      else logVars = undefined;
    } finally {
      for (const t of outputs) t.dispose();
    }
  }
  const set = split === 'train' ? data.train : data.test;
  const table = data.factors?.[split];
  const k = data.factors?.names.length ?? 0;
  return {
    split,
    means: { values: means, count, dims },
    logVars,
    labels: set.labels.subarray(0, count),
    factors: data.factors && table ? { values: table.subarray(0, count * k), count, sizes: data.factors.sizes } : undefined,
  };
}

export interface ProgramScores extends DisentanglementScores {
  /** Factor names, in the order of every per-factor array. */
  factorNames: string[];
  split: Split;
  /** Images scored. */
  count: number;
  dims: number;
}

/**
 * Encodes a split (default: the first 5,000 test images) and scores the codes:
 * MIG, FactorVAE score and β-VAE score. The dataset must have known factors.
 */
export async function scoreProgram(
  program: Program,
  data: DatasetData,
  options: EncodeOptions & DisentanglementOptions = {},
): Promise<ProgramScores> {
  if (!data.factors) {
    throw new Error(
      'this dataset has no known factors of variation; disentanglement is scored on a dataset generated from known factors, such as shapes',
    );
  }
  const encoded = await encodeDataset(program, data, { limit: 5000, ...options });
  if (!encoded.factors) throw new Error(`the ${encoded.split} split has no factor table`);
  const scores = scoreLatents(encoded.means, encoded.factors, options);
  return { ...scores, factorNames: [...data.factors.names], split: encoded.split, count: encoded.means.count, dims: encoded.means.dims };
}
