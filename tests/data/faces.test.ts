// The faces dataset: deterministic, every combination once, and each attribute visible in the pixels where it should be.
import { describe, expect, test } from 'vitest';
import { datasetInfo } from '../../src/core/datasets';
import {
  drawFace,
  faceFactorsOf,
  faceGreys,
  FACES_COUNT,
  FACES_SIZE,
  facesFactorNames,
  generateFacesDataset,
  glassesRegion,
  renderFaces,
  type FaceFactors,
} from '../../src/data/faces';
import { loadDatasetNode } from '../../src/data/loadNode';

const plain: FaceFactors = { glasses: 0, smile: 1, eyes: 1, width: 1, hair: 0, x: 2, y: 2 };
const count = (img: Uint8Array, keep: (v: number) => boolean) => img.reduce((n, v) => n + (keep(v) ? 1 : 0), 0);
const meanOf = (img: Uint8Array, pixels: number[]) => pixels.reduce((s, i) => s + (img[i] as number), 0) / pixels.length;

describe('the faces dataset', () => {
  test('is the same every time, splits by its seed, and holds every combination once', () => {
    const a = generateFacesDataset();
    const b = generateFacesDataset();
    expect(Buffer.from(a.test.images).equals(Buffer.from(b.test.images))).toBe(true);
    expect(a.train.count + a.test.count).toBe(FACES_COUNT);
    const other = generateFacesDataset(7);
    expect(Buffer.from(other.test.images).equals(Buffer.from(a.test.images))).toBe(false);
    const k = facesFactorNames.length;
    const rows = new Set<string>();
    for (const set of [a.factors?.train, a.factors?.test])
      for (let i = 0; set && i < set.length / k; i++) rows.add(set.subarray(i * k, (i + 1) * k).join(','));
    expect(rows.size).toBe(FACES_COUNT);
  });

  test('labels each face by its glasses, and is registered with its factors', () => {
    const data = loadDatasetNode('faces');
    expect(data.imageShape).toEqual([32, 32, 1]);
    expect(data.train.count).toBe(datasetInfo.faces.trainCount);
    expect(data.factors?.names).toEqual([...facesFactorNames]);
    const k = facesFactorNames.length;
    for (let i = 0; i < 200; i++) expect(data.test.labels[i]).toBe(data.factors?.test[i * k]);
  });

  test('has glasses pixels (brighter than skin) exactly when glasses = 1', () => {
    const { images, factors } = renderFaces(Array.from({ length: FACES_COUNT }, (_, i) => i).filter((i) => i % 7 === 0));
    const px = FACES_SIZE * FACES_SIZE;
    const k = facesFactorNames.length;
    for (let n = 0; n < images.length / px; n++) {
      const img = images.subarray(n * px, (n + 1) * px);
      const [glasses, , , , , x, y] = factors.subarray(n * k, (n + 1) * k) as unknown as number[];
      const region = glassesRegion(x as number, y as number);
      if (glasses === 1) {
        expect(meanOf(img, region)).toBeGreaterThan(215);
        expect(count(img, (v) => v > 230)).toBeGreaterThan(20);
      } else {
        expect(Math.max(...img)).toBeLessThanOrEqual(faceGreys.skin);
        expect(meanOf(img, region)).toBeLessThanOrEqual(faceGreys.skin);
      }
    }
  });

  test('changes only the glasses region when glasses are put on', () => {
    const without = drawFace(plain);
    const withGlasses = drawFace({ ...plain, glasses: 1 });
    const region = new Set(glassesRegion(plain.x, plain.y));
    const changed = [...without.keys()].filter((i) => without[i] !== withGlasses[i]);
    expect(changed.length).toBeGreaterThan(region.size);
    // what changes is the region and its anti-aliased rim, nothing further away
    const row = (i: number) => Math.floor(i / FACES_SIZE);
    for (const i of changed) expect(Math.abs(row(i) - (13 + plain.y - 2 - 0.5))).toBeLessThanOrEqual(4.6);
    for (const i of region) expect(changed).toContain(i);
  });

  test.each([
    ['x', (f: FaceFactors) => ({ ...f, x: f.x + 1 }), (img: Uint8Array) => centroid(img).x, 1],
    ['y', (f: FaceFactors) => ({ ...f, y: f.y + 1 }), (img: Uint8Array) => centroid(img).y, 1],
    ['width', (f: FaceFactors) => ({ ...f, width: f.width + 1 }), (img: Uint8Array) => count(img, (v) => v > 0) / 20, 1],
    ['hair', (f: FaceFactors) => ({ ...f, hair: 1 }), (img: Uint8Array) => count(img, (v) => v === faceGreys.hair) / 10, 1],
    ['eyes', (f: FaceFactors) => ({ ...f, eyes: 2 }), (img: Uint8Array) => count(img, (v) => v < 20) / 4, 1],
  ])('%s moves the pixels it should', (_name, change, measure, atLeast) => {
    const before = measure(drawFace(plain));
    const after = measure(drawFace(change(plain)));
    expect(after - before).toBeGreaterThanOrEqual(atLeast * 0.9);
  });

  test('a smile turns the corners of the mouth up, a frown down', () => {
    const mouthRow = (f: FaceFactors, dx: number) => {
      const img = drawFace(f);
      const col = 13 + f.x + dx;
      let darkest = -1;
      for (let r = 13 + f.y + 3; r < 13 + f.y + 9; r++)
        if (darkest < 0 || (img[r * FACES_SIZE + col] as number) < (img[darkest * FACES_SIZE + col] as number)) darkest = r;
      return darkest;
    };
    const smile = { ...plain, smile: 2 };
    const frown = { ...plain, smile: 0 };
    expect(mouthRow(smile, 3)).toBeLessThan(mouthRow(smile, 0));
    expect(mouthRow(frown, 3)).toBeGreaterThan(mouthRow(frown, 0));
    expect(faceFactorsOf(0)).toEqual({ glasses: 0, smile: 0, eyes: 0, width: 0, hair: 0, x: 0, y: 0 });
  });
});

function centroid(img: Uint8Array): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  img.forEach((v, i) => {
    if (v === 0) return;
    sx += (i % FACES_SIZE) * v;
    sy += Math.floor(i / FACES_SIZE) * v;
    n += v;
  });
  return { x: sx / n, y: sy / n };
}
