/**
 * The model an exported script builds, worked out once for every target
 * language: the compiled graph (compileGraph → Plan) as an ordered list of
 * steps, each with its layer sizes, paddings and the Python variables it reads
 * and writes. Pure; the PyTorch and Keras writers only turn it into text.
 *
 * Graph shapes the scripts cannot express give an error naming the node,
 * never code that would not run.
 */
import { specRegistry, Beta, Dataset, Decoder, Encoder, KL, Noise, ReconstructionLoss } from '../../nodes';
import type { BetaParams } from '../../nodes/beta';
import type { DecoderParams } from '../../nodes/decoder';
import type { EncoderParams } from '../../nodes/encoder';
import { convOutputSize } from '../../nodes/encoder';
import type { Activation } from '../../nodes/layers';
import type { NoiseParams } from '../../nodes/noise';
import type { ReconstructionDistribution } from '../../nodes/reconstructionLoss';
import { compileGraph, type BinarizeMode, type Plan, type PlanNode } from '../compiler/plan';
import type { DatasetId } from '../core/datasets';
import type { Diagnostic } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc, PortRef, TrainingSettings } from '../core/schema';
import type { Shape } from '../core/shape';
import { internalError } from '../share/graphFile';
import { datasetSources } from './common';
import { PyNames, pascalCase, snakeCase } from './python';
import { SHAPES_PYTHON_NAMES } from './shapesPython';

export interface NodeRef {
  id: string;
  type: string;
  label?: string;
  note?: string;
}

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface ConvLayer {
  /** Layer name, the same as the browser's weight names (`conv0`, `deconv1`). */
  name: string;
  inChannels: number;
  filters: number;
  kernel: number;
  inSize: [number, number];
  outSize: [number, number];
  /** Conv: TensorFlow 'same' padding (the odd extra row and column go at the bottom and right). */
  padding: Padding;
  activated: boolean;
}

export interface DenseLayer {
  name: string;
  inputs: number;
  units: number;
  activated: boolean;
}

export interface EncoderStep {
  kind: 'Encoder';
  node: NodeRef;
  params: EncoderParams;
  /** Attribute / builder name of this node's network. */
  module: string;
  className: string;
  input: string;
  inputShape: [number, number, number];
  convs: ConvLayer[];
  /** Features after the convolutions (or the flat image). */
  flat: number;
  dense: DenseLayer[];
  headInputs: number;
  latentDim: number;
  mean: string;
  /** Present when something reads log σ² (a plain autoencoder has no such head). */
  logVar: string | undefined;
  paramCount: number;
}

export interface DecoderStep {
  kind: 'Decoder';
  node: NodeRef;
  params: DecoderParams;
  module: string;
  className: string;
  z: string;
  latentDim: number;
  dense: DenseLayer[];
  /** Conv decoders reshape the dense output to this [H, W, C] before the transposed convolutions. */
  start: [number, number, number] | undefined;
  deconvs: ConvLayer[];
  output: [number, number, number];
  logits: string;
  mean: string;
  paramCount: number;
}

export type ExportStep =
  | { kind: 'Dataset'; node: NodeRef; x: string }
  | { kind: 'Noise'; node: NodeRef; params: NoiseParams; input: string; output: string }
  | EncoderStep
  | { kind: 'Reparameterize'; node: NodeRef; mean: string; logVar: string; z: string }
  | DecoderStep
  | {
      kind: 'ReconstructionLoss';
      node: NodeRef;
      distribution: ReconstructionDistribution;
      sigma: number;
      /** Attribute of the learned log σ, when σ is learned. */
      logSigma: string | undefined;
      x: string;
      logits: string;
      mean: string;
      loss: string;
    }
  | { kind: 'KL'; node: NodeRef; freeBits: number; mean: string; logVar: string; perDim: string; raw: string; out: string }
  | { kind: 'Beta'; node: NodeRef; params: BetaParams; input: string; beta: string; capacity: string; out: string }
  | { kind: 'Loss'; node: NodeRef; terms: string[]; out: string };

export interface ExportModel {
  doc: GraphDoc;
  plan: Plan;
  dataset: { id: DatasetId; binarize: BinarizeMode; batchSize: number; imageShape: [number, number, number] };
  training: TrainingSettings;
  steps: ExportStep[];
  /** Variables summed into the numbers the scripts print. */
  metrics: { recon: string[]; kl: string[] };
  objective: string;
  /** Trainable parameters of the exported model (the layers the browser builds). */
  totalParams: number;
  /** Names the writers may still claim (helpers they add). */
  names: PyNames;
}

