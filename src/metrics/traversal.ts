/**
 * Latent traversals: start from one image's code, move one latent dimension
 * through a range of values while the others stay put, and decode. In a
 * disentangled model each row changes one thing (position, size, rotation…)
 * and rows of dimensions the model does not use do not change at all.
 */
import type { Program } from '../compiler/program';
import type { ImageBatch } from '../core/imageGrid';

/** Evenly spaced values from `from` to `to` (inclusive). */
export function traversalValues(steps: number, from = -3, to = 3): number[] {
  if (steps < 2) return [(from + to) / 2];
  return Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
}

/** Latent dimensions sorted by their KL, most informative first. */
export function dimsByKl(klPerDim: ReadonlyArray<number>): number[] {
  return klPerDim.map((_, j) => j).sort((a, b) => (klPerDim[b] as number) - (klPerDim[a] as number));
}

/**
 * Decodes a traversal grid, row by row: row r sets dimension dims[r] of `base`
 * to each of `values` in turn. Returns images in 0..1, [dims.length·values.length].
 */
export async function traverseLatents(
  program: Program,
  base: Float32Array,
  dims: ReadonlyArray<number>,
  values: ReadonlyArray<number>,
): Promise<ImageBatch> {
  const { tf, plan } = program;
  const d = plan.generation?.latentDim;
  if (!d) throw new Error('this graph has no latent code to traverse');
  if (base.length !== d) throw new Error(`the starting code has ${base.length} values, the latent has ${d}`);
  const n = dims.length * values.length;
  const codes = new Float32Array(n * d);
  dims.forEach((dim, r) => {
    if (dim < 0 || dim >= d) throw new Error(`latent dimension ${dim} does not exist (0..${d - 1})`);
    values.forEach((v, col) => {
      const row = (r * values.length + col) * d;
      codes.set(base, row);
      codes[row + dim] = v;
    });
  });
  const images = tf.tidy(() => program.decode(tf.tensor2d(codes, [n, d])));
  try {
    const [h, w, c] = plan.imageShape;
    return { data: Float32Array.from(await images.data()), n, h, w, c };
  } finally {
    images.dispose();
  }
}
