/**
 * A JPEG's headers read without decoding it: its EXIF orientation (phones store photos sideways and say so in a
 * tag), applied to the decoded pixels so a photo is imported upright as a browser shows it, and its size.
 */
import type { RgbaPicture } from './imageResize';

/** The EXIF orientation tag (1–8; 1 = as stored), or 1 when the JPEG has none. */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 2;
  while (o + 4 <= bytes.length && bytes[o] === 0xff) {
    const marker = bytes[o + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no EXIF before it
    const length = view.getUint16(o + 2, false);
    if (marker === 0xe1 && o + 10 <= bytes.length && String.fromCharCode(...bytes.subarray(o + 4, o + 8)) === 'Exif') {
      return orientationInTiff(view, o + 10, Math.min(bytes.length, o + 2 + length));
    }
    o += 2 + length;
  }
  return 1;
}

function orientationInTiff(view: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const little = view.getUint16(tiff, false) === 0x4949;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** The pixels turned by an EXIF orientation (2–8 mirror and/or rotate; 1 leaves them as they are). */
export function orient(picture: RgbaPicture, orientation: number): RgbaPicture {
  if (orientation <= 1 || orientation > 8) return picture;
  const { width: w, height: h, rgba } = picture;
  const swap = orientation >= 5;
  const [outW, outH] = swap ? [h, w] : [w, h];
  // one RGBA pixel as one 32-bit word
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  const source = new Uint32Array(aligned.buffer, aligned.byteOffset, w * h);
  const out = new Uint8ClampedArray(w * h * 4);
  const target = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // where the stored pixel (x, y) lands in the upright picture
      let tx: number;
      let ty: number;
      switch (orientation) {
        case 2:
          [tx, ty] = [w - 1 - x, y];
          break;
        case 3:
          [tx, ty] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [tx, ty] = [x, h - 1 - y];
          break;
        case 5:
          [tx, ty] = [y, x];
          break;
        case 6:
          [tx, ty] = [h - 1 - y, x];
          break;
        case 7:
          [tx, ty] = [h - 1 - y, w - 1 - x];
          break;
        default:
          [tx, ty] = [y, w - 1 - x];
      }
      target[ty * outW + tx] = source[y * w + x] as number;
    }
  }
  return { width: outW, height: outH, rgba: out };
}

/** Width and height from a JPEG's frame header (SOFn), read without decoding; undefined if there is none. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 2;
  while (o + 9 <= bytes.length && bytes[o] === 0xff) {
    const marker = bytes[o + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(o + 5, false), width: view.getUint16(o + 7, false) };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    o += 2 + view.getUint16(o + 2, false);
  }
  return undefined;
}

/** A decoded JPEG turned upright by its own EXIF orientation. */
export function orientJpeg(bytes: Uint8Array, picture: RgbaPicture): RgbaPicture {
  return orient(picture, jpegOrientation(bytes));
}
