/** The Condition node and the condition inputs of Encoder and Decoder: shapes, weights, wiring errors, conditional decoding. */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { compileProgram } from '../../src/compiler/program';
import { analyzeGraph } from '../../src/core/analyze';
import type { GraphDoc } from '../../src/core/schema';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { loadGraph } from '../helpers';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('cpu');
});

const cvae = (): GraphDoc => loadGraph('cvae');

function errorsOf(doc: GraphDoc) {
  return analyzeGraph(doc, specRegistry).diagnostics.filter((d) => d.severity === 'error');
}

describe('Condition and conditioned Encoder and Decoder', () => {
  test('the one-hot has one column per class of the dataset, and both networks grow by that many inputs', () => {
    const a = analyzeGraph(cvae(), specRegistry);
    expect(a.ok).toBe(true);
    expect(a.nodes.condition?.outputs.c).toEqual([null, 10]);
    // encoder: (784 + 10) → 400, then μ and log σ² heads of 2; decoder: (2 + 10) → 400 → 784
    expect(a.nodes.encoder?.paramCount).toBe((784 + 10) * 400 + 400 + 2 * (400 * 2 + 2));
    expect(a.nodes.decoder?.paramCount).toBe((2 + 10) * 400 + 400 + 400 * 784 + 784);

    const faces = cvae();
    const data = faces.nodes.find((n) => n.id === 'data');
    if (data) data.params = { ...data.params, dataset: 'faces' };
    const f = analyzeGraph(faces, specRegistry);
    expect(f.nodes.condition?.outputs.c).toEqual([null, 2]);
    expect(f.nodes.decoder?.paramCount).toBe((2 + 2) * 400 + 400 + 400 * 1024 + 1024);
  });

  test('a Condition without labels is an error on that node', () => {
    const doc = cvae();
    doc.edges = doc.edges.filter((e) => e.to.node !== 'condition');
    const errors = errorsOf(doc);
    expect(errors.some((d) => d.nodeId === 'condition' && d.field === 'labels' && /label/.test(d.message))).toBe(true);
    expect(compileProgram(doc, tf).ok).toBe(false);
  });

  test('raw labels wired straight into a condition input are refused, naming the node and the fix', () => {
    const doc = cvae();
    doc.edges = doc.edges.map((e) => (e.id === 'e-condition-decoder' ? { ...e, from: { node: 'data', port: 'label' } } : e));
    const errors = errorsOf(doc);
    const onDecoder = errors.find((d) => d.nodeId === 'decoder' && d.field === 'condition');
    expect(onDecoder?.message).toMatch(/one-hot condition \[B×K\].*Condition node/);
  });

  test('the plan says what is conditioned; an unconditioned VAE has no classes and decodes without labels', () => {
    const encoderOnly = cvae();
    encoderOnly.edges = encoderOnly.edges.filter((e) => e.id !== 'e-condition-decoder');
    const compiled = compileProgram(encoderOnly, tf);
    if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
    const gen = compiled.program.plan.generation;
    expect(gen?.encoderConditioned).toBe(true);
    expect(gen?.decoderClasses).toBeUndefined();
    expect(compiled.program.priorLabels(4)).toBeUndefined();
    const x = tf.zeros([2, 28, 28, 1]);
    expect(() => tf.tidy(() => compiled.program.encode(x))).toThrow(/conditioned on the class: encoding/);
    x.dispose();
    compiled.program.dispose();

    const plain = compileProgram(loadGraph('vae'), tf);
    if (!plain.ok) throw new Error('vae.json does not compile');
    expect(plain.program.plan.generation?.decoderClasses).toBeUndefined();
    expect(plain.program.plan.generation?.encoderConditioned).toBe(false);
    plain.program.dispose();
  });

  test('decode(z, c): the class changes the image, the same class gives the same image; no tensors leak', () => {
    const compiled = compileProgram(cvae(), tf, { seed: 3 });
    if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
    const p = compiled.program;
    const before = tf.memory().numTensors;
    const [sameClass, otherClass] = tf.tidy(() => {
      const z = tf.tile(p.priorCodes(1, 'one'), [3, 1]);
      const images = p.decode(z, tf.tensor1d([7, 7, 3], 'int32'));
      const row = (i: number) => tf.slice(images, [i, 0, 0, 0], [1, 28, 28, 1]);
      return [tf.max(tf.abs(tf.sub(row(0), row(1)))).dataSync()[0], tf.max(tf.abs(tf.sub(row(0), row(2)))).dataSync()[0]];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(sameClass).toBe(0);
    expect(otherClass).toBeGreaterThan(1e-4);
    expect(tf.tidy(() => Array.from((p.priorLabels(12) as tfType.Tensor).dataSync()))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    p.dispose();
  });
});
