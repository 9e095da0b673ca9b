/**
 * Bounded decompression for data from outside (share links, PNG text). Deflate
 * streams carry no size, so the input is fed in small slices and decoding stops
 * as soon as the output passes the limit: a decompression bomb cannot fill memory.
 */
import { Inflate, Unzlib } from 'fflate';

export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`it unpacks to more than ${limit.toLocaleString('en')} bytes`);
    this.name = 'InflateLimitError';
  }
}

/** Joins byte arrays into one. */
export function concatBytes(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Inflates raw deflate (`raw`) or zlib-wrapped (`zlib`) data, refusing to produce more than `limit` bytes. */
export function inflateLimited(data: Uint8Array, limit: number, format: 'raw' | 'zlib'): Uint8Array {
  if (data.length === 0) throw new Error('it is empty');
  const parts: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const onData = (chunk: Uint8Array, final: boolean) => {
    total += chunk.length;
    if (total > limit) throw new InflateLimitError(limit);
    parts.push(chunk);
    if (final) ended = true;
  };
  const stream = format === 'raw' ? new Inflate(onData) : new Unzlib(onData);
  const SLICE = 1024;
  for (let i = 0; i < data.length; i += SLICE) stream.push(data.subarray(i, Math.min(data.length, i + SLICE)), i + SLICE >= data.length);
  if (!ended) throw new Error('the data is incomplete');
  return concatBytes(parts);
}
