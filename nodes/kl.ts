/** The KL node: KL(q(z|x) ‖ N(0, I)) per image and per latent dimension, in closed form. */
import { z } from 'zod';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { pyFloat, pyNumber } from '../src/export/python';
import { defineNode, tensorInput } from './defineNode';
import { posteriorInputs, posteriorShape } from './posterior';

const zParams = z.strictObject({
  freeBits: z.number().min(0).max(100).default(0),
});
export type KLParams = z.infer<typeof zParams>;

interface KLStep extends ExportStep {
  freeBits: number;
  mean: string;
  logVar: string;
  perDim: string;
  raw: string;
  out: string;
}

const klExporter: NodeExporter<KLParams, KLStep> = {
  describe: (ctx) => {
    const mean = ctx.input('mean');
    const logVar = ctx.input('logVar');
    const perDim = ctx.claim(`${ctx.stem}_per_dim`);
    const raw = ctx.claim(`${ctx.stem}_value`);
    const out = ctx.output('kl', 'term');
    ctx.metric('kl', raw);
    return { node: ctx.ref, paramCount: 0, freeBits: ctx.params.freeBits, mean, logVar, perDim, raw, out };
  },
  code(s, { target }) {
    const torch = target === 'pytorch';
    const sum = torch ? `${s.perDim}.sum()` : `tf.reduce_sum(${s.perDim})`;
    const floored = torch
      ? `${s.perDim}.clamp(min=${pyFloat(s.freeBits)}).sum()`
      : `tf.reduce_sum(tf.maximum(${s.perDim}, ${pyFloat(s.freeBits)}))`;
    return {
      forward: [
        ...forwardComment(
          s.node,
          `KL(q(z|x) ‖ N(0, I))${s.freeBits > 0 ? `, with free bits: no dimension counts for less than ${pyNumber(s.freeBits)} nats` : ''}`,
        ),
        `${I}${s.perDim} = kl_per_dimension(${s.mean}, ${s.logVar})`,
        `${I}${s.raw} = ${sum}`,
        `${I}${s.out} = ${s.freeBits > 0 ? floored : s.raw}`,
      ],
      helpers: ['kl_per_dimension'],
    };
  },
};

export const KL = defineNode<KLParams>({
  type: 'KL',
  version: 1,
  title: 'KL divergence',
  category: 'loss',
  summary: 'KL(q(z|x) ‖ N(0, I)): how far each code is from the prior.',
  docs:
    'The second half of the ELBO = reconstruction − KL. For a Gaussian q it has a closed form per ' +
    'latent dimension: ½(μ² + σ² − log σ² − 1). It pulls every code towards the standard normal prior, ' +
    'which is what makes the latent space smooth enough to sample from. A dimension whose KL stays near ' +
    'zero carries no information (an inactive unit; if all collapse, that is posterior collapse). Free ' +
    'bits λ stops the optimiser from pushing any dimension below λ nats.',
  params: zParams,
  controls: [{ key: 'freeBits', label: 'free bits λ (nats/dim)', kind: 'number', min: 0, max: 100, step: 0.05 }],
  inputs: posteriorInputs,
  outputs: { kl: { kind: 'scalar', label: 'KL', doc: 'KL per example (nats), summed over dimensions' } },
  roles: { divergence: { mean: 'mean', logVar: 'logVar', value: 'kl' } },
  exporter: klExporter,
  infer({ inputs }) {
    posteriorShape(inputs);
    return { outputs: { kl: [] }, paramCount: 0 };
  },
  build({ tf, params, nodeId }) {
    return {
      apply(inputs, run) {
        const mean = tensorInput(inputs, 'mean', nodeId);
        const logVar = tensorInput(inputs, 'logVar', nodeId);
        // ½(μ² + σ² − log σ² − 1), averaged over the batch, per dimension
        const perExample = tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 0.5);
        const perDim = tf.mean(perExample, 0);
        const kl = tf.sum(perDim);
        run.report('kl', kl);
        run.report('klPerDim', perDim);
        const objective = params.freeBits > 0 ? tf.sum(tf.maximum(perDim, params.freeBits)) : kl;
        return { kl: objective };
      },
    };
  },
});
