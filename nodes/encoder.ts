import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import type { Shape } from '../src/core/shape';
import { defineNode, dims, tensorInput, type Tensor } from './defineNode';
import { activationOptions, activations, architectureControls, conv2d, convParams, dense, denseParams } from './layers';

export const zLayerSizes = z.array(z.number().int().min(1).max(4096)).max(8);

const zParams = z.strictObject({
  architecture: z.enum(['mlp', 'conv']).default('mlp'),
  filters: zLayerSizes.default([32, 64]),
  kernelSize: z.number().int().min(1).max(7).default(4),
  hidden: zLayerSizes.default([400]),
  activation: z.enum(activations).default('relu'),
  latentDim: z.number().int().min(1).max(512).default(20),
});
export type EncoderParams = z.infer<typeof zParams>;

/** Spatial size after `layers` stride-2 'same' convolutions. */
export function convOutputSize(size: number, layers: number): number {
  let s = size;
  for (let i = 0; i < layers; i++) s = Math.ceil(s / 2);
  return s;
}

interface EncoderLayout {
  convs: Array<{ inChannels: number; filters: number }>;
  flat: number;
  dense: Array<{ inputs: number; units: number }>;
  headInputs: number;
}

function layout(params: EncoderParams, input: Shape): EncoderLayout {
  const d = input.slice(1);
  if (d.some((v) => v === null)) throw new NodeIssueError('x', 'input has an unknown dimension');
  const sizes = d as number[];
  const convs: EncoderLayout['convs'] = [];
  let flat: number;
  if (params.architecture === 'conv') {
    if (sizes.length !== 3) {
      throw new NodeIssueError('x', `a conv encoder needs images [H×W×C], got ${sizes.length} dims`);
    }
    const [h, w, c] = sizes as [number, number, number];
    if (params.filters.length === 0) throw new NodeIssueError('filters', 'a conv encoder needs at least one conv layer');
    let inC = c;
    for (const f of params.filters) {
      convs.push({ inChannels: inC, filters: f });
      inC = f;
    }
    flat = convOutputSize(h, convs.length) * convOutputSize(w, convs.length) * inC;
  } else {
    flat = sizes.reduce((a, b) => a * b, 1);
  }
  const denseLayers: EncoderLayout['dense'] = [];
  let inputs = flat;
  for (const units of params.hidden) {
    denseLayers.push({ inputs, units });
    inputs = units;
  }
  return { convs, flat, dense: denseLayers, headInputs: inputs };
}

export const Encoder = defineNode<EncoderParams>({
  type: 'Encoder',
  version: 1,
  title: 'Encoder',
  category: 'model',
  summary: 'Maps an image to the mean and log-variance of q(z|x).',
  docs:
    'The encoder squeezes each image through the bottleneck. In a VAE it outputs a distribution, not a ' +
    'point: a mean μ and a log-variance log σ² for each latent dimension, q(z|x) = N(μ, σ²). A plain ' +
    'autoencoder uses only μ (the logVar head is then pruned). "mlp" flattens the image into dense layers; ' +
    '"conv" first applies stride-2 convolutions that halve the image each time.',
  params: zParams,
  controls: [
    ...architectureControls<EncoderParams>('conv (stride 2)', 'one stride-2 conv layer per number'),
    { key: 'hidden', label: 'hidden units', kind: 'intList', min: 1, max: 4096, maxItems: 8, hint: 'dense layers, e.g. 400 or 512, 256' },
    { key: 'activation', label: 'activation', kind: 'select', options: activationOptions },
    { key: 'latentDim', label: 'latent dim', kind: 'number', min: 1, max: 512, integer: true },
  ],
  inputs: { x: { kind: 'image', label: 'x', doc: 'images to encode' } },
  outputs: {
    mean: { kind: 'latent', label: 'μ', doc: 'mean of q(z|x) — the code of an autoencoder' },
    logVar: { kind: 'logvar', label: 'log σ²', doc: 'log-variance of q(z|x)' },
  },
  roles: { posterior: { input: 'x', mean: 'mean', logVar: 'logVar', latentParam: 'latentDim' } },
  requiredKernels: (p) => (p.architecture === 'conv' ? ['Conv2D', 'Conv2DBackpropInput'] : []),
  infer({ params, inputs, usedOutputs }) {
    const x = inputs.x;
    if (!x) throw new NodeIssueError('x', 'needs an image input');
    const l = layout(params, x);
    let count = 0;
    for (const c of l.convs) count += convParams(c.inChannels, c.filters, params.kernelSize);
    for (const d of l.dense) count += denseParams(d.inputs, d.units);
    count += denseParams(l.headInputs, params.latentDim);
    if (usedOutputs.has('logVar')) count += denseParams(l.headInputs, params.latentDim);
    const z: Shape = [null, params.latentDim];
    return { outputs: { mean: z, logVar: z }, paramCount: count };
  },
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    const x = ctx.inputShapes.x;
    if (!x) throw new Error(`node '${nodeId}': input shape missing`);
    const l = layout(params, x);
    // only the first layer reads x itself; every later one passes its gradient on
    const fromX = { inputGradient: ctx.inputNeedsGradient('x') };
    const later = { inputGradient: true };
    const convs = l.convs.map((c, i) => conv2d(ctx, `conv${i}`, c.inChannels, c.filters, params.kernelSize, i === 0 ? fromX : later));
    const hidden = l.dense.map((d, i) => dense(ctx, `dense${i}`, d.inputs, d.units, i === 0 && convs.length === 0 ? fromX : later));
    const headInput = hidden.length === 0 && convs.length === 0 ? fromX : later;
    const meanHead = dense(ctx, 'mean', l.headInputs, params.latentDim, headInput);
    const logVarHead = ctx.usedOutputs.has('logVar') ? dense(ctx, 'logVar', l.headInputs, params.latentDim, headInput) : null;
    const inputDims = dims(x);
    return {
      apply(inputs) {
        let h: Tensor = tensorInput(inputs, 'x', nodeId);
        if (convs.length > 0 && h.rank === 2) h = tf.reshape(h, [-1, ...inputDims]);
        for (const c of convs) h = c.apply(h, params.activation);
        h = tf.reshape(h, [-1, l.flat]);
        for (const d of hidden) h = d.apply(h, params.activation);
        const out: Record<string, Tensor> = { mean: meanHead.apply(h, 'linear') };
        if (logVarHead) out.logVar = logVarHead.apply(h, 'linear');
        return out;
      },
    };
  },
});
