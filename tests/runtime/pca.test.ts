import { describe, expect, test } from 'vitest';
import { Rng } from '../../src/core/random';
import { projectPca } from '../../src/runtime/worker/pca';

/** n points spread mostly along two known orthogonal directions of a d-dim space. */
function planted(n: number, d: number, seed = 1) {
  const rng = new Rng(seed);
  const u = new Float64Array(d).map(() => rng.normal());
  const norm = Math.hypot(...u);
  u.forEach((x, i) => (u[i] = x / norm));
  // v ⟂ u
  const v = new Float64Array(d).map(() => rng.normal());
  const p = v.reduce((s, x, i) => s + x * (u[i] as number), 0);
  v.forEach((x, i) => (v[i] = x - p * (u[i] as number)));
  const nv = Math.hypot(...v);
  v.forEach((x, i) => (v[i] = x / nv));
  const data = new Float32Array(n * d);
  const a: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = 5 * rng.normal();
    const t = 2 * rng.normal();
    a.push(s);
    b.push(t);
    for (let j = 0; j < d; j++) data[k * d + j] = 3 + s * (u[j] as number) + t * (v[j] as number) + 0.05 * rng.normal();
  }
  return { data, u, v, a, b };
}

const corr = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  const n = x.length;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += (x[i] as number) / n;
    my += (y[i] as number) / n;
  }
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx,
      dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
};

describe('projectPca', () => {
  test('finds the two planted directions, largest first', () => {
    const { data, u, v, a, b } = planted(400, 20);
    const p = projectPca(data, 400, 20);
    const c0 = Array.from(p.components.subarray(0, 20));
    const c1 = Array.from(p.components.subarray(20, 40));
    expect(Math.abs(c0.reduce((s, x, i) => s + x * (u[i] as number), 0))).toBeGreaterThan(0.999);
    expect(Math.abs(c1.reduce((s, x, i) => s + x * (v[i] as number), 0))).toBeGreaterThan(0.99);
    expect(Math.abs(c0.reduce((s, x, i) => s + x * (c1[i] as number), 0))).toBeLessThan(1e-9);
    const xs = Array.from({ length: 400 }, (_, i) => p.points[i * 2] as number);
    const ys = Array.from({ length: 400 }, (_, i) => p.points[i * 2 + 1] as number);
    expect(Math.abs(corr(xs, a))).toBeGreaterThan(0.999);
    expect(Math.abs(corr(ys, b))).toBeGreaterThan(0.99);
    // variance 25 and 4 out of ≈ 29 (+ a little noise)
    expect(p.explained[0]).toBeCloseTo(25 / 29, 1);
    expect(p.explained[1]).toBeCloseTo(4 / 29, 1);
    // centred
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 400)).toBeLessThan(1e-3);
  });

  test('signs are fixed: the largest coefficient of each axis is positive', () => {
    const { data } = planted(200, 8, 5);
    const p = projectPca(data, 200, 8);
    for (let c = 0; c < 2; c++) {
      const comp = Array.from(p.components.subarray(c * 8, (c + 1) * 8));
      const big = comp.reduce((best, x, i) => (Math.abs(x) > Math.abs(comp[best] as number) ? i : best), 0);
      expect(comp[big]).toBeGreaterThan(0);
    }
    // negating the data does not flip the picture
    const q = projectPca(
      data.map((x) => -x),
      200,
      8,
    );
    for (let i = 0; i < 20; i++) expect(Math.abs((q.points[i] as number) + (p.points[i] as number))).toBeLessThan(1e-3);
  });

  test('degenerate inputs do not break it', () => {
    expect(Array.from(projectPca(new Float32Array(30).fill(2), 10, 3).points)).toEqual(new Array(20).fill(0));
    const one = projectPca(Float32Array.from([1, 2, 3, 4]), 4, 1);
    expect(Array.from(one.points)).toEqual([-1.5, 0, -0.5, 0, 0.5, 0, 1.5, 0]);
    expect(() => projectPca(new Float32Array(5), 2, 3)).toThrow('expected 2×3 values, got 5');
  });
});
