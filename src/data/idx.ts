/** IDX files (the MNIST family's format), optionally gzipped. */
import { gunzipSync } from 'fflate';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  if (raw.length < 4) throw new Error('IDX file too short');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (view.getUint16(0, false) !== 0) throw new Error('not an IDX file (bad magic)');
  const type = raw[2];
  const rank = raw[3] as number;
  if (type !== 0x08) throw new Error(`IDX element type 0x${(type ?? 0).toString(16)} is not supported (only unsigned bytes)`);
  if (rank < 1 || rank > 4) throw new Error(`IDX rank ${rank} is not supported`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.length < offset + size) throw new Error(`IDX file truncated: expected ${size} values`);
  return { dims, data: raw.subarray(offset, offset + size) };
}

/** Builds an IDX file of unsigned bytes (for tests and tools). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** images [N, H, W] + labels [N] → an image set, checking they agree. */
export function idxImageSet(
  images: IdxArray,
  labels: IdxArray,
): { images: Uint8Array; labels: Uint8Array; count: number; h: number; w: number } {
  if (images.dims.length !== 3) throw new Error(`expected an image file [N×H×W], got rank ${images.dims.length}`);
  if (labels.dims.length !== 1) throw new Error(`expected a label file [N], got rank ${labels.dims.length}`);
  const [n, h, w] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) throw new Error(`${n} images but ${labels.dims[0] ?? 0} labels`);
  return { images: images.data, labels: labels.data, count: n, h, w };
}
