/**
 * The wasm kernels for binary cross-entropy on logits against tfjs's own ops
 * on the cpu backend: the per-pixel loss and its gradient over logits from
 * −100 to 100 (exp and log1p are polynomials there), NaN passed on, the
 * cases left to tfjs's ops, and no leaked tensors.
 */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { bceWithLogits } from '../../nodes/reconstructionLoss';
import { wasmBceRuns } from '../../src/ops/wasmBce';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { seededValues } from '../helpers';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('cpu');
  await initNodeBackend('wasm');
});

const special = [0, 1e-4, -1e-4, 0.5, -0.5, 1, -1, 3, -3, 10, -10, 20, -20, 40, -40, 87, -87, 88, -88, 100, -100];
const count = 1024;
/** Logits over −30…30 and the special values; targets in 0…1 with exact 0s and 1s. */
const logits = Float32Array.from(seededValues(count, 3), (v, i) => (i < special.length ? (special[i] as number) : 30 * v));
const targets = Float32Array.from(seededValues(count, 5), (v, i) => (i % 3 === 0 ? i % 2 : (v + 1) / 2));
const upstream = seededValues(count, 9);

/** The loss and its gradient (dy-weighted) with the node's op on a backend. */
async function lossAndGradient(backend: string): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend(backend);
  const [value, gradient] = tf.tidy(() => {
    const l = tf.tensor2d(logits, [8, count / 8]);
    const x = tf.tensor2d(targets, [8, count / 8]);
    const dy = tf.tensor2d(upstream, [8, count / 8]);
    const { value: v, grad } = tf.valueAndGrad((t: tfType.Tensor) => bceWithLogits(tf, t, x))(l, dy);
    return [v, grad];
  });
  const out: [Float32Array, Float32Array] = [Float32Array.from(await value.data()), Float32Array.from(await gradient.data())];
  tf.dispose([value, gradient]);
  return out;
}

describe('binary cross-entropy kernels on wasm', () => {
  test('run on the wasm backend for float32 operands of a shape, in groups of four', async () => {
    await tf.setBackend('wasm');
    const [a, b, odd] = [tf.zeros([4, 8]), tf.zeros([4, 8]), tf.zeros([3, 3])];
    expect(wasmBceRuns(tf, a, b)).toBe(true);
    expect(wasmBceRuns(tf, odd, odd)).toBe(false);
    expect(wasmBceRuns(tf, a, tf.zeros([8, 4]))).toBe(false);
    await tf.setBackend('cpu');
    expect(wasmBceRuns(tf, a, b)).toBe(false);
    tf.dispose([a, b, odd]);
  });

  test('match tfjs ops on the cpu backend, loss and gradient, from −100 to 100', async () => {
    const [wantValue, wantGradient] = await lossAndGradient('cpu');
    const [value, gradient] = await lossAndGradient('wasm');
    for (let i = 0; i < count; i++) {
      const want = wantValue[i] as number;
      expect(Math.abs((value[i] as number) - want), `loss at l = ${logits[i]}, x = ${targets[i]}`).toBeLessThan(
        2e-6 * Math.max(1, Math.abs(want)),
      );
      expect(Math.abs((gradient[i] as number) - (wantGradient[i] as number)), `gradient at l = ${logits[i]}`).toBeLessThan(1e-6);
    }
    // at l = 0 the loss is log 2 whatever x
    expect(value[0]).toBeCloseTo(Math.LN2, 6);
  });

  test('pass NaN on (the trainer stops on it)', async () => {
    await tf.setBackend('wasm');
    const loss = tf.tidy(() => bceWithLogits(tf, tf.tensor1d([NaN, 0, 1, 2]), tf.tensor1d([0, 1, 0, 1])));
    expect(Number.isNaN((await loss.data())[0])).toBe(true);
    loss.dispose();
  });

  test('leak no tensors', async () => {
    await lossAndGradient('wasm');
    const before = tf.memory().numTensors;
    await lossAndGradient('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });
});
