/**
 * Backend probes for the browser worker: each one makes a tfjs backend active
 * and runs one tiny op to prove it works, or says why it cannot. The WASM
 * binaries are served by the app itself (bundled by Vite), never fetched from
 * elsewhere.
 */
import type * as tfAll from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerWebGpuAdam } from './adamWebgpu';
import { installWasmBce } from '../../ops/wasmBce';
import { installWasmMatMul } from '../../ops/wasmMatMul';
import type { BackendDetail, BackendName, BackendProbe, ProbeResult } from '../backends';

type TfModule = typeof tfAll;

let wasmConfigured = false;

function configureWasm(): void {
  if (wasmConfigured) return;
  if (self.crossOriginIsolated) useEveryCore();
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  wasmConfigured = true;
}

/**
 * Cross-origin isolated, tfjs loads its threaded build, which caps its threads
 * at half of navigator.hardwareConcurrency (it assumes two hyperthreads per
 * core): on a two-core machine that is one thread. Here it gets one thread per
 * logical core: the cap is read from navigator.hardwareConcurrency, so this
 * worker reports twice the count to tfjs's module and asks for that many.
 */
function useEveryCore(): void {
  const cores = navigator.hardwareConcurrency;
  if (!(cores > 1)) return;
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * cores, configurable: true });
  setThreadsCount(cores);
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

/** The WebGPU adapter, or why there is none. */
async function webgpuAdapter(): Promise<{ detail: BackendDetail } | { reason: string }> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) return { reason: 'no adapter (navigator.gpu missing: this browser has WebGPU switched off or does not support it)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: 'no adapter (the browser found no usable GPU)' };
    const info = adapter.info;
    const device = [info.description, info.vendor, info.architecture]
      .filter((s) => s)
      .join(' ')
      .trim();
    const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
    return { detail: { ...(device ? { device } : {}), software: fallback || SOFTWARE_GPU.test(device) } };
  } catch (e) {
    return { reason: `no adapter (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** The WebGL renderer's name, when the browser tells it. */
function webglRenderer(tf: TfModule): string | undefined {
  const backend = tf.backend() as { gpgpu?: { gl?: WebGLRenderingContext } };
  const gl = backend.gpgpu?.gl;
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  const name: unknown = ext && gl ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** What is worth knowing about a backend that started. */
function detailOf(tf: TfModule, name: BackendName, adapter: BackendDetail | undefined): BackendDetail | undefined {
  if (name === 'webgpu') return adapter;
  if (name === 'wasm') return { threads: getThreadsCount() };
  if (name === 'webgl') {
    const renderer = webglRenderer(tf);
    return renderer ? { device: renderer, software: SOFTWARE_GPU.test(renderer) } : undefined;
  }
  return undefined;
}

/** Runs 1 + 2 on the active backend and checks the answer. */
async function smokeTest(tf: TfModule): Promise<string | undefined> {
  const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(2)));
  try {
    const v = await t.data();
    return v[0] === 3 && v[1] === 4 ? undefined : `it computed 1 + 2 = ${v[0]}`;
  } finally {
    t.dispose();
  }
}

export function createBrowserProbe(tf: TfModule): BackendProbe {
  registerWebGpuAdam(tf);
  return async (name: BackendName): Promise<ProbeResult> => {
    let adapter: BackendDetail | undefined;
    if (name === 'webgpu') {
      const found = await webgpuAdapter();
      if ('reason' in found) return { ok: false, reason: found.reason };
      adapter = found.detail;
    }
    if (name === 'webgl') {
      if (typeof OffscreenCanvas === 'undefined') return { ok: false, reason: 'no OffscreenCanvas in this worker, so no WebGL context' };
    }
    if (name === 'wasm') configureWasm();
    let started = false;
    try {
      started = await tf.setBackend(name);
    } catch (e) {
      return { ok: false, reason: `it failed to start (${e instanceof Error ? e.message : String(e)})` };
    }
    if (!started || tf.getBackend() !== name) {
      const what =
        name === 'webgl'
          ? 'the browser gave no WebGL context'
          : name === 'wasm'
            ? 'the WebAssembly module did not load'
            : 'it failed to start';
      return { ok: false, reason: what };
    }
    if (name === 'wasm') {
      installWasmMatMul(tf);
      installWasmBce(tf);
    }
    try {
      const wrong = await smokeTest(tf);
      if (wrong) return { ok: false, reason: wrong };
      const detail = detailOf(tf, name, adapter);
      return detail ? { ok: true, detail } : { ok: true };
    } catch (e) {
      return { ok: false, reason: `a test computation failed (${e instanceof Error ? e.message : String(e)})` };
    }
  };
}

function webgpuDevice(tf: TfModule): GPUDevice | undefined {
  const backend = tf.findBackend('webgpu');
  return backend instanceof WebGPUBackend ? backend.device : undefined;
}

/** Calls `onLost` when the WebGPU device is lost (other backends have no device to lose here). */
export function watchDevice(tf: TfModule, backend: BackendName, onLost: (reason: string) => void): () => void {
  const device = backend === 'webgpu' ? webgpuDevice(tf) : undefined;
  if (!device) return () => {};
  let watching = true;
  void device.lost.then((info) => {
    if (!watching) return;
    const detail = info.message.trim().replace(/\.$/, '') || (info.reason === 'destroyed' ? 'destroyed' : 'GPU reset or driver error');
    onLost(`the WebGPU device was lost (${detail})`);
  });
  return () => {
    watching = false;
  };
}

/** Destroys the WebGPU device, as a driver reset would. */
export function loseDevice(tf: TfModule, backend: BackendName): boolean {
  const device = backend === 'webgpu' ? webgpuDevice(tf) : undefined;
  if (!device) return false;
  device.destroy();
  return true;
}
