/**
 * The compact dataset asset: gzip of
 *   "BNDS" | u32 version | u32 count | u32 trainCount | u32 h | u32 w | u32 c
 *   | labels: u8[count] | pixels: u8[count·h·w·c]
 *   | version 2 only: u32 n | n bytes of UTF-8 JSON { name, classNames }
 * Pixels are 0..255 (MNIST's own precision), channels interleaved. The first
 * `trainCount` images are the training split, the rest the test split.
 * Version 2 (the user's imported datasets) carries the dataset's name and the
 * class of each label; version 1 files (the built-in assets) still read.
 */
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';

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
  /** The dataset's own name and the class of each label (imported datasets; asset version 2). */
  meta?: DatasetMeta;
}

export interface DatasetMeta {
  name: string;
  classNames: string[];
}

const zMeta = z.strictObject({ name: z.string().min(1).max(100), classNames: z.array(z.string().max(100)).max(256) });

const MAGIC = 0x53444e42; // "BNDS" little-endian
const HEADER = 28;

export function encodeDatasetAsset(data: DatasetData): Uint8Array {
  const [h, w, c] = data.imageShape;
  const count = data.train.count + data.test.count;
  const px = h * w * c;
  const meta = data.meta ? strToU8(JSON.stringify(zMeta.parse(data.meta))) : undefined;
  const body = HEADER + count + count * px;
  const out = new Uint8Array(body + (meta ? 4 + meta.length : 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, meta ? 2 : 1, true);
  view.setUint32(8, count, true);
  view.setUint32(12, data.train.count, true);
  view.setUint32(16, h, true);
  view.setUint32(20, w, true);
  view.setUint32(24, c, true);
  out.set(data.train.labels, HEADER);
  out.set(data.test.labels, HEADER + data.train.count);
  out.set(data.train.images, HEADER + count);
  out.set(data.test.images, HEADER + count + data.train.count * px);
  if (meta) {
    view.setUint32(body, meta.length, true);
    out.set(meta, body + 4);
  }
  // a fixed gzip time stamp: the same dataset is the same bytes (and the same content hash) whenever it is built
  return gzipSync(out, { level: 9, mtime: 0 });
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
  if (version !== 1 && version !== 2) throw new Error(`unsupported dataset file version ${version}`);
  const count = view.getUint32(8, true);
  const trainCount = view.getUint32(12, true);
  const h = view.getUint32(16, true);
  const w = view.getUint32(20, true);
  const c = view.getUint32(24, true);
  const px = h * w * c;
  const body = HEADER + count + count * px;
  const metaLength = version === 2 && raw.length >= body + 4 ? view.getUint32(body, true) : 0;
  const expected = version === 2 ? body + 4 + metaLength : body;
  if (trainCount > count || raw.length !== expected) {
    throw new Error('the dataset file is damaged (sizes do not add up)');
  }
  const labels = raw.subarray(HEADER, HEADER + count);
  const images = raw.subarray(HEADER + count, body);
  let meta: DatasetMeta | undefined;
  if (version === 2) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(strFromU8(raw.subarray(body + 4)));
    } catch {
      throw new Error('the dataset file is damaged (its description is not JSON)');
    }
    const checked = zMeta.safeParse(parsed);
    if (!checked.success)
      throw new Error(`the dataset file's description is invalid (${checked.error.issues[0]?.path.join('.') || 'name'})`);
    meta = checked.data;
  }
  return {
    ...(meta ? { meta } : {}),
    imageShape: [h, w, c],
    train: { labels: labels.subarray(0, trainCount), images: images.subarray(0, trainCount * px), count: trainCount },
    test: { labels: labels.subarray(trainCount), images: images.subarray(trainCount * px), count: count - trainCount },
  };
}
