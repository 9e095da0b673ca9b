/**
 * Stride-2 'same' convolutions and transposed convolutions that train on every
 * backend. Where a backend has no Conv2DBackpropFilter kernel (wasm, whose
 * Conv2DBackpropInput is also a slow naive loop), both backward products are
 * rewritten as forward convolutions, which it runs fast (XNNPACK).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { throughActivation, type LayerOptions } from './dense';
import { layerWithGradient } from './layerGradient';
import { referenceOps } from './reference';

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
 * ∂L/∂filter [k, k, C, F] of a stride-2 'same' convolution of x [B, H, W, C]
 * whose output gradient is g [B, oh, ow, F]. It is itself a convolution: x
 * with channels and batch swapped, filtered by g dilated by the stride
 * (dW[i,j,c,f] = Σ x[b, 2y+i, 2x+j, c]·g[b, y, x, f]), so it runs on the
 * backend's fast forward convolution kernel.
 */
export function filterGradient(tf: TF, x: Tensor4D, g: Tensor4D, k: number): Tensor4D {
  const [, h, w, c] = x.shape;
  const f = g.shape[3];
  const [top, bottom] = samePadding(h, k, STRIDE);
  const [left, right] = samePadding(w, k, STRIDE);
  const product = tf.conv2d(
    tf.transpose(x, [3, 1, 2, 0]),
    tf.transpose(g, [1, 2, 0, 3]),
    1,
    [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    'NHWC',
    STRIDE,
  );
  // without padding the window can be larger than the filter (e.g. k = 1): keep the first k × k
  const [, ph, pw] = product.shape;
  const cropped = ph === k && pw === k ? product : tf.slice(product, [0, 0, 0, 0], [c, k, k, f]);
  return tf.transpose(cropped, [1, 2, 0, 3]);
}

/** Along one axis: which filter taps and which rows of g make the outputs of one parity. */
interface SubPixelAxis {
  /** Filter taps, in the order the correlation reads them. */
  taps: number[];
  /** The window of g rows read, and the zero rows around it. */
  begin: number;
  size: number;
  padBefore: number;
  padAfter: number;
}

function subPixelAxis(size: number, k: number, parity: number, outHalf: number): SubPixelAxis | undefined {
  const [padBefore] = samePadding(size, k, STRIDE);
  const gRows = Math.ceil(size / STRIDE);
  const t0 = parity + padBefore;
  const p = t0 % 2;
  const taps: number[] = [];
  for (let i = p; i < k; i += 2) taps.unshift(i);
  if (taps.length === 0) return undefined;
  const start = (t0 - p) / 2 - (taps.length - 1);
  const length = outHalf + taps.length - 1;
  const begin = Math.max(0, start);
  const end = Math.min(gRows, start + length);
  if (end <= begin) return undefined;
  return { taps, begin, size: end - begin, padBefore: begin - start, padAfter: start + length - end };
}

/**
 * The input gradient of a stride-2 'same' convolution (what a transposed
 * convolution computes): g [B, oh, ow, F], filter [k, k, C, F] → [B, H, W, C].
 * Each of the four output parities is a stride-1 convolution of g with a
 * sub-filter of every other tap; the four are interleaved. Same numbers as
 * Conv2DBackpropInput, on the backend's fast forward convolution kernel.
 */
export function convInputGradient(tf: TF, g: Tensor4D, filter: Tensor4D, shape: [number, number, number, number]): Tensor4D {
  const [b, h, w, c] = shape;
  const k = filter.shape[0];
  const halfH = Math.ceil(h / STRIDE);
  const halfW = Math.ceil(w / STRIDE);
  const part = (r: number, s: number): Tensor4D => {
    const rows = subPixelAxis(h, k, r, halfH);
    const cols = subPixelAxis(w, k, s, halfW);
    if (!rows || !cols) return tf.zeros([b, halfH, halfW, c]);
    const window = tf.slice(g, [0, rows.begin, cols.begin, 0], [b, rows.size, cols.size, g.shape[3]]);
    const taps = tf.gather(tf.gather(filter, rows.taps, 0), cols.taps, 1);
    return tf.conv2d(window, tf.transpose(taps, [0, 1, 3, 2]), 1, [
      [0, 0],
      [rows.padBefore, rows.padAfter],
      [cols.padBefore, cols.padAfter],
      [0, 0],
    ]);
  };
  const row = (r: number) => tf.reshape(tf.stack([part(r, 0), part(r, 1)], 3), [b, halfH, 2 * halfW, c]);
  const full = tf.reshape(tf.stack([row(0), row(1)], 2), [b, 2 * halfH, 2 * halfW, c]) as Tensor4D;
  return full.shape[1] === h && full.shape[2] === w ? full : tf.slice(full, [0, 0, 0, 0], [b, h, w, c]);
}

/**
 * activation(conv2d(x, filter, stride 2, 'same') + bias); filter [k, k, C, F].
 * Forward is one fused kernel; without a filter-gradient kernel the backward
 * pass is written out (above).
 */
export function conv2dLayer(tf: TF, x: Tensor4D, filter: Tensor4D, bias: tfc.Tensor1D, options: LayerOptions): Tensor4D {
  const { activation } = options;
  if (referenceOps()) {
    const y = tf.add(tf.conv2d(x, filter, STRIDE, 'same'), bias) as Tensor4D;
    return activation === 'relu' ? tf.relu(y) : y;
  }
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
        ...(inputGradient ? { dx: convInputGradient(tf, g, filter, input.shape) } : {}),
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
  if (hasFilterGradient(tf) || referenceOps()) return tf.add(tf.conv2dTranspose(x, filter, outShape, STRIDE, 'same'), bias);
  const forward = (input: Tensor4D) => tf.add(convInputGradient(tf, input, filter, outShape), bias) as Tensor4D;
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
