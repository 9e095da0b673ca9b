/**
 * Shapes: a procedural dSprites-like dataset (Matthey et al. 2017) whose
 * ground-truth factors of variation are known, so disentanglement can be
 * measured. Every combination of five factors is drawn exactly once:
 *
 *   shape    3   square, ellipse, heart
 *   scale    6   0.5, 0.6, …, 1.0 (relative size)
 *   rotation 10  0°, 9°, …, 81°
 *   x        16  one-pixel steps
 *   y        16  one-pixel steps
 *
 * = 46,080 grey 32×32 images, generated in code (no files, nothing fetched),
 * identical every time. 32×32 keeps training fast on any backend (a quarter of
 * dSprites' 64×64 pixels) while the smallest sprite is still 5 px across and
 * shapes stay recognisable.
 *
 * Rotation covers 0°–81° for every shape. dSprites rotates every shape through
 * 360°, but a square looks the same every 90° and an ellipse every 180°, so many
 * of its rotation values are the same image: no model could tell them apart and
 * scores would punish it for that. Over 0°–81° each value is a different image
 * for each shape, and 9° means the same turn for every shape.
 *
 * Sprites are anti-aliased analytically: each pixel's grey level is the area of
 * the pixel the shape covers, estimated from the signed distance from the pixel
 * centre to the outline (coverage = clamp(½ − distance, 0, 1)). Positions step
 * by whole pixels, so each of the 180 (shape, scale, rotation) sprites is drawn
 * once and copied to the 256 positions: the whole set takes tens of milliseconds.
 *
 * Exported training scripts draw the same images in Python
 * (src/export/shapesPython.ts); tests/export/shapesPython.test.ts checks that
 * both give the same bytes, so a change here must be made there too.
 */
import { permutation } from '../core/random';
import type { DatasetData, DatasetFactors, ImageSet } from './format';

