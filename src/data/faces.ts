/**
 * Faces: a procedural dataset of cartoon faces whose attributes are known, so
 * attribute vectors (faces with glasses minus faces without) and
 * disentanglement scores can be checked against the truth. Every combination
 * of seven factors is drawn exactly once:
 *
 *   glasses    2   no, yes
 *   smile      3   frown, straight, smile
 *   eyes       3   small, medium, large (radius of the pupils)
 *   width      4   half-width of the face 7 … 10 px
 *   hair       3   none, short (a cap), long (a cap and locks down the sides)
 *   x, y       6   one-pixel steps of the face's centre
 *
 * = 7,776 grey 32×32 images (the size of the shapes dataset, so the same
 * graphs and the same grey pipeline serve both), generated in code and
 * identical every time. The label of each image is its glasses factor.
 *
 * Grey levels are chosen so each part is told apart by brightness: background
 * 0, hair 60, skin 120, eyes 0, mouth 20, and glasses (two rings and a bridge)
 * 255, the only pixels brighter than skin. Shapes are anti-aliased from their
 * signed distance (coverage = clamp(½ − distance, 0, 1)), as shapes.ts does.
 */
import { permutation } from '../core/random';
import type { DatasetData, DatasetFactors, ImageSet } from './format';

export const FACES_SIZE = 32;
export const facesFactorNames = ['glasses', 'smile', 'eyes', 'width', 'hair', 'x', 'y'] as const;
export const FACES_POSITIONS = 6;
export const facesFactorSizes = [2, 3, 3, 4, 3, FACES_POSITIONS, FACES_POSITIONS] as const;
export const FACES_COUNT = facesFactorSizes.reduce((a, b) => a * b, 1);
/** Fixed: changing it changes the split, and every saved score with it. */
export const FACES_SPLIT_SEED = 20261201;
export const FACES_TEST_COUNT = Math.round(FACES_COUNT * 0.1);

export const facesFactorValues: ReadonlyArray<ReadonlyArray<string>> = [
  ['no', 'yes'],
  ['frown', 'straight', 'smile'],
  ['small', 'medium', 'large'],
  ['7 px', '8 px', '9 px', '10 px'],
  ['none', 'short', 'long'],
  Array.from({ length: FACES_POSITIONS }, (_, i) => String(i)),
  Array.from({ length: FACES_POSITIONS }, (_, i) => String(i)),
];

/** Centre of the face at position 0 (pixel coordinates); position i is FIRST + i. */
const FIRST_CENTRE = 13;
const HALF_HEIGHT = 10.5;
const halfWidths = [7, 8, 9, 10] as const;
const eyeRadii = [1, 1.6, 2.2] as const;
/** Eyes sit this far left and right of the centre and this far above it. */
const EYE_DX = 4;
const EYE_DY = -2;
const GLASSES_RADIUS = 3.2;
const GLASSES_HALF_THICKNESS = 0.9;

export const faceGreys = { background: 0, hair: 60, skin: 120, eyes: 0, mouth: 20, glasses: 255 } as const;

/** The factor levels of one face, by name. */
export interface FaceFactors {
  glasses: number;
  smile: number;
  eyes: number;
  width: number;
  hair: number;
  x: number;
  y: number;
}

export function faceFactorsOf(index: number): FaceFactors {
  const f: number[] = new Array<number>(facesFactorSizes.length);
  let rest = index;
  for (let k = facesFactorSizes.length - 1; k >= 0; k--) {
    const size = facesFactorSizes[k] as number;
    f[k] = rest % size;
    rest = Math.floor(rest / size);
  }
  const [glasses, smile, eyes, width, hair, x, y] = f as [number, number, number, number, number, number, number];
  return { glasses, smile, eyes, width, hair, x, y };
}

/** Index of a factor combination in the full grid (glasses slowest, y fastest). */
export function faceIndex(f: FaceFactors): number {
  const levels = [f.glasses, f.smile, f.eyes, f.width, f.hair, f.x, f.y];
  return levels.reduce((index, level, k) => index * (facesFactorSizes[k] as number) + level, 0);
}

