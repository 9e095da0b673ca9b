/**
 * The model an exported script builds, worked out once for every target
 * language: the compiled graph (compileGraph → Plan) as an ordered list of
 * steps, one per node, each described by its own kind's exporter (nodes/),
 * with the Python names it reads and writes. Pure; the PyTorch and Keras
 * writers only assemble the nodes' code.
 *
 * A node kind without an exporter, or a graph the scripts cannot express,
 * gives an error naming the node, never code that would not run.
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import { compileGraph, type Plan, type PlanNode } from '../compiler/plan';
import type { GraphDoc, PortRef } from '../core/schema';
import { internalError } from '../share/graphFile';
import { datasetSources } from './datasetSources';
import { ExportError, type DescribeContext, type NodeExporter, type NodeRef } from './nodeExport';
import { PyNames, snakeCase } from './python';
import { SHAPES_PYTHON_NAMES } from './shapesPython';
import type { DescribedStep, DescribeResult, ExportModel } from './exportModel';

export type { ExportStep, NodeRef } from './nodeExport';

export type { DescribedStep, DescribeResult, ExportModel } from './exportModel';

/** Identifiers every script defines itself; node-derived names never take them. */
// prettier-ignore
export const TEMPLATE_NAMES = [
  'argparse', 'math', 'os', 'np', 'numpy', 'torch', 'nn', 'F', 'datasets', 'tf', 'keras', 'layers',
  'SEED', 'EPOCHS', 'BATCH_SIZE', 'LEARNING_RATE', 'OPTIMIZER', 'DATASET', 'BINARIZE', 'IMAGE_SHAPE',
  'TEST_BATCH_SIZE', 'STATIC_BINARIZATION_SEED', 'HALF_LOG_2PI', 'LOG_2',
  'Model', 'x', 'z', 'h', 'step', 'sample', 'terms', 'objective', 'model', 'args', 'main', 'parse_args',
  'flatten_hwc', 'unflatten_hwc', 'glorot_init', 'leaky_relu', 'scalar_variable', 'sum_pixels_mean_batch', 'sum_pixels',
  'reparameterize', 'kl_per_dimension', 'continuous_bernoulli_log_norm', 'load_dataset', 'binarize_static',
  'batches', 'train', 'evaluate', 'pick_device', 'device', 'optimizer', 'epoch', 'logits', 'mean', 'log_var',
  'train_step', 'test_step', 'totals', 'count', 'batch', 'history', 'variables', 'grads', 'tape', 'rng', 'images',
  'labels', 'result', 'zero', 'parser', 'summary', 'importance_weighted_log_px', 'LOG_2PI', 'IW_ROWS',
];

const fail = (nodeId: string | undefined, message: string): DescribeResult => ({
  ok: false,
  errors: [{ severity: 'error', code: 'export', message, ...(nodeId ? { nodeId } : {}) }],
});

/** Works out the model a script builds; errors name the node. Never throws. */
export function describeForExport(doc: GraphDoc, registry: ReadonlyMap<string, AnyNodeDef> = nodeRegistry): DescribeResult {
  try {
    const compiled = compileGraph(doc, registry);
    if (!compiled.ok) return { ok: false, errors: compiled.diagnostics };
    return describePlan(doc, compiled.plan, registry);
  } catch (e) {
    if (e instanceof ExportError) return fail(e.nodeId, e.message);
    return { ok: false, errors: [internalError('preparing the export', e)] };
  }
}

function describePlan(doc: GraphDoc, plan: Plan, defs: ReadonlyMap<string, AnyNodeDef>): DescribeResult {
  const exporters = new Map<string, NodeExporter<Record<string, unknown>>>();
  for (const n of plan.nodes) {
    const exporter = defs.get(n.type)?.exporter;
    if (!exporter)
      return fail(n.id, `node '${n.id}' (${n.type}): ${n.type} nodes cannot be exported to Python; remove it or export the graph as JSON`);
    exporters.set(n.id, exporter);
  }
  const source = datasetSources[plan.dataset.id];
  if (source.kind === 'unavailable') return fail(plan.dataset.nodeId, `node '${plan.dataset.nodeId}': ${source.reason}`);
  const labels = plan.nodes.find((n) => n.id === plan.dataset.nodeId)?.usedOutputs.includes(plan.dataset.labels) ?? false;
  if (labels && source.kind === 'generated') {
    return fail(
      plan.dataset.nodeId,
      `node '${plan.dataset.nodeId}': a graph that reads the labels of the ${plan.dataset.id} dataset the scripts draw themselves cannot be exported yet; train it on a dataset file (MNIST, Fashion-MNIST, your own)`,
    );
  }
  // a script that draws its dataset also defines the drawing and scoring code's names
  const generated = datasetSources[plan.dataset.id].kind === 'generated';
  const names = new PyNames(generated ? [...TEMPLATE_NAMES, ...SHAPES_PYTHON_NAMES] : TEMPLATE_NAMES);
  const docNodes = new Map(doc.nodes.map((n) => [n.id, n]));
  /** Python variables holding each output port's value (`node.port`, or `node.port#part`). */
  const vars = new Map<string, string>();
  const metrics: ExportModel['metrics'] = { recon: [], kl: [] };
  const objective = 'objective';

  const contextFor = (node: PlanNode): DescribeContext<Record<string, unknown>> => {
    const d = docNodes.get(node.id);
    const ref: NodeRef = { id: node.id, type: node.type, ...(d?.label ? { label: d.label } : {}), ...(d?.note ? { note: d.note } : {}) };
    const stem = snakeCase(node.id);
    const failHere = (message: string): never => {
      throw new ExportError(node.id, `node '${node.id}' (${node.type}): ${message}`);
    };
    return {
      node,
      ref,
      params: node.params,
      stem,
      input: (port, part) => {
        const refs: PortRef[] = node.inputs[port] ?? [];
        const r = refs[0];
        const v = r ? vars.get(`${r.node}.${r.port}${part ? `#${part}` : ''}`) : undefined;
        return v ?? failHere(`input '${port}' has no value to read`);
      },
      inputs: (port) =>
        (node.inputs[port] ?? []).map(
          (r) => vars.get(`${r.node}.${r.port}`) ?? failHere(`the input from '${r.node}' has no value to read`),
        ),
      output: (port, suffix, part) => {
        const v = names.claim(`${stem}_${suffix}`);
        vars.set(`${node.id}.${port}${part ? `#${part}` : ''}`, v);
        return v;
      },
      claim: (name) => names.claim(name),
      metric: (kind, variable) => metrics[kind].push(variable),
      objective,
      fail: failHere,
    };
  };

  const steps: DescribedStep[] = [];
  let totalParams = 0;
  for (const node of plan.nodes) {
    const exporter = exporters.get(node.id) as NodeExporter<Record<string, unknown>>;
    const step = exporter.describe(contextFor(node));
    totalParams += step.paramCount;
    steps.push({ step, exporter });
  }
  return {
    ok: true,
    model: {
      doc,
      plan,
      dataset: {
        id: plan.dataset.id,
        binarize: plan.dataset.binarize,
        batchSize: plan.dataset.batchSize,
        imageShape: plan.imageShape,
        ...(plan.dataset.imported ? { imported: plan.dataset.imported } : {}),
        labels,
      },
      training: plan.training,
      steps,
      metrics,
      objective,
      totalParams,
      names,
      variables: vars,
    },
  };
}
