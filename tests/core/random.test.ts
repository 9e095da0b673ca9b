import { describe, expect, test } from 'vitest';
import { hashSeed, permutation, Rng } from '../../src/core/random';

describe('Rng', () => {
  test('the same seed gives the same stream; another seed another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    const sb = Array.from({ length: 100 }, () => b.nextUint32());
    const sc = Array.from({ length: 100 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  test('uniform and normal have the right moments', () => {
    const r = new Rng(7);
    const n = 200_000;
    const u = r.fillUniform(new Float32Array(n));
    const g = r.fillNormal(new Float32Array(n));
    const mean = (xs: Float32Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = (xs: Float32Array) => {
      const m = mean(xs);
      return xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
    };
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(variance(u)).toBeCloseTo(1 / 12, 2);
    expect(mean(g)).toBeCloseTo(0, 1);
    expect(variance(g)).toBeCloseTo(1, 1);
    expect(u.reduce((a, b) => Math.min(a, b), 1)).toBeGreaterThanOrEqual(0);
    expect(u.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(1);
  });

  test('permutation is a permutation and depends on the seed', () => {
    const p = permutation(1000, 5);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...permutation(1000, 5)]).toEqual([...p]);
    expect([...permutation(1000, 6)]).not.toEqual([...p]);
  });

  test('hashSeed separates its parts', () => {
    expect(hashSeed(1, 'a')).toBe(hashSeed(1, 'a'));
    expect(hashSeed(1, 'a')).not.toBe(hashSeed(1, 'b'));
    expect(hashSeed(1, 'ab')).not.toBe(hashSeed(1, 'a', 'b'));
    expect(hashSeed(12, 3)).not.toBe(hashSeed(1, 23));
  });
});