export const SHAPES_SIZE = 32;
export const shapeNames = ['square', 'ellipse', 'heart'] as const;
export const shapeScales = [0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;
/** Degrees. */
export const shapeRotations = [0, 9, 18, 27, 36, 45, 54, 63, 72, 81] as const;
export const SHAPES_POSITIONS = 16;
/** Pixel coordinate of the sprite centre at position 0; position i is FIRST + i. */
export const FIRST_POSITION = 8;

export const shapesFactorNames = ['shape', 'scale', 'rotation', 'x', 'y'] as const;
export const shapesFactorSizes = [
  shapeNames.length,
  shapeScales.length,
  shapeRotations.length,
  SHAPES_POSITIONS,
  SHAPES_POSITIONS,
] as const;
/** Every combination once. */
export const SHAPES_COUNT = shapesFactorSizes.reduce((a, b) => a * b, 1);
/** Fixed: changing it changes the split, and every saved score with it. */
export const SHAPES_SPLIT_SEED = 20260101;
export const SHAPES_TEST_FRACTION = 0.1;
/** Images in the test split (the first ones of the shuffled order); the rest are the training split. */
export const SHAPES_TEST_COUNT = Math.round(SHAPES_COUNT * SHAPES_TEST_FRACTION);

/** Half the size of a sprite at scale 1, in pixels (a rotated square then still fits inside the image). */
export const HALF_SIZE = 5.25;
/** Sprites are drawn into a square patch this many pixels wide, centred on a pixel corner. */
export const PATCH = 18;

/** Human-readable value of each factor level (for reports and axis labels). */
export const shapesFactorValues: ReadonlyArray<ReadonlyArray<string>> = [
  [...shapeNames],
  shapeScales.map((s) => s.toFixed(1)),
  shapeRotations.map((r) => `${r}°`),
  Array.from({ length: SHAPES_POSITIONS }, (_, i) => String(i)),
  Array.from({ length: SHAPES_POSITIONS }, (_, i) => String(i)),
];

type Shape = (typeof shapeNames)[number];

/** Signed distance (negative inside) in the sprite's unit frame: its outline spans about −1..1. */
function signedDistance(shape: Shape, u: number, v: number): number {
  switch (shape) {
    case 'square':
      return boxDistance(u, v, 0.8);
    case 'ellipse':
      return ellipseDistance(u, v, 1, 0.5);
    case 'heart':
      return heartDistance(u, v);
  }
}

function boxDistance(u: number, v: number, half: number): number {
  const qx = Math.abs(u) - half;
  const qy = Math.abs(v) - half;
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
}

/** First-order distance to an ellipse (exact on the outline, which is all anti-aliasing needs). */
function ellipseDistance(u: number, v: number, a: number, b: number): number {
  const k0 = Math.sqrt((u / a) ** 2 + (v / b) ** 2);
  const k1 = Math.sqrt((u / (a * a)) ** 2 + (v / (b * b)) ** 2);
  return k1 > 0 ? (k0 * (k0 - 1)) / k1 : -Math.min(a, b);
}

/** Height of the classic heart curve (tip at 0, lobes up to ≈1.10); scaled so it spans about −1..1. */
export const HEART_SCALE = 0.552;

/** Exact distance to a heart (two discs on a V), tip pointing down the image. */
function heartDistance(u: number, v: number): number {
  // into the heart's own frame: y up, tip at the origin
  const x = Math.abs(u) * HEART_SCALE;
  const y = -v * HEART_SCALE + HEART_SCALE;
  let d: number;
  if (x + y > 1) {
    d = Math.sqrt((x - 0.25) ** 2 + (y - 0.75) ** 2) - Math.SQRT2 / 4;
  } else {
    const a = (x - 0) ** 2 + (y - 1) ** 2;
    const t = 0.5 * Math.max(x + y, 0);
    const b = (x - t) ** 2 + (y - t) ** 2;
    d = Math.sqrt(Math.min(a, b)) * Math.sign(x - y);
  }
  return d / HEART_SCALE;
}

/**
 * cos/sin rounded to 2⁻²⁴: engines may differ in the last bit of Math.cos, and
 * rounding makes every engine draw the same pixels.
 */
function roundedTrig(degrees: number): { c: number; s: number } {
  const r = (degrees * Math.PI) / 180;
  const q = 2 ** 24;
  return { c: Math.round(Math.cos(r) * q) / q, s: Math.round(Math.sin(r) * q) / q };
}

/** One sprite in a PATCH×PATCH tile (0..255), centred on the corner at (PATCH/2, PATCH/2). */
export function drawSprite(shape: Shape, scale: number, degrees: number): Uint8Array {
  const out = new Uint8Array(PATCH * PATCH);
  const half = HALF_SIZE * scale;
  const { c, s } = roundedTrig(degrees);
  const centre = PATCH / 2;
  for (let row = 0; row < PATCH; row++) {
    const dy = row + 0.5 - centre;
    for (let col = 0; col < PATCH; col++) {
      const dx = col + 0.5 - centre;
      // rotate the pixel into the sprite's frame (image y points down; positive angles turn clockwise on screen)
      const u = (c * dx + s * dy) / half;
      const v = (-s * dx + c * dy) / half;
      const distance = signedDistance(shape, u, v) * half;
      const coverage = Math.min(1, Math.max(0, 0.5 - distance));
      out[row * PATCH + col] = Math.round(coverage * 255);
    }
  }
  return out;
}

/** Index of a factor combination in the full grid (shape slowest, y fastest). */
export function shapesIndex(f: ArrayLike<number>): number {
  let index = 0;
  for (let k = 0; k < shapesFactorSizes.length; k++) index = index * (shapesFactorSizes[k] as number) + (f[k] as number);
  return index;
}

/** The factor values of grid index `index`. */
export function shapesFactorsOf(index: number): number[] {
  const f = new Array<number>(shapesFactorSizes.length);
  let rest = index;
  for (let k = shapesFactorSizes.length - 1; k >= 0; k--) {
    const size = shapesFactorSizes[k] as number;
    f[k] = rest % size;
    rest = Math.floor(rest / size);
  }
  return f;
}

/** Draws images for the given grid indices, in that order: images, shape labels and factors. */
export function renderShapes(indices: ArrayLike<number>): ImageSet & { factors: Uint8Array } {
  const count = indices.length;
  const px = SHAPES_SIZE * SHAPES_SIZE;
  const k = shapesFactorSizes.length;
  const images = new Uint8Array(count * px);
  const labels = new Uint8Array(count);
  const factors = new Uint8Array(count * k);
  const sprites = new Map<number, Uint8Array>();
  for (let n = 0; n < count; n++) {
    const f = shapesFactorsOf(indices[n] as number);
    const [shape, scale, rotation, x, y] = f as [number, number, number, number, number];
    const key = (shape * shapeScales.length + scale) * shapeRotations.length + rotation;
    let sprite = sprites.get(key);
    if (!sprite) {
      sprite = drawSprite(shapeNames[shape] as Shape, shapeScales[scale] as number, shapeRotations[rotation] as number);
      sprites.set(key, sprite);
    }
    stamp(images, n * px, sprite, FIRST_POSITION + x - PATCH / 2, FIRST_POSITION + y - PATCH / 2);
    labels[n] = shape;
    factors.set(f, n * k);
  }
  return { images, labels, count, factors };
}

/** Copies a patch into an image at (left, top), clipping at the edges. */
function stamp(images: Uint8Array, offset: number, sprite: Uint8Array, left: number, top: number): void {
  for (let row = 0; row < PATCH; row++) {
    const y = top + row;
    if (y < 0 || y >= SHAPES_SIZE) continue;
    for (let col = 0; col < PATCH; col++) {
      const x = left + col;
      if (x < 0 || x >= SHAPES_SIZE) continue;
      const v = sprite[row * PATCH + col] as number;
      if (v > 0) images[offset + y * SHAPES_SIZE + x] = v;
    }
  }
}

/** Builds the whole dataset: every combination once, split at random (fixed seed) into train and test. */
export function generateShapesDataset(): DatasetData {
  const order = permutation(SHAPES_COUNT, SHAPES_SPLIT_SEED);
  const testCount = SHAPES_TEST_COUNT;
  // both splits are in shuffled order, so the first N images of a split are a fair sample of it
  const test = renderShapes(order.subarray(0, testCount));
  const train = renderShapes(order.subarray(testCount));
  const factors: DatasetFactors = {
    names: [...shapesFactorNames],
    sizes: [...shapesFactorSizes],
    values: shapesFactorValues.map((v) => [...v]),
    train: train.factors,
    test: test.factors,
  };
  return {
    imageShape: [SHAPES_SIZE, SHAPES_SIZE, 1],
    train: { images: train.images, labels: train.labels, count: train.count },
    test: { images: test.images, labels: test.labels, count: test.count },
    factors,
  };
}

let cached: DatasetData | null = null;

/**
 * The shapes dataset, generated on first use and kept. Pure computation: works
 * the same in Node, on the main thread and in a worker (no network, no files).
 */
export function loadShapesDataset(): DatasetData {
  cached ??= generateShapesDataset();
  return cached;
}
