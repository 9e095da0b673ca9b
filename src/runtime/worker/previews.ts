/**
 * The dashboard's pictures, made from the live program between training steps:
 * reconstructions of fixed test images, samples from fixed prior codes (the
 * same ε every time, so they visibly sharpen), the latent scatter (PCA when
 * d > 2), KL and activity per dimension, a traversal of one code and an
 * interpolation between two. Only Float32Arrays and numbers leave this file;
 * every tensor is disposed before it returns.
 */
import type { Tensor } from '../../../nodes/defineNode';
import type { Program } from '../../compiler/program';
import { BatchSampler, type BatchArrays } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { projectPca } from './pca';
import { classRowSamples, labelsTensor } from './pictures';
import type { Preview, PreviewPicks } from '../protocol';

export const PREVIEW_SAMPLES = 20;
/** Samples per class row when the decoder is conditioned on the class (one row per class). */
export const PREVIEW_CLASS_COLUMNS = 10;
export const TRAVERSAL_ROWS = 8;
export const TRAVERSAL_STEPS = 9;
export const INTERPOLATION_STEPS = 9;
/** Traversal range, in prior standard deviations (VAE) or test-set standard deviations of μ (AE). */
export const TRAVERSAL_RANGE = 3;
const ENCODE_CHUNK = 250;

export interface PreviewSet {
  /** Fixed test images shown in every preview (one per class where possible). */
  fixed: BatchArrays;
  /** Test images encoded for the scatter and the per-dimension statistics. */
  scatter: BatchArrays;
}

