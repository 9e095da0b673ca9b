/**
 * Stride-2 'same' convolutions and transposed convolutions that train on every
 * backend. Where a backend has no Conv2DBackpropFilter kernel (wasm), the
 * filter gradient is built from kernels it does have: the input's patches
 * (im2col, as strided slices) times the output gradient, one matrix product.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { matMulAT, throughActivation, type LayerOptions } from './dense';
import { layerWithGradient } from './layerGradient';

type TF = typeof tfc;
type Tensor4D = tfc.Tensor4D;

const STRIDE = 2;

/** Whether the backend trains convolutions with its own gradient kernels. */
export function hasFilterGradient(tf: Pick<TF, 'getKernel' | 'getBackend'>): boolean {
  return tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
}

/** 'same' padding before/after along one axis (as tfjs and TensorFlow compute it). */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * The k×k patches of x [B, H, W, C] that a stride-2 'same' convolution reads,
 * as rows [B·oh·ow, k·k·C] in the filter's [k, k, C] order.
 */
export function patches(tf: TF, x: Tensor4D, k: number): tfc.Tensor2D {
  const [b, h, w, c] = x.shape;
  const [top, bottom] = samePadding(h, k, STRIDE);
  const [left, right] = samePadding(w, k, STRIDE);
  const oh = Math.ceil(h / STRIDE);
  const ow = Math.ceil(w / STRIDE);
  const padded = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  const slices: Tensor4D[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      slices.push(tf.stridedSlice(padded, [0, i, j, 0], [b, i + STRIDE * (oh - 1) + 1, j + STRIDE * (ow - 1) + 1, c], [1, STRIDE, STRIDE, 1]) as Tensor4D);
    }
  }
  return tf.reshape(tf.concat(slices, 3), [b * oh * ow, k * k * c]);
}

/** ∂L/∂filter [k, k, C, F] of a stride-2 'same' convolution of x [B, H, W, C] whose output gradient is g [B, oh, ow, F]. */
export function filterGradient(tf: TF, x: Tensor4D, g: Tensor4D, k: number): Tensor4D {
  const [b, oh, ow, f] = g.shape;
  const c = x.shape[3];
  const product = matMulAT(tf, patches(tf, x, k), tf.reshape(g, [b * oh * ow, f]));
  return tf.reshape(product, [k, k, c, f]);
}

/**
 * activation(conv2d(x, filter, stride 2, 'same') + bias); filter [k, k, C, F].
 * Forward is one fused kernel; without a filter-gradient kernel the backward
 * pass is written out (above).
 */
export function conv2dLayer(tf: TF, x: Tensor4D, filter: Tensor4D, bias: tfc.Tensor1D, options: LayerOptions): Tensor4D {
  const { activation } = options;
  const forward = (input: Tensor4D) => tf.fused.conv2d({ x: input, filter, strides: STRIDE, pad: 'same', bias, activation });
  if (hasFilterGradient(tf)) return forward(x);
  const k = filter.shape[0];
  return layerWithGradient(tf, x, [filter, bias], options.inputGradient, {
    forward(input) {
      const y = forward(input);
      return { y, saved: [input, y] };
    },
    backward(dy, saved, inputGradient) {
      const [input, y] = saved as [Tensor4D, Tensor4D];
      const g = throughActivation(tf, dy, y, activation);
      return {
        ...(inputGradient ? { dx: tf.conv2dTranspose(g, filter, input.shape, STRIDE, 'same') } : {}),
        dWeights: [filterGradient(tf, input, g, k), tf.sum(g, [0, 1, 2])],
      };
    },
  });
}

/**
 * Transposed convolution, stride 2, 'same': doubles height and width.
 * filter [k, k, F, C] (Keras layout: outputs, then inputs), x [B, h, w, C].
 */
export function conv2dTransposeLayer(tf: TF, x: Tensor4D, filter: Tensor4D, bias: tfc.Tensor1D, inputGradient: boolean): Tensor4D {
  const [b, h, w] = x.shape;
  const outShape: [number, number, number, number] = [b, h * STRIDE, w * STRIDE, filter.shape[2]];
  const forward = (input: Tensor4D) => tf.add(tf.conv2dTranspose(input, filter, outShape, STRIDE, 'same'), bias) as Tensor4D;
  if (hasFilterGradient(tf)) return forward(x);
  const k = filter.shape[0];
  return layerWithGradient(tf, x, [filter, bias], inputGradient, {
    forward(input) {
      return { y: forward(input), saved: [input] };
    },
    backward(dy, saved, needsInput) {
      const [input] = saved as [Tensor4D];
      // a transposed convolution is the input gradient of conv2d(·, filter): its own
      // gradients are that convolution, and the filter gradient with the roles swapped
      return {
        ...(needsInput ? { dx: tf.conv2d(dy, filter, STRIDE, 'same') } : {}),
        dWeights: [filterGradient(tf, dy, input, k), tf.sum(dy, [0, 1, 2])],
      };
    },
  });
}
