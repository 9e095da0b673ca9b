/** The β weight node: scales the KL term by β (constant or scheduled) around a capacity C, β·(KL − C). */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { pyFloat, pyNumber } from '../src/export/python';
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

/** β as a function of the training step, as Python source (`step` is a number or a float tensor). */
export function betaExpression(
  p: BetaParams,
  min: (a: string, b: string) => string,
  mod: (a: string, b: string) => string,
): { beta: string; what: string } {
  const beta = pyFloat(p.beta);
  switch (p.schedule) {
    case 'constant':
      return { beta, what: `β = ${pyNumber(p.beta)}` };
    case 'warmup':
      return {
        beta: `${beta} * ${min('1.0', `step / ${pyFloat(p.warmupSteps)}`)}`,
        what: `β rises linearly from 0 to ${pyNumber(p.beta)} over ${p.warmupSteps} steps`,
      };
    case 'cyclical':
      return {
        beta: `${beta} * ${min('1.0', `${mod('step', pyFloat(p.cycleSteps))} / ${pyFloat(p.cycleSteps)} / ${pyFloat(p.rampFraction)}`)}`,
        what: `β restarts every ${p.cycleSteps} steps, rising from 0 to ${pyNumber(p.beta)} over the first ${pyNumber(p.rampFraction * 100)}% of each cycle`,
      };
  }
}

export function capacityExpression(p: BetaParams, min: (a: string, b: string) => string): { capacity: string; what: string } {
  if (p.capacitySteps > 0 && p.capacity > 0) {
    return {
      capacity: `${pyFloat(p.capacity)} * ${min('1.0', `step / ${pyFloat(p.capacitySteps)}`)}`,
      what: `capacity C rises from 0 to ${pyNumber(p.capacity)} nats over ${p.capacitySteps} steps`,
    };
  }
  return { capacity: pyFloat(p.capacity), what: p.capacity > 0 ? `capacity C = ${pyNumber(p.capacity)} nats` : 'no capacity (C = 0)' };
}

interface BetaStep extends ExportStep {
  params: BetaParams;
  input: string;
  beta: string;
  capacity: string;
  out: string;
}

const betaExporter: NodeExporter<BetaParams, BetaStep> = {
  describe: (ctx) => {
    const input = ctx.input('kl');
    const beta = ctx.claim(`${ctx.stem}_beta`);
    const capacity = ctx.claim(`${ctx.stem}_capacity`);
    return { node: ctx.ref, paramCount: 0, params: ctx.params, input, beta, capacity, out: ctx.output('loss', 'loss') };
  },
  code(s, { target }) {
    const torch = target === 'pytorch';
    const min = (a: string, b: string) => (torch ? `min(${a}, ${b})` : `tf.minimum(${a}, ${b})`);
    const mod = (a: string, b: string) => (torch ? `(${a} % ${b})` : `tf.math.floormod(${a}, ${b})`);
    const beta = betaExpression(s.params, min, mod);
    const cap = capacityExpression(s.params, min);
    return {
      forward: [
        ...forwardComment(s.node, `β·|KL − C|; ${beta.what}; ${cap.what}`),
        `${I}${s.beta} = ${beta.beta}`,
        `${I}${s.capacity} = ${cap.capacity}`,
        `${I}${s.out} = ${s.beta} * ${torch ? 'torch.abs' : 'tf.abs'}(${s.input} - ${s.capacity})`,
      ],
    };
  },
};

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
  exporter: betaExporter,
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
