/**
 * The pure part of a node kind: ports, params schema, controls, docs and the
 * shape rule. `nodes/defineNode.ts` adds the tfjs `build`.
 */
import type { z } from 'zod';
import type { BinarizeMode, DatasetId, ImportedDatasetRef } from './datasets';
import type { Shape } from './shape';
import type { SocketKind } from './sockets';

export interface PortSpec {
  kind: SocketKind;
  label: string;
  /** One line shown on hover. */
  doc: string;
  /** Inputs only: may stay unconnected. */
  optional?: boolean;
  /** Inputs only: accepts several connections (their values arrive as a list). */
  multiple?: boolean;
}

export type NodeCategory = 'data' | 'model' | 'loss';

interface ControlBase<P> {
  key: keyof P & string;
  label: string;
  hint?: string;
  /** Hide the control when it does not apply (e.g. conv filters on an MLP). */
  showIf?(params: P): boolean;
}

export type ParamControl<P> =
  | (ControlBase<P> & { kind: 'number'; min?: number; max?: number; step?: number; integer?: boolean })
  | (ControlBase<P> & {
      kind: 'select';
      options: ReadonlyArray<SelectOption>;
      /** Also offers the datasets imported into this browser (chosen through the node's data-source role). */
      listsImportedDatasets?: boolean;
    })
  | (ControlBase<P> & { kind: 'toggle' })
  | (ControlBase<P> & { kind: 'intList'; min: number; max: number; maxItems: number });

export interface NodeIssue {
  field: string;
  message: string;
  severity?: 'error' | 'warning';
  /** A stable name for the kind of issue (hints name theirs). */
  code?: string;
}

export interface InferContext<P> {
  params: P;
  /** Shapes arriving at single inputs (undefined when unconnected). */
  inputs: Readonly<Record<string, Shape | undefined>>;
  /** Shapes arriving at `multiple` inputs. */
  multiInputs: Readonly<Record<string, ReadonlyArray<Shape>>>;
  /** Outputs that something reads; the rest are pruned (not built, not counted). */
  usedOutputs: ReadonlySet<string>;
  /** The shape that the consumers of an output expect from it, if they say. */
  expected(outputPort: string): Shape | undefined;
  /** The image shape of the graph's dataset, if there is exactly one (resolved on demand). */
  datasetImageShape(): Shape | undefined;
  /** How many classes the labels of the graph's dataset have, if there is exactly one dataset (resolved on demand). */
  datasetClasses(): number | undefined;
}

/** A choice of a select control; `asset` names a generated file it needs (shown as unavailable while it is missing). */
export interface SelectOption {
  value: string;
  label: string;
  asset?: string;
}

export interface InferResult {
  outputs: Record<string, Shape>;
  paramCount: number;
  /** What one image costs inside the node (default: its outputs' sizes, one multiply-add per parameter). */
  cost?: NodeCost;
  issues?: NodeIssue[];
}

/** Per image: the values a node computes (its layers' outputs), its multiply-adds, and its largest tensors. */
export interface NodeCost {
  /** Values computed per image, every layer's output counted. */
  activations: number;
  /** Multiply-adds per image in the forward pass. */
  macs: number;
  /** Elements of its largest weight tensor. */
  largestWeight: number;
  /** Elements per image of its largest activation. */
  largestActivation: number;
}

export interface ExpectContext<P> {
  params: P;
  /** Shape arriving at one of this node's inputs (resolved on demand). */
  inputShape(port: string): Shape | undefined;
}

/**
 * What a node kind is to the rest of the studio: the compiler, analyser,
 * forks, lessons, run settings and exporters ask src/core/graphQueries.ts,
 * which reads these, instead of matching type names. Ports are named by this
 * node's own port keys.
 */
