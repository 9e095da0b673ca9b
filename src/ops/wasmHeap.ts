/** What our own WebAssembly kernels need of tfjs-backend-wasm: its memory, and where each tensor lies in it. */
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend our kernels use: buffers on the WebAssembly heap. */
export interface HeapBackend {
  wasm: unknown;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): void;
  typedArrayFromHeap(t: TensorInfo): unknown;
}

export function isHeapBackend(b: unknown): b is HeapBackend {
  return typeof b === 'object' && b !== null && 'wasm' in b && 'makeOutput' in b && 'getMemoryOffset' in b && 'typedArrayFromHeap' in b;
}

/** The WebAssembly.Memory of tfjs-backend-wasm's module (exported, or imported by its threaded build). */
export function wasmMemoryOf(backend: unknown): WebAssembly.Memory | undefined {
  if (!isHeapBackend(backend) || typeof backend.wasm !== 'object' || backend.wasm === null) return undefined;
  const module = backend.wasm as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
