/** Each node's maths on the cpu backend, against formulas written out by hand. */
import type * as tfType from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { betaAt, capacityAt } from '../../nodes/beta';
import { nodeDefs, nodeRegistry } from '../../nodes';
import type { BuiltNode, MetricName, NodeInputs, PortValue, RunContext, Tensor } from '../../nodes/defineNode';
import { bceWithLogits, continuousBernoulliLogNorm } from '../../nodes/reconstructionLoss';
import type { Shape } from '../../src/core/shape';
import { useBackend } from '../tf';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await useBackend('cpu');
});

function build(
  type: string,
  params: Record<string, unknown>,
  inputShapes: Record<string, Shape>,
  outputShapes: Record<string, Shape> = {},
  used: string[] = [],
): BuiltNode {
  const def = nodeRegistry.get(type);
  if (!def) throw new Error(type);
  const parsed = def.params.parse(params);
  return def.build({
    tf,
    nodeId: 'n',
    params: parsed,
    inputShapes,
    multiInputShapes: {},
    outputShapes,
    usedOutputs: new Set(used.length ? used : Object.keys(def.outputs)),
    inputNeedsGradient: () => true,
    variable: (name, shape, init) =>
      tf.variable(
        typeof init === 'object'
          ? tf.fill(shape, init.constant)
          : init === 'zeros'
            ? tf.zeros(shape)
            : tf.randomUniform(shape, -0.1, 0.1, 'float32', 3),
        true,
        `t-${type}-${name}-${Math.random()}`,
      ),
  });
}

function runCtx(mode: RunContext['mode'] = 'train', live: Record<string, number> = {}, step = 0) {
  const metrics = new Map<MetricName, Tensor>();
  const ctx: RunContext = {
    tf,
    mode,
    step,
    normal: (shape) => tf.ones(shape),
    uniform: (shape) => tf.fill(shape, 0.5),
    feed: () => {
      throw new Error('no feed');
    },
    live: (k) => live[k],
    report: (m, v) => metrics.set(m, v),
  };
  return { ctx, metrics };
}

const num = (t: PortValue | Tensor | undefined): number => {
  if (!t || 'logits' in t) throw new Error('not a tensor');
  return t.dataSync()[0] as number;
};

describe('node catalogue', () => {
  test.each(nodeDefs.map((d) => [d.type, d] as const))('%s: docs, ports and defaults are complete', (_t, def) => {
    expect(def.title.length).toBeGreaterThan(0);
    expect(def.summary.length).toBeGreaterThan(10);
    expect(def.docs.length).toBeGreaterThan(80);
    for (const p of [...Object.values(def.inputs), ...Object.values(def.outputs)]) expect(p.doc.length).toBeGreaterThan(3);
    // every param has a default, and every control names a real param
    const defaults = def.params.parse({});
    for (const c of def.controls) expect(Object.keys(defaults)).toContain(c.key);
  });
});

describe('KL', () => {
  test('closed form ½(μ² + σ² − log σ² − 1), per dimension and summed', () => {
    const kl = build('KL', {}, { mean: [null, 2], logVar: [null, 2] });
    const mean = tf.tensor2d([
      [0, 1],
      [2, -1],
    ]);
    const logVar = tf.tensor2d([
      [0, Math.log(2)],
      [Math.log(0.5), 0],
    ]);
    const { ctx, metrics } = runCtx();
    const out = kl.apply({ mean, logVar }, ctx);
    const per = (m: number, lv: number) => 0.5 * (m * m + Math.exp(lv) - lv - 1);
    const d0 = (per(0, 0) + per(2, Math.log(0.5))) / 2;
    const d1 = (per(1, Math.log(2)) + per(-1, 0)) / 2;
    expect(num(out.kl)).toBeCloseTo(d0 + d1, 5);
    expect(Array.from(metrics.get('klPerDim')?.dataSync() ?? [])).toEqual([expect.closeTo(d0, 5), expect.closeTo(d1, 5)]);
  });

  test('free bits: each dimension counts at least λ in the objective, but the reported KL is the true one', () => {
    const kl = build('KL', { freeBits: 0.5 }, { mean: [null, 2], logVar: [null, 2] });
    const { ctx, metrics } = runCtx();
    const out = kl.apply({ mean: tf.zeros([3, 2]), logVar: tf.zeros([3, 2]) }, ctx);
    expect(num(out.kl)).toBeCloseTo(1.0, 6);
    expect(num(metrics.get('kl'))).toBeCloseTo(0, 6);
  });
});

