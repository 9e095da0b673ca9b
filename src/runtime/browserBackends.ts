/**
 * Backend probes for the browser worker: each one makes a tfjs backend active
 * and runs one tiny op to prove it works, or says why it cannot. The WASM
 * binaries are served by the app itself (bundled by Vite), never fetched from
 * elsewhere.
 */
import type * as tfAll from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerWebGpuAdam } from './adamWebgpu';
import type { BackendName, BackendProbe, ProbeResult } from './backends';

type TfModule = typeof tfAll;

let wasmConfigured = false;

function configureWasm(): void {
  if (wasmConfigured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  wasmConfigured = true;
}

/** Why WebGPU cannot be used here, or undefined when an adapter exists. */
async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) return 'no adapter (navigator.gpu missing: this browser has WebGPU switched off or does not support it)';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no adapter (the browser found no usable GPU)';
  } catch (e) {
    return `no adapter (${e instanceof Error ? e.message : String(e)})`;
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
    if (name === 'webgpu') {
      const why = await webgpuUnavailable();
      if (why) return { ok: false, reason: why };
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
      const what = name === 'webgl' ? 'the browser gave no WebGL context' : name === 'wasm' ? 'the WebAssembly module did not load' : 'it failed to start';
      return { ok: false, reason: what };
    }
    try {
      const wrong = await smokeTest(tf);
      return wrong ? { ok: false, reason: wrong } : { ok: true };
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
