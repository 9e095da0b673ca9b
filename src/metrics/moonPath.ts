/** The moon example, pure: a small and a full-size shape picked by their known factors, the real shapes between them, and how close a decoded path stays to them. */
import { renderShapes, shapeNames, shapeScales, shapesFactorNames, shapesIndex } from '../data/shapes';

/** Two test images of one shape at the same rotation and position: the smallest scale and the largest. */
export interface MoonPair {
  /** Indices into the test split. */
  small: number;
  large: number;
  shape: number;
  rotation: number;
  x: number;
  y: number;
}

/** Factor levels of a split, [count × names.length], with the factor names. */
export interface SplitFactors {
  names: ReadonlyArray<string>;
  levels: ArrayLike<number>;
}

const CENTRE = 7.5;

/**
 * The pair of test images of `shape` (default: the ellipse) at its smallest and its largest scale with the
 * same rotation, x and y, closest to the image centre (then the smallest rotation); undefined when the split
 * holds no such pair or its factors are not the shapes dataset's.
 */
export function moonPair(factors: SplitFactors, shape: (typeof shapeNames)[number] = 'ellipse'): MoonPair | undefined {
  if (factors.names.join() !== shapesFactorNames.join()) return undefined;
  const width = factors.names.length;
  const count = factors.levels.length / width;
  const wanted = shapeNames.indexOf(shape);
  const last = shapeScales.length - 1;
  // (rotation, x, y) → test index, for the smallest and the largest scale
  const small = new Map<string, number>();
  const large = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const at = (k: number) => factors.levels[i * width + k] as number;
    if (at(0) !== wanted) continue;
    const key = `${at(2)},${at(3)},${at(4)}`;
    if (at(1) === 0) small.set(key, i);
    else if (at(1) === last) large.set(key, i);
  }
  let best: MoonPair | undefined;
  let bestRank = Infinity;
  for (const [key, s] of small) {
    const l = large.get(key);
    if (l === undefined) continue;
    const [rotation, x, y] = key.split(',').map(Number) as [number, number, number];
    const rank = ((x - CENTRE) ** 2 + (y - CENTRE) ** 2) * 100 + rotation;
    if (rank < bestRank) [best, bestRank] = [{ small: s, large: l, shape: wanted, rotation, x, y }, rank];
  }
  return best;
}

/** The pair's shape drawn at every scale, smallest first: the real images a morph between the two should pass, [scales × 1024] in 0..1. */
export function scaleLadder(pair: MoonPair): Float32Array {
  const indices = shapeScales.map((_, scale) => shapesIndex([pair.shape, scale, pair.rotation, pair.x, pair.y]));
  const { images } = renderShapes(indices);
  return Float32Array.from(images, (v) => v / 255);
}

/** How a decoded path between the pair compares with the real shapes between them. */
export interface PathMeasures {
  /** Per image: root-mean-square pixel distance to the nearest image of the ladder. */
  gaps: number[];
  /** Per image: the scale of that nearest ladder image. */
  nearestScales: number[];
  /** Per image: the scale its pixel mass implies (mass grows with the area, scale²), relative to the largest real shape. */
  massScales: number[];
  /** The mean gap of the images strictly between the two ends (the codes no image was encoded to). */
  midGap: number;
  /**
   * midGap minus the mean gap of the two ends: how much further from real ellipses the images between are than
   * the decoded ends (a blurry decoder is blurry at the ends too; a path through a hole is worse between them).
   */
  midExcess: number;
  /** The pixel mass grows at every step from the small end to the large one. */
  growsMonotonically: boolean;
}

const rms = (a: Float32Array, offA: number, b: Float32Array, offB: number, px: number): number => {
  let s = 0;
  for (let p = 0; p < px; p++) s += ((a[offA + p] as number) - (b[offB + p] as number)) ** 2;
  return Math.sqrt(s / px);
};

const massOf = (a: Float32Array, off: number, px: number): number => {
  let s = 0;
  for (let p = 0; p < px; p++) s += a[off + p] as number;
  return s;
};

/** Measures `n` decoded images (each `px` pixels, small end first) against the ladder of real shapes. */
export function measurePath(images: Float32Array, n: number, ladder: Float32Array): PathMeasures {
  const px = images.length / n;
  const rungs = ladder.length / px;
  const fullMass = massOf(ladder, (rungs - 1) * px, px);
  const gaps: number[] = [];
  const nearestScales: number[] = [];
  const massScales: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let scale = 0;
    for (let r = 0; r < rungs; r++) {
      const d = rms(images, i * px, ladder, r * px, px);
      if (d < best) [best, scale] = [d, shapeScales[r] ?? 0];
    }
    gaps.push(best);
    nearestScales.push(scale);
    massScales.push(Math.sqrt(Math.max(0, massOf(images, i * px, px)) / fullMass));
  }
  const inner = gaps.slice(1, -1);
  const midGap = inner.length > 0 ? inner.reduce((a, b) => a + b, 0) / inner.length : 0;
  const midExcess = midGap - ((gaps[0] ?? 0) + (gaps[n - 1] ?? 0)) / 2;
  const growsMonotonically = massScales.every((m, i) => i === 0 || m > (massScales[i - 1] as number));
  return { gaps, nearestScales, massScales, midGap, midExcess, growsMonotonically };
}
