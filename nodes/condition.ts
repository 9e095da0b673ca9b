/** The Condition node: class labels as one-hot vectors c, and the optional `condition` input of a conditional encoder or decoder. */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import type { PortSpec } from '../src/core/nodeSpec';
import { formatShape, type Shape } from '../src/core/shape';
import {
  FORWARD_INDENT as I,
  forwardComment,
  type DescribeContext,
  type ExportStep,
  type ExportTarget,
  type NodeExporter,
} from '../src/export/nodeExport';
import { defineNode, tensorInput, type NodeInputs, type Tensor, type TF } from './defineNode';

const zParams = z.strictObject({});
export type ConditionParams = z.infer<typeof zParams>;

/** The `condition` input an encoder or decoder offers: a one-hot c, concatenated to what the network reads first. */
export const conditionInput: PortSpec = {
  kind: 'labels',
  label: 'c',
  doc: 'optional: a one-hot class c from a Condition node (a conditional VAE)',
  optional: true,
};

/**
 * The width K of a one-hot condition arriving at `port` (0 when nothing is wired).
 * Raw labels [B] are refused: they must be one-hot encoded first.
 */
export function conditionWidth(inputs: Readonly<Record<string, Shape | undefined>>, port = 'condition'): number {
  const c = inputs[port];
  if (!c) return 0;
  const k = c[1];
  if (c.length !== 2 || typeof k !== 'number') {
    throw new NodeIssueError(
      port,
      `expects a one-hot condition [B×K], got ${formatShape(c)}: wire the Dataset's label through a Condition node`,
    );
  }
  return k;
}

/** `h` with the one-hot condition appended to its features (h itself when the node is not conditioned). */
export function withCondition(tf: TF, h: Tensor, inputs: NodeInputs, nodeId: string, port = 'condition'): Tensor {
  if (inputs[port] === undefined) return h;
  return tf.concat([h, tensorInput(inputs, port, nodeId)], 1);
}

// ---- export to PyTorch and Keras ----

interface ConditionStep extends ExportStep {
  labels: string;
  c: string;
  classes: number;
}

/**
 * The exported encoders and decoders take the one-hot c as a second input beside x or z, and append it where
 * build() does (withCondition): after flattening, before the dense layers; and to z.
 */
export interface ExportedCondition {
  /** The Python variable holding c [B, K]. */
  variable: string;
  classes: number;
}

/** The one-hot condition wired into `port` of the node being exported (undefined when nothing is wired). */
export function exportedCondition<P>(ctx: DescribeContext<P>, port = 'condition'): ExportedCondition | undefined {
  if ((ctx.node.inputs[port] ?? []).length === 0) return undefined;
  const classes = conditionWidth(ctx.node.inputShapes, port);
  return { variable: ctx.input(port), classes };
}

/** What a conditioned network is called with: `self.net(x, c)` in PyTorch, `self.net([x, c])` in Keras. */
export function conditionedCall(target: ExportTarget, module: string, input: string, c: ExportedCondition | undefined): string {
  if (!c) return `self.${module}(${input})`;
  return target === 'pytorch' ? `self.${module}(${input}, ${c.variable})` : `self.${module}([${input}, ${c.variable}])`;
}

/** The Keras input line of a conditioned network's c (none without a condition). */
export const kerasConditionInput = (c: ExportedCondition | undefined): string[] =>
  c ? [`    c = keras.Input(shape=(${c.classes},))  # the one-hot class`] : [];

const conditionExporter: NodeExporter<ConditionParams, ConditionStep> = {
  describe(ctx) {
    const classes = ctx.node.outputShapes.c?.[1];
    if (typeof classes !== 'number') return ctx.fail('its one-hot width is unknown');
    return { node: ctx.ref, paramCount: 0, labels: ctx.input('labels'), c: ctx.output('c', 'c'), classes };
  },
  code(s, ctx) {
    const onehot =
      ctx.target === 'pytorch'
        ? `F.one_hot(${s.labels}.long(), ${s.classes}).float()`
        : `tf.one_hot(tf.cast(${s.labels}, tf.int32), ${s.classes})`;
    return { forward: [...forwardComment(s.node, `the one-hot class c of each label (${s.classes} classes)`), `${I}${s.c} = ${onehot}`] };
  },
};

export const Condition = defineNode<ConditionParams>({
  type: 'Condition',
  version: 1,
  title: 'Condition (one-hot)',
  category: 'data',
  summary: 'Turns class labels into one-hot vectors c for a conditional VAE.',
  docs:
    'A conditional VAE tells both networks the class: the encoder reads q(z|x, c) and the decoder p(x|z, c), ' +
    'with c the one-hot vector of the label, appended to the flattened image and to z. The code z is then ' +
    'free to hold what the class does not say (the style of a digit), and sampling z ~ N(0, I) with a chosen ' +
    'c draws an image of that class. The number of classes is the dataset’s.',
  params: zParams,
  controls: [],
  inputs: { labels: { kind: 'labels', label: 'label', doc: "the class of each image: the Dataset's label" } },
  outputs: { c: { kind: 'labels', label: 'c', doc: 'the one-hot class [B×K]' } },
  exporter: conditionExporter,
  infer({ inputs, datasetClasses }) {
    const labels = inputs.labels;
    if (!labels) throw new NodeIssueError('labels', "needs the Dataset's labels");
    if (labels.length !== 1) throw new NodeIssueError('labels', `expects class labels [B], got ${formatShape(labels)}`);
    const classes = datasetClasses();
    if (classes === undefined) throw new NodeIssueError('labels', 'cannot tell how many classes there are: the graph needs one Dataset');
    if (classes < 2) throw new NodeIssueError('labels', 'the dataset has no classes to condition on');
    return { outputs: { c: [null, classes] }, paramCount: 0 };
  },
  build({ tf, nodeId, outputShapes }) {
    const classes = outputShapes.c?.[1];
    if (typeof classes !== 'number') throw new Error(`node '${nodeId}': one-hot width missing`);
    return {
      apply: (inputs) => ({ c: tf.cast(tf.oneHot(tf.cast(tensorInput(inputs, 'labels', nodeId), 'int32'), classes), 'float32') }),
    };
  },
});