export type DescribeResult = { ok: true; model: ExportModel } | { ok: false; errors: Diagnostic[] };

/** Identifiers every script defines itself; node-derived names never take them. */
export const TEMPLATE_NAMES = [
  'argparse',
  'math',
  'os',
  'np',
  'numpy',
  'torch',
  'nn',
  'F',
  'datasets',
  'tf',
  'keras',
  'layers',
  'SEED',
  'EPOCHS',
  'BATCH_SIZE',
  'LEARNING_RATE',
  'OPTIMIZER',
  'DATASET',
  'BINARIZE',
  'IMAGE_SHAPE',
  'TEST_BATCH_SIZE',
  'STATIC_BINARIZATION_SEED',
  'HALF_LOG_2PI',
  'LOG_2',
  'Model',
  'x',
  'z',
  'h',
  'step',
  'sample',
  'terms',
  'objective',
  'model',
  'args',
  'main',
  'parse_args',
  'flatten_hwc',
  'unflatten_hwc',
  'glorot_init',
  'leaky_relu',
  'scalar_variable',
  'sum_pixels_mean_batch',
  'reparameterize',
  'kl_per_dimension',
  'continuous_bernoulli_log_norm',
  'load_dataset',
  'binarize_static',
  'batches',
  'train',
  'evaluate',
  'pick_device',
  'device',
  'optimizer',
  'epoch',
  'logits',
  'mean',
  'log_var',
  'train_step',
  'test_step',
  'totals',
  'count',
  'batch',
  'history',
  'variables',
  'grads',
  'tape',
  'rng',
  'images',
  'labels',
  'result',
  'zero',
  'parser',
  'summary',
];

const fail = (nodeId: string | undefined, message: string): DescribeResult => ({
  ok: false,
  errors: [{ severity: 'error', code: 'export', message, ...(nodeId ? { nodeId } : {}) }],
});

class StepError extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
  }
}

function image3(shape: Shape | undefined, node: PlanNode, what: string): [number, number, number] {
  const d = shape?.slice(1);
  if (!d || d.length !== 3 || d.some((v) => typeof v !== 'number')) {
    throw new StepError(node.id, `node '${node.id}' (${node.type}): ${what} must be an image [H×W×C] to be exported`);
  }
  return d as [number, number, number];
}

