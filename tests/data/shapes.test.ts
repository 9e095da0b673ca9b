import { describe, expect, it } from 'vitest';
import { datasetInfo } from '../../src/core/datasets';
import { loadDatasetNode } from '../../src/data/loadNode';
import {
  generateShapesDataset,
  loadShapesDataset,
  renderShapes,
  SHAPES_COUNT,
  shapesFactorNames,
  shapesFactorSizes,
  shapesFactorsOf,
  shapesIndex,
} from '../../src/data/shapes';
import { Rng } from '../../src/core/random';

const data = loadShapesDataset();
const K = shapesFactorNames.length;
const PX = 32 * 32;

/** FNV-1a over bytes: a fingerprint of the pixels. */
function fingerprint(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Plain byte comparison (deep equality on megabytes of pixels is far too slow). */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('shapes dataset', () => {
  it('has every combination of the five factors exactly once, split 41,472 / 4,608', () => {
    expect(SHAPES_COUNT).toBe(3 * 6 * 10 * 16 * 16);
    expect(data.imageShape).toEqual([32, 32, 1]);
    expect(datasetInfo.shapes.imageShape).toEqual(data.imageShape);
    expect(data.train.count).toBe(41_472);
    expect(data.test.count).toBe(4_608);
    expect(data.train.images.length).toBe(data.train.count * PX);
    expect(data.test.images.length).toBe(data.test.count * PX);
    const f = data.factors;
    if (!f) throw new Error('shapes must carry its factors');
    expect(f.names).toEqual(['shape', 'scale', 'rotation', 'x', 'y']);
    expect(f.sizes).toEqual([3, 6, 10, 16, 16]);
    expect(f.values.map((v) => v.length)).toEqual(f.sizes);
    expect(f.train.length).toBe(data.train.count * K);
    expect(f.test.length).toBe(data.test.count * K);
    const seen = new Uint8Array(SHAPES_COUNT);
    for (const table of [f.train, f.test]) {
      for (let i = 0; i < table.length / K; i++) seen[shapesIndex(table.subarray(i * K, (i + 1) * K))]! += 1;
    }
    // a full factorial grid: the factors vary independently of each other
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it('labels each image with its shape, the factor used for colouring', () => {
    const f = data.factors;
    if (!f) throw new Error('no factors');
    for (const [set, table] of [
      [data.train, f.train],
      [data.test, f.test],
    ] as const) {
      let wrong = 0;
      for (let i = 0; i < set.count; i++) if (set.labels[i] !== table[i * K]) wrong++;
      expect(wrong).toBe(0);
    }
    expect(datasetInfo.shapes.classNames).toEqual(['square', 'ellipse', 'heart']);
  });

  it('covers every level of every factor in the test split, in shuffled order', () => {
    const f = data.factors;
    if (!f) throw new Error('no factors');
    shapesFactorSizes.forEach((size, k) => {
      const counts = new Array<number>(size).fill(0);
      for (let i = 0; i < data.test.count; i++) counts[f.test[i * K + k] as number]! += 1;
      // a random 10%: every level present, none far from its share
      for (const c of counts) expect(c).toBeGreaterThan((data.test.count / size) * 0.7);
    });
    // the first 1,000 training images already span every shape and position
    const firstShapes = new Set(Array.from({ length: 1000 }, (_, i) => f.train[i * K]));
    const firstX = new Set(Array.from({ length: 1000 }, (_, i) => f.train[i * K + 3]));
    expect(firstShapes.size).toBe(3);
    expect(firstX.size).toBe(16);
  });

  it('changes the image whenever any one factor changes', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 200; t++) {
      const base = shapesFactorsOf(rng.int(SHAPES_COUNT));
      for (let k = 0; k < K; k++) {
        const other = [...base];
        other[k] = ((base[k] as number) + 1 + rng.int((shapesFactorSizes[k] as number) - 1)) % (shapesFactorSizes[k] as number);
        const pair = renderShapes([shapesIndex(base), shapesIndex(other)]);
        const a = pair.images.subarray(0, PX);
        const b = pair.images.subarray(PX);
        let diff = 0;
        for (let j = 0; j < PX; j++) diff += Math.abs((a[j] as number) - (b[j] as number));
        expect(diff, `${shapesFactorNames[k]}: ${base.join(',')} → ${other.join(',')}`).toBeGreaterThan(20);
      }
    }
  });

  it('moves the sprite without clipping it: the same ink at every position', () => {
    for (let shape = 0; shape < 3; shape++) {
      for (const rotation of [0, 5]) {
        const indices: number[] = [];
        for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) indices.push(shapesIndex([shape, 5, rotation, x, y]));
        const set = renderShapes(indices);
        const ink = (i: number) => set.images.subarray(i * PX, (i + 1) * PX).reduce((s, v) => s + v, 0);
        const first = ink(0);
        expect(first).toBeGreaterThan(0);
        for (let i = 1; i < set.count; i++) expect(ink(i)).toBe(first);
      }
    }
  });

  it('draws grey anti-aliased edges on a black background, bigger sprites with more ink', () => {
    const set = renderShapes(Array.from({ length: 6 }, (_, s) => shapesIndex([1, s, 3, 8, 8])));
    const inks: number[] = [];
    for (let i = 0; i < set.count; i++) {
      const img = set.images.subarray(i * PX, (i + 1) * PX);
      expect(img[0]).toBe(0);
      expect(img.some((v) => v > 0 && v < 255)).toBe(true);
      expect(Math.max(...img)).toBeGreaterThan(200);
      inks.push(img.reduce((s, v) => s + v, 0));
    }
    for (let i = 1; i < inks.length; i++) expect(inks[i]).toBeGreaterThan(inks[i - 1] as number);
  });

  it('is the same every time it is generated', () => {
    const again = generateShapesDataset();
    expect(sameBytes(again.train.images, data.train.images)).toBe(true);
    expect(sameBytes(again.test.images, data.test.images)).toBe(true);
    expect(sameBytes(again.factors?.train, data.factors?.train)).toBe(true);
    // pinned: a change here changes the dataset, and every score measured on it
    expect(fingerprint(data.train.images)).toBe(PINNED.train);
    expect(fingerprint(data.test.images)).toBe(PINNED.test);
  });

  it('is generated once and shared, also through the Node loader', () => {
    expect(loadShapesDataset()).toBe(data);
    expect(loadDatasetNode('shapes')).toBe(data);
  });
});

const PINNED = { train: '551ca17a', test: '6b8797ee' };
