/**
 * Dense layers with gradients that suit the backend: one fused kernel forward
 * (x·W + b, ReLU), and a backward pass that avoids the matrix products a
 * backend runs slowly (tfjs-backend-wasm's transposed products are ~12× slower
 * than plain ones, and the plain gradient of x·W uses exactly those).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { layerWithGradient } from './layerGradient';
import { referenceOps } from './reference';
import { sparseLeftOperand, unpackedProductWins, wasmMatMulActive } from './wasmMatMul';

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

/**
 * XNNPACK (wasm) repacks the right operand of every product whose operand is
 * new (weights are, after every update) at ~7× the cost of a transpose per
 * element. When the left operand is much smaller, (bᵀ·aᵀ)ᵀ packs that one
 * instead, for three cheap transposes.
 */
function packsLessSwapped(m: number, k: number, n: number): boolean {
  const PACK = 7;
  return PACK * k * m + (m * k + k * n + m * n) < 0.8 * PACK * k * n;
}

/** Whether our unpacked kernels (src/ops/wasmMatMul.ts) run an m×k·k×n product, transposed operands and all. */
function runsUnpacked(tf: TF, m: number, k: number, n: number): boolean {
  return tf.getBackend() === 'wasm' && unpackedProductWins(m, k, n) && wasmMatMulActive(tf);
}

/** a · b where a [M×K] and b [K×N] are laid out as given, the fast way for the current backend. */
function product(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (prefersExplicitTranspose(tf) && !runsUnpacked(tf, m, k, n) && packsLessSwapped(m, k, n))
    return tf.transpose(tf.matMul(tf.transpose(b), tf.transpose(a)));
  return tf.matMul(a, b);
}

/** a · bᵀ, the fast way for the current backend. */
export function matMulBT(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  const [m, k] = a.shape;
  const n = b.shape[0];
  if (!prefersExplicitTranspose(tf) || runsUnpacked(tf, m, k, n)) return tf.matMul(a, b, false, true);
  // (b · aᵀ)ᵀ packs a's transpose instead of b's when that is smaller
  return packsLessSwapped(m, k, n) ? tf.transpose(tf.matMul(b, tf.transpose(a))) : tf.matMul(a, tf.transpose(b));
}

/** aᵀ · b, the fast way for the current backend. */
export function matMulAT(tf: TF, a: Tensor2D, b: Tensor2D): Tensor2D {
  const [k, m] = a.shape;
  const n = b.shape[1];
  if (!prefersExplicitTranspose(tf) || runsUnpacked(tf, m, k, n)) return tf.matMul(a, b, true, false);
  return product(tf, tf.transpose(a), b);
}

/** dy through the activation: ReLU passes it where the output is positive. */
export function throughActivation<T extends Tensor>(tf: TF, dy: T, y: T, activation: FusedActivation): T {
  return activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
}

function throughFused(tf: TF, y: Tensor2D, activation: FusedActivation): Tensor2D {
  return activation === 'relu' ? tf.relu(y) : y;
}

/**
 * x·W + b through the activation as one kernel. tf.fused.matMul splits it
 * into three kernels whenever gradients are recorded (training), since the
 * fused kernel's own gradient handles few activations; this layer's backward
 * pass is its own, so the fused kernel runs directly.
 */
function fusedProduct(tf: TF, x: Tensor2D, kernel: Tensor2D, bias: tfc.Tensor1D, activation: FusedActivation): Tensor2D {
  const [m, k] = x.shape;
  const n = kernel.shape[1];
  const inputs = { a: tf.reshape(x, [1, m, k]), b: tf.reshape(kernel, [1, k, n]), bias };
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 };
  const y = tf.engine().runKernel(tf._FusedMatMul, inputs, attrs) as tfc.Tensor3D;
  return tf.reshape(y, [m, n]);
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
      const [m, k] = input.shape;
      const n = kernel.shape[1];
      // a mostly-zero input (pixels, ReLU outputs) runs on the sparse kernels, bias and ReLU included
      const swapped =
        prefersExplicitTranspose(tf) && !runsUnpacked(tf, m, k, n) && packsLessSwapped(m, k, n) && !sparseLeftOperand(tf, input, n);
      // swapped, the bias and ReLU run as their own kernels (the fused ones apply them per output column)
      const y = swapped
        ? throughFused(tf, tf.add(product(tf, input, kernel), bias) as Tensor2D, activation)
        : fusedProduct(tf, input, kernel, bias, activation);
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
