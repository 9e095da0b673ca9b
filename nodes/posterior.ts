/** The Gaussian posterior q(z|x) = N(μ, σ²) as two ports, shared by the nodes that read it. */
import { NodeIssueError } from '../src/core/diagnostics';
import type { PortSpec } from '../src/core/nodeSpec';
import { formatShape, shapesEqual, type Shape } from '../src/core/shape';

export const posteriorInputs: Readonly<Record<'mean' | 'logVar', PortSpec>> = {
  mean: { kind: 'latent', label: 'μ', doc: 'mean of q(z|x)' },
  logVar: { kind: 'logvar', label: 'log σ²', doc: 'log-variance of q(z|x)' },
};

/** Both inputs present and of one shape; returns that shape. */
export function posteriorShape(inputs: Readonly<Record<string, Shape | undefined>>): Shape {
  const { mean, logVar } = inputs;
  if (!mean) throw new NodeIssueError('mean', 'needs μ from an encoder');
  if (!logVar) throw new NodeIssueError('logVar', 'needs log σ² from an encoder');
  if (!shapesEqual(mean, logVar)) {
    throw new NodeIssueError('logVar', `μ is ${formatShape(mean)} but log σ² is ${formatShape(logVar)}; they must match`);
  }
  return mean;
}
