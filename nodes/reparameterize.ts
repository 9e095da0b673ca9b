/** The Reparameterize node: z = μ + σ·ε with ε ~ N(0, I), the sampler of a VAE. */
import { z } from 'zod';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode, tensorInput } from './defineNode';
import { posteriorInputs, posteriorShape } from './posterior';

const zParams = z.strictObject({});
export type ReparameterizeParams = z.infer<typeof zParams>;

interface ReparameterizeStep extends ExportStep {
  mean: string;
  logVar: string;
  z: string;
}

const reparameterizeExporter: NodeExporter<ReparameterizeParams, ReparameterizeStep> = {
  describe: (ctx) => {
    const mean = ctx.input('mean');
    const logVar = ctx.input('logVar');
    return { node: ctx.ref, paramCount: 0, mean, logVar, z: ctx.output('z', 'z') };
  },
  code: (s) => ({
    forward: [
      ...forwardComment(s.node, 'z = μ + exp(½·log σ²)·ε with ε ~ N(0, I); z = μ when not sampling'),
      `${I}${s.z} = reparameterize(${s.mean}, ${s.logVar}) if sample else ${s.mean}`,
    ],
    helpers: ['reparameterize'],
  }),
};

export const Reparameterize = defineNode<ReparameterizeParams>({
  type: 'Reparameterize',
  version: 1,
  title: 'Reparameterize',
  category: 'model',
  summary: 'Samples z = μ + σ·ε with ε ~ N(0, I), so gradients flow through μ and σ.',
  docs:
    'The reparameterization trick. Sampling z ~ N(μ, σ²) directly would block gradients; instead draw ' +
    'ε ~ N(0, I), which does not depend on the weights, and compute z = μ + exp(½·log σ²)·ε. The ' +
    'randomness moves into ε and μ, σ stay differentiable. For the pictures on the dashboard ' +
    '(reconstructions, traversals) z is the mean μ; the test ELBO still samples.',
  params: zParams,
  controls: [],
  inputs: posteriorInputs,
  outputs: { z: { kind: 'latent', label: 'z', doc: 'a sample from q(z|x)' } },
  roles: { sampler: { mean: 'mean', logVar: 'logVar', sample: 'z' } },
  exporter: reparameterizeExporter,
  hints: ({ trainsWith }) =>
    trainsWith('divergence')
      ? []
      : [
          {
            field: '',
            code: 'no-kl',
            message: 'samples z but no KL term pulls q(z|x) towards N(0, I): samples from the prior will not look like data',
            severity: 'warning',
          },
        ],
  infer({ inputs }) {
    const mean = posteriorShape(inputs);
    return { outputs: { z: mean }, paramCount: 0 };
  },
  build({ tf, nodeId }) {
    return {
      apply(inputs, run) {
        const mean = tensorInput(inputs, 'mean', nodeId);
        if (run.mode === 'infer') return { z: mean };
        const logVar = tensorInput(inputs, 'logVar', nodeId);
        const eps = run.normal(mean.shape, 'eps');
        run.report('eps', eps);
        return { z: tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) };
      },
    };
  },
});
