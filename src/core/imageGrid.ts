/** Lays out a batch of images (floats in 0..1) as one picture, row by row. */
import type { RasterImage } from './png';

export interface ImageBatch {
  /** n·h·w·c floats, row-major per image */
  data: Float32Array;
  n: number;
  h: number;
  w: number;
  c: number;
}

export interface GridOptions {
  columns: number;
  /** Pixels between tiles. */
  gap?: number;
  /** Scale each tile up by an integer factor. */
  scale?: number;
  /** Grey level of the gap, 0..255. */
  background?: number;
}

const toByte = (v: number): number => (Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v * 255))) : 0);

export function imageGrid(batch: ImageBatch, options: GridOptions): RasterImage {
  const { n, h, w, c, data } = batch;
  const cols = Math.max(1, Math.min(options.columns, n));
  const rows = Math.max(1, Math.ceil(n / cols));
  const gap = options.gap ?? 2;
  const s = Math.max(1, Math.floor(options.scale ?? 1));
  const tileW = w * s;
  const tileH = h * s;
  const width = cols * tileW + (cols + 1) * gap;
  const height = rows * tileH + (rows + 1) * gap;
  const grey = c === 1;
  const channels = grey ? 1 : 4;
  const pixels = new Uint8Array(width * height * channels).fill(options.background ?? 40);
  if (!grey) for (let i = 3; i < pixels.length; i += 4) pixels[i] = 255;
  for (let k = 0; k < n; k++) {
    const ox = gap + (k % cols) * (tileW + gap);
    const oy = gap + Math.floor(k / cols) * (tileH + gap);
    for (let y = 0; y < tileH; y++) {
      const sy = Math.floor(y / s);
      for (let x = 0; x < tileW; x++) {
        const sx = Math.floor(x / s);
        const src = ((k * h + sy) * w + sx) * c;
        const dst = ((oy + y) * width + ox + x) * channels;
        if (grey) pixels[dst] = toByte(data[src] as number);
        else {
          pixels[dst] = toByte(data[src] as number);
          pixels[dst + 1] = toByte(data[src + (c > 1 ? 1 : 0)] as number);
          pixels[dst + 2] = toByte(data[src + (c > 2 ? 2 : 0)] as number);
        }
      }
    }
  }
  return { width, height, channels, pixels };
}

/** A greyscale/RGBA raster as RGBA bytes (for canvas ImageData). */
export function toRgba(image: RasterImage): Uint8ClampedArray {
  if (image.channels === 4) return new Uint8ClampedArray(image.pixels);
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    const g = image.pixels[i] as number;
    out[i * 4] = g;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = g;
    out[i * 4 + 3] = 255;
  }
  return out;
}
