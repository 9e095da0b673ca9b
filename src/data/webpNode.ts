/** The WebP decoder in Node: the codec's wasm is read from node_modules. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { webpDecoder } from './webpCodec';

export const decodeWebpNode = webpDecoder(async () =>
  WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm'))),
);
