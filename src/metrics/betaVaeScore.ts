/**
 * The β-VAE score (Higgins et al. 2017): a linear classifier reads the fixed
 * factor off the mean |z₁ − z₂| of image pairs that share it.
 */
import { hashSeed, Rng } from '../core/random';
import { argmax, checkInputs, groupByFactor, varyingFactors, type FactorLevels, type LatentCodes } from './disentanglement';

export interface BetaVaeResult {
  trainAccuracy: number;
  /** Accuracy on fresh points (the score usually reported). */
  evalAccuracy: number;
}

export interface BetaVaeOptions {
  seed?: number;
  /** Points to fit the classifier (default 5,000) and to score it (default 2,500). */
  trainPoints?: number;
  evalPoints?: number;
  /** Image pairs averaged per point (default 64). */
  batchSize?: number;
  /** Gradient steps of the classifier (default 300). */
  iterations?: number;
}

/**
 * β-VAE score (Higgins et al. 2017). A point: pick a factor; draw pairs of
 * images that share that factor's level (everything else random); the point is
 * the mean |z₁ − z₂| over the pairs, labelled with the factor. A linear
 * (softmax) classifier is fit to such points; the score is its accuracy on
 * fresh ones. If one latent holds each factor, the fixed factor's latent is
 * the one that barely moves, and a linear classifier reads that off easily.
 */
export function betaVaeScore(latents: LatentCodes, factors: FactorLevels, options: BetaVaeOptions = {}): BetaVaeResult {
  checkInputs(latents, factors);
  const { values, count, dims } = latents;
  const k = factors.sizes.length;
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const groups = groupByFactor(factors);
  const varying = varyingFactors(groups);
  if (varying.length < 2) return { trainAccuracy: varying.length, evalAccuracy: varying.length };
  const rng = new Rng(hashSeed(options.seed ?? 0, 'beta-vae'));
  const makePoints = (n: number) => {
    const x = new Float64Array(n * dims);
    const y = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      const f = varying[rng.int(varying.length)] as number;
      y[p] = f;
      for (let l = 0; l < batchSize; l++) {
        const a = rng.int(count);
        const members = (groups[f] as Uint32Array[])[factors.values[a * k + f] as number] as Uint32Array;
        const b = members[rng.int(members.length)] as number;
        for (let j = 0; j < dims; j++)
          x[p * dims + j]! += Math.abs((values[a * dims + j] as number) - (values[b * dims + j] as number)) / batchSize;
      }
    }
    return { x, y, n };
  };
  const train = makePoints(options.trainPoints ?? 5_000);
  const evaluation = makePoints(options.evalPoints ?? 2_500);
  const model = fitSoftmaxRegression(train.x, train.y, train.n, dims, k, options.iterations ?? 300);
  return {
    trainAccuracy: model.accuracy(train.x, train.y, train.n),
    evalAccuracy: model.accuracy(evaluation.x, evaluation.y, evaluation.n),
  };
}

interface LinearClassifier {
  accuracy(x: Float64Array, y: Uint8Array, n: number): number;
}

/**
 * Multinomial logistic regression on standardised features, fit by full-batch
 * gradient descent with Nesterov momentum and a little L2 (a convex problem:
 * no seed needed, the result is deterministic).
 */
export function fitSoftmaxRegression(
  x: Float64Array,
  y: Uint8Array,
  n: number,
  dims: number,
  classes: number,
  iterations: number,
): LinearClassifier {
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) mean[j]! += (x[i * dims + j] as number) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) scale[j]! += ((x[i * dims + j] as number) - (mean[j] as number)) ** 2 / n;
  for (let j = 0; j < dims; j++) scale[j] = (scale[j] as number) > 1e-12 ? 1 / Math.sqrt(scale[j] as number) : 0;
  const width = dims + 1; // weights + bias per class
  const w = new Float64Array(classes * width);
  const velocity = new Float64Array(classes * width);
  const grad = new Float64Array(classes * width);
  const lookahead = new Float64Array(classes * width);
  const features = new Float64Array(width);
  const logits = new Float64Array(classes);
  const lr = 0.5;
  const momentum = 0.9;
  const l2 = 1e-4;
  const standardise = (src: Float64Array, i: number) => {
    for (let j = 0; j < dims; j++) features[j] = ((src[i * dims + j] as number) - (mean[j] as number)) * (scale[j] as number);
    features[dims] = 1;
  };
  const scores = (weights: Float64Array) => {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += (weights[c * width + j] as number) * (features[j] as number);
      logits[c] = s;
      if (s > max) max = s;
    }
    return max;
  };
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < lookahead.length; i++) lookahead[i] = (w[i] as number) + momentum * (velocity[i] as number);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      standardise(x, i);
      const max = scores(lookahead);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp((logits[c] as number) - max);
      for (let c = 0; c < classes; c++) {
        const p = Math.exp((logits[c] as number) - max) / z - (c === y[i] ? 1 : 0);
        if (p === 0) continue;
        for (let j = 0; j < width; j++) grad[c * width + j]! += (p * (features[j] as number)) / n;
      }
    }
    for (let i = 0; i < w.length; i++) {
      const g = (grad[i] as number) + l2 * (lookahead[i] as number);
      velocity[i] = momentum * (velocity[i] as number) - lr * g;
      w[i]! += velocity[i] as number;
    }
  }
  return {
    accuracy(xs, ys, count) {
      let right = 0;
      for (let i = 0; i < count; i++) {
        standardise(xs, i);
        scores(w);
        if (argmax(logits) === ys[i]) right++;
      }
      return count > 0 ? right / count : 0;
    },
  };
}
