/**
 * A layer op with a hand-written backward pass: y = forward(x, weights), and
 * backward(dy) gives the weights' gradients and, only when the caller says the
 * gradient must flow on, x's. The first layer reading images needs none, which
 * skips the largest product of its backward pass.
 */
import type * as tfc from '@tensorflow/tfjs-core';

type TF = typeof tfc;
type Tensor = tfc.Tensor;

export interface LayerPass<T extends Tensor> {
  /** The output, and the tensors the backward pass reads (kept until it runs). */
  forward(x: T): { y: T; saved: Tensor[] };
  /** Gradients for x (when asked) and for each weight, in order. */
  backward(dy: T, saved: Tensor[], inputGradient: boolean): { dx?: Tensor; dWeights: Tensor[] };
}

export function layerWithGradient<T extends Tensor>(tf: TF, x: T, weights: Tensor[], inputGradient: boolean, pass: LayerPass<T>): T {
  const run = (input: T, save: tfc.GradSaveFunc) => {
    const { y, saved } = pass.forward(input);
    save(saved);
    return {
      value: y,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const { dx, dWeights } = pass.backward(dy as T, kept, inputGradient);
        if (!inputGradient) return dWeights;
        if (!dx) throw new Error('the layer gave no input gradient');
        return [dx, ...dWeights];
      },
    };
  };
  if (inputGradient) {
    const op = tf.customGrad((...args) => run(args[0] as T, args[args.length - 1] as tfc.GradSaveFunc));
    return op(x, ...weights) as T;
  }
  // x is not an input of the op, so no gradient is asked for it
  const op = tf.customGrad((...args) => run(x, args[args.length - 1] as tfc.GradSaveFunc));
  return op(...weights) as T;
}
