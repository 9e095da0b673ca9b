/** The Decoder node: a code z to pixel parameters, as an MLP or transposed convolutions. */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { formatShape, type Shape } from '../src/core/shape';
import {
  conditionedCall,
  conditionInput,
  conditionWidth,
  exportedCondition,
  kerasConditionInput,
  withCondition,
  type ExportedCondition,
} from './condition';
import { addCosts, convCost, denseCost, noCost } from './layerCost';
import { defineNode, tensorInput, type Tensor } from './defineNode';
import { zLayerSizes } from './encoder';
import { FORWARD_INDENT, forwardComment, type DescribeContext, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { pascalCase, pyString, size2 } from '../src/export/python';
import {
  convCount,
  denseCount,
  image3,
  kerasActivationArg,
  kerasWeights,
  samePadding,
  torchActivation,
  torchDeconvPlan,
  torchWeights,
  type ConvLayer,
  type DenseLayer,
} from './layerExport';
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

/** `condition`: the width of a one-hot class appended to z (0: none). */
function layout(params: DecoderParams, z: Shape, output: Shape, condition: number): DecoderLayout {
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
  let inputs = latent + condition;
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

// ---- export to PyTorch and Keras ----

export interface DecoderStep extends ExportStep {
  params: DecoderParams;
  module: string;
  className: string;
  z: string;
  latentDim: number;
  /** The one-hot class c appended to z, when one is wired in. */
  condition: ExportedCondition | undefined;
  dense: DenseLayer[];
  /** Conv decoders reshape the dense output to this [H, W, C] before the transposed convolutions. */
  start: [number, number, number] | undefined;
  deconvs: ConvLayer[];
  output: [number, number, number];
  logits: string;
  mean: string;
}

function describeDecoder(ctx: DescribeContext<DecoderParams>): DecoderStep {
  const { node, params } = ctx;
  const zVar = ctx.input('z');
  const logits = ctx.output('xHat', 'logits', 'logits');
  const mean = ctx.output('xHat', 'mean', 'mean');
  const module = ctx.claim(ctx.stem);
  const className = ctx.claim(pascalCase(node.id));
  const z = node.inputShapes.z;
  const latent = z?.[1];
  if (!z || z.length !== 2 || typeof latent !== 'number') return ctx.fail('its input z must be a latent code [B×d] to be exported');
  const output = image3(node.outputShapes.xHat, node, 'its output x̂');
  const [h, w, c] = output;
  const condition = exportedCondition(ctx);
  const dense: DenseLayer[] = [];
  let inputs = latent + (condition?.classes ?? 0);
  params.hidden.forEach((units, i) => {
    dense.push({ name: `dense${i}`, inputs, units, activated: true });
    inputs = units;
  });
  let start: [number, number, number] | undefined;
  const deconvs: ConvLayer[] = [];
  if (params.architecture === 'mlp') {
    dense.push({ name: `dense${dense.length}`, inputs, units: h * w * c, activated: false });
  } else {
    const n = params.filters.length;
    const scale = 2 ** n;
    if (n === 0 || h % scale !== 0 || w % scale !== 0) ctx.fail(`${n} upsampling layers cannot produce a ${h}×${w} image`);
    start = [h / scale, w / scale, params.filters[0] as number];
    dense.push({ name: `dense${dense.length}`, inputs, units: start[0] * start[1] * start[2], activated: true });
    let size: [number, number] = [start[0], start[1]];
    for (let i = 0; i < n; i++) {
      const inC = params.filters[i] as number;
      const filters = i + 1 < n ? (params.filters[i + 1] as number) : c;
      const outSize: [number, number] = [size[0] * 2, size[1] * 2];
      // a transposed 'same' conv is the adjoint of a 'same' conv from outSize to size
      const [top, bottom] = samePadding(outSize[0], params.kernelSize);
      const [left, right] = samePadding(outSize[1], params.kernelSize);
      deconvs.push({
        name: `deconv${i}`,
        inChannels: inC,
        filters,
        kernel: params.kernelSize,
        inSize: size,
        outSize,
        padding: { top, bottom, left, right },
        activated: i < n - 1,
      });
      size = outSize;
    }
  }
  return {
    node: ctx.ref,
    params,
    module,
    className,
    z: zVar,
    latentDim: latent,
    condition,
    dense,
    start,
    deconvs,
    output,
    logits,
    mean,
    paramCount: denseCount(dense) + convCount(deconvs),
  };
}

function decoderSummary(s: DecoderStep): string {
  const first = s.condition ? `${s.latentDim} + ${s.condition.classes} (z and the one-hot class c)` : `${s.latentDim}`;
  const dense = `dense ${[first, ...s.dense.map((d) => d.units)].join(' → ')}`;
  if (!s.start) return `${dense}, reshaped to ${s.output.join('×')}; returns the logits`;
  const sizes = [s.start.join('×'), ...s.deconvs.map((d) => `${size2(d.outSize)}×${d.filters}`)];
  return `${dense}, reshaped to ${s.start.join('×')}, stride-2 transposed convs ${sizes.join(' → ')}; returns the logits`;
}

function torchClass(s: DecoderStep): string[] {
  const act = (e: string) => torchActivation(s.params.activation, e);
  const L = [
    `class ${s.className}(nn.Module):`,
    `    """Decoder '${s.node.id}': ${decoderSummary(s)}."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
  ];
  for (const d of s.dense) L.push(`        self.${d.name} = nn.Linear(${d.inputs}, ${d.units})`);
  const plans = s.deconvs.map(torchDeconvPlan);
  if (plans.some((p) => p.crop)) {
    L.push("        # an odd kernel makes TensorFlow's 'same' window uneven: the layers below keep it by cropping in forward()");
  }
  s.deconvs.forEach((d, i) => {
    L.push(
      `        self.${d.name} = nn.ConvTranspose2d(${d.inChannels}, ${d.filters}, ${d.kernel}, stride=2${plans[i]?.extra ?? ''})  # ${size2(d.inSize)} → ${size2(d.outSize)}`,
    );
  });
  L.push(
    '',
    `    def forward(self, z${s.condition ? ', c' : ''}):`,
    s.condition ? '        h = torch.cat([z, c], 1)  # the one-hot class appended' : '        h = z',
  );
  for (const d of s.dense) L.push(`        h = ${d.activated ? act(`self.${d.name}(h)`) : `self.${d.name}(h)`}`);
  if (!s.start) {
    L.push(`        return unflatten_hwc(h, ${s.output.join(', ')})  # logits`);
    return L;
  }
  L.push(`        h = unflatten_hwc(h, ${s.start.join(', ')})`);
  s.deconvs.forEach((d, i) => {
    const call = plans[i]?.crop
      ? `self.${d.name}(h)[:, :, ${d.padding.top}:${d.padding.top + d.outSize[0]}, ${d.padding.left}:${d.padding.left + d.outSize[1]}]`
      : `self.${d.name}(h)`;
    L.push(`        h = ${d.activated ? act(call) : call}`);
  });
  L.push('        return h  # logits');
  return L;
}

