/**
 * A node kind = its pure spec (ports, params, shape rule, docs) + `build`, which
 * creates its weights and returns the function that runs it. The tfjs module is
 * passed in, so this folder never loads tfjs itself: the editor can use the
 * specs on the main thread without pulling tfjs in.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { NodeSpec } from '../src/core/nodeSpec';
import type { NodeExporter } from '../src/export/nodeExport';
import type { Shape } from '../src/core/shape';

export type TF = typeof tfc;
export type Tensor = tfc.Tensor;
export type Variable = tfc.Variable;
export type Scalar = tfc.Scalar;

/** What a decoder produces: pre-activation logits and the mean image. */
export interface Reconstruction {
  readonly logits: Tensor;
  readonly mean: Tensor;
}

export type PortValue = Tensor | Reconstruction;

export function isReconstruction(v: PortValue): v is Reconstruction {
  return typeof v === 'object' && v !== null && 'logits' in v && 'mean' in v;
}

export type Initializer = 'glorotUniform' | 'heUniform' | 'zeros' | { constant: number };

export interface BuildContext<P> {
  tf: TF;
  nodeId: string;
  params: P;
  inputShapes: Readonly<Record<string, Shape>>;
  multiInputShapes: Readonly<Record<string, ReadonlyArray<Shape>>>;
  outputShapes: Readonly<Record<string, Shape>>;
  usedOutputs: ReadonlySet<string>;
  /** Whether what arrives at an input depends on trainable weights (so its gradient is needed). */
  inputNeedsGradient(port: string): boolean;
  /** A trainable weight, initialised from the run seed, the node id and `name`. */
  variable(name: string, shape: number[], init: Initializer): Variable;
}

/**
 * Metrics a node can report while it runs; the program sums them per kind.
 * `reconPerExample` ([B], −log p(x|z) of each example) and `eps` ([B, d], the
 * noise a Reparameterize drew) let the dashboard follow one example through a
 * training step.
 */
export type MetricName = 'objective' | 'recon' | 'reconPerExample' | 'kl' | 'klPerDim' | 'betaKl' | 'beta' | 'capacity' | 'sigma' | 'eps';

export type RunMode = 'train' | 'test' | 'infer';

export interface RunContext {
  tf: TF;
  /**
   * `train`: a training step. `test`: scoring held-out data (stochastic nodes
   * still sample, with fixed seeds, so the test ELBO is an honest estimate).
   * `infer`: deterministic use for pictures: z is the mean μ.
   */
  mode: RunMode;
  /** Global training step (0-based); test and infer use the step they run at. */
  step: number;
  /** Seeded standard normal noise; the same seed, step and node give the same numbers. */
  normal(shape: number[], stream: string): Tensor;
  /** Seeded uniform noise in [0, 1). */
  uniform(shape: number[], stream: string): Tensor;
  /** A tensor the trainer feeds to this node (the Dataset's batch). */
  feed(port: string): Tensor;
  /** A live override of a numeric param (e.g. β changed while training), if any. */
  live(key: string): number | undefined;
  report(metric: MetricName, value: Tensor): void;
}

export type NodeInputs = Readonly<Record<string, PortValue | ReadonlyArray<PortValue> | undefined>>;

export interface BuiltNode {
  /** Runs synchronously inside the caller's tf.tidy. */
  apply(inputs: NodeInputs, run: RunContext): Record<string, PortValue>;
}

export interface NodeDef<P extends Record<string, unknown> = Record<string, unknown>> extends NodeSpec<P> {
  build(ctx: BuildContext<P>): BuiltNode;
  /** How the node is written in the exported PyTorch and Keras scripts (src/export/nodeExport.ts). */
  exporter?: NodeExporter<P>;
}

export type AnyNodeDef = NodeDef<Record<string, unknown>>;

export function defineNode<P extends Record<string, unknown>>(def: NodeDef<P>): NodeDef<P> {
  return def;
}

// ---- small helpers shared by node builds ----

export function tensorInput(inputs: NodeInputs, port: string, nodeId: string): Tensor {
  const v = inputs[port];
  if (v === undefined || Array.isArray(v) || isReconstruction(v as PortValue)) {
    throw new Error(`node '${nodeId}': input '${port}' expected a tensor`);
  }
  return v as Tensor;
}

export function reconstructionInput(inputs: NodeInputs, port: string, nodeId: string): Reconstruction {
  const v = inputs[port];
  if (v === undefined || Array.isArray(v) || !isReconstruction(v as PortValue)) {
    throw new Error(`node '${nodeId}': input '${port}' expected a reconstruction`);
  }
  return v as Reconstruction;
}

export function tensorListInput(inputs: NodeInputs, port: string, nodeId: string): Tensor[] {
  const v = inputs[port];
  if (v === undefined) return [];
  const list: ReadonlyArray<PortValue> = Array.isArray(v) ? v : [v as PortValue];
  return list.map((t) => {
    if (isReconstruction(t)) throw new Error(`node '${nodeId}': input '${port}' expected scalars`);
    return t;
  });
}

/** Non-batch dims of a shape as numbers (throws on unknown dims). */
export function dims(shape: Shape): number[] {
  return shape.slice(1).map((d) => {
    if (d === null) throw new Error('unknown dimension');
    return d;
  });
}
