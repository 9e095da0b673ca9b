import { describe, expect, test } from 'vitest';
import type { ImageBatch } from '../../src/core/imageGrid';
import { gradientEnergy, laplacianVariance, relativeSharpness } from '../../src/metrics/sharpness';
import { loadDatasetNode } from '../../src/data/loadNode';
import { BatchSampler } from '../../src/data/batches';

function batchOf(data: Float32Array, n: number, h: number, w: number): ImageBatch {
  return { data, n, h, w, c: 1 };
}

/** 3×3 box blur, repeated. */
function blur(b: ImageBatch, times: number): ImageBatch {
  let cur = b.data;
  for (let t = 0; t < times; t++) {
    const next = new Float32Array(cur.length);
    for (let k = 0; k < b.n; k++) {
      for (let y = 0; y < b.h; y++) {
        for (let x = 0; x < b.w; x++) {
          let s = 0;
          let c = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy;
              const xx = x + dx;
              if (yy < 0 || xx < 0 || yy >= b.h || xx >= b.w) continue;
              s += cur[(k * b.h + yy) * b.w + xx] as number;
              c++;
            }
          }
          next[(k * b.h + y) * b.w + x] = s / c;
        }
      }
    }
    cur = next;
  }
  return { ...b, data: cur };
}

describe('sharpness', () => {
  const digits = (() => {
    const mnist = loadDatasetNode('mnist');
    const s = new BatchSampler(mnist, { split: 'test', batchSize: 32, binarize: 'none', seed: 1 });
    const b = s.batch(0, 0);
    return batchOf(b.x, b.size, 28, 28);
  })();

  test('a flat image has zero sharpness; an edge has some', () => {
    expect(laplacianVariance(batchOf(new Float32Array(25).fill(0.5), 1, 5, 5))).toBe(0);
    expect(gradientEnergy(batchOf(new Float32Array(25).fill(0.5), 1, 5, 5))).toBe(0);
    const edge = new Float32Array(25).map((_, i) => (i % 5 >= 2 ? 1 : 0));
    expect(laplacianVariance(batchOf(edge, 1, 5, 5))).toBeGreaterThan(0);
  });

  test('a colour edge counts by its brightness, whichever channel carries it', () => {
    // red flat, green steps from 0 to 1: the first channel alone would call it flat
    const rgb = new Float32Array(75).map((_, i) => (i % 3 === 1 && Math.floor(i / 3) % 5 >= 2 ? 1 : 0));
    const b: ImageBatch = { data: rgb, n: 1, h: 5, w: 5, c: 3 };
    expect(laplacianVariance(b)).toBeCloseTo(
      laplacianVariance(
        batchOf(
          new Float32Array(25).map((_, i) => (i % 5 >= 2 ? 0.587 : 0)),
          1,
          5,
          5,
        ),
      ),
      6,
    );
    expect(gradientEnergy(b)).toBeGreaterThan(0);
  });

  test('each blur lowers the score of real digits; the data itself scores 1', () => {
    const scores = [0, 1, 2, 4].map((t) => relativeSharpness(blur(digits, t), digits));
    expect(scores[0]).toEqual({ laplacianVariance: 1, gradientEnergy: 1 });
    for (let i = 1; i < scores.length; i++) {
      expect(scores[i]?.laplacianVariance).toBeLessThan(scores[i - 1]?.laplacianVariance as number);
      expect(scores[i]?.gradientEnergy).toBeLessThan(scores[i - 1]?.gradientEnergy as number);
    }
  });

  test('the mean of several digits (what MSE converges to when unsure) is blurrier than the digits', () => {
    const mean = new Float32Array(784);
    for (let k = 0; k < digits.n; k++)
      for (let j = 0; j < 784; j++) mean[j] = (mean[j] as number) + (digits.data[k * 784 + j] as number) / digits.n;
    expect(relativeSharpness(batchOf(mean, 1, 28, 28), digits).laplacianVariance).toBeLessThan(0.2);
  });
});
