/**
 * The shared writer each node kind exports itself through. A node kind's
 * `exporter` (in its file in nodes/) works out its step once — its Python
 * variables, layer sizes, weights — and then writes its code for a target
 * framework: the lines it runs in the model's forward pass, the network class
 * or builder it defines, what the model's constructor makes, and the helpers it
 * calls. The PyTorch and Keras writers only assemble those parts.
 */
import type { PlanNode } from '../compiler/plan';
import type { ExportTarget, HelperName } from './helpers';
import { commentLines, nodeTitle } from './python';

export type { ExportTarget } from './helpers';

export interface NodeRef {
  id: string;
  type: string;
  label?: string;
  note?: string;
}

/** What every exported step has; node kinds add their own data. */
export interface ExportStep {
  node: NodeRef;
  /** Trainable parameters this node adds to the model. */
  paramCount: number;
}

/** An error that names the node (thrown by describe; the export then fails with it). */
export class ExportError extends Error {
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DescribeContext<P> {
  node: PlanNode;
  ref: NodeRef;
  /** The node's params, parsed by its own schema. */
  params: P;
  /** snake_case of the node id: the stem of its Python names. */
  stem: string;
  /** The Python variable holding what arrives at an input (`part` names a piece of a structured value, e.g. logits). */
  input(port: string, part?: string): string;
  /** The variables of every connection of a multi-input port, in wiring order. */
  inputs(port: string): string[];
  /** Claims the Python variable for an output port (`stem_suffix`). */
  output(port: string, suffix: string, part?: string): string;
  /** Claims a Python name (nodes' names never clash with each other or the script's own). */
  claim(name: string): string;
  /** A variable summed into the numbers the scripts print. */
  metric(kind: 'recon' | 'kl', variable: string): void;
  /** The name of the objective variable (what the Loss computes). */
  objective: string;
  fail(message: string): never;
}

/** A node's code for one target framework. Lines are unindented; the writer places them. */
export interface NodeCode {
  /** Run in the model's forward pass, in dataflow order. */
  forward: string[];
  /** A top-level definition (a PyTorch nn.Module class, a Keras model builder). */
  network?: string[];
  /** Lines in the model's constructor. */
  init?: string[];
  /** Keras: what the model's trainable_variables lists for this node. */
  tracked?: string[];
  /** Definitions the lines above call. */
  helpers?: HelperName[];
  /** Browser weight ↔ script parameter, for loading one into the other. */
  weights?: WeightLink[];
  /** The codes μ of a batch `x`, as an expression (posteriors: what the disentanglement report scores). */
  encode?: string;
}

export interface CodeContext {
  target: ExportTarget;
  /** Claims a Python name (e.g. a Keras builder function). */
  claim(name: string): string;
}

/** How a node kind exports itself: its step, then its code per target. */
export interface NodeExporter<P, S extends ExportStep = ExportStep> {
  describe(ctx: DescribeContext<P>): S;
  code(step: S, ctx: CodeContext): NodeCode;
}

/** Browser weight `node/name` ↔ script parameter, with how the array is laid out in each. */
export interface WeightLink {
  browser: string;
  python: string;
  /**
   * How the browser's array becomes the script's: `same` (Keras keeps the browser's layouts); for PyTorch,
   * dense [in, out] → [out, in], conv [k, k, in, out] → [out, in, k, k], deconv [k, k, out, in] → [in, out, k, k],
   * vector and scalar unchanged.
   */
  layout: 'same' | 'dense' | 'conv' | 'deconv' | 'vector' | 'scalar';
}

/** Where the lines of the model's forward pass start (inside a method of the Model class). */
export const FORWARD_INDENT = '        ';

/** The comment above a node's lines in the forward pass (its title and note). */
export function forwardComment(node: NodeRef, what: string): string[] {
  const lines = commentLines(`${nodeTitle(node)}: ${what}`, FORWARD_INDENT);
  if (node.note) lines.push(...commentLines(node.note, FORWARD_INDENT));
  return lines;
}
