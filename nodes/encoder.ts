/** The Encoder node: an image to a code (AE) or to μ and log σ² of q(z|x) (VAE), as an MLP or convolutions. */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import type { Shape } from '../src/core/shape';
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
import { defineNode, dims, tensorInput, type Tensor } from './defineNode';
import { FORWARD_INDENT, forwardComment, type DescribeContext, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { pascalCase, pyString, size2 } from '../src/export/python';
import {
  activationTitle,
  convCount,
  denseCount,
  image3,
  kerasActivationArg,
  kerasWeights,
  samePadding,
  symmetric,
  torchActivation,
  torchConvForward,
  torchConvLine,
  torchWeights,
  type ConvLayer,
  type DenseLayer,
} from './layerExport';
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

/** `condition`: the width of a one-hot class appended to the features before the dense layers (0: none). */
function layout(params: EncoderParams, input: Shape, condition: number): EncoderLayout {
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
  let inputs = flat + condition;
  for (const units of params.hidden) {
    denseLayers.push({ inputs, units });
    inputs = units;
  }
  return { convs, flat, dense: denseLayers, headInputs: inputs };
}

// ---- export to PyTorch and Keras ----

export interface EncoderStep extends ExportStep {
  params: EncoderParams;
  /** Attribute / builder name of this node's network. */
  module: string;
  className: string;
  input: string;
  inputShape: [number, number, number];
  convs: ConvLayer[];
  /** Features after the convolutions (or the flat image). */
  flat: number;
  /** The one-hot class c appended to those features, when one is wired in. */
  condition: ExportedCondition | undefined;
  dense: DenseLayer[];
  headInputs: number;
  latentDim: number;
  mean: string;
  /** Present when something reads log σ² (a plain autoencoder has no such head). */
  logVar: string | undefined;
}

function describeEncoder(ctx: DescribeContext<EncoderParams>): EncoderStep {
  const { node, params } = ctx;
  const input = ctx.input('x');
  const condition = exportedCondition(ctx);
  const mean = ctx.output('mean', 'mean');
  const logVar = node.usedOutputs.includes('logVar') ? ctx.output('logVar', 'log_var') : undefined;
  const module = ctx.claim(ctx.stem);
  const className = ctx.claim(pascalCase(node.id));
  const inputShape = image3(node.inputShapes.x, node, 'its input x');
  const [h, w, c] = inputShape;
  const convs: ConvLayer[] = [];
  let flat = h * w * c;
  if (params.architecture === 'conv') {
    if (params.filters.length === 0) ctx.fail('a conv encoder needs at least one conv layer');
    let size: [number, number] = [h, w];
    let inC = c;
    params.filters.forEach((f, i) => {
      const outSize: [number, number] = [convOutputSize(size[0], 1), convOutputSize(size[1], 1)];
      const [top, bottom] = samePadding(size[0], params.kernelSize);
      const [left, right] = samePadding(size[1], params.kernelSize);
      convs.push({
        name: `conv${i}`,
        inChannels: inC,
        filters: f,
        kernel: params.kernelSize,
        inSize: size,
        outSize,
        padding: { top, bottom, left, right },
        activated: true,
      });
      size = outSize;
      inC = f;
    });
    flat = size[0] * size[1] * inC;
  }
  const dense: DenseLayer[] = [];
  let inputs = flat + (condition?.classes ?? 0);
  params.hidden.forEach((units, i) => {
    dense.push({ name: `dense${i}`, inputs, units, activated: true });
    inputs = units;
  });
  const heads = (logVar ? 2 : 1) * (inputs * params.latentDim + params.latentDim);
  return {
    node: ctx.ref,
    params,
    module,
    className,
    input,
    inputShape,
    convs,
    flat,
    condition,
    dense,
    headInputs: inputs,
    latentDim: params.latentDim,
    mean,
    logVar,
    paramCount: convCount(convs) + denseCount(dense) + heads,
  };
}

function encoderSummary(s: EncoderStep): string {
  const parts: string[] = [];
  if (s.convs.length > 0) {
    const sizes = [
      `${size2([s.inputShape[0], s.inputShape[1]])}×${s.inputShape[2]}`,
      ...s.convs.map((c) => `${size2(c.outSize)}×${c.filters}`),
    ];
    parts.push(`stride-2 convs ${sizes.join(' → ')}`);
  }
  if (s.condition) parts.push(`the one-hot class c (${s.condition.classes}) appended to the ${s.flat} features`);
  if (s.dense.length > 0) parts.push(`dense ${[s.flat + (s.condition?.classes ?? 0), ...s.dense.map((d) => d.units)].join(' → ')}`);
  const heads = s.logVar ? `μ and log σ² (${s.latentDim} each)` : `the code μ (${s.latentDim})`;
  return `${parts.length > 0 ? `${parts.join(', ')}, then ` : ''}${heads}; ${activationTitle(s.params.activation)} activations`;
}

function torchClass(s: EncoderStep): string[] {
  const act = (e: string) => torchActivation(s.params.activation, e);
  const L = [
    `class ${s.className}(nn.Module):`,
    `    """Encoder '${s.node.id}': ${encoderSummary(s)}."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
  ];
  if (s.convs.some((c) => !symmetric(c))) {
    L.push("        # TensorFlow's 'same' padding: when it is uneven, the extra row and column go at the bottom and right");
  }
  for (const c of s.convs) L.push(`        ${torchConvLine(c)}`);
  for (const d of s.dense) L.push(`        self.${d.name} = nn.Linear(${d.inputs}, ${d.units})`);
  L.push(`        self.mean = nn.Linear(${s.headInputs}, ${s.latentDim})`);
  if (s.logVar) L.push(`        self.log_var = nn.Linear(${s.headInputs}, ${s.latentDim})`);
  L.push('', `    def forward(self, x${s.condition ? ', c' : ''}):`, '        h = x');
  for (const c of s.convs) L.push(`        ${torchConvForward(c, act)}`);
  L.push(s.condition ? '        h = torch.cat([flatten_hwc(h), c], 1)  # the one-hot class appended' : '        h = flatten_hwc(h)');
  for (const d of s.dense) L.push(`        h = ${act(`self.${d.name}(h)`)}`);
  L.push(s.logVar ? '        return self.mean(h), self.log_var(h)' : '        return self.mean(h)');
  return L;
}

function kerasBuilder(s: EncoderStep, builder: string): string[] {
  const act = kerasActivationArg(s.params.activation);
  const [h, w, c] = s.inputShape;
  const heads = s.logVar ? `μ and log σ² (${s.latentDim} each)` : `the code μ (${s.latentDim})`;
  const L = [
    `def ${builder}():`,
    `    """Encoder '${s.node.id}': ${s.convs.length > 0 ? 'stride-2 convs, ' : ''}${s.condition ? 'the one-hot class c appended, ' : ''}${s.dense.length > 0 ? 'dense layers, ' : ''}then ${heads}; ${activationTitle(s.params.activation)} activations."""`,
    `    x = keras.Input(shape=(${h}, ${w}, ${c}))`,
    ...kerasConditionInput(s.condition),
    '    h = x',
  ];
  for (const l of s.convs) {
    L.push(
      `    h = layers.Conv2D(${l.filters}, ${l.kernel}, strides=2, padding="same"${act}, name=${pyString(l.name)})(h)  # ${size2(l.inSize)} → ${size2(l.outSize)}`,
    );
  }
  L.push(`    h = layers.Flatten()(h)  # ${s.flat} features`);
  if (s.condition) L.push('    h = layers.Concatenate()([h, c])  # the one-hot class appended');
  const inputs = s.condition ? '[x, c]' : 'x';
  for (const d of s.dense) L.push(`    h = layers.Dense(${d.units}${act}, name=${pyString(d.name)})(h)`);
  L.push(`    mean = layers.Dense(${s.latentDim}, name="mean")(h)`);
  if (s.logVar) {
    L.push(`    log_var = layers.Dense(${s.latentDim}, name="log_var")(h)`);
    L.push(`    return keras.Model(${inputs}, [mean, log_var], name=${pyString(s.module)})`);
  } else {
    L.push(`    return keras.Model(${inputs}, mean, name=${pyString(s.module)})`);
  }
  return L;
}

