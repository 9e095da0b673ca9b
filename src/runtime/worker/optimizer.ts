/**
 * Optimizers as plain weights and ops, so the learning rate can change while
 * training (a tfjs optimizer fixes it at construction).
 */
import type { Tensor, TF, Variable } from '../../../nodes/defineNode';
import type { OptimizerKind } from '../../core/schema';
import { referenceOps } from '../../ops/reference';
import { ADAM_KERNEL, registerAdamKernels, type AdamStep } from './adamKernel';

export interface Optimizer {
  /** Applies one update. Call inside tf.tidy. */
  apply(grads: Record<string, Tensor>, learningRate: number): void;
  readonly steps: number;
  /** The learning rate of the last update applied (NaN before the first). */
  readonly learningRate: number;
  dispose(): void;
}

export interface OptimizerOptions {
  /** Use the one-kernel Adam update where the backend has it (default); false: the generic ops. */
  fused?: boolean;
}

export function createOptimizer(tf: TF, kind: OptimizerKind, variables: Variable[], options: OptimizerOptions = {}): Optimizer {
  return kind === 'adam' ? adam(tf, variables, options) : sgd(tf, variables);
}

function sgd(tf: TF, variables: Variable[]): Optimizer {
  let steps = 0;
  let applied = NaN;
  return {
    get steps() {
      return steps;
    },
    get learningRate() {
      return applied;
    },
    apply(grads, lr) {
      applied = lr;
      for (const v of variables) {
        const g = grads[v.name];
        if (g) v.assign(tf.sub(v, tf.mul(g, lr)));
      }
      steps++;
    },
    dispose() {},
  };
}

/** Adam (Kingma & Ba), the same update as tf.train.adam and Keras. */
function adam(tf: TF, variables: Variable[], options: OptimizerOptions, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Optimizer {
  registerAdamKernels(tf);
  // created inside tidy so the zero tensors they start from are released
  const m = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  const s = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  let steps = 0;
  let applied = NaN;
  return {
    get steps() {
      return steps;
    },
    get learningRate() {
      return applied;
    },
    apply(grads, lr) {
      steps++;
      applied = lr;
      const c1 = 1 - beta1 ** steps;
      const c2 = 1 - beta2 ** steps;
      const alpha = (lr * Math.sqrt(c2)) / c1;
      const epsHat = epsilon * Math.sqrt(c2);
      const fused = options.fused !== false && !referenceOps() && tf.getKernel(ADAM_KERNEL, tf.getBackend()) !== undefined;
      const attrs: AdamStep = { beta1, beta2, alpha, epsilon: epsHat };
      variables.forEach((v, i) => {
        const g = grads[v.name];
        if (!g) return;
        const mi = m[i] as Variable;
        const si = s[i] as Variable;
        if (fused) {
          const [w, mNew, sNew] = tf.engine().runKernel(ADAM_KERNEL, { w: v, m: mi, s: si, g }, { ...attrs }) as Tensor[];
          mi.assign(mNew as Tensor);
          si.assign(sNew as Tensor);
          v.assign(w as Tensor);
          return;
        }
        const mNew = tf.add(tf.mul(mi, beta1), tf.mul(g, 1 - beta1));
        const sNew = tf.add(tf.mul(si, beta2), tf.mul(tf.square(g), 1 - beta2));
        mi.assign(mNew);
        si.assign(sNew);
        v.assign(tf.sub(v, tf.div(tf.mul(mNew, alpha), tf.add(tf.sqrt(sNew), epsHat))));
      });
    },
    dispose() {
      for (const t of [...m, ...s]) t.dispose();
    },
  };
}
