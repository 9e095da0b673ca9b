import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { formatShape, type Shape } from '../src/core/shape';
import { defineNode, tensorInput, type Tensor } from './defineNode';
import { zLayerSizes } from './encoder';
import { activationOptions, activations, architectureControls, conv2dTranspose, convParams, dense, denseParams } from './layers';

const zParams = z.strictObject({
  architecture: z.enum(['mlp', 'conv']).default('mlp'),
  hidden: zLayerSizes.default([400]),
  filters: zLayerSizes.default([64, 32]),
  kernelSize: z.number().int().min(1).max(7).default(4),
  activation: z.enum(activations).default('relu'),
  outputActivation: z.enum(['sigmoid', 'linear']).default('sigmoid'),
});
export type DecoderParams = z.infer<typeof zParams>;

interface DecoderLayout {
  latent: number;
  dense: Array<{ inputs: number; units: number }>;
  /** conv: spatial size and channels the dense part reshapes to */
  start: { h: number; w: number; c: number } | null;
  deconvs: Array<{ inChannels: number; filters: number }>;
  output: [number, number, number];
}

function layout(params: DecoderParams, z: Shape, output: Shape): DecoderLayout {
  const latent = z[1];
  if (z.length !== 2 || typeof latent !== 'number') {
    throw new NodeIssueError('z', `expects a latent code [B×d], got ${formatShape(z)}`);
  }
  const out = output.slice(1);
  if (out.length !== 3 || out.some((d) => d === null)) {
    throw new NodeIssueError('xHat', `can only produce images [H×W×C], not ${formatShape(output)}`);
  }
  const [h, w, c] = out as [number, number, number];
  const denseLayers: DecoderLayout['dense'] = [];
  let inputs = latent;
  for (const units of params.hidden) {
    denseLayers.push({ inputs, units });
    inputs = units;
  }
  if (params.architecture === 'mlp') {
    denseLayers.push({ inputs, units: h * w * c });
    return { latent, dense: denseLayers, start: null, deconvs: [], output: [h, w, c] };
  }
  const n = params.filters.length;
  if (n === 0) throw new NodeIssueError('filters', 'a conv decoder needs at least one layer');
  const scale = 2 ** n;
  if (h % scale !== 0 || w % scale !== 0) {
    const fits = Math.floor(Math.log2(gcdPow2(h, w)));
    throw new NodeIssueError(
      'filters',
      `${n} upsampling layers need the image size to be divisible by ${scale}, but it is ${h}×${w}; ` +
        `use at most ${fits} conv layer${fits === 1 ? '' : 's'}`,
    );
  }
  const first = params.filters[0] as number;
  const start = { h: h / scale, w: w / scale, c: first };
  denseLayers.push({ inputs, units: start.h * start.w * start.c });
  const deconvs: DecoderLayout['deconvs'] = [];
  for (let i = 0; i < n; i++) {
    const inC = params.filters[i] as number;
    const outC = i + 1 < n ? (params.filters[i + 1] as number) : c;
    deconvs.push({ inChannels: inC, filters: outC });
  }
  return { latent, dense: denseLayers, start, deconvs, output: [h, w, c] };
}

function gcdPow2(a: number, b: number): number {
  let p = 1;
  while (a % (p * 2) === 0 && b % (p * 2) === 0) p *= 2;
  return p;
}

export const Decoder = defineNode<DecoderParams>({
  type: 'Decoder',
  version: 1,
  title: 'Decoder',
  category: 'model',
  summary: 'Maps a latent code z back to an image x̂ — the generator.',
  docs:
    'The decoder turns a latent code into an image, p(x|z). It is the part that generates: feed it ' +
    'z ~ N(0, I) and it draws new images; feed it a path between two codes and it morphs one into the ' +
    'other. Its image size is taken from the images it is compared with. Its last layer gives logits; the ' +
    'output activation (sigmoid) turns them into pixel means in 0..1. A conv decoder mirrors a conv ' +
    'encoder with stride-2 transposed convolutions that double the image each time.',
  params: zParams,
  controls: [
    ...architectureControls<DecoderParams>(
      'conv (transposed, stride 2)',
      'one upsampling layer per number; the last one outputs the image channels',
    ),
    { key: 'hidden', label: 'hidden units', kind: 'intList', min: 1, max: 4096, maxItems: 8, hint: 'dense layers after z' },
    { key: 'activation', label: 'activation', kind: 'select', options: activationOptions },
    {
      key: 'outputActivation',
      label: 'output',
      kind: 'select',
      options: [
        { value: 'sigmoid', label: 'sigmoid (0..1)' },
        { value: 'linear', label: 'linear' },
      ],
    },
  ],
  inputs: { z: { kind: 'latent', label: 'z', doc: 'a latent code: a sample z or an autoencoder’s μ' } },
  outputs: { xHat: { kind: 'reconstruction', label: 'x̂', doc: 'the decoded image (and its logits)' } },
  roles: { generator: { code: 'z', image: 'xHat' } },
  requiredKernels: (p) => (p.architecture === 'conv' ? ['Conv2D', 'Conv2DBackpropInput'] : []),
  infer({ params, inputs, expected, datasetImageShape }) {
    const z = inputs.z;
    if (!z) throw new NodeIssueError('z', 'needs a latent code z');
    const target = expected('xHat') ?? datasetImageShape();
    if (!target) {
      throw new NodeIssueError('xHat', 'cannot tell what image size to produce: connect x̂ to a reconstruction loss');
    }
    const l = layout(params, z, target);
    let count = 0;
    for (const d of l.dense) count += denseParams(d.inputs, d.units);
    for (const d of l.deconvs) count += convParams(d.inChannels, d.filters, params.kernelSize);
    return { outputs: { xHat: [null, ...l.output] }, paramCount: count };
  },
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    const z = ctx.inputShapes.z;
    const out = ctx.outputShapes.xHat;
    if (!z || !out) throw new Error(`node '${nodeId}': shapes missing`);
    const l = layout(params, z, out);
    const fromZ = { inputGradient: ctx.inputNeedsGradient('z') };
    const denseLayers = l.dense.map((d, i) => dense(ctx, `dense${i}`, d.inputs, d.units, i === 0 ? fromZ : { inputGradient: true }));
    const deconvs = l.deconvs.map((d, i) => conv2dTranspose(ctx, `deconv${i}`, d.inChannels, d.filters, params.kernelSize));
    const lastDense = denseLayers.length - 1;
    return {
      apply(inputs) {
        let h: Tensor = tensorInput(inputs, 'z', nodeId);
        denseLayers.forEach((d, i) => {
          // the last dense layer is the output layer of an MLP decoder (no activation: logits)
          h = d.apply(h, i < lastDense || l.start ? params.activation : 'linear');
        });
        if (l.start) {
          h = tf.reshape(h, [-1, l.start.h, l.start.w, l.start.c]);
          const lastDeconv = deconvs.length - 1;
          deconvs.forEach((d, i) => {
            h = d.apply(h, i < lastDeconv ? params.activation : 'linear');
          });
        } else {
          h = tf.reshape(h, [-1, ...l.output]);
        }
        const logits = h;
        const mean = params.outputActivation === 'sigmoid' ? tf.sigmoid(logits) : logits;
        return { xHat: { logits, mean } };
      },
    };
  },
});