const encoderExporter: NodeExporter<EncoderParams, EncoderStep> = {
  describe: describeEncoder,
  code(s, ctx) {
    const I = FORWARD_INDENT;
    const call = conditionedCall(ctx.target, s.module, s.input, s.condition);
    const what = s.logVar ? `q(z|x${s.condition ? ', c' : ''}) = N(μ, σ²)` : 'the code μ (an autoencoder reads no log σ²)';
    const forward = [...forwardComment(s.node, what), s.logVar ? `${I}${s.mean}, ${s.logVar} = ${call}` : `${I}${s.mean} = ${call}`];
    const heads = [{ name: 'mean' }, ...(s.logVar ? [{ name: 'logVar', python: 'log_var' }] : [])];
    // the disentanglement report encodes images alone: a conditioned encoder offers no such expression
    const encode = s.condition ? undefined : `self.${s.module}(x)${s.logVar ? '[0]' : ''}`;
    if (ctx.target === 'pytorch') {
      return {
        forward,
        network: torchClass(s),
        init: [`self.${s.module} = ${s.className}()`],
        helpers: ['flatten_hwc', 'glorot_init'],
        weights: torchWeights(s.node.id, s.module, [
          ...s.convs.map((c) => ({ name: c.name, layout: 'conv' as const })),
          ...[...s.dense, ...heads].map((d) => ({ ...d, layout: 'dense' as const })),
        ]),
        encode,
      };
    }
    const builder = ctx.claim(`build_${s.module}`);
    return {
      forward,
      network: kerasBuilder(s, builder),
      init: [`self.${s.module} = ${builder}()`],
      tracked: [`*self.${s.module}.trainable_variables`],
      helpers: s.params.activation === 'leakyRelu' ? ['leaky_relu'] : [],
      weights: kerasWeights(s.node.id, s.module, [...s.convs, ...s.dense, ...heads]),
      encode,
    };
  },
};

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
    '"conv" first applies stride-2 convolutions that halve the image each time. Wire a one-hot class c ' +
    'into its condition input and it encodes q(z|x, c): c is appended to the flattened features.',
  params: zParams,
  controls: [
    ...architectureControls<EncoderParams>('conv (stride 2)', 'one stride-2 conv layer per number'),
    { key: 'hidden', label: 'hidden units', kind: 'intList', min: 1, max: 4096, maxItems: 8, hint: 'dense layers, e.g. 400 or 512, 256' },
    { key: 'activation', label: 'activation', kind: 'select', options: activationOptions },
    { key: 'latentDim', label: 'latent dim', kind: 'number', min: 1, max: 512, integer: true },
  ],
  inputs: { x: { kind: 'image', label: 'x', doc: 'images to encode' }, condition: conditionInput },
  outputs: {
    mean: { kind: 'latent', label: 'μ', doc: 'mean of q(z|x) — the code of an autoencoder' },
    logVar: { kind: 'logvar', label: 'log σ²', doc: 'log-variance of q(z|x)' },
  },
  roles: { posterior: { input: 'x', mean: 'mean', logVar: 'logVar', latentParam: 'latentDim', condition: 'condition' } },
  requiredKernels: (p) => (p.architecture === 'conv' ? ['Conv2D', 'Conv2DBackpropInput'] : []),
  sizeParams: (p) => (p.architecture === 'conv' ? ['filters', 'hidden', 'latentDim'] : ['hidden', 'latentDim']),
  infer({ params, inputs, usedOutputs }) {
    const x = inputs.x;
    if (!x) throw new NodeIssueError('x', 'needs an image input');
    const l = layout(params, x, conditionWidth(inputs));
    let count = 0;
    for (const c of l.convs) count += convParams(c.inChannels, c.filters, params.kernelSize);
    for (const d of l.dense) count += denseParams(d.inputs, d.units);
    count += denseParams(l.headInputs, params.latentDim);
    const heads = usedOutputs.has('logVar') ? 2 : 1;
    if (heads === 2) count += denseParams(l.headInputs, params.latentDim);
    const z: Shape = [null, params.latentDim];
    const [h, w] = x.slice(1) as number[];
    const cost = addCosts(
      l.convs.length > 0 ? convCost(l.convs, [h ?? 1, w ?? 1], params.kernelSize, false) : noCost,
      denseCost(l.dense),
      ...Array.from({ length: heads }, () => denseCost([{ inputs: l.headInputs, units: params.latentDim }])),
    );
    return { outputs: { mean: z, logVar: z }, paramCount: count, cost };
  },
  exporter: encoderExporter,
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    const x = ctx.inputShapes.x;
    if (!x) throw new Error(`node '${nodeId}': input shape missing`);
    const l = layout(params, x, conditionWidth(ctx.inputShapes));
    // only the first layer reads x (and c) itself; every later one passes its gradient on
    const fromX = { inputGradient: ctx.inputNeedsGradient('x') || ctx.inputNeedsGradient('condition') };
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
        h = withCondition(tf, tf.reshape(h, [-1, l.flat]), inputs, nodeId);
        for (const d of hidden) h = d.apply(h, params.activation);
        const out: Record<string, Tensor> = { mean: meanHead.apply(h, 'linear') };
        if (logVarHead) out.logVar = logVarHead.apply(h, 'linear');
        return out;
      },
    };
  },
});
