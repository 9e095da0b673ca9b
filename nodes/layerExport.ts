/**
 * How the layers of encoders and decoders (layers.ts) are written in the
 * exported scripts: their sizes and TensorFlow 'same' paddings, and the
 * PyTorch and Keras spelling of layers and activations. Shared by the
 * Encoder's and Decoder's exporters.
 */
import type { PlanNode } from '../src/compiler/plan';
import type { Shape } from '../src/core/shape';
import { ExportError, type WeightLink } from '../src/export/nodeExport';
import { pyString, size2 } from '../src/export/python';
import type { Activation } from './layers';

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

/** TensorFlow 'same' padding of a stride-2 convolution along one axis. */
export function samePadding(size: number, kernel: number): [number, number] {
  const out = Math.ceil(size / 2);
  const total = Math.max((out - 1) * 2 + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

export function image3(shape: Shape | undefined, node: PlanNode, what: string): [number, number, number] {
  const d = shape?.slice(1);
  if (!d || d.length !== 3 || d.some((v) => typeof v !== 'number')) {
    throw new ExportError(node.id, `node '${node.id}' (${node.type}): ${what} must be an image [H×W×C] to be exported`);
  }
  return d as [number, number, number];
}

export const denseCount = (d: ReadonlyArray<{ inputs: number; units: number }>): number =>
  d.reduce((n, l) => n + l.inputs * l.units + l.units, 0);
export const convCount = (c: ReadonlyArray<ConvLayer>): number =>
  c.reduce((n, l) => n + l.kernel * l.kernel * l.inChannels * l.filters + l.filters, 0);

/** The activation's name in comments. */
export function activationTitle(a: Activation): string {
  return a === 'leakyRelu' ? 'leaky ReLU (0.2)' : a;
}

// ---- PyTorch ----

export function torchActivation(a: Activation, e: string): string {
  switch (a) {
    case 'relu':
      return `F.relu(${e})`;
    case 'leakyRelu':
      return `F.leaky_relu(${e}, 0.2)`;
    case 'elu':
      return `F.elu(${e})`;
    case 'tanh':
      return `torch.tanh(${e})`;
    case 'sigmoid':
      return `torch.sigmoid(${e})`;
    case 'softplus':
      return `F.softplus(${e})`;
    case 'linear':
      return e;
  }
}

export const symmetric = (l: ConvLayer): boolean => l.padding.top === l.padding.bottom && l.padding.left === l.padding.right;
const padArg = (l: ConvLayer): string => (l.padding.top === l.padding.left ? `${l.padding.top}` : `(${l.padding.top}, ${l.padding.left})`);

export function torchConvLine(l: ConvLayer): string {
  const pad = symmetric(l) && (l.padding.top > 0 || l.padding.left > 0) ? `, padding=${padArg(l)}` : '';
  return `self.${l.name} = nn.Conv2d(${l.inChannels}, ${l.filters}, ${l.kernel}, stride=2${pad})  # ${size2(l.inSize)} → ${size2(l.outSize)}`;
}

export function torchConvForward(l: ConvLayer, act: (e: string) => string): string {
  const { left, right, top, bottom } = l.padding;
  const call = symmetric(l) ? `self.${l.name}(h)` : `self.${l.name}(F.pad(h, (${left}, ${right}, ${top}, ${bottom})))`;
  return `h = ${l.activated ? act(call) : call}`;
}

/** How a stride-2 transposed conv gets TensorFlow's 'same' output window in PyTorch. */
export function torchDeconvPlan(l: ConvLayer): { extra: string; crop: boolean } {
  const full = [(l.inSize[0] - 1) * 2 + l.kernel, (l.inSize[1] - 1) * 2 + l.kernel];
  if ((full[0] as number) < l.outSize[0]) return { extra: `, output_padding=${l.outSize[0] - (full[0] as number)}`, crop: false };
  if (symmetric(l)) return { extra: l.padding.top > 0 || l.padding.left > 0 ? `, padding=${padArg(l)}` : '', crop: false };
  return { extra: '', crop: true };
}

/** PyTorch weights of `layers` (dense [in, out] → [out, in]; conv and deconv laid out as PyTorch keeps them). */
export function torchWeights(
  nodeId: string,
  module: string,
  layers: ReadonlyArray<{ name: string; layout: WeightLink['layout']; python?: string }>,
): WeightLink[] {
  return layers.flatMap((l) => [
    { browser: `${nodeId}/${l.name}/kernel`, python: `${module}.${l.python ?? l.name}.weight`, layout: l.layout },
    { browser: `${nodeId}/${l.name}/bias`, python: `${module}.${l.python ?? l.name}.bias`, layout: 'vector' as const },
  ]);
}

// ---- Keras ----

/** The `activation=` argument of a Keras layer ('' for linear). */
export function kerasActivationArg(a: Activation): string {
  switch (a) {
    case 'linear':
      return '';
    case 'leakyRelu':
      return ', activation=leaky_relu';
    default:
      return `, activation=${pyString(a)}`;
  }
}

/** Keras weights of `layers` (Keras keeps the browser's layouts). */
export function kerasWeights(nodeId: string, module: string, layers: ReadonlyArray<{ name: string; python?: string }>): WeightLink[] {
  return layers.flatMap((l) => [
    { browser: `${nodeId}/${l.name}/kernel`, python: `${module}/${l.python ?? l.name}/kernel`, layout: 'same' as const },
    { browser: `${nodeId}/${l.name}/bias`, python: `${module}/${l.python ?? l.name}/bias`, layout: 'same' as const },
  ]);
}