/** The first test image of each class, then the next ones, up to `count` (indices into the test split). */
export function pickFixedIndices(labels: ArrayLike<number>, count: number): number[] {
  const firsts = new Map<number, number>();
  for (let i = 0; i < labels.length && firsts.size < count; i++) {
    const l = labels[i] as number;
    if (!firsts.has(l)) firsts.set(l, i);
  }
  const chosen = [...firsts.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  for (let i = 0; i < labels.length && chosen.length < count; i++) if (!chosen.includes(i)) chosen.push(i);
  return chosen.slice(0, count);
}

export function createPreviewSet(program: Program, data: DatasetData, options: { fixedCount?: number; scatterSize: number }): PreviewSet {
  const sampler = new BatchSampler(data, {
    split: 'test',
    batchSize: 1,
    binarize: program.plan.dataset.binarize,
    seed: program.seed,
  });
  const fixed = sampler.images(pickFixedIndices(data.test.labels, options.fixedCount ?? 10));
  const n = Math.min(options.scatterSize, data.test.count);
  const scatter = sampler.images(Array.from({ length: n }, (_, i) => i));
  return { fixed, scatter };
}

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

/** Indices 0..d-1 sorted by score, highest first. */
export function rankDimensions(scores: ReadonlyArray<number>): number[] {
  return scores
    .map((s, i) => [Number.isFinite(s) ? s : -Infinity, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map(([, i]) => i);
}

/** KL(N(μ, σ²) ‖ N(0, 1)) per dimension averaged over n codes, and Var[μ] per dimension. */
export function summarizeLatents(
  mean: Float32Array,
  logVar: Float32Array | undefined,
  n: number,
  d: number,
): { klPerDim: number[]; meanVariance: number[] } {
  const klPerDim = logVar ? new Array<number>(d).fill(0) : [];
  const m1 = new Array<number>(d).fill(0);
  const m2 = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const mu = mean[i * d + j] as number;
      m1[j] = (m1[j] as number) + mu / n;
      m2[j] = (m2[j] as number) + (mu * mu) / n;
      if (logVar) {
        const lv = logVar[i * d + j] as number;
        klPerDim[j] = (klPerDim[j] as number) + (0.5 * (mu * mu + Math.exp(lv) - lv - 1)) / n;
      }
    }
  }
  const meanVariance = m1.map((m, j) => Math.max(0, (m2[j] as number) - m * m));
  return { klPerDim, meanVariance };
}

/** Reads every tensor of a record back as Float32Arrays, then disposes them all (also on failure). */
async function readAll<K extends string>(tensors: Partial<Record<K, Tensor>>): Promise<Partial<Record<K, Float32Array>>> {
  const entries = Object.entries(tensors).filter((e): e is [K, Tensor] => e[1] !== undefined);
  try {
    const values = await Promise.all(entries.map(([, t]) => t.data()));
    const out: Partial<Record<K, Float32Array>> = {};
    entries.forEach(([k], i) => {
      const v = values[i];
      if (v) out[k] = v instanceof Float32Array ? v : Float32Array.from(v);
    });
    return out;
  } finally {
    for (const [, t] of entries) t.dispose();
  }
}

function required(v: Float32Array | undefined, what: string): Float32Array {
  if (!v) throw new Error(`the preview lost its ${what}`);
  return v;
}

export async function makePreview(
  program: Program,
  set: PreviewSet,
  picks: PreviewPicks,
  at: { step: number; epoch: number },
): Promise<Preview> {
  const { tf, plan } = program;
  const gen = plan.generation;
  if (!gen) throw new Error('this graph has no decoder feeding a reconstruction loss, so there is nothing to draw');
  const [h, w, c] = plan.imageShape;
  const d = gen.latentDim;
  const hasEncoder = gen.mean !== undefined;
  const nf = set.fixed.size;
  const ns = hasEncoder ? set.scatter.size : 0;

  // Phase 1: reconstructions, samples, codes of the fixed and scatter images.
  const first = tf.tidy(() => {
    const xFixed = tf.tensor4d(set.fixed.x, [nf, h, w, c]);
    const labelsFixed = labelsTensor(program, set.fixed.labels);
    const { input, output } = program.reconstruct(xFixed, 'preview', labelsFixed);
    const samples =
      classRowSamples(program, PREVIEW_CLASS_COLUMNS, 'preview')?.images ?? program.decode(program.priorCodes(PREVIEW_SAMPLES, 'preview'));
    const out: Partial<Record<'input' | 'output' | 'samples' | 'fixedMean' | 'mean' | 'logVar', Tensor>> = { input, output, samples };
    if (hasEncoder) {
      out.fixedMean = program.encode(xFixed, labelsFixed).mean;
      const means: Tensor[] = [];
      const logVars: Tensor[] = [];
      for (let start = 0; start < ns; start += ENCODE_CHUNK) {
        const size = Math.min(ENCODE_CHUNK, ns - start);
        const x = tf.tensor4d(set.scatter.x.subarray(start * h * w * c, (start + size) * h * w * c), [size, h, w, c]);
        const e = program.encode(x, labelsTensor(program, set.scatter.labels.subarray(start, start + size)));
        means.push(e.mean);
        if (e.logVar) logVars.push(e.logVar);
      }
      out.mean = means.length === 1 ? (means[0] as Tensor) : tf.concat(means);
      if (logVars.length === means.length) out.logVar = logVars.length === 1 ? (logVars[0] as Tensor) : tf.concat(logVars);
    }
    return out;
  });
  const got = await readAll(first);
  const inputs = required(got.input, 'input images');
  const reconstructions = required(got.output, 'reconstructions');
  const samples = required(got.samples, 'samples');
  const classes = plan.generation?.decoderClasses;
  const { fixedMean, mean, logVar } = got;

  const base = {
    step: at.step,
    epoch: at.epoch,
    imageShape: [h, w, c] as [number, number, number],
    inputs: { n: nf, data: inputs },
    reconstructions: { n: nf, data: reconstructions },
    labels: Array.from(set.fixed.labels),
    samples: { n: classes === undefined ? PREVIEW_SAMPLES : classes * PREVIEW_CLASS_COLUMNS, data: samples },
    ...(classes === undefined ? {} : { sampleClasses: Array.from({ length: classes }, (_, k) => k) }),
  };
  if (!mean || !fixedMean) {
    return {
      ...base,
      scatter: { n: 0, points: new Float32Array(0), labels: new Uint8Array(0), projection: 'raw', explained: [0, 0] },
      traversal: null,
      interpolation: null,
      klPerDim: [],
      meanVariance: [],
      activeUnits: 0,
      numTensors: tf.memory().numTensors,
    };
  }

  // Latent statistics and the 2-D projection, on the CPU.
  const stats = summarizeLatents(mean, logVar, ns, d);
  const activeUnits = stats.meanVariance.filter((v) => v > 0.01).length;
  const scatter = projectScatter(mean, ns, d);

  // Phase 2: traversal and interpolation codes, decoded.
  const code = Math.min(picks.code, nf - 1);
  const order = rankDimensions(logVar ? stats.klPerDim : stats.meanVariance).slice(0, Math.min(d, TRAVERSAL_ROWS));
  const ts = linspace(-TRAVERSAL_RANGE, TRAVERSAL_RANGE, TRAVERSAL_STEPS);
  const traversalCodes = new Float32Array(order.length * ts.length * d);
  order.forEach((dim, r) => {
    const std = Math.sqrt(stats.meanVariance[dim] as number);
    const centre = logVar ? 0 : meanOf(mean, ns, d, dim);
    ts.forEach((t, k) => {
      const off = (r * ts.length + k) * d;
      traversalCodes.set(fixedMean.subarray(code * d, (code + 1) * d), off);
      // VAE: the prior's scale (σ = 1); AE: the spread of μ over the test images
      traversalCodes[off + dim] = logVar ? t : centre + t * std;
    });
  });
  const [a, b] = [Math.min(picks.pair[0], nf - 1), Math.min(picks.pair[1], nf - 1)];
  const alphas = linspace(0, 1, INTERPOLATION_STEPS);
  const interpolationCodes = new Float32Array(alphas.length * d);
  alphas.forEach((alpha, k) => {
    for (let j = 0; j < d; j++) {
      interpolationCodes[k * d + j] = (1 - alpha) * (fixedMean[a * d + j] as number) + alpha * (fixedMean[b * d + j] as number);
    }
  });
  const second = tf.tidy(() => ({
    // a conditioned decoder draws them as the class of the image they start from
    traversal: program.decode(
      tf.tensor2d(traversalCodes, [order.length * ts.length, d]),
      program.priorLabels(order.length * ts.length, () => set.fixed.labels[code] ?? 0),
    ),
    interpolation: program.decode(
      tf.tensor2d(interpolationCodes, [alphas.length, d]),
      program.priorLabels(alphas.length, () => set.fixed.labels[a] ?? 0),
    ),
  }));
  const decoded = await readAll(second);
  const traversalImages = required(decoded.traversal, 'traversal');
  const interpolationImages = required(decoded.interpolation, 'interpolation');

  return {
    ...base,
    scatter,
    traversal: { code, dims: order, values: ts, images: { n: order.length * ts.length, data: traversalImages } },
    interpolation: { pair: [a, b], images: { n: alphas.length, data: interpolationImages } },
    klPerDim: stats.klPerDim,
    meanVariance: stats.meanVariance,
    activeUnits,
    numTensors: tf.memory().numTensors,
  };

  function projectScatter(codes: Float32Array, n: number, dims: number): Preview['scatter'] {
    const labels = Uint8Array.from(set.scatter.labels.subarray(0, n));
    if (dims > 2) {
      const p = projectPca(codes, n, dims, 2);
      return { n, points: p.points, labels, projection: 'pca', explained: [p.explained[0] ?? 0, p.explained[1] ?? 0] };
    }
    const points = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      points[i * 2] = codes[i * dims] as number;
      points[i * 2 + 1] = dims === 2 ? (codes[i * dims + 1] as number) : 0;
    }
    return { n, points, labels, projection: 'raw', explained: [0, 0] };
  }
}

function meanOf(codes: Float32Array, n: number, d: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += codes[i * d + dim] as number;
  return s / n;
}
