/**
 * The unpacked SIMD matrix products behind the wasm backend's BatchMatMul and
 * _FusedMatMul, against the cpu backend: a table of shapes (tile edges,
 * transposed operands, bias, ReLU, an empty inner dimension, left operands
 * that are mostly zeros), the products left to tfjs's kernels, no leaked
 * tensors, and the module's encoding.
 */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { gemmModuleBinary } from '../../src/ops/gemmKernels';
import { sparseLeftOperand, unpackedProductWins, wasmMatMulActive } from '../../src/ops/wasmMatMul';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { seededValues } from '../helpers';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('cpu');
  await initNodeBackend('wasm');
});

interface Case {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation?: 'linear' | 'relu' | 'elu';
  /** The share of A's entries set to zero (the sparse kernels take A at most half nonzero). */
  zeros?: number;
}

/** Seeded values with about `zeros` of them set to 0. */
function leftValues(c: Case): Float32Array {
  const values = seededValues(size(c.a), 3);
  const pick = seededValues(values.length, 11);
  if (c.zeros) values.forEach((_, i) => (((pick[i] as number) + 1) / 2 < (c.zeros as number) ? (values[i] = 0) : 0));
  return values;
}

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

/** The fused product and the plain one of a case, on a backend. */
async function productsOn(backend: string, c: Case): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const a = tf.tensor(leftValues(c), c.a as [number, number]) as tfType.Tensor2D;
    const b = tf.tensor(seededValues(size(c.b), 5), c.b as [number, number]) as tfType.Tensor2D;
    const n = c.transposeB ? (c.b.at(-2) as number) : (c.b.at(-1) as number);
    const bias = c.bias ? tf.tensor1d(seededValues(n, 7)) : undefined;
    const fused = tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: c.activation ?? 'linear' });
    return [fused, tf.matMul(a, b, c.transposeA, c.transposeB)];
  });
  const values = await Promise.all(out.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(out);
  return values;
}

const cases: Case[] = [
  // every tile: 13 rows = 4 + 4 + 4 + 1, 23 columns = 8 + 8 + 4 + 3
  { a: [13, 7], b: [7, 23], bias: true, activation: 'relu' },
  { a: [7, 13], b: [7, 23], transposeA: true, bias: true, activation: 'relu' },
  { a: [13, 7], b: [23, 7], transposeB: true },
  { a: [7, 13], b: [23, 7], transposeA: true, transposeB: true, bias: true },
  { a: [5, 3], b: [3, 2], bias: true, activation: 'relu' },
  { a: [1, 128, 40], b: [1, 40, 9], bias: true, activation: 'relu' },
  // the shapes of a VAE's weight gradients and small layers
  { a: [128, 400], b: [128, 40], transposeA: true },
  { a: [128, 40], b: [400, 40], transposeB: true },
  { a: [128, 20], b: [20, 400], bias: true, activation: 'relu' },
  // an empty inner dimension: the bias alone (tfjs's own kernel fails on it)
  { a: [5, 0], b: [0, 6], bias: true, activation: 'relu' },
  // mostly zeros on the left (pixels, ReLU outputs): 45 columns = 32 + 4 + 4 + 4 + 1, plain and transposed
  { a: [70, 96], b: [96, 45], bias: true, activation: 'relu', zeros: 0.9 },
  { a: [96, 70], b: [96, 45], transposeA: true, bias: true, zeros: 0.6 },
  { a: [128, 784], b: [784, 400], bias: true, activation: 'relu', zeros: 0.8 },
  { a: [64, 64], b: [64, 64], bias: true, zeros: 1 },
  // left to tfjs: a batch of two, an activation the kernels do not apply, a large plain product
  { a: [2, 5, 3], b: [2, 3, 4] },
  { a: [5, 3], b: [3, 6], bias: true, activation: 'elu' },
  { a: [128, 784], b: [784, 400], bias: true, activation: 'relu' },
];

describe('unpacked matrix products on wasm', () => {
  test('run on the wasm backend', () => {
    expect(wasmMatMulActive(tf)).toBe(true);
  });

  const label = (c: Case) =>
    `${c.transposeA ? 'transpose' : ''}[${c.a.join('×')}] · ${c.transposeB ? 'transpose' : ''}[${c.b.join('×')}]${c.bias ? ' + bias' : ''}, ${c.activation ?? 'linear'}${c.zeros ? `, A ${c.zeros * 100}% zeros` : ''}`;
  test.each(cases.map((c) => [label(c), c] as const))('%s matches the cpu backend', async (_, c) => {
    const expected = await productsOn('cpu', c);
    const actual = await productsOn('wasm', c);
    actual.forEach((values, i) => {
      const want = expected[i] as Float32Array;
      expect(values.length).toBe(want.length);
      let worst = 0;
      for (let j = 0; j < values.length; j++) worst = Math.max(worst, Math.abs((values[j] as number) - (want[j] as number)));
      // inputs in −1…1: a sum of K products is off by at most a few ulps of K
      expect(worst, `${i === 0 ? 'fused' : 'plain'} product`).toBeLessThan(
        1e-5 * Math.max(1, (c.transposeA ? c.a.at(-2) : c.a.at(-1)) as number),
      );
    });
  });

  test('leak no tensors', async () => {
    await tf.setBackend('wasm');
    await productsOn('wasm', cases[1] as Case);
    const before = tf.memory().numTensors;
    for (const c of cases) await productsOn('wasm', c);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('take the plain products XNNPACK runs slowly (small ones), not large ones', () => {
    expect(unpackedProductWins(128, 400, 40)).toBe(true);
    expect(unpackedProductWins(128, 20, 400)).toBe(true);
    expect(unpackedProductWins(784, 128, 400)).toBe(false);
    expect(unpackedProductWins(128, 784, 400)).toBe(false);
  });

  test('take a left operand at most half nonzero as sparse, where the product is large enough', async () => {
    await tf.setBackend('wasm');
    const [sparse, dense] = [0.8, 0.2].map((zeros) => tf.tensor2d(leftValues({ a: [128, 784], b: [], zeros }), [128, 784]));
    expect(sparseLeftOperand(tf, sparse as tfType.Tensor2D, 400)).toBe(true);
    expect(sparseLeftOperand(tf, dense as tfType.Tensor2D, 400)).toBe(false);
    expect(sparseLeftOperand(tf, tf.zeros([8, 8]) as tfType.Tensor2D, 8)).toBe(false);
    tf.dispose([sparse as tfType.Tensor, dense as tfType.Tensor]);
  });

  test('come from a module that validates, shared memory or not', () => {
    expect(WebAssembly.validate(gemmModuleBinary(false))).toBe(true);
    expect(WebAssembly.validate(gemmModuleBinary(true))).toBe(true);
  });
});
