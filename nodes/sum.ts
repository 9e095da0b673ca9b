/** Sum: adds loss terms into one term (e.g. reconstruction + KL = −ELBO, fed to the Loss as one). */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode, tensorListInput } from './defineNode';

const zParams = z.strictObject({});
export type SumParams = z.infer<typeof zParams>;

interface SumStep extends ExportStep {
  terms: string[];
  out: string;
}

const sumExporter: NodeExporter<SumParams, SumStep> = {
  describe: (ctx) => {
    const terms = ctx.inputs('terms');
    if (terms.length === 0) ctx.fail('needs at least one term to add');
    return { node: ctx.ref, paramCount: 0, terms, out: ctx.output('sum', 'sum') };
  },
  code: (s) => ({ forward: [...forwardComment(s.node, 'the sum of its terms'), `${I}${s.out} = ${s.terms.join(' + ')}`] }),
};

export const Sum = defineNode<SumParams>({
  type: 'Sum',
  version: 1,
  title: 'Sum',
  category: 'loss',
  summary: 'Adds terms into one (reconstruction + KL = −ELBO).',
  docs:
    'Adds the terms wired into it and passes the total on as one term. Reconstruction + KL is the negative ' +
    'ELBO: summing them first shows that number on its own wire, and a β or another weight can then act on ' +
    'the whole bound. The Loss adds its terms the same way; a Sum just makes the grouping visible.',
  params: zParams,
  controls: [],
  inputs: { terms: { kind: 'scalar', label: 'terms', doc: 'the terms to add up', multiple: true } },
  outputs: { sum: { kind: 'scalar', label: 'Σ', doc: 'the sum of the terms, per example (nats)' } },
  exporter: sumExporter,
  infer({ multiInputs }) {
    if ((multiInputs.terms ?? []).length === 0) throw new NodeIssueError('terms', 'needs at least one term to add');
    return { outputs: { sum: [] }, paramCount: 0 };
  },
  build({ tf, nodeId }) {
    return {
      // pairwise adds: addN of many inputs exceeds WebGPU's storage-buffer limit per shader
      apply: (inputs) => ({ sum: tensorListInput(inputs, 'terms', nodeId).reduce((a, b) => tf.add(a, b)) }),
    };
  },
});
