/**
 * The few layers encoders and decoders are made of, as plain weights and ops
 * (Keras layouts, so weights export to tfjs-layers, Keras and PyTorch as-is).
 */
import type { ParamControl } from '../src/core/nodeSpec';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { conv2dLayer, conv2dTransposeLayer } from '../src/ops/conv';
import { denseLayer, type FusedActivation } from '../src/ops/dense';
import type { BuildContext, Tensor, TF, Variable } from './defineNode';

export const activations = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus', 'linear'] as const;
export type Activation = (typeof activations)[number];

export const activationOptions = activations.map((a) => ({ value: a, label: a }));

export function activate(tf: TF, name: Activation, x: Tensor): Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, 0.2);
    case 'elu':
      return tf.elu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'linear':
      return x;
  }
}

export interface Layer {
  kernel: Variable;
  bias: Variable;
  /** The layer followed by its activation (ReLU and linear run inside the layer's kernel). */
  apply(x: Tensor, activation: Activation): Tensor;
}

export interface LayerInput {
  /** Whether the gradient must flow back through this layer's input (false for a first layer reading data). */
  inputGradient: boolean;
}

function fusable(activation: Activation): FusedActivation | undefined {
  return activation === 'relu' || activation === 'linear' ? activation : undefined;
}

export function dense(
  ctx: BuildContext<unknown>,
  name: string,
  inputs: number,
  units: number,
  input: LayerInput = { inputGradient: true },
): Layer {
  const kernel = ctx.variable(`${name}/kernel`, [inputs, units], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [units], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x, activation) => {
      const fused = fusable(activation);
      const y = denseLayer(tf, x as Tensor2D, kernel as Tensor2D, bias as Tensor1D, {
        activation: fused ?? 'linear',
        inputGradient: input.inputGradient,
      });
      return fused ? y : activate(tf, activation, y);
    },
  };
}

/** Convolution, stride 2, 'same' padding: halves height and width. */
export function conv2d(
  ctx: BuildContext<unknown>,
  name: string,
  inChannels: number,
  filters: number,
  kernelSize: number,
  input: LayerInput,
): Layer {
  const kernel = ctx.variable(`${name}/kernel`, [kernelSize, kernelSize, inChannels, filters], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [filters], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x, activation) => {
      const fused = fusable(activation);
      const y = conv2dLayer(tf, x as Tensor4D, kernel as Tensor4D, bias as Tensor1D, {
        activation: fused ?? 'linear',
        inputGradient: input.inputGradient,
      });
      return fused ? y : activate(tf, activation, y);
    },
  };
}

/** Transposed convolution, stride 2, 'same' padding: doubles height and width. */
export function conv2dTranspose(ctx: BuildContext<unknown>, name: string, inChannels: number, filters: number, kernelSize: number): Layer {
  // Keras layout for Conv2DTranspose: [k, k, outChannels, inChannels]
  const kernel = ctx.variable(`${name}/kernel`, [kernelSize, kernelSize, filters, inChannels], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [filters], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x, activation) => activate(tf, activation, conv2dTransposeLayer(tf, x as Tensor4D, kernel as Tensor4D, bias as Tensor1D, true)),
  };
}

// ---- parameter counts (pure) ----

export const denseParams = (inputs: number, units: number): number => inputs * units + units;
export const convParams = (inChannels: number, filters: number, k: number): number => k * k * inChannels * filters + filters;

// ---- controls shared by the encoder and the decoder ----

interface ArchitectureParams extends Record<string, unknown> {
  architecture: 'mlp' | 'conv';
  filters: number[];
  kernelSize: number;
}

/** The architecture select, the conv filters list and the kernel size (the last two shown for conv only). */
export function architectureControls<P extends ArchitectureParams>(convLabel: string, filtersHint: string): Array<ParamControl<P>> {
  const isConv = (p: P) => p.architecture === 'conv';
  return [
    {
      key: 'architecture',
      label: 'architecture',
      kind: 'select',
      options: [
        { value: 'mlp', label: 'MLP (dense)' },
        { value: 'conv', label: convLabel },
      ],
    },
    { key: 'filters', label: 'conv filters', kind: 'intList', min: 1, max: 4096, maxItems: 8, hint: filtersHint, showIf: isConv },
    { key: 'kernelSize', label: 'kernel', kind: 'number', min: 1, max: 7, integer: true, showIf: isConv },
  ];
}
