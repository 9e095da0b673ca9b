/**
 * The pure part of a node kind: ports, params schema, controls, docs and the
 * shape rule. `nodes/defineNode.ts` adds the tfjs `build`.
 */
import type { z } from 'zod';
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
  | (ControlBase<P> & { kind: 'select'; options: ReadonlyArray<{ value: string; label: string }> })
  | (ControlBase<P> & { kind: 'toggle' })
  | (ControlBase<P> & { kind: 'intList'; min: number; max: number; maxItems: number });

export interface NodeIssue {
  field: string;
  message: string;
  severity?: 'error' | 'warning';
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
}

export interface InferResult {
  outputs: Record<string, Shape>;
  paramCount: number;
  issues?: NodeIssue[];
}

export interface ExpectContext<P> {
  params: P;
  /** Shape arriving at one of this node's inputs (resolved on demand). */
  inputShape(port: string): Shape | undefined;
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
}

/**
 * A spec with its params type erased, for registries that hold several kinds.
 * Its functions are only ever called with params parsed by its own schema.
 */
export type AnyNodeSpec = NodeSpec<Record<string, unknown>>;

export type NodeSpecRegistry = ReadonlyMap<string, AnyNodeSpec>;
