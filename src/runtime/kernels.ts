/**
 * Not every tfjs backend implements every kernel training needs. Checking the
 * plan against the backend up front turns a mid-training crash into a clear
 * choice of another backend. (A missing filter-gradient kernel is no reason:
 * src/ops/conv.ts builds that gradient from kernels every backend has.)
 */
import type { TF } from '../../nodes/defineNode';
import type { Plan } from '../compiler/plan';

/** Kernels that training this plan needs beyond the dense basics. */
export function requiredKernels(plan: Plan): string[] {
  const kernels = new Set<string>();
  for (const n of plan.nodes) {
    if ((n.type === 'Encoder' || n.type === 'Decoder') && n.params.architecture === 'conv') {
      kernels.add('Conv2D');
      kernels.add('Conv2DBackpropInput');
    }
  }
  return [...kernels];
}

export function missingKernels(tf: Pick<TF, 'getKernel'>, backend: string, plan: Plan): string[] {
  return requiredKernels(plan).filter((k) => !tf.getKernel(k, backend));
}
