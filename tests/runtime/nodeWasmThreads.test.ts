/**
 * The threaded wasm build in Node: it starts with two threads, its products
 * and fused Adam update give what the cpu backend gives, a few VAE steps leak
 * nothing, and a process using it still exits on its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { denseLayer } from '../../src/ops/dense';
import { initNodeBackend, nodeWasmThreads } from '../../src/runtime/worker/nodeBackend';
import { createOptimizer } from '../../src/runtime/worker/optimizer';
import { seededValues } from '../helpers';
import { projectRoot } from '../../src/data/loadNode';

let tf: typeof tfType;
beforeAll(async () => {
  process.env.BOTTLENECK_WASM_THREADS = '2';
  tf = await initNodeBackend('cpu');
  await initNodeBackend('wasm');
});

/** A dense layer's output and gradients, then two Adam steps on its weights, on one backend. */
async function layerAndSteps(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.tensor2d(seededValues(96 * 300, 1), [96, 300]);
  const kernel = tf.tidy(() => tf.variable(tf.tensor2d(seededValues(300 * 130, 2), [300, 130])));
  const bias = tf.tidy(() => tf.variable(tf.tensor1d(seededValues(130, 3))));
  const optimizer = createOptimizer(tf, 'adam', [kernel, bias]);
  const loss = () =>
    tf.tidy(() => tf.sum(tf.square(denseLayer(tf, x, kernel, bias, { activation: 'relu', inputGradient: true }))) as tfType.Scalar);
  const firstLoss = loss();
  const first = await firstLoss.data();
  firstLoss.dispose();
  for (let i = 0; i < 2; i++) {
    // as the trainer does: the step's tensors live inside one tidy
    tf.tidy(() => optimizer.apply(tf.variableGrads(loss, [kernel, bias]).grads, 1e-2));
  }
  const out = [Float32Array.from(first), Float32Array.from(await kernel.data()), Float32Array.from(await bias.data())];
  for (const t of [x, kernel, bias]) t.dispose();
  optimizer.dispose();
  return out;
}

describe('wasm with threads in Node', () => {
  test('two threads run', async () => {
    await tf.setBackend('wasm');
    expect(await nodeWasmThreads()).toBe(2);
  });

  test('a dense layer and its Adam steps match the cpu backend, with no leaks', async () => {
    const expected = await layerAndSteps('cpu');
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = await layerAndSteps('wasm');
    expect(tf.memory().numTensors).toBe(before);
    actual.forEach((a, i) => {
      const e = expected[i] as Float32Array;
      const scale = Math.max(...e.map(Math.abs), 1e-6);
      const worst = Math.max(...a.map((v, j) => Math.abs(v - (e[j] as number))));
      expect(worst / scale).toBeLessThan(1e-4);
    });
  });

  test('a process that trained on it exits by itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bottleneck-threads-'));
    const script = join(dir, 'exit.mts');
    writeFileSync(
      script,
      `import { initNodeBackend, nodeWasmThreads } from ${JSON.stringify(join(projectRoot, 'src/runtime/worker/nodeBackend.ts'))};
const tf = await initNodeBackend('wasm');
const y = tf.matMul(tf.ones([128, 300]), tf.ones([300, 100]));
console.log(await nodeWasmThreads(), (await y.data())[0]);`,
    );
    const tsx = join(projectRoot, 'node_modules/.bin/tsx');
    const r = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BOTTLENECK_WASM_THREADS: '2' } });
    expect(r.error).toBeUndefined();
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('2 300');
  });
});
