/**
 * Not every tfjs backend implements every kernel training needs. Checking the
 * plan against the backend up front turns a mid-training crash into a clear
 * choice of another backend. (A missing filter-gradient kernel is no reason:
 * src/ops/conv.ts builds that gradient from kernels every backend has.)
 */
import { specRegistry } from '../../../nodes';
import type { TF } from '../../../nodes/defineNode';
import type { Plan } from '../../compiler/plan';
import { requiredKernelsOf } from '../../core/graphQueries';

/** Kernels that training this plan needs beyond the dense basics (each node kind says which). */
export function requiredKernels(plan: Plan): string[] {
  return requiredKernelsOf(plan.nodes, specRegistry);
}

export function missingKernels(tf: Pick<TF, 'getKernel'>, backend: string, plan: Plan): string[] {
  return requiredKernels(plan).filter((k) => !tf.getKernel(k, backend));
}