describe('ReconstructionLoss', () => {
  const x = () => tf.tensor4d([0, 1, 1, 0, 0.5, 0.25], [2, 1, 3, 1]);
  const logits = () => tf.tensor4d([-2, 3, 0.5, -0.1, 0, 1], [2, 1, 3, 1]);
  const sig = (l: number) => 1 / (1 + Math.exp(-l));
  const xs = [0, 1, 1, 0, 0.5, 0.25];
  const ls = [-2, 3, 0.5, -0.1, 0, 1];
  const perExample = (f: (xv: number, lv: number) => number) => {
    let s = 0;
    for (let i = 0; i < 6; i++) s += f(xs[i] as number, ls[i] as number);
    return s / 2; // summed over pixels, mean over 2 examples
  };
  const shapes = { x: [null, 1, 3, 1], xHat: [null, 1, 3, 1] };
  const lossOf = (params: Record<string, unknown>) => {
    const node = build('ReconstructionLoss', params, shapes);
    const l = logits();
    const { ctx } = runCtx();
    return num(node.apply({ x: x(), xHat: { logits: l, mean: tf.sigmoid(l) } } as NodeInputs, ctx).loss);
  };

  test('bernoulli = binary cross-entropy on logits', () => {
    const bce = (xv: number, lv: number) => -(xv * Math.log(sig(lv)) + (1 - xv) * Math.log(1 - sig(lv)));
    expect(lossOf({ distribution: 'bernoulli' })).toBeCloseTo(perExample(bce), 4);
  });
  test('mse = squared error of the mean image', () => {
    expect(lossOf({ distribution: 'mse' })).toBeCloseTo(
      perExample((xv, lv) => (xv - sig(lv)) ** 2),
      5,
    );
  });
  test('l1 = absolute error', () => {
    expect(lossOf({ distribution: 'l1' })).toBeCloseTo(
      perExample((xv, lv) => Math.abs(xv - sig(lv))),
      5,
    );
  });
  test('gaussian with fixed σ = full negative log-density', () => {
    const s = 0.3;
    const nll = (xv: number, lv: number) => 0.5 * ((xv - sig(lv)) / s) ** 2 + Math.log(s) + 0.5 * Math.log(2 * Math.PI);
    expect(lossOf({ distribution: 'gaussian', sigma: s })).toBeCloseTo(perExample(nll), 4);
  });
  test('gaussian with learned σ has one weight, starting at σ', () => {
    const node = build('ReconstructionLoss', { distribution: 'gaussian', sigma: 0.3, learnSigma: true }, shapes);
    const { ctx, metrics } = runCtx();
    const l = logits();
    node.apply({ x: x(), xHat: { logits: l, mean: tf.sigmoid(l) } } as NodeInputs, ctx);
    expect(num(metrics.get('sigma'))).toBeCloseTo(0.3, 5);
  });
  test('continuous Bernoulli = BCE − log C(λ), C = 2·atanh(1−2λ)/(1−2λ)', () => {
    const logC = (lv: number) => {
      const lam = sig(lv);
      return Math.abs(lam - 0.5) < 1e-6 ? Math.log(2) : Math.log((2 * Math.atanh(1 - 2 * lam)) / (1 - 2 * lam));
    };
    const bce = (xv: number, lv: number) => -(xv * Math.log(sig(lv)) + (1 - xv) * Math.log(1 - sig(lv)));
    expect(lossOf({ distribution: 'continuous-bernoulli' })).toBeCloseTo(
      perExample((xv, lv) => bce(xv, lv) - logC(lv)),
      4,
    );
  });
  test('the stable forms stay finite at extreme logits, with finite gradients at 0', () => {
    const l = tf.tensor1d([-200, -30, 0, 1e-9, 30, 200]);
    const b = bceWithLogits(tf, l, tf.tensor1d([1, 0, 1, 0, 1, 0]));
    expect(Array.from(b.dataSync()).every(Number.isFinite)).toBe(true);
    const c = continuousBernoulliLogNorm(tf, l);
    expect(Array.from(c.dataSync()).every(Number.isFinite)).toBe(true);
    const g = tf.grad((t: Tensor) => tf.sum(continuousBernoulliLogNorm(tf, t)))(l);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });
  test('BCE on logits: its hand-written gradients (σ(l) − x, and −l for the targets) match the traced formula', () => {
    const l = tf.tensor1d([-40, -3, -0.5, 0, 0.7, 2, 25]);
    const x = tf.tensor1d([1, 0, 0.3, 1, 0, 0.9, 1]);
    const w = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
    const plain = (lt: Tensor, xt: Tensor) =>
      tf.sum(tf.mul(w, tf.add(tf.sub(tf.relu(lt), tf.mul(lt, xt)), tf.softplus(tf.neg(tf.abs(lt))))));
    const [pl, px] = tf.grads(plain)([l, x]);
    const [bl, bx] = tf.grads((lt: Tensor, xt: Tensor) => tf.sum(tf.mul(w, bceWithLogits(tf, lt, xt, true))))([l, x]);
    const onlyL = tf.grad((lt: Tensor) => tf.sum(tf.mul(w, bceWithLogits(tf, lt, x))))(l);
    const close = (a: Tensor | undefined, b: Tensor | undefined) => {
      const av = Array.from(a?.dataSync() ?? []);
      const bv = Array.from(b?.dataSync() ?? []);
      expect(av.length).toBe(7);
      av.forEach((v, i) => expect(v).toBeCloseTo(bv[i] as number, 4));
    };
    close(bl, pl);
    close(bx, px);
    close(onlyL, pl);
    expect(tf.sum(bceWithLogits(tf, l, x)).dataSync()[0]).toBeCloseTo(
      tf.sum(tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.softplus(tf.neg(tf.abs(l))))).dataSync()[0] as number,
      4,
    );
  });
});

