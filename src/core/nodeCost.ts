/** A node's cost per image when its kind does not say: its outputs' values, one multiply-add per parameter. */
import type { NodeCost } from './nodeSpec';
import type { Shape } from './shape';

/** A node that says nothing of its cost: its outputs' values, one multiply-add per parameter. */
export function defaultCost(outputs: Record<string, Shape>, paramCount: number): NodeCost {
  const sizes = Object.values(outputs).map((s) => s.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1));
  return {
    activations: sizes.reduce((a, b) => a + b, 0),
    macs: paramCount,
    largestWeight: paramCount,
    largestActivation: Math.max(0, ...sizes),
  };
}