function kerasBuilder(s: DecoderStep, builder: string): string[] {
  const act = kerasActivationArg(s.params.activation);
  const L = [
    `def ${builder}():`,
    `    """Decoder '${s.node.id}': ${s.condition ? 'z with the one-hot class c appended, then ' : ''}dense layers${s.start ? ', then stride-2 transposed convs' : ''} up to a ${s.output.join('×')} image; returns the logits."""`,
    `    z = keras.Input(shape=(${s.latentDim},))`,
    ...kerasConditionInput(s.condition),
    s.condition ? '    h = layers.Concatenate()([z, c])  # the one-hot class appended' : '    h = z',
  ];
  for (const d of s.dense) L.push(`    h = layers.Dense(${d.units}${d.activated ? act : ''}, name=${pyString(d.name)})(h)`);
  if (!s.start) {
    L.push(`    logits = layers.Reshape((${s.output.join(', ')}))(h)`);
  } else {
    L.push(`    h = layers.Reshape((${s.start.join(', ')}))(h)`);
    s.deconvs.forEach((d, i) => {
      const target = i === s.deconvs.length - 1 ? 'logits' : 'h';
      L.push(
        `    ${target} = layers.Conv2DTranspose(${d.filters}, ${d.kernel}, strides=2, padding="same"${d.activated ? act : ''}, name=${pyString(d.name)})(h)  # ${size2(d.inSize)} → ${size2(d.outSize)}`,
      );
    });
  }
  L.push(`    return keras.Model(${s.condition ? '[z, c]' : 'z'}, logits, name=${pyString(s.module)})`);
  return L;
}