describe('Reparameterize', () => {
  test('z = μ + exp(½ log σ²)·ε when training; z = μ for pictures', () => {
    const node = build('Reparameterize', {}, { mean: [null, 2], logVar: [null, 2] });
    const mean = tf.tensor2d([[1, -1]]);
    const logVar = tf.tensor2d([[Math.log(4), 0]]);
    const train = node.apply({ mean, logVar }, runCtx('train').ctx);
    // ε = 1 in this context
    expect(Array.from((train.z as Tensor).dataSync())).toEqual([expect.closeTo(3, 5), expect.closeTo(0, 5)]);
    const infer = node.apply({ mean, logVar }, runCtx('infer').ctx);
    expect(Array.from((infer.z as Tensor).dataSync())).toEqual([1, -1]);
  });
});

describe('Beta', () => {
  test('β·|KL − C| with live override of β', () => {
    const node = build('Beta', { beta: 4, capacity: 5 }, { kl: [] });
    const { ctx } = runCtx('train', {}, 0);
    expect(num(node.apply({ kl: tf.scalar(2) }, ctx).loss)).toBeCloseTo(12, 5);
    const live = runCtx('train', { beta: 0.5 });
    expect(num(node.apply({ kl: tf.scalar(8) }, live.ctx).loss)).toBeCloseTo(1.5, 5);
  });
  test('schedules', () => {
    const p = { schedule: 'warmup' as const, warmupSteps: 100, cycleSteps: 100, rampFraction: 0.5 };
    expect(betaAt(p, 4, 0)).toBe(0);
    expect(betaAt(p, 4, 50)).toBe(2);
    expect(betaAt(p, 4, 500)).toBe(4);
    const c = { ...p, schedule: 'cyclical' as const };
    expect(betaAt(c, 1, 0)).toBe(0);
    expect(betaAt(c, 1, 25)).toBe(0.5);
    expect(betaAt(c, 1, 75)).toBe(1);
    expect(betaAt(c, 1, 100)).toBe(0);
    expect(betaAt({ ...p, schedule: 'constant' }, 3, 7)).toBe(3);
    expect(capacityAt(10, 100, 50)).toBe(5);
    expect(capacityAt(10, 0, 50)).toBe(10);
  });
});

