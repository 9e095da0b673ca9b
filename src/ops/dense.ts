/**
 * Dense layers with gradients that suit the backend: one fused kernel forward
 * (x·W + b, ReLU), and a backward pass that avoids the matrix products a
 * backend runs slowly (tfjs-backend-wasm's transposed products are ~12× slower
 * than plain ones, and the plain gradient of x·W uses exactly those).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { layerWithGradient } from './layerGradient';
import { referenceOps } from './reference';

type TF = typeof tfc;
type Tensor = tfc.Tensor;
type Tensor2D = tfc.Tensor2D;

/** Activations the forward kernel applies itself (others are applied after it). */
export type FusedActivation = 'relu' | 'linear';

/** Backends whose matrix products with a transposed operand are much slower than plain ones. */
const slowTransposedProducts: ReadonlySet<string> = new Set(['wasm']);

export function prefersExplicitTranspose(tf: Pick<TF, 'getBackend'>): boolean {
  return slowTransposedProducts.has(tf.getBackend());
}

/** a · bᵀ, the fast way for the current backend. */
export function matMulBT(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  return prefersExplicitTranspose(tf) ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/** aᵀ · b, the fast way for the current backend. */
export function matMulAT(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  return prefersExplicitTranspose(tf) ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false);
}

/** dy through the activation: ReLU passes it where the output is positive. */
export function throughActivation<T extends Tensor>(tf: TF, dy: T, y: T, activation: FusedActivation): T {
  return activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
}

export interface LayerOptions {
  activation: FusedActivation;
  /** Whether the gradient must flow on to x (false for a first layer reading data). */
  inputGradient: boolean;
}

/** activation(x · kernel + bias) for x [B, in], kernel [in, out], bias [out]. */
export function denseLayer(tf: TF, x: Tensor2D, kernel: Tensor2D, bias: tfc.Tensor1D, options: LayerOptions): Tensor2D {
  const { activation } = options;
  if (referenceOps()) {
    const y = tf.add(tf.matMul(x, kernel), bias) as Tensor2D;
    return activation === 'relu' ? tf.relu(y) : y;
  }
  return layerWithGradient(tf, x, [kernel, bias], options.inputGradient, {
    forward(input) {
      const y = tf.fused.matMul({ a: input, b: kernel, bias, activation }) as Tensor2D;
      return { y, saved: [input, y] };
    },
    backward(dy, saved, inputGradient) {
      const [input, y] = saved as [Tensor2D, Tensor2D];
      const g = throughActivation(tf, dy, y, activation);
      return {
        ...(inputGradient ? { dx: matMulBT(tf, g, kernel) } : {}),
        dWeights: [matMulAT(tf, input, g), tf.sum(g, 0)],
      };
    },
  });
}
