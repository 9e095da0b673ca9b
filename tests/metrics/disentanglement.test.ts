import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from '../../src/core/random';
import { betaVaeScore } from '../../src/metrics/betaVaeScore';
import { scoreLatents } from '../../src/metrics/scoreLatents';
import {
  factorEntropies,
  factorVaeScore,
  groupByFactor,
  mutualInformationGap,
  type FactorLevels,
  type LatentCodes,
} from '../../src/metrics/disentanglement';

const sizes = [3, 6, 10, 16];
const K = sizes.length;
const N = 6000;

/** N images whose factors are drawn independently and uniformly. */
function randomFactors(seed: number): FactorLevels {
  const rng = new Rng(seed);
  const values = new Uint8Array(N * K);
  for (let i = 0; i < N; i++) sizes.forEach((s, f) => (values[i * K + f] = rng.int(s)));
  return { values, count: N, sizes };
}

/** Factor f as a number in about −1.7..1.7 (uniform levels, unit variance). */
function standardLevel(factors: FactorLevels, i: number, f: number): number {
  const s = sizes[f] as number;
  const v = factors.values[i * K + f] as number;
  return (v - (s - 1) / 2) / Math.sqrt((s * s - 1) / 12) || 0;
}

/** z_f = factor f + a little noise, then `extra` dims of pure noise (informative of nothing). */
function disentangledCodes(factors: FactorLevels, extra = 2, noise = 0.05): LatentCodes {
  const dims = K + extra;
  const rng = new Rng(hashSeed(7, 'codes'));
  const values = new Float32Array(N * dims);
  for (let i = 0; i < N; i++) {
    for (let f = 0; f < K; f++) values[i * dims + f] = standardLevel(factors, i, f) + noise * rng.normal();
    for (let e = 0; e < extra; e++) values[i * dims + K + e] = rng.normal();
  }
  return { values, count: N, dims };
}