const ellipse = (dx: number, dy: number, a: number, b: number): number => {
  const k0 = Math.sqrt((dx / a) ** 2 + (dy / b) ** 2);
  const k1 = Math.sqrt((dx / (a * a)) ** 2 + (dy / (b * b)) ** 2);
  return k1 > 0 ? (k0 * (k0 - 1)) / k1 : -Math.min(a, b);
};
const disc = (dx: number, dy: number, r: number): number => Math.sqrt(dx * dx + dy * dy) - r;
const box = (dx: number, dy: number, hx: number, hy: number): number => {
  const qx = Math.abs(dx) - hx;
  const qy = Math.abs(dy) - hy;
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
};
const coverage = (distance: number): number => Math.min(1, Math.max(0, 0.5 - distance));

/** Signed distance of the glasses (two rings and a bridge) from a pixel at (dx, dy) off the face's centre. */
function glassesDistance(dx: number, dy: number): number {
  const ring = (ex: number) => Math.abs(disc(dx - ex, dy - EYE_DY, GLASSES_RADIUS)) - GLASSES_HALF_THICKNESS;
  const bridge = box(dx, dy - EYE_DY, EYE_DX - GLASSES_RADIUS, GLASSES_HALF_THICKNESS);
  return Math.min(ring(-EYE_DX), ring(EYE_DX), bridge);
}

/** Signed distance of the mouth: an arc 8 px wide whose corners turn up (smile), lie flat or turn down (frown). */
function mouthDistance(dx: number, dy: number, smile: number): number {
  const bend = [-0.09, 0, 0.09][smile] as number;
  const centre = 5.5 + bend * 8; // the middle sits lower on a smile, higher on a frown
  const curve = centre - bend * dx * dx;
  const slope = -2 * bend * dx;
  const across = Math.abs(dy - curve) / Math.sqrt(1 + slope * slope) - 0.6;
  return Math.max(across, Math.abs(dx) - 4);
}

/** A face is drawn once, centred in a patch this wide, and copied to each position (positions step by whole pixels). */
const PATCH = 48;

/** The face of these factors centred at the patch's pixel (PATCH/2, PATCH/2), grey levels 0..255. */
function drawPatch(f: FaceFactors): Uint8Array {
  const out = new Uint8Array(PATCH * PATCH);
  const centre = PATCH / 2;
  const a = halfWidths[f.width] as number;
  const eyeRadius = eyeRadii[f.eyes] as number;
  for (let row = 0; row < PATCH; row++) {
    const dy = row + 0.5 - centre;
    for (let col = 0; col < PATCH; col++) {
      const dx = col + 0.5 - centre;
      let v: number = faceGreys.background;
      const paint = (distance: number, grey: number) => {
        const c = coverage(distance);
        if (c > 0) v += (grey - v) * c;
      };
      // long hair behind the face, then the face, the cap, the eyes, the mouth and the glasses on top
      if (f.hair === 2) paint(box(Math.abs(dx) - a + 0.25, dy - 1, 1.75, 6.5), faceGreys.hair);
      paint(ellipse(dx, dy, a, HALF_HEIGHT), faceGreys.skin);
      if (f.hair > 0) paint(Math.max(ellipse(dx, dy, a + 1, HALF_HEIGHT + 1), dy + 5), faceGreys.hair);
      paint(Math.min(disc(dx + EYE_DX, dy - EYE_DY, eyeRadius), disc(dx - EYE_DX, dy - EYE_DY, eyeRadius)), faceGreys.eyes);
      paint(mouthDistance(dx, dy, f.smile), faceGreys.mouth);
      if (f.glasses === 1) paint(glassesDistance(dx, dy), faceGreys.glasses);
      out[row * PATCH + col] = Math.round(v);
    }
  }
  return out;
}

