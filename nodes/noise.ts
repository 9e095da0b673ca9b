/** The Noise node: corrupts the input images (a denoising autoencoder) while the target stays clean. */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { pyFloat, pyNumber } from '../src/export/python';
import { defineNode, tensorInput } from './defineNode';

const zParams = z.strictObject({
  kind: z.enum(['gaussian', 'masking']).default('gaussian'),
  sigma: z.number().min(0).max(10).default(0.3),
  p: z.number().min(0).max(1).default(0.3),
  clip: z.boolean().default(true),
});
export type NoiseParams = z.infer<typeof zParams>;

interface NoiseStep extends ExportStep {
  params: NoiseParams;
  input: string;
  output: string;
}

const noiseExporter: NodeExporter<NoiseParams, NoiseStep> = {
  describe: (ctx) => {
    const input = ctx.input('x');
    return { node: ctx.ref, paramCount: 0, params: ctx.params, input, output: ctx.output('x', 'x') };
  },
  code(s, { target }) {
    const p = s.params;
    const torch = target === 'pytorch';
    if (p.kind === 'gaussian') {
      const eps = torch ? `torch.randn_like(${s.input})` : `tf.random.normal(tf.shape(${s.input}))`;
      const noisy = `${s.input} + ${pyFloat(p.sigma)} * ${eps}`;
      const clipped = torch ? `(${noisy}).clamp(0.0, 1.0)` : `tf.clip_by_value(${noisy}, 0.0, 1.0)`;
      return {
        forward: [
          ...forwardComment(s.node, `Gaussian noise x̃ = x + ${pyNumber(p.sigma)}·ε${p.clip ? ', clipped to 0..1' : ''}`),
          `${I}${s.output} = ${p.clip ? clipped : noisy}`,
        ],
      };
    }
    const keep = torch
      ? `(torch.rand_like(${s.input}) >= ${pyFloat(p.p)}).float()`
      : `tf.cast(tf.random.uniform(tf.shape(${s.input})) >= ${pyFloat(p.p)}, ${s.input}.dtype)`;
    return {
      forward: [
        ...forwardComment(s.node, `masking noise: each pixel set to 0 with probability ${pyNumber(p.p)}`),
        `${I}${s.output} = ${s.input} * ${keep}`,
      ],
    };
  },
};

export const Noise = defineNode<NoiseParams>({
  type: 'Noise',
  version: 1,
  title: 'Noise',
  category: 'data',
  summary: 'Corrupts x into x̃ so the model must learn to denoise.',
  docs:
    'A denoising autoencoder reads a corrupted image x̃ and is scored on how well it rebuilds the clean x. ' +
    'Gaussian noise adds σ·ε to every pixel (optionally clipped back to 0..1); masking sets each pixel to 0 ' +
    'with probability p. To remove the noise the model must learn what digits look like, not just copy pixels.',
  params: zParams,
  controls: [
    {
      key: 'kind',
      label: 'noise',
      kind: 'select',
      options: [
        { value: 'gaussian', label: 'gaussian (x + σε)' },
        { value: 'masking', label: 'masking (drop pixels)' },
      ],
    },
    { key: 'sigma', label: 'σ', kind: 'number', min: 0, max: 10, step: 0.05, showIf: (p) => p.kind === 'gaussian' },
    { key: 'clip', label: 'clip to 0..1', kind: 'toggle', showIf: (p) => p.kind === 'gaussian' },
    { key: 'p', label: 'drop probability p', kind: 'number', min: 0, max: 1, step: 0.05, showIf: (p) => p.kind === 'masking' },
  ],
  inputs: { x: { kind: 'image', label: 'x', doc: 'clean images' } },
  outputs: { x: { kind: 'image', label: 'x̃', doc: 'corrupted images, same shape' } },
  roles: { corruption: { input: 'x', output: 'x' } },
  exporter: noiseExporter,
  infer({ inputs }) {
    const x = inputs.x;
    if (!x) throw new NodeIssueError('x', 'needs an image input');
    return { outputs: { x }, paramCount: 0 };
  },
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    return {
      apply(inputs, run) {
        const x = tensorInput(inputs, 'x', nodeId);
        if (params.kind === 'gaussian') {
          const noisy = tf.add(x, tf.mul(run.normal(x.shape, 'noise'), params.sigma));
          return { x: params.clip ? tf.clipByValue(noisy, 0, 1) : noisy };
        }
        const keep = tf.cast(tf.greaterEqual(run.uniform(x.shape, 'mask'), params.p), 'float32');
        return { x: tf.mul(x, keep) };
      },
    };
  },
});
