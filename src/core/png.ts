/**
 * PNG encode/decode (8-bit greyscale or RGBA) with text chunks, so exported
 * pictures can carry their graph, seed and metrics. Pure: runs in Node, the
 * browser and workers.
 */
import { zlibSync, strToU8, strFromU8 } from 'fflate';
import { concatBytes, inflateLimited, InflateLimitError } from './inflate';

export interface RasterImage {
  width: number;
  height: number;
  /** 1 (grey) or 4 (RGBA) bytes per pixel, row-major. */
  channels: 1 | 4;
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

/** Keyword of the text chunks this app writes. */
export const PNG_TEXT_LIMIT = 4_000_000;

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (crcTable[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length), false);
  return out;
}

/**
 * Encodes a PNG. Text entries are stored as iTXt (UTF-8, compressed), so JSON of
 * any size and language survives.
 */
export function encodePng(image: RasterImage, text: Readonly<Record<string, string>> = {}): Uint8Array {
  const { width, height, channels, pixels } = image;
  if (pixels.length !== width * height * channels) throw new Error('pixel buffer does not match the image size');
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width, false);
  v.setUint32(4, height, false);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 6;
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts: Uint8Array[] = [SIGNATURE, chunk('IHDR', ihdr)];
  for (const [key, value] of Object.entries(text)) {
    if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new Error(`invalid PNG text keyword '${key}'`);
    const k = strToU8(key);
    const body = zlibSync(strToU8(value), { level: 9 });
    // keyword \0 compressionFlag(1) method(0) languageTag \0 translatedKeyword \0 text
    const data = new Uint8Array(k.length + 5 + body.length);
    data.set(k, 0);
    data[k.length] = 0;
    data[k.length + 1] = 1;
    data[k.length + 2] = 0;
    data[k.length + 3] = 0;
    data[k.length + 4] = 0;
    data.set(body, k.length + 5);
    parts.push(chunk('iTXt', data));
  }
  parts.push(chunk('IDAT', zlibSync(raw, { level: 6 })));
  parts.push(chunk('IEND', new Uint8Array(0)));
  return concatBytes(parts);
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Reads the text chunks (tEXt, zTXt, iTXt) of a PNG; throws on a damaged file. */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const out: Record<string, string> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let budget = PNG_TEXT_LIMIT;
  while (o + 12 <= bytes.length) {
    const len = view.getUint32(o, false);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    if (o + 12 + len > bytes.length) throw new Error('the PNG file is truncated');
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (crc32(bytes, o + 4, o + 8 + len) !== view.getUint32(o + 8 + len, false)) {
      throw new Error(`the PNG file is damaged (bad checksum in ${type})`);
    }
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const zero = data.indexOf(0);
      if (zero <= 0) throw new Error('the PNG file has a malformed text chunk');
      const key = strFromU8(data.subarray(0, zero), true);
      let text: string;
      if (type === 'tEXt') {
        text = strFromU8(data.subarray(zero + 1), true);
      } else if (type === 'zTXt') {
        text = strFromU8(inflateText(data.subarray(zero + 2), budget));
      } else {
        const compressed = data[zero + 1] === 1;
        let p = zero + 3;
        const langEnd = data.indexOf(0, p);
        if (langEnd < 0) throw new Error('the PNG file has a malformed iTXt chunk');
        const tkEnd = data.indexOf(0, langEnd + 1);
        if (tkEnd < 0) throw new Error('the PNG file has a malformed iTXt chunk');
        p = tkEnd + 1;
        const body = data.subarray(p);
        text = compressed ? strFromU8(inflateText(body, budget)) : strFromU8(body);
      }
      budget -= text.length;
      if (budget < 0) throw new Error('the PNG text is too large');
      out[key] = text;
    }
    if (type === 'IEND') break;
    o += 12 + len;
  }
  return out;
}

/** The image data, never unpacked past the size the header gives (a damaged or hostile file stops there). */
function inflatePixels(data: Uint8Array, size: number): Uint8Array {
  try {
    return inflateLimited(data, size + 1024, 'zlib');
  } catch (e) {
    if (e instanceof InflateLimitError) throw new Error('the PNG image data is larger than its size says');
    throw new Error(`the PNG image data is damaged: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function inflateText(data: Uint8Array, limit: number): Uint8Array {
  try {
    return inflateLimited(data, limit, 'zlib');
  } catch (e) {
    if (e instanceof InflateLimitError) throw new Error('the PNG text is too large');
    throw new Error(`the PNG file has a damaged text chunk: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Decodes an 8-bit greyscale / RGB / RGBA / palette PNG without interlacing to RGBA. */
export function decodePng(bytes: Uint8Array): RasterImage {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Uint8Array | undefined;
  let paletteAlpha: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (o + 12 <= bytes.length) {
    const len = view.getUint32(o, false);
    const type = String.fromCharCode(...bytes.subarray(o + 4, o + 8));
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = d.getUint32(0, false);
      height = d.getUint32(4, false);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs are supported');
      colorType = data[9] ?? -1;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') paletteAlpha = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    o += 12 + len;
  }
  const bpp = colorType === 0 || colorType === 3 ? 1 : colorType === 2 ? 3 : colorType === 6 ? 4 : colorType === 4 ? 2 : 0;
  if (!bpp || width === 0 || height === 0) throw new Error('unsupported PNG colour type');
  if (colorType === 3 && !palette) throw new Error('the PNG has no palette');
  if (width * height > 64_000_000) throw new Error('the PNG is too large');
  const stride = width * bpp;
  const raw = inflatePixels(concatBytes(idat), (stride + 1) * height);
  if (raw.length < (stride + 1) * height) throw new Error('the PNG image data is truncated');
  const cur = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (cur[row + x - bpp] as number) : 0;
      const b = y > 0 ? (cur[row - stride + x] as number) : 0;
      const c = x >= bpp && y > 0 ? (cur[row - stride + x - bpp] as number) : 0;
      const s = src[x] as number;
      let v: number;
      switch (filter) {
        case 0:
          v = s;
          break;
        case 1:
          v = s + a;
          break;
        case 2:
          v = s + b;
          break;
        case 3:
          v = s + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = s + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`bad PNG filter ${String(filter)}`);
      }
      cur[row + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    if (palette) {
      const p = cur[i] as number;
      rgba.set([palette[p * 3] ?? 0, palette[p * 3 + 1] ?? 0, palette[p * 3 + 2] ?? 0, paletteAlpha?.[p] ?? 255], i * 4);
    } else if (bpp === 1) {
      const g = cur[i] as number;
      rgba.set([g, g, g, 255], i * 4);
    } else if (bpp === 2) {
      const g = cur[i * 2] as number;
      rgba.set([g, g, g, cur[i * 2 + 1] as number], i * 4);
    } else if (bpp === 3) {
      rgba.set([cur[i * 3] as number, cur[i * 3 + 1] as number, cur[i * 3 + 2] as number, 255], i * 4);
    } else {
      rgba.set(cur.subarray(i * 4, i * 4 + 4), i * 4);
    }
  }
  return { width, height, channels: 4, pixels: rgba };
}
