/** What our own WebAssembly kernels need of tfjs-backend-wasm: its memory, and where each tensor lies in it. */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { instantiateOn, type ExportedFunction } from './wasmAssembler';

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

/** One of our kernels: byte offsets and counts in, results written to the heap. */
export type HeapKernel = (...args: number[]) => void;

/**
 * The kernels of one module, compiled and bound once per backend memory (a
 * failed compile is remembered too); undefined where the memory cannot be
 * reached or the engine refuses them (no SIMD).
 */
export function heapKernelCache(
  build: () => ReadonlyArray<ExportedFunction>,
): (backend: HeapBackend) => Record<string, HeapKernel> | undefined {
  const instances = new WeakMap<WebAssembly.Memory, Record<string, HeapKernel> | null>();
  return (backend) => {
    const memory = wasmMemoryOf(backend);
    if (!memory) return undefined;
    let kernels = instances.get(memory);
    if (kernels === undefined) {
      kernels = (instantiateOn(memory, build()) as Record<string, HeapKernel> | undefined) ?? null;
      instances.set(memory, kernels);
    }
    return kernels ?? undefined;
  };
}
