/** The Loss node: the objective that training minimises (reconstruction plus the weighted terms, or the IWAE bound). */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode, tensorListInput } from './defineNode';

const zParams = z.strictObject({
  /** 1: the sum of the terms (the ELBO); k > 1: the importance-weighted bound with k samples of z per image. */
  importanceSamples: z.number().int().min(1).max(100).default(1),
});
export type LossParams = z.infer<typeof zParams>;

interface LossStep extends ExportStep {
  terms: string[];
  out: string;
}

const lossExporter: NodeExporter<LossParams, LossStep> = {
  describe: (ctx) => {
    const terms = ctx.inputs('terms');
    if (terms.length === 0) ctx.fail('needs at least one loss term');
    if (ctx.params.importanceSamples > 1)
      ctx.fail(
        `trains the IWAE bound with ${ctx.params.importanceSamples} importance samples, which the exported scripts do not write; ` +
          'set importance samples to 1 to export the ELBO objective',
      );
    return { node: ctx.ref, paramCount: 0, terms, out: ctx.objective };
  },
  code: (s) => ({
    forward: [
      ...forwardComment(s.node, 'the objective, the sum of its terms (for a VAE: −ELBO = reconstruction + KL)'),
      `${I}${s.out} = ${s.terms.join(' + ')}`,
    ],
  }),
};

export const Loss = defineNode<LossParams>({
  type: 'Loss',
  version: 1,
  title: 'Loss (objective)',
  category: 'loss',
  summary: 'Sums its terms into the one number training minimises.',
  docs:
    'Training minimises the sum of the terms wired here. For a VAE that is reconstruction + KL = −ELBO, ' +
    'the negative evidence lower bound: maximising the ELBO = reconstruction − KL pushes up a lower bound ' +
    'on log p(x). An autoencoder has only the reconstruction term. With importance samples k > 1 it ' +
    'trains the IWAE bound instead: k draws of z per image, weighted by w = p(x|z)·p(z)/q(z|x), and ' +
    'log (1/k Σ w) maximised; tighter than the ELBO, and equal to it at k = 1. Every graph has exactly one Loss.',
  params: zParams,
  controls: [
    {
      key: 'importanceSamples',
      label: 'importance samples',
      kind: 'number',
      min: 1,
      max: 100,
      step: 1,
      integer: true,
      hint: 'k > 1 trains the IWAE bound with k samples of z per image (1 = the ELBO)',
    },
  ],
  inputs: { terms: { kind: 'scalar', label: 'terms', doc: 'loss terms to add up', multiple: true } },
  outputs: {},
  maxPerGraph: 1,
  roles: { objective: { terms: 'terms', importanceSamples: (p) => p.importanceSamples } },
  exporter: lossExporter,
  infer({ multiInputs }) {
    const terms = multiInputs.terms ?? [];
    if (terms.length === 0) throw new NodeIssueError('terms', 'needs at least one loss term');
    return { outputs: {}, paramCount: 0 };
  },
  build({ tf, nodeId }) {
    return {
      apply(inputs, run) {
        const terms = tensorListInput(inputs, 'terms', nodeId);
        // pairwise adds: addN of many inputs exceeds WebGPU's storage-buffer limit per shader
        const objective = terms.reduce((a, b) => tf.add(a, b));
        run.report('objective', objective);
        return {};
      },
    };
  },
});
