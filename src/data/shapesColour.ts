/**
 * Coloured shapes: the shapes sprites (src/data/shapes.ts) on every other
 * position, each drawn in one of 6 colours over one of 3 tinted backgrounds,
 * as 32×32 RGB. A small colour dataset generated in code (no files), so colour
 * graphs open and train anywhere:
 *
 *   3 shapes × 6 scales × 10 rotations × 8 x × 8 y = 11,520 images
 *
 * The colour and background of each image come from a fixed hash of its index,
 * so the set is identical every time. The label is the shape.
 */
import { hashSeed, permutation } from '../core/random';
import type { DatasetData, ImageSet } from './format';
import { renderShapes, SHAPES_POSITIONS, SHAPES_SIZE, shapeNames, shapeRotations, shapeScales, shapesIndex } from './shapes';

export const SHAPES_COLOUR_STEP = 2;
const positions = SHAPES_POSITIONS / SHAPES_COLOUR_STEP;
export const SHAPES_COLOUR_COUNT = shapeNames.length * shapeScales.length * shapeRotations.length * positions * positions;
/** Fixed: changing it changes the split. */
export const SHAPES_COLOUR_SPLIT_SEED = 20261201;
export const SHAPES_COLOUR_TEST_COUNT = Math.round(SHAPES_COLOUR_COUNT * 0.1);

/** Sprite colours (RGB 0..255). */
export const spriteColours = [
  [230, 60, 50],
  [250, 200, 40],
  [60, 180, 75],
  [40, 130, 230],
  [170, 80, 220],
  [245, 245, 245],
] as const;
/** Background tints. */
export const backgroundColours = [
  [20, 20, 30],
  [40, 50, 70],
  [70, 45, 35],
] as const;

/** The shapes grid index of coloured image `n` (0..SHAPES_COLOUR_COUNT−1): shape slowest, y fastest. */
function gridIndexOf(n: number): number {
  const y = n % positions;
  const x = Math.floor(n / positions) % positions;
  const rest = Math.floor(n / (positions * positions));
  const rotation = rest % shapeRotations.length;
  const scale = Math.floor(rest / shapeRotations.length) % shapeScales.length;
  const shape = Math.floor(rest / (shapeRotations.length * shapeScales.length));
  return shapesIndex([shape, scale, rotation, x * SHAPES_COLOUR_STEP, y * SHAPES_COLOUR_STEP]);
}

/** Draws coloured images `indices` (into 0..SHAPES_COLOUR_COUNT−1) in that order. */
export function renderColourShapes(indices: ArrayLike<number>): ImageSet {
  const grid = Array.from({ length: indices.length }, (_, i) => gridIndexOf(indices[i] as number));
  const grey = renderShapes(grid);
  const px = SHAPES_SIZE * SHAPES_SIZE;
  const images = new Uint8Array(grey.count * px * 3);
  for (let k = 0; k < grey.count; k++) {
    const hash = hashSeed('shapes-colour', indices[k] as number);
    const fg = spriteColours[hash % spriteColours.length] as readonly number[];
    const bg = backgroundColours[Math.floor(hash / spriteColours.length) % backgroundColours.length] as readonly number[];
    for (let p = 0; p < px; p++) {
      const a = (grey.images[k * px + p] as number) / 255;
      for (let ch = 0; ch < 3; ch++) {
        images[(k * px + p) * 3 + ch] = Math.round((bg[ch] as number) * (1 - a) + (fg[ch] as number) * a);
      }
    }
  }
  return { images, labels: grey.labels, count: grey.count };
}

export function generateColourShapesDataset(): DatasetData {
  const order = permutation(SHAPES_COLOUR_COUNT, SHAPES_COLOUR_SPLIT_SEED);
  const test = renderColourShapes(order.subarray(0, SHAPES_COLOUR_TEST_COUNT));
  const train = renderColourShapes(order.subarray(SHAPES_COLOUR_TEST_COUNT));
  return { imageShape: [SHAPES_SIZE, SHAPES_SIZE, 3], train, test };
}

let cached: DatasetData | null = null;

/** The coloured shapes, generated on first use and kept (Node, page and worker alike). */
export function loadColourShapesDataset(): DatasetData {
  cached ??= generateColourShapesDataset();
  return cached;
}
