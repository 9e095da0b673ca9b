/**
 * Mini-batches as plain arrays (tensors are made by the trainer). Shuffling and
 * binarization are seeded, so the same seed gives the same batches everywhere:
 * that is what lets two runs be compared in lock-step.
 */
import { hashSeed, permutation, Rng } from '../core/random';
import type { BinarizeMode } from '../compiler/plan';
import type { DatasetData, ImageSet } from './format';

export type Split = 'train' | 'test';

export interface BatchArrays {
  /** [size·h·w·c] floats in 0..1 */
  x: Float32Array;
  labels: Int32Array;
  size: number;
  /** Dataset indices of the images in this batch. */
  indices: Uint32Array;
}

/** Seed of the fixed ("static") binarization: part of the data, not the run. */
export const STATIC_BINARIZATION_SEED = 0x5eed;

const staticCache = new WeakMap<ImageSet, Uint8Array>();

/** Each image binarized once, with a fixed seed: pixel = 1 with probability = its grey value. */
export function staticBinarized(set: ImageSet): Uint8Array {
  const cached = staticCache.get(set);
  if (cached) return cached;
  const out = new Uint8Array(set.images.length);
  const rng = new Rng(hashSeed(STATIC_BINARIZATION_SEED, set.count, set.images.length));
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 255 < (set.images[i] as number) ? 1 : 0;
  staticCache.set(set, out);
  return out;
}

export interface SamplerOptions {
  split: Split;
  batchSize: number;
  binarize: BinarizeMode;
  /** Run seed: shuffling and dynamic binarization. */
  seed: number;
  /** Use only the first N images of the split (benchmarks, quick tests). */
  limit?: number;
}

export class BatchSampler {
  readonly set: ImageSet;
  readonly pixels: number;
  readonly count: number;
  private orderCache: { epoch: number; order: Uint32Array } | null = null;

  constructor(
    readonly data: DatasetData,
    readonly options: SamplerOptions,
  ) {
    this.set = options.split === 'train' ? data.train : data.test;
    const [h, w, c] = data.imageShape;
    this.pixels = h * w * c;
    this.count = Math.min(this.set.count, options.limit ?? Infinity);
    if (this.count === 0) throw new Error(`the ${options.split} split is empty`);
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.count / this.options.batchSize);
  }

  /** Image order for an epoch: shuffled for training, in order for testing. */
  order(epoch: number): Uint32Array {
    if (this.orderCache?.epoch === epoch) return this.orderCache.order;
    const order =
      this.options.split === 'train'
        ? permutation(this.count, hashSeed(this.options.seed, 'shuffle', epoch))
        : Uint32Array.from({ length: this.count }, (_, i) => i);
    this.orderCache = { epoch, order };
    return order;
  }

  batch(epoch: number, index: number): BatchArrays {
    const order = this.order(epoch);
    const start = index * this.options.batchSize;
    const end = Math.min(this.count, start + this.options.batchSize);
    if (start >= end) throw new Error(`batch ${index} is past the end of the epoch`);
    return this.gather(order.subarray(start, end), `${epoch}:${index}`);
  }

  /** Specific images (e.g. a fixed preview set), binarized like the test data. */
  images(indices: ArrayLike<number>): BatchArrays {
    return this.gather(Uint32Array.from(indices), 'fixed', true);
  }

  private gather(indices: Uint32Array, key: string, fixed = false): BatchArrays {
    const n = indices.length;
    const px = this.pixels;
    const x = new Float32Array(n * px);
    const labels = new Int32Array(n);
    const mode = this.options.binarize;
    const dynamic = mode === 'dynamic' && this.options.split === 'train' && !fixed;
    const useStatic = mode === 'static' || (mode === 'dynamic' && !dynamic);
    const bin = useStatic ? staticBinarized(this.set) : null;
    const rng = dynamic ? new Rng(hashSeed(this.options.seed, 'binarize', key)) : null;
    for (let i = 0; i < n; i++) {
      const src = indices[i] as number;
      labels[i] = this.set.labels[src] as number;
      const off = src * px;
      const dst = i * px;
      if (bin) {
        for (let j = 0; j < px; j++) x[dst + j] = bin[off + j] as number;
      } else if (rng) {
        for (let j = 0; j < px; j++) x[dst + j] = rng.next() * 255 < (this.set.images[off + j] as number) ? 1 : 0;
      } else {
        for (let j = 0; j < px; j++) x[dst + j] = (this.set.images[off + j] as number) / 255;
      }
    }
    return { x, labels, size: n, indices };
  }
}