export interface NodeRoles<P> {
  /** Feeds batches of images (and their labels). */
  dataSource?: {
    images: string;
    labels: string;
    dataset(params: P): DatasetId;
    /** The user's dataset the params name (when `dataset` is 'imported'). */
    imported(params: P): ImportedDatasetRef | undefined;
    batchSize(params: P): number;
    binarize(params: P): BinarizeMode;
    /** The params with other data settings (run settings, `--batch-size`, a run's PNG restored). */
    withSettings(params: P, settings: Partial<DataSettings>): P;
  };
  /** Corrupts images on their way in (a denoising autoencoder). */
  corruption?: { input: string; output: string };
  /**
   * Images → the mean and log-variance of q(z|x); `latentParam` sets the code's size. `condition` names
   * the input of a one-hot class c, when the node can be conditioned (q(z|x, c)).
   */
  posterior?: { input: string; mean: string; logVar: string; latentParam: keyof P & string; condition?: string };
  /** Draws z from q(z|x). */
  sampler?: { mean: string; logVar: string; sample: string };
  /** A code z → an image x̂: the generator the dashboard samples from; `condition` as for a posterior (p(x|z, c)). */
  generator?: { code: string; image: string; condition?: string };
  /**
   * −log p(x|z), the reconstruction term; `choiceParam` picks the distribution (forks swap it).
   * `normalizer` is the constant, in nats per pixel, that makes the value a normalised −log p(x|z)
   * (0 when it already is; MSE is a Gaussian with σ² = ½ without its constant), for the log-likelihood.
   */
  likelihood?: {
    target: string;
    reconstruction: string;
    value: string;
    choiceParam: keyof P & string;
    normalizer(params: P): number;
  };
  /** KL(q(z|x) ‖ p(z)), the divergence term. */
  divergence?: { mean: string; logVar: string; value: string };
  /** Weights a term by a number the user can change (β). */
  weight?: { term: string; value: string; param: keyof P & string; fallback: number };
  /**
   * Sums the terms into the one objective training minimises. `importanceSamples` > 1 makes it the
   * importance-weighted bound (IWAE) with that many samples of z per image instead of the ELBO.
   */
  objective?: { terms: string; importanceSamples?(params: P): number };
}

/** What a data source feeds: which dataset, how binarized, in batches of how many. */
export interface DataSettings {
  dataset: DatasetId;
  /** The user's dataset, with `dataset: 'imported'`. */
  imported: ImportedDatasetRef;
  binarize: BinarizeMode;
  batchSize: number;
}

/** A param that may change while the model trains (sent as `setLive(node, param, value)`). */
export interface LiveParam<P> {
  key: keyof P & string;
  label: string;
}

/** What a node can say about how it is wired, beyond its own shapes (teaching hints). */
export interface HintContext<P> {
  params: P;
  /** The node feeding one of this node's inputs (its id and params), if any. */
  source(port: string): { id: string; params: Readonly<Record<string, unknown>> } | undefined;
  /** Whether a node with this role is in the part of the graph that trains. */
  trainsWith(role: keyof NodeRoles<unknown>): boolean;
}

export interface NodeSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable PascalCase name used in graph files. */
  type: string;
  /** Version of this node's params; older ones go through `migrate`. */
  version: number;
  title: string;
  category: NodeCategory;
  /** One line for the palette. */
  summary: string;
  /** A paragraph explaining the idea (shown in the editor's help). */
  docs: string;
  params: z.ZodType<P>;
  controls: ReadonlyArray<ParamControl<P>>;
  inputs: Readonly<Record<string, PortSpec>>;
  outputs: Readonly<Record<string, PortSpec>>;
  infer(ctx: InferContext<P>): InferResult;
  /** What shape this node expects on one of its inputs, given its other inputs. */
  expectInput?(port: string, ctx: ExpectContext<P>): Shape | undefined;
  /** Upgrade params written by an older version of this node. */
  migrate?(fromVersion: number, params: Record<string, unknown>): Record<string, unknown>;
  /** At most this many of this node kind per graph. */
  maxPerGraph?: number;
  roles?: NodeRoles<P>;
  /** Params that may change while training (β, capacity): the dashboard offers them live. */
  live?: ReadonlyArray<LiveParam<P>>;
  /** tfjs kernels training this node needs beyond the dense basics (a backend without them is not used). */
  requiredKernels?(params: P): string[];
  /** The params that make it big, most effective first: what the memory check asks a user to shrink. */
  sizeParams?(params: P): string[];
  /** Warnings about how the node is wired that its shapes cannot tell (shown on the node). */
  hints?(ctx: HintContext<P>): NodeIssue[];
}

/**
 * A spec with its params type erased, for registries that hold several kinds.
 * Its functions are only ever called with params parsed by its own schema.
 */
export type AnyNodeSpec = NodeSpec<Record<string, unknown>>;

export type NodeSpecRegistry = ReadonlyMap<string, AnyNodeSpec>;