describe('Noise', () => {
  test('masking drops pixels where u < p; gaussian adds σε and clips', () => {
    const mask = build('Noise', { kind: 'masking', p: 0.6 }, { x: [null, 1, 2, 1] });
    const x = tf.tensor4d([0.2, 0.9], [1, 1, 2, 1]);
    // u = 0.5 < 0.6: everything dropped
    expect(Array.from((mask.apply({ x }, runCtx().ctx).x as Tensor).dataSync())).toEqual([0, 0]);
    const gauss = build('Noise', { kind: 'gaussian', sigma: 0.5, clip: true }, { x: [null, 1, 2, 1] });
    // ε = 1: 0.2 + 0.5 = 0.7, 0.9 + 0.5 → 1 (clipped)
    expect(Array.from((gauss.apply({ x }, runCtx().ctx).x as Tensor).dataSync())).toEqual([expect.closeTo(0.7, 5), 1]);
  });
});

describe('Encoder and Decoder', () => {
  test('conv encoder and conv decoder produce the shapes their shape rules promise', () => {
    const enc = build('Encoder', { architecture: 'conv', filters: [8, 16], hidden: [32], latentDim: 5 }, { x: [null, 28, 28, 1] });
    const out = enc.apply({ x: tf.zeros([3, 28, 28, 1]) }, runCtx().ctx);
    expect((out.mean as Tensor).shape).toEqual([3, 5]);
    expect((out.logVar as Tensor).shape).toEqual([3, 5]);
    const dec = build('Decoder', { architecture: 'conv', hidden: [32], filters: [16, 8] }, { z: [null, 5] }, { xHat: [null, 28, 28, 1] });
    const img = dec.apply({ z: tf.zeros([3, 5]) }, runCtx().ctx).xHat;
    if (!img || !('logits' in img)) throw new Error('no reconstruction');
    expect(img.logits.shape).toEqual([3, 28, 28, 1]);
    const m = img.mean.dataSync();
    expect(Math.min(...m)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...m)).toBeLessThanOrEqual(1);
  });
  test('an encoder whose logVar is unused builds no logVar head', () => {
    const enc = build('Encoder', { hidden: [16], latentDim: 4 }, { x: [null, 28, 28, 1] }, {}, ['mean']);
    const out = enc.apply({ x: tf.zeros([2, 28, 28, 1]) }, runCtx().ctx);
    expect(out.logVar).toBeUndefined();
  });
});

describe('continuous Bernoulli gradient', () => {
  test('matches finite differences, including near 0', () => {
    const points = [-5, -0.7, -0.005, 0, 0.003, 0.4, 3];
    const g = tf
      .grad((t: Tensor) => tf.sum(continuousBernoulliLogNorm(tf, t)))(tf.tensor1d(points))
      .dataSync();
    const f = (l: number) =>
      Math.abs(l) < 1e-2 ? Math.log(2) + (l * l) / 12 : Math.log(Math.abs(l)) - Math.log(Math.abs(Math.tanh(l / 2)));
    points.forEach((p, i) => {
      const h = 1e-3;
      const fd = (f(p + h) - f(p - h)) / (2 * h);
      expect(g[i]).toBeCloseTo(fd, 2);
    });
  });
});