/** Rotates the code pairs (0, 1) and (2, 3) by `degrees`: each latent then mixes two factors. */
function rotatedCodes(codes: LatentCodes, degrees: number): LatentCodes {
  const r = (degrees * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  const values = Float32Array.from(codes.values);
  const d = codes.dims;
  for (let i = 0; i < codes.count; i++) {
    for (const [a, b] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const za = codes.values[i * d + a] as number;
      const zb = codes.values[i * d + b] as number;
      values[i * d + a] = c * za - s * zb;
      values[i * d + b] = s * za + c * zb;
    }
  }
  return { ...codes, values };
}

function noiseCodes(dims: number, seed: number): LatentCodes {
  return { values: new Rng(seed).fillNormal(new Float32Array(N * dims)), count: N, dims };
}

const factors = randomFactors(11);
const clean = disentangledCodes(factors);

describe('MIG', () => {
  it('is ≈ 1 when each factor has its own latent', () => {
    const r = mutualInformationGap(clean, factors);
    expect(r.mig).toBeGreaterThan(0.9);
    expect(r.perFactor.map((g) => g.best)).toEqual([0, 1, 2, 3]);
    for (const g of r.perFactor) expect(g.gap).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('is ≈ 0 for codes that know nothing about the factors', () => {
    const r = mutualInformationGap(noiseCodes(6, 3), factors);
    expect(r.mig).toBeGreaterThanOrEqual(0);
    expect(r.mig).toBeLessThan(0.03);
  });

  it('falls as the latents mix the factors (a rotation of the code)', () => {
    const migs = [0, 10, 45].map((deg) => mutualInformationGap(rotatedCodes(clean, deg), factors).mig);
    const [straight, tilted, mixed] = migs as [number, number, number];
    expect(straight).toBeGreaterThan(tilted);
    expect(tilted).toBeGreaterThan(mixed);
    expect(tilted).toBeGreaterThan(0.2);
    expect(tilted).toBeLessThan(0.85);
    // at 45° each latent of a rotated pair knows its two factors equally well: no clear winner
    expect(mixed).toBeLessThan(0.15);
  });

  it('does not change when latents are permuted, shifted or rescaled', () => {
    const d = clean.dims;
    const perm = [3, 5, 0, 2, 4, 1];
    const values = new Float32Array(clean.values.length);
    for (let i = 0; i < N; i++) perm.forEach((src, j) => (values[i * d + j] = -3 * (clean.values[i * d + src] as number) + 7));
    const a = mutualInformationGap(clean, factors).mig;
    const b = mutualInformationGap({ ...clean, values }, factors).mig;
    expect(b).toBeCloseTo(a, 5);
  });

  it('ignores factors that never change and handles a single latent', () => {
    const k = 2;
    const values = new Uint8Array(N * k);
    for (let i = 0; i < N; i++) values[i * k] = i % 4;
    const oneFactor: FactorLevels = { values, count: N, sizes: [4, 3] };
    const codes: LatentCodes = { values: Float32Array.from({ length: N }, (_, i) => i % 4), count: N, dims: 1 };
    const r = mutualInformationGap(codes, oneFactor);
    expect(r.perFactor).toHaveLength(1);
    expect(r.mig).toBeCloseTo(1, 6);
    expect(factorEntropies(oneFactor)[1]).toBe(0);
  });

  it('rejects arrays that do not fit together, naming what is wrong', () => {
    expect(() => mutualInformationGap({ values: new Float32Array(10), count: 5, dims: 3 }, factors)).toThrow(/latent array/);
    expect(() => mutualInformationGap(noiseCodes(2, 1), { ...factors, count: 10 })).toThrow(/factor array/);
    const bad = Uint8Array.from(factors.values);
    bad[0] = 9;
    expect(() => mutualInformationGap(clean, { ...factors, values: bad })).toThrow(/level 9/);
  });
});

describe('FactorVAE score', () => {
  it('is ≈ 1 for disentangled codes, at chance for noise, lower for mixed codes', () => {
    const good = factorVaeScore(clean, factors, { seed: 1, trainVotes: 2000, evalVotes: 1000 });
    expect(good.evalAccuracy).toBeGreaterThan(0.97);
    expect(good.factorOfDim.slice(0, K)).toEqual([0, 1, 2, 3]);
    const noise = factorVaeScore(noiseCodes(6, 5), factors, { seed: 1, trainVotes: 2000, evalVotes: 1000 });
    expect(noise.evalAccuracy).toBeLessThan(0.4); // chance is 1/4
    const mixed = factorVaeScore(rotatedCodes(clean, 45), factors, { seed: 1, trainVotes: 2000, evalVotes: 1000 });
    expect(mixed.evalAccuracy).toBeLessThan(good.evalAccuracy - 0.1);
    expect(mixed.evalAccuracy).toBeGreaterThan(noise.evalAccuracy);
  });

  it('prunes collapsed latents and is the same for the same seed', () => {
    const d = clean.dims + 1;
    const values = new Float32Array(N * d);
    for (let i = 0; i < N; i++) {
      values.set(clean.values.subarray(i * clean.dims, (i + 1) * clean.dims), i * d);
      values[i * d + clean.dims] = 1e-4 * ((i % 7) - 3); // a collapsed unit: almost constant
    }
    const codes = { values, count: N, dims: d };
    const a = factorVaeScore(codes, factors, { seed: 4, trainVotes: 500, evalVotes: 500 });
    expect(a.activeDims).not.toContain(clean.dims);
    expect(a.factorOfDim[clean.dims]).toBe(-1);
    expect(factorVaeScore(codes, factors, { seed: 4, trainVotes: 500, evalVotes: 500 })).toEqual(a);
  });

  it('scores 0 when every latent has collapsed', () => {
    const r = factorVaeScore({ values: new Float32Array(N * 3), count: N, dims: 3 }, factors, { trainVotes: 100, evalVotes: 100 });
    expect(r.evalAccuracy).toBe(0);
    expect(r.activeDims).toEqual([]);
  });
});

describe('β-VAE score', () => {
  it('is ≈ 1 for disentangled codes and near chance for noise', () => {
    const options = { seed: 2, trainPoints: 1500, evalPoints: 800, batchSize: 32, iterations: 200 };
    const good = betaVaeScore(clean, factors, options);
    expect(good.evalAccuracy).toBeGreaterThan(0.97);
    const noise = betaVaeScore(noiseCodes(6, 9), factors, options);
    expect(noise.evalAccuracy).toBeLessThan(0.4);
    // at 45° two factors move the same pair of latents by the same amounts: a linear classifier confuses them
    const mixed = betaVaeScore(rotatedCodes(clean, 45), factors, options);
    expect(mixed.evalAccuracy).toBeLessThan(good.evalAccuracy - 0.1);
  });
});

describe('helpers', () => {
  it('groups images by factor level', () => {
    const groups = groupByFactor(factors);
    expect(groups).toHaveLength(K);
    groups.forEach((g, f) => {
      expect(g).toHaveLength(sizes[f] as number);
      expect(g.reduce((s, m) => s + m.length, 0)).toBe(N);
      g.forEach((members, v) => members.forEach((i) => expect(factors.values[i * K + f]).toBe(v)));
    });
  });

  it('scoreLatents runs all three, with β-VAE optional', () => {
    const small = { factorVae: { trainVotes: 300, evalVotes: 300 }, betaVae: { trainPoints: 300, evalPoints: 300, iterations: 50 } };
    const all = scoreLatents(clean, factors, { seed: 3, ...small });
    expect(all.mig.mig).toBeGreaterThan(0.9);
    expect(all.betaVae?.evalAccuracy).toBeGreaterThan(0.9);
    expect(scoreLatents(clean, factors, { seed: 3, ...small, betaVae: false }).betaVae).toBeUndefined();
  });
});
