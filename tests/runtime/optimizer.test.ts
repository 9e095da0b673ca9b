/**
 * The one-kernel Adam update (SIMD on wasm, a loop on cpu) gives the weights
 * the generic element-wise ops give, step after step, for sizes that do and do
 * not fill the SIMD lanes; and it leaks nothing.
 */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { ADAM_KERNEL } from '../../src/runtime/worker/adamKernel';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { createOptimizer } from '../../src/runtime/worker/optimizer';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('cpu');
  await initNodeBackend('wasm');
});

const sizes = [[1], [3], [4], [7], [5, 9], [784, 40]];

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Weights after `steps` Adam updates with seeded gradients. */
async function trainedWeights(fused: boolean, steps: number): Promise<Float32Array[]> {
  const vars = sizes.map((shape, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          seeded(
            shape.reduce((a, b) => a * b, 1),
            i + 1,
          ),
          shape,
        ),
        true,
        `adam-test-${fused}-${i}-${Math.random()}`,
      ),
    ),
  );
  const optimizer = createOptimizer(tf, 'adam', vars, { fused });
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      const grads: Record<string, tfType.Tensor> = {};
      vars.forEach((v, i) => {
        grads[v.name] = tf.tensor(seeded(v.size, 100 * step + i + 7), v.shape);
      });
      optimizer.apply(grads, 0.01);
    });
  }
  const out = await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())));
  optimizer.dispose();
  vars.forEach((v) => v.dispose());
  return out;
}

describe('Adam in one kernel', () => {
  for (const backend of ['wasm', 'cpu']) {
    test(`${backend}: the fused update matches the generic ops over 5 steps, with no leaks`, async () => {
      await tf.setBackend(backend);
      const generic = await trainedWeights(false, 5);
      const before = tf.memory().numTensors;
      const fused = await trainedWeights(true, 5);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.getKernel(ADAM_KERNEL, backend)).toBeDefined();
      fused.forEach((w, i) => {
        const g = generic[i] as Float32Array;
        let worst = 0;
        for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs((w[j] as number) - (g[j] as number)));
        expect(worst, `weight ${i} of shape [${sizes[i]?.join(', ')}]`).toBeLessThan(1e-6);
        // and it did move the weights
        expect(w.some((x, j) => Math.abs(x - (seeded(w.length, i + 1)[j] as number)) > 1e-3)).toBe(true);
      });
    });
  }
});
