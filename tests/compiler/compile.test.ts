import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { compileGraph } from '../../src/compiler/plan';
import { compileProgram, type Program } from '../../src/compiler/program';
import { cloneDoc, findNode, graphFiles, loadGraph } from '../helpers';
import { useBackend } from '../tf';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await useBackend('cpu');
});

function program(name: string, seed?: number): Program {
  const r = compileProgram(loadGraph(name), tf, seed === undefined ? {} : { seed });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.program;
}

describe('compileGraph (pure)', () => {
  test.each(graphFiles())('%s compiles to a plan', (file) => {
    const r = compileGraph(loadGraph(file), specRegistry);
    expect(r.ok).toBe(true);
  });

  test('VAE roles: encoder → reparameterize → decoder, Bernoulli and KL terms', () => {
    const r = compileGraph(loadGraph('vae'), specRegistry);
    if (!r.ok) throw new Error('compile failed');
    const { plan } = r;
    expect(plan.nodes.map((n) => n.id)).toEqual(['data', 'encoder', 'reparam', 'decoder', 'recon', 'kl', 'loss']);
    expect(plan.variational).toBe(true);
    expect(plan.generation).toMatchObject({ encoderId: 'encoder', decoderId: 'decoder', reparameterizeId: 'reparam', latentDim: 20 });
    expect(plan.roles).toEqual({ recon: ['recon'], kl: ['kl'], beta: [] });
    expect(plan.dataset).toEqual({ nodeId: 'data', images: 'x', labels: 'label', id: 'mnist', binarize: 'none', batchSize: 128 });
  });

  test('AE: the decoder reads μ directly; not variational', () => {
    const r = compileGraph(loadGraph('ae'), specRegistry);
    if (!r.ok) throw new Error('compile failed');
    expect(r.plan.variational).toBe(false);
    expect(r.plan.generation?.mean).toEqual({ node: 'encoder', port: 'mean' });
    expect(r.plan.generation?.logVar).toBeUndefined();
  });

  test('denoising AE: the encoder reads x̃ from the Noise node', () => {
    const r = compileGraph(loadGraph('denoising-ae'), specRegistry);
    if (!r.ok) throw new Error('compile failed');
    expect(r.plan.generation?.encoderInput).toEqual({ node: 'noise', port: 'x' });
  });

  test('unused nodes are pruned from the plan', () => {
    const doc = cloneDoc(loadGraph('vae'));
    doc.nodes.push({ ...findNode(doc, 'decoder'), id: 'spare' });
    doc.edges.push({ id: 'to-spare', from: { node: 'reparam', port: 'z' }, to: { node: 'spare', port: 'z' } });
    const r = compileGraph(doc, specRegistry);
    if (!r.ok) throw new Error('compile failed');
    expect(r.plan.nodes.map((n) => n.id)).not.toContain('spare');
    expect(r.plan.warnings.map((w) => w.code)).toContain('unused');
  });

  test('a broken graph gives diagnostics, not a plan', () => {
    const doc = cloneDoc(loadGraph('vae'));
    doc.edges = doc.edges.filter((e) => e.to.node !== 'encoder');
    const r = compileGraph(doc, specRegistry);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics[0]?.message).toMatch(/node 'encoder' \(Encoder\): input 'x' is not connected/);
  });
});