const decoderExporter: NodeExporter<DecoderParams, DecoderStep> = {
  describe: describeDecoder,
  code(s, ctx) {
    const I = FORWARD_INDENT;
    const sigmoid = s.params.outputActivation === 'sigmoid';
    const forward = [
      ...forwardComment(
        s.node,
        sigmoid ? 'logits, and the mean image sigmoid(logits)' : 'logits; the mean image is the logits themselves (linear output)',
      ),
      `${I}${s.logits} = ${conditionedCall(ctx.target, s.module, s.z, s.condition)}`,
      `${I}${s.mean} = ${sigmoid ? `${ctx.target === 'pytorch' ? 'torch' : 'tf'}.sigmoid(${s.logits})` : s.logits}`,
    ];
    if (ctx.target === 'pytorch') {
      return {
        forward,
        network: torchClass(s),
        init: [`self.${s.module} = ${s.className}()`],
        helpers: ['unflatten_hwc', 'glorot_init'],
        weights: torchWeights(s.node.id, s.module, [
          ...s.dense.map((d) => ({ name: d.name, layout: 'dense' as const })),
          ...s.deconvs.map((d) => ({ name: d.name, layout: 'deconv' as const })),
        ]),
      };
    }
    const builder = ctx.claim(`build_${s.module}`);
    return {
      forward,
      network: kerasBuilder(s, builder),
      init: [`self.${s.module} = ${builder}()`],
      tracked: [`*self.${s.module}.trainable_variables`],
      helpers: s.params.activation === 'leakyRelu' ? ['leaky_relu'] : [],
      weights: kerasWeights(s.node.id, s.module, [...s.dense, ...s.deconvs]),
    };
  },
};

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
    'encoder with stride-2 transposed convolutions that double the image each time. Wire a one-hot ' +
    'class c into its condition input and it draws p(x|z, c), c appended to z: prior samples then take a class.',
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
  inputs: { z: { kind: 'latent', label: 'z', doc: 'a latent code: a sample z or an autoencoder’s μ' }, condition: conditionInput },
  outputs: { xHat: { kind: 'reconstruction', label: 'x̂', doc: 'the decoded image (and its logits)' } },
  roles: { generator: { code: 'z', image: 'xHat', condition: 'condition' } },
  exporter: decoderExporter,
  requiredKernels: (p) => (p.architecture === 'conv' ? ['Conv2D', 'Conv2DBackpropInput'] : []),
  sizeParams: (p) => (p.architecture === 'conv' ? ['filters', 'hidden'] : ['hidden']),
  infer({ params, inputs, expected, datasetImageShape }) {
    const z = inputs.z;
    if (!z) throw new NodeIssueError('z', 'needs a latent code z');
    const target = expected('xHat') ?? datasetImageShape();
    if (!target) {
      throw new NodeIssueError('xHat', 'cannot tell what image size to produce: connect x̂ to a reconstruction loss');
    }
    const l = layout(params, z, target, conditionWidth(inputs));
    let count = 0;
    for (const d of l.dense) count += denseParams(d.inputs, d.units);
    for (const d of l.deconvs) count += convParams(d.inChannels, d.filters, params.kernelSize);
    const cost = addCosts(denseCost(l.dense), l.start ? convCost(l.deconvs, [l.start.h, l.start.w], params.kernelSize, true) : noCost);
    return { outputs: { xHat: [null, ...l.output] }, paramCount: count, cost };
  },
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    const z = ctx.inputShapes.z;
    const out = ctx.outputShapes.xHat;
    if (!z || !out) throw new Error(`node '${nodeId}': shapes missing`);
    const l = layout(params, z, out, conditionWidth(ctx.inputShapes));
    const fromZ = { inputGradient: ctx.inputNeedsGradient('z') || ctx.inputNeedsGradient('condition') };
    const denseLayers = l.dense.map((d, i) => dense(ctx, `dense${i}`, d.inputs, d.units, i === 0 ? fromZ : { inputGradient: true }));
    const deconvs = l.deconvs.map((d, i) => conv2dTranspose(ctx, `deconv${i}`, d.inChannels, d.filters, params.kernelSize));
    const lastDense = denseLayers.length - 1;
    return {
      apply(inputs) {
        let h: Tensor = withCondition(tf, tensorInput(inputs, 'z', nodeId), inputs, nodeId);
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