/** Copies the part of a patch that falls in the image, the patch's centre on the face's centre. */
function placePatch(patch: Uint8Array, x: number, y: number, out: Uint8Array, offset: number): void {
  const left = FIRST_CENTRE + x - PATCH / 2;
  const top = FIRST_CENTRE + y - PATCH / 2;
  for (let row = 0; row < FACES_SIZE; row++)
    for (let col = 0; col < FACES_SIZE; col++) out[offset + row * FACES_SIZE + col] = patch[(row - top) * PATCH + col - left] as number;
}

/** One face, 32×32 grey levels 0..255, row-major. */
export function drawFace(f: FaceFactors): Uint8Array {
  const out = new Uint8Array(FACES_SIZE * FACES_SIZE);
  placePatch(drawPatch(f), f.x, f.y, out, 0);
  return out;
}

/**
 * Where glasses would be on a face at position (x, y): the pixels their
 * outline covers by at least half (indices into a 32×32 image).
 */
export function glassesRegion(x: number, y: number): number[] {
  const cx = FIRST_CENTRE + x;
  const cy = FIRST_CENTRE + y;
  const out: number[] = [];
  for (let row = 0; row < FACES_SIZE; row++)
    for (let col = 0; col < FACES_SIZE; col++)
      if (coverage(glassesDistance(col + 0.5 - cx, row + 0.5 - cy)) >= 0.5) out.push(row * FACES_SIZE + col);
  return out;
}

/** Each face's patch, drawn once (216 of them), by its grid index at position (0, 0). */
const patches = new Map<number, Uint8Array>();

/** Draws the faces of the given grid indices, in order: images, labels (glasses) and factors. */
export function renderFaces(indices: ArrayLike<number>): ImageSet & { factors: Uint8Array } {
  const count = indices.length;
  const px = FACES_SIZE * FACES_SIZE;
  const k = facesFactorSizes.length;
  const images = new Uint8Array(count * px);
  const labels = new Uint8Array(count);
  const factors = new Uint8Array(count * k);
  for (let n = 0; n < count; n++) {
    const f = faceFactorsOf(indices[n] as number);
    const key = faceIndex({ ...f, x: 0, y: 0 });
    let patch = patches.get(key);
    if (!patch) {
      patch = drawPatch(f);
      patches.set(key, patch);
    }
    placePatch(patch, f.x, f.y, images, n * px);
    labels[n] = f.glasses;
    factors.set([f.glasses, f.smile, f.eyes, f.width, f.hair, f.x, f.y], n * k);
  }
  return { images, labels, count, factors };
}

/** Every combination once, split at random (by `seed`) into train and test, both in shuffled order. */
export function generateFacesDataset(seed = FACES_SPLIT_SEED): DatasetData {
  const order = permutation(FACES_COUNT, seed);
  const test = renderFaces(order.subarray(0, FACES_TEST_COUNT));
  const train = renderFaces(order.subarray(FACES_TEST_COUNT));
  const factors: DatasetFactors = {
    names: [...facesFactorNames],
    sizes: [...facesFactorSizes],
    values: facesFactorValues.map((v) => [...v]),
    train: train.factors,
    test: test.factors,
  };
  return {
    imageShape: [FACES_SIZE, FACES_SIZE, 1],
    train: { images: train.images, labels: train.labels, count: train.count },
    test: { images: test.images, labels: test.labels, count: test.count },
    factors,
  };
}

let cached: DatasetData | null = null;

/** The faces dataset, generated on first use and kept (pure computation: Node, page and worker alike). */
export function loadFacesDataset(): DatasetData {
  cached ??= generateFacesDataset();
  return cached;
}

/**
 * How much a 32×32 image (grey 0..1) shows glasses where a face at position
 * (x, y) wears them: the mean grey of the glasses region, 1 for drawn glasses
 * and at most skin grey (0.47) without.
 */
export function glassesMeasure(image: ArrayLike<number>, x: number, y: number): number {
  const region = glassesRegion(x, y);
  return region.reduce((s, i) => s + (image[i] as number), 0) / region.length;
}