describe('Program', () => {
  test('weights: the number promised by the shape rules, same seed ⇒ same init, other seed ⇒ other', async () => {
    const a = program('vae', 3);
    const b = program('vae', 3);
    const c = program('vae', 4);
    const count = a.model.variables.reduce((n, v) => n + v.size, 0);
    expect(count).toBe(a.plan.totalParams);
    const wa = await a.readWeights();
    const wb = await b.readWeights();
    const wc = await c.readWeights();
    expect(Object.keys(wa)).toEqual(Object.keys(wb));
    expect(wa['encoder/dense0/kernel']?.values).toEqual(wb['encoder/dense0/kernel']?.values);
    expect(wa['encoder/dense0/kernel']?.values).not.toEqual(wc['encoder/dense0/kernel']?.values);
    // writeWeights makes c equal to a
    c.writeWeights(wa);
    expect((await c.readWeights())['decoder/dense1/kernel']?.values).toEqual(wa['decoder/dense1/kernel']?.values);
    expect(() => c.writeWeights({})).toThrow(/is missing/);
    for (const p of [a, b, c]) p.dispose();
  });

  test.each(graphFiles())('%s: losses, encode, decode, reconstruct, sample — shapes and no leaks', (file) => {
    const p = program(file);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [h, w, c] = p.plan.imageShape;
      const x = tf.randomUniform([4, h, w, c]);
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      const t = p.losses({ x, labels }, { mode: 'train', step: 0, noiseKey: 't' });
      expect(t.objective.shape).toEqual([]);
      expect(Number.isFinite(t.objective.dataSync()[0])).toBe(true);
      const { mean } = p.encode(x, labels);
      const d = p.plan.generation?.latentDim ?? 0;
      expect(mean.shape).toEqual([4, d]);
      expect(p.decode(mean, labels).shape).toEqual([4, h, w, c]);
      expect(p.reconstruct(x, 'r', labels).output.shape).toEqual([4, h, w, c]);
      expect(p.decode(p.priorCodes(6, 'k'), p.priorLabels(6)).shape).toEqual([6, h, w, c]);
    });
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });

  test('objective = recon + KL for the VAE; recon only for the AE', () => {
    const vae = program('vae');
    const ae = program('ae');
    tf.tidy(() => {
      const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1);
      const labels = tf.zeros([8], 'int32');
      const v = vae.losses({ x, labels }, { mode: 'test', step: 0, noiseKey: 'a' });
      expect(v.objective.dataSync()[0]).toBeCloseTo((v.recon.dataSync()[0] ?? 0) + (v.kl.dataSync()[0] ?? 0), 3);
      const a = ae.losses({ x, labels }, { mode: 'test', step: 0, noiseKey: 'a' });
      expect(a.kl.dataSync()[0]).toBe(0);
      expect(a.objective.dataSync()[0]).toBeCloseTo(a.recon.dataSync()[0] ?? NaN, 4);
    });
    vae.dispose();
    ae.dispose();
  });

  test('β-VAE: objective = recon + β·KL with β = 4', () => {
    const p = program('beta-vae');
    tf.tidy(() => {
      const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 2);
      const t = p.losses({ x, labels: tf.zeros([8], 'int32') }, { mode: 'test', step: 0, noiseKey: 'b' });
      const [o, r, k, b] = [t.objective, t.recon, t.kl, t.beta].map((s) => s.dataSync()[0] ?? NaN) as [number, number, number, number];
      expect(b).toBe(4);
      expect(o).toBeCloseTo(r + 4 * k, 3);
    });
    p.dispose();
  });

  test('sampling is seeded: the same noise key gives the same z, another key another', () => {
    const p = program('vae');
    tf.tidy(() => {
      const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5);
      const labels = tf.zeros([2], 'int32');
      const a = p.losses({ x, labels }, { mode: 'train', step: 3, noiseKey: 'k1' }).objective.dataSync()[0];
      const b = p.losses({ x, labels }, { mode: 'train', step: 3, noiseKey: 'k1' }).objective.dataSync()[0];
      const c = p.losses({ x, labels }, { mode: 'train', step: 3, noiseKey: 'k2' }).objective.dataSync()[0];
      expect(a).toBe(b);
      expect(a).not.toBe(c);
    });
    p.dispose();
  });

  test('the decoder is shared: decode(encode(x)) = reconstruct(x) in inference mode', () => {
    const p = program('vae');
    tf.tidy(() => {
      const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9);
      const viaCode = p.decode(p.encode(x).mean).dataSync();
      const direct = p.reconstruct(x).output.dataSync();
      expect(Array.from(viaCode)).toEqual(Array.from(direct));
    });
    p.dispose();
  });
});

describe('forks start from the same weights', () => {
  test('a VAE and its MSE fork have identical initial weights (same seed, same node ids)', async () => {
    const { swapGraph } = await import('../../src/core/fork');
    const base = loadGraph('vae');
    const fork = swapGraph(base, specRegistry, 'loss=mse');
    if (!fork.ok) throw new Error(fork.message);
    const a = compileProgram(base, tf);
    const b = compileProgram(fork.doc, tf);
    if (!a.ok || !b.ok) throw new Error('compile failed');
    const wa = await a.program.readWeights();
    const wb = await b.program.readWeights();
    expect(Object.keys(wa)).toEqual(Object.keys(wb));
    for (const k of Object.keys(wa)) expect(wb[k]?.values).toEqual(wa[k]?.values);
    a.program.dispose();
    b.program.dispose();
  });
});
