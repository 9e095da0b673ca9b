/**
 * Adam's update as one kernel per weight: the new weight and both moments in a
 * single pass over memory, where the generic path runs eleven element-wise
 * kernels (and allocates ten temporaries) per weight. On wasm it is a SIMD
 * function over the backend's heap (adamSimd.ts), on cpu one JavaScript loop
 * over its arrays; WebGPU has its own shaders (adamWebgpu.ts). Other backends,
 * and wasm engines without SIMD, use the generic ops.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { isHeapBackend, wasmMemoryOf } from '../../ops/wasmHeap';
import { adamSimdFor } from './adamSimd';

type TF = typeof tfc;
type TensorInfo = tfc.TensorInfo;

export const ADAM_KERNEL = 'BottleneckAdamUpdate';

/** Bias correction is folded in: α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), ε̂ = ε·√(1−β₂ᵗ) (as tf.train.adam does). */
export interface AdamStep {
  beta1: number;
  beta2: number;
  alpha: number;
  epsilon: number;
}

/** m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²; w ← w − α·m/(√s + ε̂). */
export function adamLoop(
  w: Float32Array,
  m: Float32Array,
  s: Float32Array,
  g: Float32Array,
  out: { w: Float32Array; m: Float32Array; s: Float32Array },
  step: AdamStep,
): void {
  const { beta1, beta2, alpha, epsilon } = step;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const mi = beta1 * (m[i] as number) + keep1 * gi;
    const si = beta2 * (s[i] as number) + keep2 * gi * gi;
    out.m[i] = mi;
    out.s[i] = si;
    out.w[i] = (w[i] as number) - (alpha * mi) / (Math.sqrt(si) + epsilon);
  }
}

/** The parts of the cpu backend the kernel uses: plain typed arrays. */
interface ArrayBackend {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  readSync(dataId: object): unknown;
}

function isArrayBackend(b: unknown): b is ArrayBackend {
  return typeof b === 'object' && b !== null && 'makeTensorInfo' in b && 'readSync' in b;
}

function floats(v: unknown, what: string): Float32Array {
  if (!(v instanceof Float32Array)) throw new Error(`the Adam update needs float32 ${what}`);
  return v;
}

interface AdamInputs {
  w: TensorInfo;
  m: TensorInfo;
  s: TensorInfo;
  g: TensorInfo;
}

function adamInputs(inputs: tfc.NamedTensorInfoMap): AdamInputs {
  const { w, m, s, g } = inputs;
  if (!w || !m || !s || !g) throw new Error('the Adam update needs w, m, s and g');
  return { w, m, s, g };
}

function adamAttrs(attrs: tfc.NamedAttrMap | undefined): AdamStep {
  const read = (k: keyof AdamStep): number => {
    const v = attrs?.[k];
    if (typeof v !== 'number') throw new Error(`the Adam update needs a number '${k}'`);
    return v;
  };
  return { beta1: read('beta1'), beta2: read('beta2'), alpha: read('alpha'), epsilon: read('epsilon') };
}

const heapKernel: tfc.KernelFunc = ({ inputs, backend, attrs }) => {
  const memory = wasmMemoryOf(backend);
  const simd = memory ? adamSimdFor(memory) : null;
  if (!isHeapBackend(backend) || !simd) throw new Error('the wasm Adam kernel needs the wasm backend with SIMD');
  const { w, m, s, g } = adamInputs(inputs);
  const step = adamAttrs(attrs);
  const outs = [w, m, s].map((t) => backend.makeOutput(t.shape, 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  const offset = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
  const n = tfcSize(w.shape);
  const groups = n >> 2;
  simd(
    offset(w),
    offset(m),
    offset(s),
    offset(g),
    offset(outs[0]),
    offset(outs[1]),
    offset(outs[2]),
    groups,
    step.beta1,
    step.beta2,
    step.alpha,
    step.epsilon,
  );
  const rest = n - groups * 4;
  if (rest > 0) {
    // the last one to three floats, on views made after the outputs were allocated (the heap may have grown)
    const tail = (t: TensorInfo, what: string) => floats(backend.typedArrayFromHeap(t), what).subarray(groups * 4);
    adamLoop(
      tail(w, 'weights'),
      tail(m, 'moments'),
      tail(s, 'moments'),
      tail(g, 'gradients'),
      { w: tail(outs[0], 'w'), m: tail(outs[1], 'm'), s: tail(outs[2], 's') },
      step,
    );
  }
  return outs;
};

function tfcSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const arrayKernel: tfc.KernelFunc = ({ inputs, backend, attrs }) => {
  if (!isArrayBackend(backend)) throw new Error('the cpu Adam kernel ran on another backend');
  const { w, m, s, g } = adamInputs(inputs);
  const read = (t: TensorInfo, what: string) => floats(backend.readSync(t.dataId), what);
  const wv = read(w, 'weights');
  const out = { w: new Float32Array(wv.length), m: new Float32Array(wv.length), s: new Float32Array(wv.length) };
  adamLoop(wv, read(m, 'moments'), read(s, 'moments'), read(g, 'gradients'), out, adamAttrs(attrs));
  return [
    backend.makeTensorInfo(w.shape, 'float32', out.w),
    backend.makeTensorInfo(m.shape, 'float32', out.m),
    backend.makeTensorInfo(s.shape, 'float32', out.s),
  ];
};

/**
 * Registers the fused update for the active backend when it is wasm (with
 * SIMD) or cpu, once per tfjs instance. Only the active backend is looked at:
 * asking tfjs for another one would start initialising it.
 */
export function registerAdamKernels(tf: Pick<TF, 'getKernel' | 'registerKernel' | 'getBackend' | 'backend'>): void {
  const name = tf.getBackend();
  if (tf.getKernel(ADAM_KERNEL, name)) return;
  if (name === 'cpu') tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'cpu', kernelFunc: arrayKernel });
  if (name === 'wasm') {
    const memory = wasmMemoryOf(tf.backend());
    if (memory && adamSimdFor(memory)) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: heapKernel });
  }
}
