/**
 * Principal component analysis for the latent scatter: projects n codes of
 * dimension d onto the k directions of largest variance. Power iteration on
 * the centred data (never forms the d×d covariance), with deflation; the sign
 * of each axis is fixed (largest coefficient positive) so the picture does not
 * flip between previews.
 */

export interface Projection {
  /** n·k coordinates, row-major. */
  points: Float32Array;
  /** Unit directions, k·d row-major. */
  components: Float64Array;
  /** Share of the total variance along each direction (0..1). */
  explained: number[];
}

export function projectPca(data: ArrayLike<number>, n: number, d: number, k = 2, iterations = 200): Projection {
  if (data.length !== n * d) throw new Error(`expected ${n}×${d} values, got ${data.length}`);
  const kk = Math.min(k, d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  const x = new Float64Array(n * d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = (data[i * d + j] as number) - (mean[j] as number);
      x[i * d + j] = v;
      total += v * v;
    }
  }
  const components = new Float64Array(k * d);
  const explained: number[] = [];
  const xv = new Float64Array(n);
  for (let c = 0; c < kk; c++) {
    // deterministic start, not orthogonal to any axis
    let v: Float64Array = new Float64Array(d).map((_, j) => 1 + ((j * 7919 + c * 104729) % 97) / 97);
    v = orthonormalize(v, components, c, d);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      // w = Xᵀ(X v)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[i * d + j] as number) * (v[j] as number);
        xv[i] = s;
      }
      const w = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const s = xv[i] as number;
        if (s === 0) continue;
        for (let j = 0; j < d; j++) w[j] = (w[j] as number) + (x[i * d + j] as number) * s;
      }
      const next = orthonormalize(w, components, c, d);
      lambda = dot(w, next);
      const change = 1 - Math.abs(dot(next, v));
      v = next;
      if (change < 1e-12) break;
    }
    // fixed sign: the largest coefficient is positive
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(v[j] as number) > Math.abs(v[big] as number)) big = j;
    const sign = (v[big] as number) < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[c * d + j] = sign * (v[j] as number);
    explained.push(total > 0 ? Math.max(0, lambda) / total : 0);
  }
  for (let c = kk; c < k; c++) explained.push(0);
  const points = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < kk; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] as number) * (components[c * d + j] as number);
      points[i * k + c] = s;
    }
  }
  return { points, components, explained };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Removes the first `count` components from v and scales it to unit length (zero stays zero). */
function orthonormalize(v: Float64Array, components: Float64Array, count: number, d: number): Float64Array {
  const out = Float64Array.from(v);
  for (let c = 0; c < count; c++) {
    let p = 0;
    for (let j = 0; j < d; j++) p += (out[j] as number) * (components[c * d + j] as number);
    for (let j = 0; j < d; j++) out[j] = (out[j] as number) - p * (components[c * d + j] as number);
  }
  const norm = Math.sqrt(dot(out, out));
  if (norm > 0) for (let j = 0; j < d; j++) out[j] = (out[j] as number) / norm;
  return out;
}
