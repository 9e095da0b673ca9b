/**
 * The few layers encoders and decoders are made of, as plain weights and ops
 * (Keras layouts, so weights export to tfjs-layers, Keras and PyTorch as-is).
 */
import type { ParamControl } from '../src/core/nodeSpec';
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

export interface Dense {
  kernel: Variable;
  bias: Variable;
  apply(x: Tensor): Tensor;
}

export function dense(ctx: BuildContext<unknown>, name: string, inputs: number, units: number): Dense {
  const kernel = ctx.variable(`${name}/kernel`, [inputs, units], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [units], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x) => tf.add(tf.matMul(x, kernel), bias),
  };
}

export function conv2d(
  ctx: BuildContext<unknown>,
  name: string,
  inChannels: number,
  filters: number,
  kernelSize: number,
): Dense {
  const kernel = ctx.variable(`${name}/kernel`, [kernelSize, kernelSize, inChannels, filters], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [filters], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x) => tf.add(tf.conv2d(x as Parameters<TF['conv2d']>[0], kernel as Parameters<TF['conv2d']>[1], 2, 'same'), bias),
  };
}

/** Transposed convolution, stride 2, 'same' padding: doubles height and width. */
export function conv2dTranspose(
  ctx: BuildContext<unknown>,
  name: string,
  inChannels: number,
  filters: number,
  kernelSize: number,
): Dense {
  // Keras layout for Conv2DTranspose: [k, k, outChannels, inChannels]
  const kernel = ctx.variable(`${name}/kernel`, [kernelSize, kernelSize, filters, inChannels], 'glorotUniform');
  const bias = ctx.variable(`${name}/bias`, [filters], 'zeros');
  const { tf } = ctx;
  return {
    kernel,
    bias,
    apply: (x) => {
      const [b, h, w] = x.shape as [number, number, number, number];
      const y = tf.conv2dTranspose(
        x as Parameters<TF['conv2dTranspose']>[0],
        kernel as Parameters<TF['conv2dTranspose']>[1],
        [b, h * 2, w * 2, filters],
        2,
        'same',
      );
      return tf.add(y, bias);
    },
  };
}

// ---- parameter counts (pure) ----

export const denseParams = (inputs: number, units: number): number => inputs * units + units;
export const convParams = (inChannels: number, filters: number, k: number): number =>
  k * k * inChannels * filters + filters;

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
