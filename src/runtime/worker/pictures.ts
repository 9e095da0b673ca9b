/**
 * The pictures that make a trained model visible: reconstructions beside their
 * inputs, samples from the prior, latent traversals and interpolations. Each
 * returns plain Float32Arrays (never tensors) so they can go to a UI or a PNG.
 */
import type { Tensor } from '../../../nodes/defineNode';
import type { Program } from '../../compiler/program';
import type { ImageBatch } from '../../core/imageGrid';
import type { BatchArrays } from '../../data/batches';

async function toBatch(t: Tensor): Promise<ImageBatch> {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return { data: Float32Array.from(data), n, h, w, c };
}

function imagesTensor(program: Program, images: BatchArrays): Tensor {
  const [h, w, c] = program.plan.imageShape;
  return program.tf.tensor4d(images.x, [images.size, h, w, c]);
}

/** What the encoder saw and what the decoder made of it (z = μ). */
export async function reconstructions(program: Program, images: BatchArrays): Promise<{ input: ImageBatch; output: ImageBatch }> {
  const { tf } = program;
  const [input, output] = tf.tidy(() => {
    const r = program.reconstruct(imagesTensor(program, images), 'preview', labelsTensor(program, images.labels));
    return [r.input.clone(), r.output.clone()];
  });
  return { input: await toBatch(input as Tensor), output: await toBatch(output as Tensor) };
}

/**
 * Decodes n codes z ~ N(0, I); the same key gives the same codes, so samples can be watched as training goes.
 * A conditioned decoder draws them as the classes 0, 1, … in turn.
 */
export async function priorSamples(program: Program, n: number, key = 'samples'): Promise<ImageBatch> {
  const t = program.tf.tidy(() => program.decode(program.priorCodes(n, key), program.priorLabels(n)));
  return toBatch(t);
}

/**
 * A conditioned decoder's prior samples, one row per class: the same `columns` codes z ~ N(0, I) in every
 * row, so a row keeps its class and a column its style. Undefined when the decoder reads no class.
 * Call inside tf.tidy.
 */
export function classRowSamples(program: Program, columns: number, key: string): { images: Tensor; classes: number[] } | undefined {
  const classes = program.plan.generation?.decoderClasses;
  if (classes === undefined) return undefined;
  const codes = program.tf.tile(program.priorCodes(columns, key), [classes, 1]);
  const labels = program.priorLabels(classes * columns, (i) => Math.floor(i / columns));
  return { images: program.decode(codes, labels), classes: Array.from({ length: classes }, (_, c) => c) };
}

/** A conditioned decoder's class rows (see classRowSamples) read back, or undefined when the decoder reads no class. */
export async function classRowImages(program: Program, columns: number, key: string): Promise<ImageBatch | undefined> {
  const rows = program.tf.tidy(() => classRowSamples(program, columns, key)?.images);
  return rows ? toBatch(rows) : undefined;
}

/** The labels of a batch of images as a tensor, for a conditioned encoder or decoder. */
export function labelsTensor(program: Program, labels: Int32Array): Tensor {
  return program.tf.tensor1d(labels, 'int32');
}

/** Means μ of q(z|x) for a batch of images, [n × d]. */
export async function encodeMeans(program: Program, images: BatchArrays): Promise<{ values: Float32Array; d: number }> {
  const t = program.tf.tidy(() => program.encode(imagesTensor(program, images), labelsTensor(program, images.labels)).mean);
  const d = t.shape[1] as number;
  const values = Float32Array.from((await t.data()) as Float32Array);
  t.dispose();
  return { values, d };
}

/**
 * Rows = latent dimensions, columns = values: each row changes one dimension of
 * `base` and keeps the rest, showing what that dimension encodes. A conditioned
 * decoder draws them all as class `label`.
 */
export async function traversal(
  program: Program,
  base: Float32Array,
  dims: ReadonlyArray<number>,
  values: ReadonlyArray<number>,
  label = 0,
): Promise<ImageBatch> {
  const d = base.length;
  const codes = new Float32Array(dims.length * values.length * d);
  dims.forEach((dim, r) => {
    values.forEach((v, c) => {
      const off = (r * values.length + c) * d;
      codes.set(base, off);
      codes[off + dim] = v;
    });
  });
  const n = dims.length * values.length;
  const t = program.tf.tidy(() =>
    program.decode(
      program.tf.tensor2d(codes, [n, d]),
      program.priorLabels(n, () => label),
    ),
  );
  return toBatch(t);
}

/** Decodes the straight line between two codes in `steps` images (ends included), as class `label` for a conditioned decoder. */
export async function interpolation(program: Program, a: Float32Array, b: Float32Array, steps: number, label = 0): Promise<ImageBatch> {
  const d = a.length;
  const codes = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    const t = steps === 1 ? 0 : s / (steps - 1);
    for (let j = 0; j < d; j++) codes[s * d + j] = (1 - t) * (a[j] as number) + t * (b[j] as number);
  }
  const out = program.tf.tidy(() =>
    program.decode(
      program.tf.tensor2d(codes, [steps, d]),
      program.priorLabels(steps, () => label),
    ),
  );
  return toBatch(out);
}

/** Latent dimensions ordered by KL, most informative first. */
export function dimsByKl(klPerDim: ReadonlyArray<number>, limit: number): number[] {
  return klPerDim
    .map((kl, i) => ({ kl, i }))
    .sort((x, y) => y.kl - x.kl || x.i - y.i)
    .slice(0, limit)
    .map((e) => e.i);
}

/** −3 … 3 in `n` steps: the range a standard normal prior covers. */
export function traversalValues(n = 9, range = 3): number[] {
  return Array.from({ length: n }, (_, i) => -range + (2 * range * i) / (n - 1));
}

/** Interleaves inputs and outputs row by row: input row, output row, … (for one picture). */
export function pairRows(input: ImageBatch, output: ImageBatch, columns: number): ImageBatch {
  const { h, w, c } = input;
  const per = h * w * c;
  const rows = Math.ceil(input.n / columns);
  const data = new Float32Array(rows * 2 * columns * per);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < columns; k++) {
      const i = r * columns + k;
      if (i >= input.n) continue;
      data.set(input.data.subarray(i * per, (i + 1) * per), (2 * r * columns + k) * per);
      data.set(output.data.subarray(i * per, (i + 1) * per), ((2 * r + 1) * columns + k) * per);
    }
  }
  return { data, n: rows * 2 * columns, h, w, c };
}
