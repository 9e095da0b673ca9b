/**
 * The conditional VAE draws the class it is asked for: graphs/cvae.json trains
 * briefly on the embedded MNIST, then samples z ~ N(0, I) decoded as each class
 * c are read by a softmax classifier trained here on the real digits, which
 * must name their class far more often than chance (10%).
 */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileProgram, type Program } from '../../src/compiler/program';
import type { DatasetData } from '../../src/data/format';
import { loadDatasetNode } from '../../src/data/loadNode';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { classRowSamples } from '../../src/runtime/worker/pictures';
import { train } from '../../src/runtime/worker/trainer';
import { loadGraph } from '../helpers';

let tf: typeof tfType;
let data: DatasetData;
beforeAll(async () => {
  tf = await initNodeBackend('wasm');
  data = loadDatasetNode('mnist');
});

const PIXELS = 28 * 28;
const CLASSES = 10;
const PER_CLASS = 20;

/** The first n images of a split as [n, 784] floats in 0..1 and their labels. */
function split(set: DatasetData['train'], n: number): { x: tfType.Tensor2D; y: tfType.Tensor1D } {
  const x = Float32Array.from(set.images.subarray(0, n * PIXELS), (v) => v / 255);
  return { x: tf.tensor2d(x, [n, PIXELS]), y: tf.tensor1d(Int32Array.from(set.labels.subarray(0, n)), 'int32') };
}

/** Softmax regression on the real training digits (Adam, full-batch steps); returns its weights. */
async function trainClassifier(steps: number): Promise<{ w: tfType.Variable; b: tfType.Variable }> {
  const { x, y } = split(data.train, data.train.count);
  const onehot = tf.oneHot(y, CLASSES);
  const w = tf.variable(tf.zeros([PIXELS, CLASSES]));
  const b = tf.variable(tf.zeros([CLASSES]));
  const optimizer = tf.train.adam(0.05);
  for (let i = 0; i < steps; i++) {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(x, w), b)), true);
    cost?.dispose();
  }
  optimizer.dispose();
  tf.dispose([x, y, onehot]);
  return { w, b };
}

/** The share of images [n, 28, 28, 1] (or [n, 784]) the classifier labels as `labels`. */
function accuracy(classifier: { w: tfType.Variable; b: tfType.Variable }, images: tfType.Tensor, labels: tfType.Tensor): number {
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(tf.reshape(images, [-1, PIXELS]), classifier.w), classifier.b);
    return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')).dataSync()[0] as number;
  });
}

async function trainedCvae(): Promise<Program> {
  const compiled = compileProgram(loadGraph('cvae'), tf);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
  await train(compiled.program, { data, epochs: 3, testLimit: 500, reportEvery: 50 });
  return compiled.program;
}

describe('conditional VAE', () => {
  test('prior samples decoded as class c are recognised as c by a classifier trained on real digits', async () => {
    const classifier = await trainClassifier(150);
    const test = split(data.test, data.test.count);
    const realAccuracy = accuracy(classifier, test.x, test.y);
    tf.dispose([test.x, test.y]);
    // the judge itself must read real digits well for its verdict on samples to mean anything
    expect(realAccuracy).toBeGreaterThan(0.85);

    const program = await trainedCvae();
    const gen = program.plan.generation;
    expect(gen?.decoderClasses).toBe(CLASSES);
    expect(gen?.encoderConditioned).toBe(true);

    const before = tf.memory().numTensors;
    const perClass = tf.tidy(() => {
      const rows = classRowSamples(program, PER_CLASS, 'acceptance');
      if (!rows) throw new Error('the CVAE drew no class rows');
      expect(rows.images.shape).toEqual([CLASSES * PER_CLASS, 28, 28, 1]);
      const labels = tf.tensor1d(
        Int32Array.from({ length: CLASSES * PER_CLASS }, (_, i) => Math.floor(i / PER_CLASS)),
        'int32',
      );
      return rows.classes
        .map((c) =>
          accuracy(classifier, tf.slice(rows.images, [c * PER_CLASS, 0, 0, 0], [PER_CLASS, 28, 28, 1]), tf.fill([PER_CLASS], c, 'int32')),
        )
        .concat([accuracy(classifier, rows.images, labels)]);
    });
    expect(tf.memory().numTensors).toBe(before);
    const overall = perClass.pop() as number;
    expect(overall, `per class: ${perClass.map((a) => a.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(0.5);
    // classes are drawn as themselves, not one digit for every c
    expect(perClass.filter((a) => a >= 0.5).length, `per class: ${perClass.map((a) => a.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(5);

    // the same codes drawn without their class are not a conditional decoder's samples
    expect(() => tf.tidy(() => program.decode(program.priorCodes(3, 'no-class')))).toThrow(/conditioned on the class/);
    program.dispose();
    classifier.w.dispose();
    classifier.b.dispose();
  }, 120_000);
});
