// The image importer: folders and zips of PNGs become datasets (grey and RGB, labels from folders), bad input is named.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, test, vi } from 'vitest';
import { decodeDatasetAsset, encodeDatasetAsset } from '../../src/data/format';
import { buildImageDataset, stripCommonFolder, TOP_LEVEL_CLASS } from '../../src/data/imageDataset';
import { readImportedFile } from '../../src/data/importedAsset';
import { resizePicture } from '../../src/data/imageResize';
import { importLimits, zipSources, type ImageSource } from '../../src/data/imageSources';
import { decodePictureNode, importDatasetPath } from '../../src/data/importNode';
import { classFiles, solidPng, writeFolder, writeZip, zipOf } from './pictureFixtures';

const grey = { size: 28, channels: 1, fit: 'crop' } as const;
const rgb = { size: 32, channels: 3, fit: 'fit' } as const;
const sourcesOf = (files: Record<string, Uint8Array>): ImageSource[] =>
  Object.entries(files).map(([name, bytes]) => ({ name, size: bytes.length, read: async () => bytes }));

describe('building a dataset from pictures', () => {
  test('a folder of class folders: grey 28×28, labels from the folder names, a fixed split', async () => {
    const dir = writeFolder(classFiles(10));
    const a = await importDatasetPath(dir, grey);
    expect(a.data.imageShape).toEqual([28, 28, 1]);
    expect(a.report?.classNames).toEqual(['cats', 'dogs', 'owls']);
    expect(a.report?.classCounts).toEqual([10, 10, 10]);
    expect([a.data.train.count, a.data.test.count]).toEqual([27, 3]);
    expect(a.ref).toMatchObject({
      name: 'bottleneck-images-' + dir.split('bottleneck-images-')[1],
      channels: 1,
      trainCount: 27,
      testCount: 3,
    });
    expect(a.ref.hash).toMatch(/^[0-9a-f]{64}$/);
    // a cat (red) in grey is the luma of red, away from its white corner
    const cat = [...a.data.train.labels].indexOf(0);
    expect(a.data.train.images[cat * 784 + 27 * 28 + 27]).toBe(Math.round(0.299 * 200 + 0.587 * 40 + 0.114 * 40));
    // the same pictures give the same dataset, byte for byte, also built at another time (a day later)
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 86_400_000);
    const b = await importDatasetPath(dir, grey);
    vi.useRealTimers();
    expect(b.ref.hash).toBe(a.ref.hash);
  });

  test('a zip of the same pictures in RGB keeps the colours per class', async () => {
    const z = await importDatasetPath(writeZip(classFiles(6)), rgb);
    expect(z.data.imageShape).toEqual([32, 32, 3]);
    expect(z.ref.name).toBe('pets');
    const { images, labels } = z.data.train;
    const px = 32 * 32 * 3;
    const centre = (16 * 32 + 16) * 3;
    for (let k = 0; k < z.data.train.count; k++) {
      const colour = [...images.subarray(k * px + centre, k * px + centre + 3)];
      expect(colour).toEqual(
        [
          [200, 40, 40],
          [40, 40, 200],
          [40, 200, 40],
        ][labels[k] as number],
      );
    }
  });

  test('pictures at the top level next to class folders get their own class; none at all means no classes', () => {
    expect(stripCommonFolder(['a/x/1.png', 'a/y/2.png'])).toEqual(['x/1.png', 'y/2.png']);
    expect(stripCommonFolder(['a/1.png', 'a/2.png'])).toEqual(['1.png', '2.png']);
    return Promise.all([
      buildImageDataset(
        sourcesOf({ 'x/1.png': solidPng(4, 4, [1, 2, 3]), '2.png': solidPng(4, 4, [1, 2, 3]) }),
        grey,
        decodePictureNode,
      ).then((r) => expect(r.report.classNames).toEqual([TOP_LEVEL_CLASS, 'x'])),
      buildImageDataset(
        sourcesOf({ '1.png': solidPng(4, 4, [1, 2, 3]), '2.png': solidPng(5, 3, [1, 2, 3]) }),
        grey,
        decodePictureNode,
      ).then((r) => expect(r.report.classNames).toEqual([])),
    ]);
  });

  test('damaged, unsupported and other files are skipped and named; a small set warns about the batch', async () => {
    const extra = {
      'broken.png': Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 1]),
      'photo.jpg': Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
      'notes.txt': new TextEncoder().encode('<img src=x onerror=alert(1)>'),
      '__MACOSX/._cats-0.png': Uint8Array.of(0, 5, 22, 7),
    };
    const { report } = await buildImageDataset(sourcesOf(classFiles(2, extra)), grey, decodePictureNode);
    expect(report.count).toBe(6);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['pets/broken.png', 'pets/notes.txt', 'pets/photo.jpg']);
    expect(reasons['pets/photo.jpg']).toMatch(/a damaged or unsupported JPEG/);
    expect(reasons['pets/notes.txt']).toMatch(/not a picture/);
    expect(report.warnings[0]).toMatch(/fewer than one batch/);
  });

  test('whole-import problems are refused with a clear message', async () => {
    const none = sourcesOf({ 'a.txt': new Uint8Array(3) });
    await expect(buildImageDataset(none, grey, decodePictureNode)).rejects.toThrow(/no pictures found.*1 other file skipped/);
    await expect(buildImageDataset([], grey, decodePictureNode)).rejects.toThrow(/no pictures found/);
    const one = sourcesOf({ 'a.png': solidPng(3, 3, [9, 9, 9]), 'b.png': new Uint8Array(5) });
    await expect(buildImageDataset(one, grey, decodePictureNode)).rejects.toThrow(/only one of the 2 pictures could be read/);
    const many = sourcesOf(classFiles(4));
    await expect(buildImageDataset(many, grey, decodePictureNode, undefined, { ...importLimits, maxImages: 10 })).rejects.toThrow(
      /12 pictures is more than the 10 a dataset may hold/,
    );
    await expect(buildImageDataset(many, rgb, decodePictureNode, undefined, { ...importLimits, maxDatasetBytes: 30_000 })).rejects.toThrow(
      /12 pictures of 32×32×3 take 0\.0 GB, more than the .* limit/,
    );
  });

  test('a zip bomb is refused from its directory, before anything is unpacked', () => {
    const bomb = zipOf({ 'a.png': new Uint8Array(5_000_000), 'b.png': new Uint8Array(5_000_000) });
    expect(bomb.length).toBeLessThan(30_000);
    expect(() => zipSources(bomb, { ...importLimits, maxUnpackedBytes: 8_000_000 })).toThrow(
      /would unpack to 10 MB, more than the 8 MB limit/,
    );
    const crowded = zipOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${i}.png`, new Uint8Array(1)])));
    expect(() => zipSources(crowded, { ...importLimits, maxEntries: 20 })).toThrow(/more than 20 files/);
    expect(() => zipSources(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]))).toThrow(/zip file cannot be read/);
  });

  test('resizing: crop fills the square, fit letterboxes on black, transparency counts as black', () => {
    const wide = { width: 4, height: 2, rgba: new Uint8Array(32).fill(255) };
    expect([...resizePicture(wide, 2, 'crop', 1)]).toEqual([255, 255, 255, 255]);
    expect([...resizePicture(wide, 2, 'fit', 1)]).toEqual([255, 255, 0, 0]);
    const clear = { width: 2, height: 2, rgba: Uint8Array.from([255, 255, 255, 0, 255, 255, 255, 0, 255, 255, 255, 0, 255, 255, 255, 0]) };
    expect([...resizePicture(clear, 1, 'crop', 3)]).toEqual([0, 0, 0]);
  });
});

describe('the dataset file', () => {
  test('an exported dataset reads back with its name, classes and hash; old assets still read', async () => {
    const built = await importDatasetPath(writeFolder(classFiles(3)), grey);
    const path = join(writeFolder({}), 'pets.bin.gz');
    writeFileSync(path, built.asset);
    const again = await importDatasetPath(path, grey);
    expect(again.ref).toEqual(built.ref);
    expect(again.data.train.images).toEqual(built.data.train.images);
    const v1 = encodeDatasetAsset({ ...built.data, meta: undefined });
    expect(decodeDatasetAsset(v1).meta).toBeUndefined();
    const named = await readImportedFile(v1, 'plain');
    expect(named.ref).toMatchObject({ name: 'plain', classNames: [] });
    await expect(importDatasetPath(join(writeFolder({ 'x.gz': Uint8Array.of(0x1f, 0x8b, 1) }), 'x.gz'), grey)).rejects.toThrow(
      /is not a dataset file of this app/,
    );
  });
});
