/** The WebP codec (libwebp compiled to wasm) behind one decoder function; each side says how to load the wasm. */
import decode, { init } from '@jsquash/webp/decode';
import type { WebpDecoder } from './pictureDecode';

// the module's JS takes a compiled WebAssembly.Module as its first argument (its types list only the options)
const initWithModule = init as unknown as (module: WebAssembly.Module) => Promise<void>;

/** A WebP decoder that compiles the codec once, on the first WebP it meets. */
export function webpDecoder(compileCodec: () => Promise<WebAssembly.Module>): WebpDecoder {
  let ready: Promise<void> | undefined;
  return async (bytes) => {
    ready ??= compileCodec().then(initWithModule);
    await ready;
    // a copy of exactly these bytes (a Node Buffer's slice() would share its whole pool)
    const own = new Uint8Array(bytes.length);
    own.set(bytes);
    return decode(own.buffer);
  };
}
