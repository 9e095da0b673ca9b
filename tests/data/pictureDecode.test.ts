// The one picture decoder of the page and the CLI: PNG, JPEG, GIF and WebP to RGBA, photos upright, huge ones refused.
import { describe, expect, test } from 'vitest';
import { encodePng } from '../../src/core/png';
import { jpegSize, orient } from '../../src/data/exifOrientation';
import { importDatasetPath, decodePictureNode } from '../../src/data/importNode';
import { pictureFormat, webpSize } from '../../src/data/pictureDecode';
import type { RgbaPicture } from '../../src/data/imageResize';
import { writeFolder } from './pictureFixtures';
import { cornerPicture, gifOf, jpegOf, webpOf, withOrientation } from './pictureFormats';

const teal = [20, 120, 200] as const;
const pixel = (p: RgbaPicture, x: number, y: number) => [...p.rgba.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];
const near = (got: number[], want: readonly number[], tolerance: number) =>
  got.every((v, i) => Math.abs(v - (want[i] ?? 255)) <= tolerance);

describe('decoding pictures', () => {
  test('PNG, JPEG, GIF and WebP decode to their pixels, whatever the file is called', async () => {
    const files = {
      png: encodePng({ width: 12, height: 8, channels: 4, pixels: cornerPicture(12, 8, teal) }),
      jpeg: jpegOf(12, 8, teal),
      gif: gifOf(12, 8, teal),
      webp: await webpOf(12, 8, teal),
    };
    expect(Object.values(files).map(pictureFormat)).toEqual(['PNG', 'JPEG', 'GIF', 'WebP']);
    expect(webpSize(files.webp)).toEqual({ width: 12, height: 8 });
    expect(jpegSize(withOrientation(files.jpeg, 6))).toEqual({ width: 12, height: 8 });
    for (const [format, bytes] of Object.entries(files)) {
      const picture = await decodePictureNode(bytes);
      expect([picture.width, picture.height], format).toEqual([12, 8]);
      const tolerance = format === 'jpeg' ? 24 : 0;
      expect(near(pixel(picture, 10, 6), [...teal, 255], tolerance), `${format} body ${pixel(picture, 10, 6).join()}`).toBe(true);
      expect(near(pixel(picture, 1, 1), [255, 255, 255, 255], tolerance), `${format} corner`).toBe(true);
    }
  });

  test('a JPEG taken sideways is turned upright by its EXIF orientation, as a browser shows it', async () => {
    const stored = jpegOf(16, 8, teal);
    const upright = await decodePictureNode(withOrientation(stored, 6)); // "rotate 90° clockwise to view"
    expect([upright.width, upright.height]).toEqual([8, 16]);
    // the white corner, stored top-left, is now top-right
    expect(near(pixel(upright, 6, 1), [255, 255, 255, 255], 24)).toBe(true);
    expect(near(pixel(upright, 1, 1), [...teal, 255], 24)).toBe(true);
    // every orientation: 1 unchanged, 3 a half turn, 8 a quarter turn anticlockwise
    const tiny: RgbaPicture = { width: 2, height: 1, rgba: Uint8Array.from([1, 1, 1, 1, 2, 2, 2, 2]) };
    expect([...orient(tiny, 1).rgba]).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect([...orient(tiny, 3).rgba]).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    const turned = orient(tiny, 8);
    expect([turned.width, turned.height, ...turned.rgba]).toEqual([1, 2, 2, 2, 2, 2, 1, 1, 1, 1]);
  });

  test('damaged files say which format they claim; a picture over the pixel limit is refused before it is decoded', async () => {
    await expect(decodePictureNode(jpegOf(8, 8, teal).subarray(0, 40))).rejects.toThrow(/damaged or unsupported JPEG/);
    await expect(decodePictureNode(Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))).rejects.toThrow(/damaged or unsupported GIF/);
    await expect(decodePictureNode(new TextEncoder().encode('hello'))).rejects.toThrow(/not a picture this app can read/);
    // a WebP header that claims 16,000×16,000
    const webp = await webpOf(4, 4, teal);
    const huge = webp.slice();
    const bits = (16_000 - 1) | ((16_000 - 1) << 14);
    huge.set([bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, ((huge[24] ?? 0) & 0xf0) | ((bits >>> 24) & 0x0f)], 21);
    await expect(decodePictureNode(huge)).rejects.toThrow(/larger than 40 megapixels \(16000×16000\)/);
  });

  test('a folder of all four formats imports on the command line, with labels from the folders', async () => {
    const dir = writeFolder({
      'art/jpeg/a.jpg': jpegOf(20, 20, teal),
      'art/jpeg/b.jpeg': jpegOf(24, 20, teal),
      'art/gif/a.gif': gifOf(20, 20, teal),
      'art/gif/b.gif': gifOf(20, 30, teal),
      'art/webp/a.webp': await webpOf(20, 20, teal),
      'art/webp/b.webp': await webpOf(30, 20, teal),
      'art/png/a.png': encodePng({ width: 20, height: 20, channels: 4, pixels: cornerPicture(20, 20, teal) }),
      'art/png/b.png': encodePng({ width: 20, height: 25, channels: 4, pixels: cornerPicture(20, 25, teal) }),
    });
    const imported = await importDatasetPath(`${dir}/art`, { size: 28, channels: 3, fit: 'crop' });
    expect(imported.report?.skipped).toEqual([]);
    expect(imported.report?.count).toBe(8);
    expect(imported.report?.skipped).toEqual([]);
    expect(imported.report?.classNames).toEqual(['gif', 'jpeg', 'png', 'webp']);
  });
});
