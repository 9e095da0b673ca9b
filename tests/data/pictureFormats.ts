/** JPEG, GIF and WebP pictures made in tests with the same libraries' encoders, and a JPEG with an EXIF orientation. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import encodeWebp, { init as initWebpEncoder } from '@jsquash/webp/encode';
import jpeg from 'jpeg-js';
import { GifWriter } from 'omggif';

/** RGBA of a width×height picture: `rgb` everywhere but a white top-left quarter (so a turn or a mirror shows). */
export function cornerPicture(width: number, height: number, rgb: readonly [number, number, number]): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rgba.set(x < width / 2 && y < height / 2 ? [255, 255, 255, 255] : [...rgb, 255], (y * width + x) * 4);
  return rgba;
}

export function jpegOf(width: number, height: number, rgb: readonly [number, number, number]): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: cornerPicture(width, height, rgb) }, 95).data);
}

/** A two-colour GIF (white corner, `rgb` elsewhere). */
export function gifOf(width: number, height: number, rgb: readonly [number, number, number]): Uint8Array {
  const buf = new Uint8Array(1024 + width * height * 2);
  const writer = new GifWriter(buf, width, height, { palette: [0xffffff, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]] });
  const indexed = Array.from({ length: width * height }, (_, i) => (i % width < width / 2 && Math.floor(i / width) < height / 2 ? 0 : 1));
  writer.addFrame(0, 0, width, height, indexed);
  return buf.slice(0, writer.end());
}

let encoderReady: Promise<unknown> | undefined;
const initWithModule = initWebpEncoder as unknown as (module: WebAssembly.Module) => Promise<unknown>;

/** A lossless WebP, from libwebp's own encoder (the SIMD build, as Node has SIMD). */
export async function webpOf(width: number, height: number, rgb: readonly [number, number, number]): Promise<Uint8Array> {
  encoderReady ??= WebAssembly.compile(
    readFileSync(createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm')),
  ).then(initWithModule);
  await encoderReady;
  const data = new Uint8ClampedArray(cornerPicture(width, height, rgb));
  return new Uint8Array(await encodeWebp({ width, height, data, colorSpace: 'srgb' }, { lossless: 1 }));
}

/** The JPEG with an EXIF APP1 segment, right after its start marker, that sets the orientation tag. */
export function withOrientation(jpegBytes: Uint8Array, orientation: number): Uint8Array {
  // big-endian TIFF header, one IFD entry: tag 0x0112 (orientation), type SHORT, count 1
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [...new TextEncoder().encode('Exif'), 0, 0, ...tiff];
  const length = body.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...body];
  return Uint8Array.from([...jpegBytes.subarray(0, 2), ...app1, ...jpegBytes.subarray(2)]);
}
