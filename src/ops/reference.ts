/**
 * A switch back to tfjs's own ops, automatic gradients and the generic Adam (the
 * way they were computed before the backend-aware versions): benchmarks train
 * both ways in one run to show the faster path learns the same model.
 */
let reference = false;

/** true: plain tfjs ops, autodiff and element-wise Adam; false (default): the backend-aware versions. */
export function useReferenceOps(on: boolean): void {
  reference = on;
}

export function referenceOps(): boolean {
  return reference;
}