/** TensorFlow 'same' padding of a stride-2 convolution along one axis. */
export function samePadding(size: number, kernel: number): [number, number] {
  const out = Math.ceil(size / 2);
  const total = Math.max((out - 1) * 2 + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

const denseCount = (d: ReadonlyArray<{ inputs: number; units: number }>): number => d.reduce((n, l) => n + l.inputs * l.units + l.units, 0);
const convCount = (c: ReadonlyArray<ConvLayer>): number =>
  c.reduce((n, l) => n + l.kernel * l.kernel * l.inChannels * l.filters + l.filters, 0);

function parseParams<P>(schema: { safeParse(v: unknown): { success: true; data: P } | { success: false } }, node: PlanNode): P {
  const r = schema.safeParse(node.params);
  if (!r.success) throw new StepError(node.id, `node '${node.id}' (${node.type}) has invalid params`);
  return r.data;
}

/** Works out the model a script builds; errors name the node. Never throws. */
export function describeForExport(doc: GraphDoc, registry: NodeSpecRegistry = specRegistry): DescribeResult {
  try {
    const compiled = compileGraph(doc, registry);
    if (!compiled.ok) return { ok: false, errors: compiled.diagnostics };
    return describePlan(doc, compiled.plan);
  } catch (e) {
    if (e instanceof StepError) return fail(e.nodeId, e.message);
    return { ok: false, errors: [internalError('preparing the export', e)] };
  }
}

const SUPPORTED = ['Dataset', 'Noise', 'Encoder', 'Reparameterize', 'Decoder', 'ReconstructionLoss', 'KL', 'Beta', 'Loss'] as const;

function describePlan(doc: GraphDoc, plan: Plan): DescribeResult {
  const datasetId = plan.dataset.id;
  for (const n of plan.nodes) {
    if (!(SUPPORTED as ReadonlyArray<string>).includes(n.type)) {
      return fail(n.id, `node '${n.id}' (${n.type}): ${n.type} nodes cannot be exported to Python; remove it or export the graph as JSON`);
    }
  }
  // a script that draws its dataset also defines the drawing and scoring code's names
  const names = new PyNames(datasetSources[datasetId].kind === 'generated' ? [...TEMPLATE_NAMES, ...SHAPES_PYTHON_NAMES] : TEMPLATE_NAMES);
  const docNodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const stems = new Map<string, string>();
  const stem = (id: string): string => {
    let s = stems.get(id);
    if (!s) {
      s = snakeCase(id);
      stems.set(id, s);
    }
    return s;
  };
  /** Python variables holding each output port's value (`node.port`). */
  const vars = new Map<string, string>();
  const out = (node: PlanNode, port: string, suffix: string): string => {
    const v = names.claim(`${stem(node.id)}_${suffix}`);
    vars.set(`${node.id}.${port}`, v);
    return v;
  };
  const input = (node: PlanNode, port: string, suffix = ''): string => {
    const ref: PortRef | undefined = node.inputs[port]?.[0];
    const v = ref ? vars.get(`${ref.node}.${ref.port}${suffix}`) : undefined;
    if (!v) throw new StepError(node.id, `node '${node.id}' (${node.type}): input '${port}' has no value to read`);
    return v;
  };
  const nodeRef = (n: PlanNode): NodeRef => {
    const d = docNodes.get(n.id);
    return { id: n.id, type: n.type, ...(d?.label ? { label: d.label } : {}), ...(d?.note ? { note: d.note } : {}) };
  };

  const steps: ExportStep[] = [];
  const metrics: ExportModel['metrics'] = { recon: [], kl: [] };
  const objective = 'objective';
  let totalParams = 0;

  for (const node of plan.nodes) {
    const ref = nodeRef(node);
    switch (node.type) {
      case 'Dataset': {
        parseParams(Dataset.params, node);
        steps.push({ kind: 'Dataset', node: ref, x: out(node, 'x', 'x') });
        break;
      }
      case 'Noise': {
        const params = parseParams(Noise.params, node);
        const inputVar = input(node, 'x');
        steps.push({ kind: 'Noise', node: ref, params, input: inputVar, output: out(node, 'x', 'x') });
        break;
      }
      case 'Encoder': {
        const params = parseParams(Encoder.params, node);
        const io = {
          input: input(node, 'x'),
          mean: out(node, 'mean', 'mean'),
          logVar: node.usedOutputs.includes('logVar') ? out(node, 'logVar', 'log_var') : undefined,
          module: names.claim(stem(node.id)),
          className: names.claim(pascalCase(node.id)),
        };
        const step = describeEncoder(node, ref, params, io);
        totalParams += step.paramCount;
        steps.push(step);
        break;
      }
      case 'Reparameterize': {
        const mean = input(node, 'mean');
        const logVar = input(node, 'logVar');
        steps.push({ kind: 'Reparameterize', node: ref, mean, logVar, z: out(node, 'z', 'z') });
        break;
      }
      case 'Decoder': {
        const params = parseParams(Decoder.params, node);
        const io = {
          z: input(node, 'z'),
          logits: names.claim(`${stem(node.id)}_logits`),
          mean: names.claim(`${stem(node.id)}_mean`),
          module: names.claim(stem(node.id)),
          className: names.claim(pascalCase(node.id)),
        };
        vars.set(`${node.id}.xHat#logits`, io.logits);
        vars.set(`${node.id}.xHat#mean`, io.mean);
        const step = describeDecoder(node, ref, params, io);
        totalParams += step.paramCount;
        steps.push(step);
        break;
      }
      case 'ReconstructionLoss': {
        const params = parseParams(ReconstructionLoss.params, node);
        const learned = params.distribution === 'gaussian' && params.learnSigma;
        const x = input(node, 'x');
        const logits = input(node, 'xHat', '#logits');
        const mean = input(node, 'xHat', '#mean');
        const loss = out(node, 'loss', 'loss');
        if (learned) totalParams += 1;
        metrics.recon.push(loss);
        steps.push({
          kind: 'ReconstructionLoss',
          node: ref,
          distribution: params.distribution,
          sigma: params.sigma,
          logSigma: learned ? names.claim(`${stem(node.id)}_log_sigma`) : undefined,
          x,
          logits,
          mean,
          loss,
        });
        break;
      }
      case 'KL': {
        const params = parseParams(KL.params, node);
        const mean = input(node, 'mean');
        const logVar = input(node, 'logVar');
        const perDim = names.claim(`${stem(node.id)}_per_dim`);
        const raw = names.claim(`${stem(node.id)}_value`);
        const o = out(node, 'kl', 'term');
        metrics.kl.push(raw);
        steps.push({ kind: 'KL', node: ref, freeBits: params.freeBits, mean, logVar, perDim, raw, out: o });
        break;
      }
      case 'Beta': {
        const params = parseParams(Beta.params, node);
        const inputVar = input(node, 'kl');
        const beta = names.claim(`${stem(node.id)}_beta`);
        const capacity = names.claim(`${stem(node.id)}_capacity`);
        const o = out(node, 'loss', 'loss');
        steps.push({ kind: 'Beta', node: ref, params, input: inputVar, beta, capacity, out: o });
        break;
      }
      case 'Loss': {
        const terms = (node.inputs.terms ?? []).map((r) => {
          const v = vars.get(`${r.node}.${r.port}`);
          if (!v) throw new StepError(node.id, `node '${node.id}' (Loss): term from '${r.node}' has no value to read`);
          return v;
        });
        if (terms.length === 0) throw new StepError(node.id, `node '${node.id}' (Loss): needs at least one loss term`);
        steps.push({ kind: 'Loss', node: ref, terms, out: objective });
        break;
      }
    }
  }
  return {
    ok: true,
    model: {
      doc,
      plan,
      dataset: { id: datasetId, binarize: plan.dataset.binarize, batchSize: plan.dataset.batchSize, imageShape: plan.imageShape },
      training: plan.training,
      steps,
      metrics,
      objective,
      totalParams,
      names,
    },
  };
}

function describeEncoder(
  node: PlanNode,
  ref: NodeRef,
  params: EncoderParams,
  io: { input: string; mean: string; logVar: string | undefined; module: string; className: string },
): EncoderStep {
  const inputShape = image3(node.inputShapes.x, node, 'its input x');
  const [h, w, c] = inputShape;
  const convs: ConvLayer[] = [];
  let flat = h * w * c;
  if (params.architecture === 'conv') {
    if (params.filters.length === 0)
      throw new StepError(node.id, `node '${node.id}' (Encoder): a conv encoder needs at least one conv layer`);
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
  let inputs = flat;
  params.hidden.forEach((units, i) => {
    dense.push({ name: `dense${i}`, inputs, units, activated: true });
    inputs = units;
  });
  const heads = (io.logVar ? 2 : 1) * (inputs * params.latentDim + params.latentDim);
  return {
    kind: 'Encoder',
    node: ref,
    params,
    ...io,
    inputShape,
    convs,
    flat,
    dense,
    headInputs: inputs,
    latentDim: params.latentDim,
    paramCount: convCount(convs) + denseCount(dense) + heads,
  };
}

function describeDecoder(
  node: PlanNode,
  ref: NodeRef,
  params: DecoderParams,
  io: { z: string; logits: string; mean: string; module: string; className: string },
): DecoderStep {
  const z = node.inputShapes.z;
  const latent = z?.[1];
  if (!z || z.length !== 2 || typeof latent !== 'number') {
    throw new StepError(node.id, `node '${node.id}' (Decoder): its input z must be a latent code [B×d] to be exported`);
  }
  const output = image3(node.outputShapes.xHat, node, 'its output x̂');
  const [h, w, c] = output;
  const dense: DenseLayer[] = [];
  let inputs = latent;
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
    if (n === 0 || h % scale !== 0 || w % scale !== 0) {
      throw new StepError(node.id, `node '${node.id}' (Decoder): ${n} upsampling layers cannot produce a ${h}×${w} image`);
    }
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
    kind: 'Decoder',
    node: ref,
    params,
    ...io,
    latentDim: latent,
    dense,
    start,
    deconvs,
    output,
    paramCount: denseCount(dense) + convCount(deconvs),
  };
}

/** The activation's name in comments. */
export function activationTitle(a: Activation): string {
  return a === 'leakyRelu' ? 'leaky ReLU (0.2)' : a;
}
