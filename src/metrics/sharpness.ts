/**
 * Sharpness of images, to make "MSE makes blurry means" measurable.
 *
 * - Variance of the Laplacian (Pech-Pacheco et al. 2000): a blurred image has
 *   weak second derivatives, so the responses of a 3×3 Laplacian vary little.
 * - Gradient energy: the mean squared first difference (Tenengrad-like).
 *
 * Both are computed per image on its brightness (grey as it is; the Rec. 601
 * luma of RGB) and averaged. A score is
 * most useful relative to the real images': 1 means as sharp as the data.
 */
import type { ImageBatch } from '../core/imageGrid';

export interface SharpnessScores {
  laplacianVariance: number;
  gradientEnergy: number;
}

function pixel(b: ImageBatch, k: number, y: number, x: number): number {
  const o = ((k * b.h + y) * b.w + x) * b.c;
  if (b.c < 3) return b.data[o] as number;
  return 0.299 * (b.data[o] as number) + 0.587 * (b.data[o + 1] as number) + 0.114 * (b.data[o + 2] as number);
}

export function laplacianVariance(b: ImageBatch): number {
  if (b.h < 3 || b.w < 3 || b.n === 0) return 0;
  let total = 0;
  for (let k = 0; k < b.n; k++) {
    let s = 0;
    let s2 = 0;
    let count = 0;
    for (let y = 1; y < b.h - 1; y++) {
      for (let x = 1; x < b.w - 1; x++) {
        const l = pixel(b, k, y - 1, x) + pixel(b, k, y + 1, x) + pixel(b, k, y, x - 1) + pixel(b, k, y, x + 1) - 4 * pixel(b, k, y, x);
        s += l;
        s2 += l * l;
        count++;
      }
    }
    const mean = s / count;
    total += s2 / count - mean * mean;
  }
  return total / b.n;
}

export function gradientEnergy(b: ImageBatch): number {
  if (b.h < 2 || b.w < 2 || b.n === 0) return 0;
  let total = 0;
  for (let k = 0; k < b.n; k++) {
    let s = 0;
    for (let y = 0; y < b.h - 1; y++) {
      for (let x = 0; x < b.w - 1; x++) {
        const p = pixel(b, k, y, x);
        const dx = pixel(b, k, y, x + 1) - p;
        const dy = pixel(b, k, y + 1, x) - p;
        s += dx * dx + dy * dy;
      }
    }
    total += s / ((b.h - 1) * (b.w - 1));
  }
  return total / b.n;
}

export function sharpness(b: ImageBatch): SharpnessScores {
  return { laplacianVariance: laplacianVariance(b), gradientEnergy: gradientEnergy(b) };
}

/** Scores of `images` divided by the scores of the real `reference` images. */
export function relativeSharpness(images: ImageBatch, reference: ImageBatch): SharpnessScores {
  const a = sharpness(images);
  const r = sharpness(reference);
  return {
    laplacianVariance: r.laplacianVariance > 0 ? a.laplacianVariance / r.laplacianVariance : 0,
    gradientEnergy: r.gradientEnergy > 0 ? a.gradientEnergy / r.gradientEnergy : 0,
  };
}
