/** The Loss node: the objective that training minimises (reconstruction plus the weighted terms). */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode, tensorListInput } from './defineNode';

const zParams = z.strictObject({});
export type LossParams = z.infer<typeof zParams>;

interface LossStep extends ExportStep {
  terms: string[];
  out: string;
}

const lossExporter: NodeExporter<LossParams, LossStep> = {
  describe: (ctx) => {
    const terms = ctx.inputs('terms');
    if (terms.length === 0) ctx.fail('needs at least one loss term');
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
    'on log p(x). An autoencoder has only the reconstruction term. Every graph has exactly one Loss.',
  params: zParams,
  controls: [],
  inputs: { terms: { kind: 'scalar', label: 'terms', doc: 'loss terms to add up', multiple: true } },
  outputs: {},
  maxPerGraph: 1,
  roles: { objective: { terms: 'terms' } },
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
