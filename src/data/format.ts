/**
 * The compact dataset asset: gzip of
 *   "BNDS" | u32 version | u32 count | u32 trainCount | u32 h | u32 w | u32 c
 *   | labels: u8[count] | pixels: u8[count·h·w·c]
 * Pixels are 0..255 (MNIST's own precision). The first `trainCount` images are
 * the training split, the rest the test split.
 */
import { gunzipSync, gzipSync } from 'fflate';

export interface ImageSet {
  /** count·h·w·c bytes, 0..255 */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/**
 * Ground-truth factors of variation (for datasets generated from known
 * factors, such as shapes): one row of factor levels per image, so
 * disentanglement can be scored. Not stored in the compact asset.
 */
export interface DatasetFactors {
  /** e.g. ['shape', 'scale', 'rotation', 'x', 'y'] */
  names: string[];
  /** Number of levels of each factor; a level is 0..size−1. */
  sizes: number[];
  /** Readable value of each level, per factor (e.g. '0.5', '9°'). */
  values: string[][];
  /** [train.count × names.length] levels, row i = train image i. */
  train: Uint8Array;
  /** [test.count × names.length] levels, row i = test image i. */
  test: Uint8Array;
}

export interface DatasetData {
  imageShape: [number, number, number];
  train: ImageSet;
  test: ImageSet;
  /** Known factors of variation, when the dataset has them. */
  factors?: DatasetFactors;
}

const MAGIC = 0x53444e42; // "BNDS" little-endian
const HEADER = 28;

export function encodeDatasetAsset(data: DatasetData): Uint8Array {
  const [h, w, c] = data.imageShape;
  const count = data.train.count + data.test.count;
  const px = h * w * c;
  const out = new Uint8Array(HEADER + count + count * px);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, count, true);
  view.setUint32(12, data.train.count, true);
  view.setUint32(16, h, true);
  view.setUint32(20, w, true);
  view.setUint32(24, c, true);
  out.set(data.train.labels, HEADER);
  out.set(data.test.labels, HEADER + data.train.count);
  out.set(data.train.images, HEADER + count);
  out.set(data.test.images, HEADER + count + data.train.count * px);
  return gzipSync(out, { level: 9 });
}

export function decodeDatasetAsset(gz: Uint8Array): DatasetData {
  let raw: Uint8Array;
  try {
    raw = gunzipSync(gz);
  } catch (e) {
    throw new Error(`the dataset file is damaged (not gzip): ${e instanceof Error ? e.message : String(e)}`);
  }
  return decodeDatasetBytes(raw);
}

/** Whether the bytes are gzip (a server may already have decompressed the asset on the way). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes the uncompressed asset bytes. */
export function decodeDatasetBytes(raw: Uint8Array): DatasetData {
  if (raw.length < HEADER) throw new Error('the dataset file is damaged (too short)');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a Bottleneck dataset file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== 1) throw new Error(`unsupported dataset file version ${version}`);
  const count = view.getUint32(8, true);
  const trainCount = view.getUint32(12, true);
  const h = view.getUint32(16, true);
  const w = view.getUint32(20, true);
  const c = view.getUint32(24, true);
  const px = h * w * c;
  if (trainCount > count || raw.length !== HEADER + count + count * px) {
    throw new Error('the dataset file is damaged (sizes do not add up)');
  }
  const labels = raw.subarray(HEADER, HEADER + count);
  const images = raw.subarray(HEADER + count);
  return {
    imageShape: [h, w, c],
    train: { labels: labels.subarray(0, trainCount), images: images.subarray(0, trainCount * px), count: trainCount },
    test: { labels: labels.subarray(trainCount), images: images.subarray(trainCount * px), count: count - trainCount },
  };
}
