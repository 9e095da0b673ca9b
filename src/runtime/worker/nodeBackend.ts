/**
 * tfjs in Node for the CLI, tests and benchmarks: cpu (pure JS), wasm (SIMD;
 * several times faster), webgpu (Dawn via the `webgpu` package, when it loads).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { installWasmBce } from '../../ops/wasmBce';
import { installWasmMatMul } from '../../ops/wasmMatMul';
import { prepareNodeWasmThreads, wantedWasmThreads } from './nodeWasmThreads';

export const nodeBackends = ['cpu', 'wasm', 'webgpu'] as const;
export type NodeBackend = (typeof nodeBackends)[number];

const require = createRequire(import.meta.url);
/** tfjs reads where its binaries are, and how many threads to start, once. */
let wasmConfigured = false;

export async function initNodeBackend(name: NodeBackend): Promise<typeof tf> {
  let restoreAfterStart: (() => void) | undefined;
  if (name === 'wasm' && !wasmConfigured) {
    wasmConfigured = true;
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // the binaries ship in the package; a bundle without node_modules says where it keeps them
    const dir = process.env.BOTTLENECK_WASM_DIR ?? join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${dir}/`);
    const threads = wantedWasmThreads();
    const scripts = process.env.BOTTLENECK_WASM_DIR ?? join(dir, '..', 'wasm-out');
    restoreAfterStart = prepareNodeWasmThreads(scripts, threads);
    if (restoreAfterStart) wasm.setThreadsCount(threads);
  } else if (name === 'webgpu') {
    await setupNodeWebGpu();
    await import('@tensorflow/tfjs-backend-webgpu');
    const { registerWebGpuAdam } = await import('./adamWebgpu');
    registerWebGpuAdam(tf);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    restoreAfterStart?.();
  }
  if (!ok || tf.getBackend() !== name) throw new Error(`the ${name} backend could not start in Node`);
  await tf.ready();
  // BOTTLENECK_WASM_GEMM=xnnpack keeps tfjs's own matrix products (to compare)
  if (name === 'wasm' && process.env.BOTTLENECK_WASM_GEMM !== 'xnnpack') installWasmMatMul(tf);
  if (name === 'wasm') installWasmBce(tf);
  return tf;
}

/** How many threads the wasm backend runs (after initNodeBackend('wasm')), or undefined before. */
export async function nodeWasmThreads(): Promise<number | undefined> {
  if (tf.getBackend() !== 'wasm') return undefined;
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return getThreadsCount();
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (e.g. SwiftShader): proves the path, not the speed. */
  software: boolean;
}

/** What WebGPU adapter Dawn found (after initNodeBackend('webgpu')), or undefined. */
export async function webgpuAdapterInfo(): Promise<AdapterInfo | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return undefined;
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(text),
  };
}

/** Dawn (npm `webgpu`) with SwiftShader's Vulkan driver from Debian's chromium (or the system's Vulkan driver when VK_ICD_FILENAMES/VK_DRIVER_FILES say so). */
async function setupNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  if (!process.env.VK_DRIVER_FILES) process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  const mod = (await import('webgpu')) as { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  Object.assign(globalThis, mod.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: mod.create([]) }, configurable: true });
}
