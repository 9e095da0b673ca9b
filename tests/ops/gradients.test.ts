/**
 * The hand-written backward passes of the layer ops against tfjs's own
 * gradients: dense layers on wasm (explicit transposes) and cpu (transposed
 * products), and convolutions on wasm (filter gradient from patches) against
 * the cpu backend's convolution gradient kernels.
 */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { conv2dLayer, conv2dTransposeLayer, samePadding } from '../../src/ops/conv';
import { denseLayer, type FusedActivation } from '../../src/ops/dense';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { seededValues } from '../helpers';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('cpu');
  await initNodeBackend('wasm');
});

type Arrays = Float32Array[];

/** f(inputs), then the gradients of sum(f(inputs) · weights) with respect to every input, on a backend. */
async function gradientsOn(backend: string, shapes: number[][], f: (inputs: tfType.Tensor[]) => tfType.Tensor): Promise<Arrays> {
  await tf.setBackend(backend);
  const inputs = shapes.map((s, i) =>
    tf.tensor(
      seededValues(
        s.reduce((a, b) => a * b, 1),
        11 + i,
      ),
      s,
    ),
  );
  const { value, grads } = tf.valueAndGrads((...xs: tfType.Tensor[]) => {
    const y = f(xs);
    return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 99), y.shape)));
  })(inputs);
  const forward = tf.tidy(() => f(inputs));
  const out = await Promise.all([forward, ...grads].map(async (g) => Float32Array.from(await g.data())));
  for (const t of [...inputs, ...grads, value, forward]) t.dispose();
  return out;
}

function expectClose(actual: Arrays, expected: Arrays, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as Float32Array;
    expect(a.length).toBe(e.length);
    let worst = 0;
    let scale = 1e-6;
    for (let j = 0; j < a.length; j++) {
      worst = Math.max(worst, Math.abs((a[j] as number) - (e[j] as number)));
      scale = Math.max(scale, Math.abs(e[j] as number));
    }
    expect(worst / scale, `input ${i}: worst difference ${worst} at scale ${scale}`).toBeLessThan(tolerance);
  });
}

const plainDense = (activation: FusedActivation) => (xs: tfType.Tensor[]) => {
  const [x, w, b] = xs as [tfType.Tensor2D, tfType.Tensor2D, tfType.Tensor1D];
  const y = tf.add(tf.matMul(x, w), b);
  return activation === 'relu' ? tf.relu(y) : y;
};

describe('dense layer gradients', () => {
  const cases: Array<[number, number, number, FusedActivation]> = [
    [1, 1, 1, 'linear'],
    [3, 5, 2, 'relu'],
    [32, 784, 40, 'relu'],
    [17, 20, 400, 'linear'],
    [128, 400, 784, 'linear'],
  ];
  for (const backend of ['wasm', 'cpu']) {
    for (const [batch, inputs, units, activation] of cases) {
      test(`${backend}: [${batch}×${inputs}]·[${inputs}×${units}] ${activation} matches the plain gradient`, async () => {
        const shapes = [[batch, inputs], [inputs, units], [units]];
        const expected = await gradientsOn(backend, shapes, plainDense(activation));
        const actual = await gradientsOn(backend, shapes, (xs) => {
          const [x, w, b] = xs as [tfType.Tensor2D, tfType.Tensor2D, tfType.Tensor1D];
          return denseLayer(tf, x, w, b, { activation, inputGradient: true });
        });
        expectClose(actual, expected, 1e-4);
      });
    }
  }

  test('without an input gradient, the weights still get theirs and nothing leaks', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor(seededValues(6 * 4, 1), [6, 4]) as tfType.Tensor2D;
    const w = tf.tidy(() => tf.variable(tf.tensor(seededValues(4 * 3, 2), [4, 3])));
    const b = tf.tidy(() => tf.variable(tf.zeros([3])));
    const { value, grads } = tf.variableGrads(
      () =>
        tf.sum(
          denseLayer(tf, x, w as tfType.Tensor2D, b as tfType.Tensor1D, { activation: 'relu', inputGradient: false }),
        ) as tfType.Scalar,
      [w, b],
    );
    const expected = tf.grads((ww: tfType.Tensor, bb: tfType.Tensor) => tf.sum(tf.relu(tf.add(tf.matMul(x, ww as tfType.Tensor2D), bb))))([
      w,
      b,
    ]);
    expectClose(
      [(await (grads[w.name] as tfType.Tensor).data()) as Float32Array, (await (grads[b.name] as tfType.Tensor).data()) as Float32Array],
      await Promise.all(expected.map(async (g) => (await g.data()) as Float32Array)),
      1e-5,
    );
    for (const t of [x, w, b, value, ...Object.values(grads), ...expected]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('convolution gradients on wasm (no filter-gradient kernel) match the cpu backend', () => {
  test('same padding as tfjs computes it', () => {
    expect(samePadding(28, 4, 2)).toEqual([1, 1]);
    expect(samePadding(7, 4, 2)).toEqual([1, 2]);
    expect(samePadding(8, 3, 2)).toEqual([0, 1]);
    expect(samePadding(5, 1, 2)).toEqual([0, 0]);
  });

  const convCases: Array<[number[], number, number, FusedActivation]> = [
    [[2, 8, 8, 1], 4, 3, 'relu'],
    [[3, 7, 7, 2], 4, 5, 'linear'],
    [[2, 9, 6, 3], 3, 4, 'relu'],
    [[1, 28, 28, 1], 4, 8, 'relu'],
    [[2, 5, 5, 2], 1, 3, 'linear'],
    [[1, 6, 7, 2], 2, 2, 'relu'],
    [[2, 11, 10, 3], 5, 2, 'linear'],
    [[1, 14, 14, 4], 7, 3, 'relu'],
  ];
  for (const [xShape, k, filters, activation] of convCases) {
    test(`conv2d x [${xShape.join('×')}], ${k}×${k}×${filters}, ${activation}`, async () => {
      const shapes = [xShape, [k, k, xShape[3] as number, filters], [filters]];
      const f = (xs: tfType.Tensor[]) => {
        const [x, w, b] = xs as [tfType.Tensor4D, tfType.Tensor4D, tfType.Tensor1D];
        return conv2dLayer(tf, x, w, b, { activation, inputGradient: true });
      };
      expectClose(await gradientsOn('wasm', shapes, f), await gradientsOn('cpu', shapes, f), 1e-4);
    });
  }

  const deconvCases: Array<[number[], number, number]> = [
    [[2, 4, 4, 3], 4, 2],
    [[1, 7, 7, 4], 4, 1],
    [[2, 3, 5, 2], 3, 3],
    [[2, 3, 3, 2], 1, 2],
    [[1, 4, 5, 2], 2, 3],
    [[1, 4, 4, 3], 5, 2],
    [[1, 2, 3, 2], 7, 2],
  ];
  for (const [xShape, k, filters] of deconvCases) {
    test(`conv2dTranspose x [${xShape.join('×')}], ${k}×${k}, ${filters} filters`, async () => {
      const shapes = [xShape, [k, k, filters, xShape[3] as number], [filters]];
      const f = (xs: tfType.Tensor[]) => {
        const [x, w, b] = xs as [tfType.Tensor4D, tfType.Tensor4D, tfType.Tensor1D];
        return conv2dTransposeLayer(tf, x, w, b, true);
      };
      expectClose(await gradientsOn('wasm', shapes, f), await gradientsOn('cpu', shapes, f), 1e-4);
    });
  }
});
