/**
 * Adam's update on WebGPU in three dispatches per weight (the two moments, then
 * the weight), where the generic ops take eleven. A shader writes one output,
 * so the moments and the weight cannot share one pass.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { ADAM_KERNEL } from './adamKernel';

type TF = typeof tfc;
type TensorInfo = tfc.TensorInfo;

const WORKGROUP: [number, number, number] = [64, 1, 1];

/** out = decay·moment + (1 − decay)·g (first moment) or ·g² (second). */
class MomentProgram implements WebGPUProgram {
  readonly variableNames = ['Moment', 'G'];
  readonly uniforms = 'decay : f32,';
  readonly size = true;
  readonly workgroupSize = WORKGROUP;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly shaderKey: string;

  constructor(
    shape: number[],
    private readonly squared: boolean,
  ) {
    this.outputShape = shape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, WORKGROUP);
    this.shaderKey = `bottleneckAdamMoment_${squared ? 2 : 1}`;
  }

  getUserCode(): string {
    const g = this.squared ? 'G[index] * G[index]' : 'G[index]';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, uniforms.decay * Moment[index] + (1.0 - uniforms.decay) * ${g});
        }
      }`;
  }
}

/** w − α·m / (√s + ε̂). */
class WeightProgram implements WebGPUProgram {
  readonly variableNames = ['W', 'M', 'S'];
  readonly uniforms = 'alpha : f32, epsilon : f32,';
  readonly size = true;
  readonly workgroupSize = WORKGROUP;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly shaderKey = 'bottleneckAdamWeight';

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, WORKGROUP);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, W[index] - uniforms.alpha * M[index] / (sqrt(S[index]) + uniforms.epsilon));
        }
      }`;
  }
}

function isWebGpuBackend(b: unknown): b is WebGPUBackend {
  return typeof b === 'object' && b !== null && 'runWebGPUProgram' in b;
}

const webgpuAdam: tfc.KernelFunc = ({ inputs, backend, attrs }) => {
  if (!isWebGpuBackend(backend)) throw new Error('the WebGPU Adam kernel ran on another backend');
  const { w, m, s, g } = inputs as Record<string, TensorInfo | undefined>;
  if (!w || !m || !s || !g) throw new Error('the Adam update needs w, m, s and g');
  const num = (k: string): number => {
    const v = attrs?.[k];
    if (typeof v !== 'number') throw new Error(`the Adam update needs a number '${k}'`);
    return v;
  };
  const mNew = backend.runWebGPUProgram(new MomentProgram(w.shape, false), [m, g], 'float32', [{ type: 'float32', data: [num('beta1')] }]);
  const sNew = backend.runWebGPUProgram(new MomentProgram(w.shape, true), [s, g], 'float32', [{ type: 'float32', data: [num('beta2')] }]);
  const wNew = backend.runWebGPUProgram(new WeightProgram(w.shape), [w, mNew, sNew], 'float32', [
    { type: 'float32', data: [num('alpha')] },
    { type: 'float32', data: [num('epsilon')] },
  ]);
  return [wNew, mNew, sNew];
};

/** Registers the WebGPU update (once per tfjs instance); call after the WebGPU backend is loaded. */
export function registerWebGpuAdam(tf: Pick<TF, 'getKernel' | 'registerKernel'>): void {
  if (!tf.getKernel(ADAM_KERNEL, 'webgpu')) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'webgpu', kernelFunc: webgpuAdam });
}
