/**
 * How much memory and time training a graph takes, before anything is
 * allocated: its weights, gradients and optimizer state, its activations for
 * the chosen batch, its largest single buffer, and the work per image. The
 * check against a backend's limits names the node and the param to shrink.
 * Pure: computed from the analysis on every edit.
 */
import { analyzeGraph, type GraphAnalysis } from './analyze';
import type { Diagnostic } from './diagnostics';
import { datasetFacts } from './datasets';
import { datasetOf } from './graphQueries';
import type { NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc } from './schema';

const FLOAT = 4;
/** Activations are kept for the backward pass, their gradients computed, and temporaries made on the way. */
const ACTIVATION_COPIES = 3;
/** Test batches (no gradients) score this many images at once. */
const EVAL_BATCH = 500;

export interface NodeEstimate {
  nodeId: string;
  bytes: number;
  /** Fraction of the whole estimate. */
  share: number;
}

export interface TrainingEstimate {
  params: number;
  batchSize: number;
  bytes: { weights: number; gradients: number; optimizer: number; activations: number; total: number };
  /** The largest single buffer (a weight matrix or a batch of activations). */
  largestBufferBytes: number;
  /** Multiply-adds per image, forward pass (training costs about three times that). */
  macsPerImage: number;
  trainImages: number | undefined;
  /** Nodes by their part of the estimate, largest first. */
  nodes: NodeEstimate[];
}

/** Memory for training on one backend. */
export interface MemoryLimits {
  /** What training may use in all. */
  budgetBytes: number;
  /** The largest buffer the backend can bind (WebGPU's maxStorageBufferBindingSize), if it has such a limit. */
  maxBufferBytes?: number;
  /** Names the limit in messages ("the 2.0 GB memory budget", "WebGPU's 128 MB buffer limit"). */
  budgetName: string;
  bufferName?: string;
}

export type BudgetLevel = 'ok' | 'near' | 'over';

export interface BudgetCheck {
  level: BudgetLevel;
  /** One line for the status bar ("≈ 41 MB to train"). */
  summary: string;
  /** What is wrong and what to shrink (near or over). */
  message: string | undefined;
  /** The node and param to shrink. */
  nodeId: string | undefined;
  field: string | undefined;
}

/** A fraction of the budget beyond which training works but is warned about. */
export const NEAR_BUDGET = 0.7;

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export function estimateTraining(doc: GraphDoc, analysis: GraphAnalysis, registry: NodeSpecRegistry): TrainingEstimate {
  const dataset = datasetOf(doc.nodes, registry);
  const batchSize = dataset?.batchSize ?? 128;
  const optimizerValues = doc.training.optimizer === 'adam' ? 2 : 0;
  const used = Object.entries(analysis.nodes).filter(([, n]) => n.used);
  let params = 0;
  let activations = 0;
  let macs = 0;
  let largest = 0;
  const perNode: Array<{ nodeId: string; bytes: number }> = [];
  for (const [nodeId, n] of used) {
    params += n.paramCount;
    macs += n.cost.macs;
    const act = Math.max(batchSize * ACTIVATION_COPIES, EVAL_BATCH) * n.cost.activations * FLOAT;
    activations += act;
    largest = Math.max(largest, n.cost.largestWeight * FLOAT, Math.max(batchSize, EVAL_BATCH) * n.cost.largestActivation * FLOAT);
    // weights, gradients, the optimizer's moments, and the copy kept to survive a lost device
    perNode.push({ nodeId, bytes: n.paramCount * FLOAT * (3 + optimizerValues) + act });
  }
  const weights = params * FLOAT;
  const bytes = {
    // the weights and the copy kept to survive a lost device
    weights: 2 * weights,
    gradients: weights,
    optimizer: optimizerValues * weights,
    activations,
    total: (3 + optimizerValues) * weights + activations,
  };
  const total = Math.max(1, bytes.total);
  return {
    params,
    batchSize,
    bytes,
    largestBufferBytes: largest,
    macsPerImage: macs,
    trainImages: dataset ? datasetFacts(dataset.dataset, dataset.imported).trainCount : undefined,
    nodes: perNode.map((n) => ({ ...n, share: n.bytes / total })).sort((a, b) => b.bytes - a.bytes),
  };
}

/** The param to shrink on the node that takes most, with its label: "its hidden units". */
function shrinkAdvice(
  doc: GraphDoc,
  estimate: TrainingEstimate,
  registry: NodeSpecRegistry,
): { nodeId?: string; field?: string; text: string } {
  const top = estimate.nodes[0];
  const node = top && doc.nodes.find((n) => n.id === top.nodeId);
  if (!top || !node) return { text: 'use a smaller model or batch' };
  const spec = registry.get(node.type);
  const name = `node '${node.id}' (${node.label ?? spec?.title ?? node.type})`;
  const share = `${Math.round(top.share * 100)}%`;
  const parsed = spec?.params.safeParse(node.params);
  const field = parsed?.success ? spec?.sizeParams?.(parsed.data)[0] : undefined;
  if (!field) return { nodeId: node.id, text: `${name} takes ${share} of it: make it smaller, or lower the Dataset's batch size` };
  const label = spec?.controls.find((c) => c.key === field)?.label ?? field;
  const value = node.params[field];
  const now = Array.isArray(value) ? value.join(', ') : String(value);
  return { nodeId: node.id, field, text: `${name} takes ${share} of it: shrink its ${label} (now ${now})` };
}

