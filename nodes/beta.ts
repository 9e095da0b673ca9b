import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { defineNode, tensorInput } from './defineNode';

const zParams = z.strictObject({
  beta: z.number().min(0).max(1000).default(4),
  capacity: z.number().min(0).max(1000).default(0),
  capacitySteps: z.number().int().min(0).max(10_000_000).default(0),
  schedule: z.enum(['constant', 'warmup', 'cyclical']).default('constant'),
  warmupSteps: z.number().int().min(1).max(10_000_000).default(1000),
  cycleSteps: z.number().int().min(1).max(10_000_000).default(2000),
  rampFraction: z.number().gt(0).max(1).default(0.5),
});
export type BetaParams = z.infer<typeof zParams>;

/** β at a training step, following the schedule (pure; the dashboard plots it too). */
export function betaAt(
  p: Pick<BetaParams, 'schedule' | 'warmupSteps' | 'cycleSteps' | 'rampFraction'>,
  beta: number,
  step: number,
): number {
  switch (p.schedule) {
    case 'constant':
      return beta;
    case 'warmup':
      return beta * Math.min(1, step / p.warmupSteps);
    case 'cyclical': {
      const tau = (step % p.cycleSteps) / p.cycleSteps;
      return beta * Math.min(1, tau / p.rampFraction);
    }
  }
}

/** Capacity C at a step: grows linearly from 0 to C over `capacitySteps` (0 = fixed). */
export function capacityAt(capacity: number, capacitySteps: number, step: number): number {
  return capacitySteps > 0 ? capacity * Math.min(1, step / capacitySteps) : capacity;
}

export const Beta = defineNode<BetaParams>({
  type: 'Beta',
  version: 1,
  title: 'β weight',
  category: 'loss',
  summary: 'Weights a term: β·|KL − C|, with an optional schedule.',
  docs:
    'β-VAE: multiplying the KL by β > 1 squeezes the bottleneck harder. Codes must stay closer to the ' +
    'prior, so the model keeps only the most useful factors of variation, often one per latent dimension ' +
    '(disentanglement), at the cost of blurrier reconstructions. β < 1 does the opposite. A capacity C ' +
    '(Burgess et al.) instead targets a KL of C nats, raised slowly so information is let in gradually. ' +
    'Warm-up starts β at 0 and raises it, and cyclical repeats that, both to avoid posterior collapse.',
  params: zParams,
  controls: [
    { key: 'beta', label: 'β', kind: 'number', min: 0, max: 1000, step: 0.5 },
    { key: 'capacity', label: 'capacity C (nats)', kind: 'number', min: 0, max: 1000, step: 0.5 },
    {
      key: 'capacitySteps',
      label: 'raise C over steps',
      kind: 'number',
      min: 0,
      max: 10_000_000,
      integer: true,
      showIf: (p) => p.capacity > 0,
    },
    {
      key: 'schedule',
      label: 'schedule',
      kind: 'select',
      options: [
        { value: 'constant', label: 'constant' },
        { value: 'warmup', label: 'linear warm-up' },
        { value: 'cyclical', label: 'cyclical' },
      ],
    },
    {
      key: 'warmupSteps',
      label: 'warm-up steps',
      kind: 'number',
      min: 1,
      max: 10_000_000,
      integer: true,
      showIf: (p) => p.schedule === 'warmup',
    },
    {
      key: 'cycleSteps',
      label: 'cycle steps',
      kind: 'number',
      min: 1,
      max: 10_000_000,
      integer: true,
      showIf: (p) => p.schedule === 'cyclical',
    },
    {
      key: 'rampFraction',
      label: 'ramp fraction',
      kind: 'number',
      min: 0.01,
      max: 1,
      step: 0.05,
      showIf: (p) => p.schedule === 'cyclical',
    },
  ],
  inputs: { kl: { kind: 'scalar', label: 'KL', doc: 'the term to weight (usually the KL)' } },
  outputs: { loss: { kind: 'scalar', label: 'β·|KL−C|', doc: 'the weighted term' } },
  roles: { weight: { term: 'kl', value: 'loss', param: 'beta', fallback: 1 } },
  live: [
    { key: 'beta', label: 'β' },
    { key: 'capacity', label: 'capacity C' },
  ],
  infer({ inputs }) {
    if (!inputs.kl) throw new NodeIssueError('kl', 'needs a term to weight (connect a KL)');
    return { outputs: { loss: [] }, paramCount: 0 };
  },
  build({ tf, params, nodeId }) {
    return {
      apply(inputs, run) {
        const kl = tensorInput(inputs, 'kl', nodeId);
        const beta = betaAt(params, run.live('beta') ?? params.beta, run.step);
        const capacity = capacityAt(run.live('capacity') ?? params.capacity, params.capacitySteps, run.step);
        const loss = tf.mul(tf.abs(tf.sub(kl, capacity)), beta);
        run.report('beta', tf.scalar(beta));
        run.report('capacity', tf.scalar(capacity));
        run.report('betaKl', loss);
        return { loss };
      },
    };
  },
});
