/** What dense and convolution layers cost per image (values computed, multiply-adds, largest tensors), for the memory check. */
import type { NodeCost } from '../src/core/nodeSpec';

export const noCost: NodeCost = { activations: 0, macs: 0, largestWeight: 0, largestActivation: 0 };

export function addCosts(...costs: NodeCost[]): NodeCost {
  return costs.reduce(
    (a, b) => ({
      activations: a.activations + b.activations,
      macs: a.macs + b.macs,
      largestWeight: Math.max(a.largestWeight, b.largestWeight),
      largestActivation: Math.max(a.largestActivation, b.largestActivation),
    }),
    noCost,
  );
}

/** Dense layers: each computes `units` values from `inputs` with an inputs × units matrix. */
export function denseCost(layers: ReadonlyArray<{ inputs: number; units: number }>): NodeCost {
  return addCosts(
    ...layers.map((l) => ({
      activations: l.units,
      macs: l.inputs * l.units,
      largestWeight: l.inputs * l.units,
      largestActivation: l.units,
    })),
  );
}

/**
 * Stride-2 convolutions (`up` false: each halves the size) or transposed
 * convolutions (`up` true: each doubles it), from an input of `size`.
 */
export function convCost(
  layers: ReadonlyArray<{ inChannels: number; filters: number }>,
  size: readonly [number, number],
  kernel: number,
  up: boolean,
): NodeCost {
  let [h, w] = size;
  const costs: NodeCost[] = [];
  for (const l of layers) {
    const [outH, outW] = up ? [h * 2, w * 2] : [Math.ceil(h / 2), Math.ceil(w / 2)];
    // a transposed conv does the work of the conv it is the adjoint of (from its output down to its input)
    const positions = up ? h * w : outH * outW;
    const values = outH * outW * l.filters;
    costs.push({
      activations: values,
      macs: positions * kernel * kernel * l.inChannels * l.filters,
      largestWeight: kernel * kernel * l.inChannels * l.filters,
      largestActivation: values,
    });
    [h, w] = [outH, outW];
  }
  return addCosts(...costs);
}
