/**
 * One picture decoder for both sides: the browser's import worker and the command line decode PNG, JPEG, GIF
 * (first frame) and WebP with the same code, so the same folder gives the same pixels — and the same dataset
 * hash — in the page and in `npm run dataset`. JPEGs are turned upright by their EXIF orientation, as browsers do.
 */
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { decodePng, isPng } from '../core/png';
import { orientJpeg } from './exifOrientation';
import type { RgbaPicture } from './imageResize';
import { importLimits } from './imageSources';

export type PictureFormat = 'PNG' | 'JPEG' | 'GIF' | 'WebP';

/** Decodes WebP bytes to RGBA (a wasm codec, loaded the way each side can). */
export type WebpDecoder = (bytes: Uint8Array) => Promise<{ width: number; height: number; data: ArrayLike<number> }>;

/** The format bytes start like, from their signature (not their file name). */
export function pictureFormat(bytes: Uint8Array): PictureFormat | undefined {
  if (isPng(bytes)) return 'PNG';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x38) return 'GIF';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  return undefined;
}

/** Width and height a WebP header declares (VP8, VP8L or VP8X), so a huge one is refused before it is decoded. */
export function webpSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  const at = (i: number) => bytes[i] ?? 0;
  if (chunk === 'VP8X' && bytes.length >= 30) {
    return { width: 1 + (at(24) | (at(25) << 8) | (at(26) << 16)), height: 1 + (at(27) | (at(28) << 8) | (at(29) << 16)) };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = at(21) | (at(22) << 8) | (at(23) << 16) | (at(24) << 24);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: (at(26) | (at(27) << 8)) & 0x3fff, height: (at(28) | (at(29) << 8)) & 0x3fff };
  }
  return undefined;
}

/** A picture over the pixel limit: refused as it is, by any decoder (its message is the reason shown). */
export class PictureTooLargeError extends Error {}

function checkSize(width: number, height: number, maxPixels: number): void {
  if (width < 1 || height < 1) throw new Error('the picture has no pixels');
  if (width * height > maxPixels) throw new PictureTooLargeError(`larger than ${maxPixels / 1e6} megapixels (${width}×${height})`);
}

function decodeGif(bytes: Uint8Array, maxPixels: number): RgbaPicture {
  const reader = new GifReader(bytes);
  checkSize(reader.width, reader.height, maxPixels);
  if (reader.numFrames() < 1) throw new Error('the GIF has no frames');
  const rgba = new Uint8ClampedArray(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, rgba);
  return { width: reader.width, height: reader.height, rgba };
}

/**
 * Decodes a picture file to RGBA. Throws an Error whose message says why (shown beside the file's name in the
 * import report): another format, damaged, or over `maxPixels`.
 */
export async function decodePicture(
  bytes: Uint8Array,
  decodeWebp: WebpDecoder,
  maxPixels: number = importLimits.maxPicturePixels,
): Promise<RgbaPicture> {
  const format = pictureFormat(bytes);
  try {
    switch (format) {
      case 'PNG': {
        const image = decodePng(bytes);
        checkSize(image.width, image.height, maxPixels);
        return { width: image.width, height: image.height, rgba: image.pixels };
      }
      case 'JPEG': {
        const image = jpeg.decode(bytes, {
          useTArray: true,
          formatAsRGBA: true,
          maxResolutionInMP: maxPixels / 1e6,
          maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 1e6),
        });
        return orientJpeg(bytes, { width: image.width, height: image.height, rgba: image.data });
      }
      case 'GIF':
        return decodeGif(bytes, maxPixels);
      case 'WebP': {
        const size = webpSize(bytes);
        if (size) checkSize(size.width, size.height, maxPixels);
        const image = await decodeWebp(bytes);
        checkSize(image.width, image.height, maxPixels);
        return { width: image.width, height: image.height, rgba: Uint8ClampedArray.from(image.data) };
      }
      default:
        throw new Error('not a picture this app can read (PNG, JPEG, GIF or WebP)');
    }
  } catch (e) {
    if (!format || e instanceof PictureTooLargeError) throw e;
    throw new Error(`a damaged or unsupported ${format} (${e instanceof Error ? e.message : String(e)})`);
  }
}
