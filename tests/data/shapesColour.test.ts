// The coloured shapes: 11,520 RGB sprites, the same every time, split fixed, registered like the grey shapes.
import { describe, expect, test } from 'vitest';
import { datasetInfo } from '../../src/core/datasets';
import { generatedDataset } from '../../src/data/generated';
import { loadDatasetNode } from '../../src/data/loadNode';
import { backgroundColours, generateColourShapesDataset, loadColourShapesDataset, spriteColours } from '../../src/data/shapesColour';

describe('coloured shapes', () => {
  const data = loadColourShapesDataset();

  test('matches its registry entry and loads by id in Node', () => {
    expect(data.imageShape).toEqual([...datasetInfo['shapes-colour'].imageShape]);
    expect(data.train.count).toBe(datasetInfo['shapes-colour'].trainCount);
    expect(data.train.count + data.test.count).toBe(11_520);
    expect(loadDatasetNode('shapes-colour')).toBe(data);
    expect(generatedDataset('shapes-colour')).toBe(loadColourShapesDataset);
    expect(data.train.images.length).toBe(data.train.count * 32 * 32 * 3);
  });

  test('is generated identically every time', () => {
    const again = generateColourShapesDataset();
    expect(Buffer.compare(again.test.images, data.test.images)).toBe(0);
    expect(Buffer.compare(again.train.images, data.train.images)).toBe(0);
    expect(Buffer.compare(again.train.labels, data.train.labels)).toBe(0);
  });

  test('every image is one sprite colour over one background, and all colours occur', () => {
    const px = 32 * 32 * 3;
    const corners = new Set<string>();
    const brightest = new Set<string>();
    for (let k = 0; k < 600; k++) {
      const img = data.train.images.subarray(k * px, (k + 1) * px);
      corners.add([...img.subarray(0, 3)].join(','));
      let best = 0;
      const brightness = (p: number): number => (img[p * 3] as number) + (img[p * 3 + 1] as number) + (img[p * 3 + 2] as number);
      for (let p = 0; p < 1024; p++) if (brightness(p) > brightness(best)) best = p;
      brightest.add([...img.subarray(best * 3, best * 3 + 3)].join(','));
    }
    expect([...corners].sort()).toEqual(backgroundColours.map((c) => c.join(',')).sort());
    for (const c of spriteColours) expect(brightest.has(c.join(','))).toBe(true);
  });
});