/** "weights 2.0 GB, gradients 991 MB, optimizer 2.0 GB, activations for batch 128 137 MB". */
export function describeParts(estimate: TrainingEstimate): string {
  const { bytes } = estimate;
  const optimizer = bytes.optimizer > 0 ? `, optimizer ${formatBytes(bytes.optimizer)}` : '';
  return `weights ${formatBytes(bytes.weights)}, gradients ${formatBytes(bytes.gradients)}${optimizer}, activations for batch ${estimate.batchSize} ${formatBytes(bytes.activations)}`;
}

export function checkBudget(doc: GraphDoc, estimate: TrainingEstimate, limits: MemoryLimits, registry: NodeSpecRegistry): BudgetCheck {
  const total = estimate.bytes.total;
  const summary = `≈ ${formatBytes(total)} to train`;
  const parts = describeParts(estimate);
  const advice = shrinkAdvice(doc, estimate, registry);
  const at = { nodeId: advice.nodeId, field: advice.field };
  if (limits.maxBufferBytes !== undefined && estimate.largestBufferBytes > limits.maxBufferBytes) {
    const message =
      `Too big to train here: its largest buffer (${formatBytes(estimate.largestBufferBytes)}) is over ` +
      `${limits.bufferName ?? 'the largest buffer this backend can hold'} (${formatBytes(limits.maxBufferBytes)}); ${advice.text}.`;
    return { level: 'over', summary, message, ...at };
  }
  if (total > limits.budgetBytes) {
    const message =
      `Too big to train here: about ${formatBytes(total)} (${parts}) is over ${limits.budgetName} (${formatBytes(limits.budgetBytes)}); ` +
      `${advice.text}. The graph still exports to PyTorch and Keras.`;
    return { level: 'over', summary, message, ...at };
  }
  if (total > NEAR_BUDGET * limits.budgetBytes) {
    const message = `Near the memory limit: about ${formatBytes(total)} of ${limits.budgetName} (${formatBytes(limits.budgetBytes)}); ${advice.text}.`;
    return { level: 'near', summary, message, ...at };
  }
  return { level: 'ok', summary, message: undefined, nodeId: undefined, field: undefined };
}

/** The check as a diagnostic (errors refuse training; warnings are shown). */
export function budgetDiagnostic(check: BudgetCheck): Diagnostic | undefined {
  if (check.level === 'ok' || !check.message) return undefined;
  return {
    severity: check.level === 'over' ? 'error' : 'warning',
    code: check.level === 'over' ? 'too-big' : 'near-memory-limit',
    message: check.message,
    ...(check.nodeId ? { nodeId: check.nodeId } : {}),
    ...(check.field ? { field: check.field } : {}),
  };
}

/** The check's refusal: a diagnostic when the graph is over the limit (nothing may be allocated for it), else undefined. */
export function budgetRefusal(check: BudgetCheck): Diagnostic | undefined {
  const diagnostic = budgetDiagnostic(check);
  return diagnostic?.severity === 'error' ? diagnostic : undefined;
}

/** A measured speed: samples per second of a graph with this much work per image. */
export interface MeasuredSpeed {
  macsPerImage: number;
  samplesPerSecond: number;
  backend: string;
}

/** Seconds per epoch, scaled from a measured speed by the work per image (undefined without one). */
export function epochSeconds(estimate: TrainingEstimate, speed: MeasuredSpeed | undefined): number | undefined {
  if (!speed || !estimate.trainImages || !(speed.samplesPerSecond > 0) || !(speed.macsPerImage > 0)) return undefined;
  const samplesPerSecond = speed.samplesPerSecond * (speed.macsPerImage / Math.max(1, estimate.macsPerImage));
  return estimate.trainImages / samplesPerSecond;
}

/** The wasm32 address space: tfjs-backend-wasm's heap can grow to 4 GiB and no further. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/** The default budget for training in the browser (configurable). */
export const DEFAULT_BUDGET_BYTES = 2e9;

/** A WebGPU adapter's buffer limits (tfjs asks its device for the adapter's own). */
export interface GpuBufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The limits training meets on a backend, within a budget. */
export function limitsFor(backend: string, budgetBytes: number, gpu?: GpuBufferLimits): MemoryLimits {
  const budget = { budgetBytes, budgetName: 'the memory budget' };
  if (backend === 'wasm' && budgetBytes > 0.9 * WASM_HEAP_BYTES) {
    return { budgetBytes: 0.9 * WASM_HEAP_BYTES, budgetName: "what the WebAssembly backend's 4 GiB heap leaves for training" };
  }
  if (backend === 'webgpu' && gpu) {
    return {
      ...budget,
      maxBufferBytes: Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize),
      bufferName: "the largest buffer this GPU's WebGPU adapter can bind",
    };
  }
  return budget;
}

/** The graph's estimate and its check against `limits` (analysed here: call it with any document). */
export function checkTrainingBudget(
  doc: GraphDoc,
  registry: NodeSpecRegistry,
  limits: MemoryLimits,
  analysis: GraphAnalysis = analyzeGraph(doc, registry),
): { estimate: TrainingEstimate; check: BudgetCheck } {
  const estimate = estimateTraining(doc, analysis, registry);
  return { estimate, check: checkBudget(doc, estimate, limits, registry) };
}
