/**
 * What the worker's run hosts share: the injected dependencies, the worker's
 * record of backends (read and appended only through functions), the shape of
 * a running session, and the helpers that turn failures into messages.
 */
import { specRegistry } from '../../../nodes';
import type { Plan } from '../../compiler/plan';
import type { DatasetId, ImportedDatasetRef } from '../../core/datasets';
import type { Diagnostic } from '../../core/diagnostics';
import { budgetRefusal, checkTrainingBudget, limitsFor, type GpuBufferLimits, type MemoryLimits } from '../../core/memoryBudget';
import type { GraphDoc } from '../../core/schema';
import type { DatasetData } from '../../data/format';
import type { BackendName, BackendProbe, BackendSelection } from '../backends';
import type { FromWorkerInput, ToWorker } from '../protocol';
import { missingKernels } from './kernels';
import type { TfModule } from './layersModel';

export interface HostDeps {
  tf: TfModule;
  post(message: FromWorkerInput, transfer?: Transferable[]): void;
  /** Loads a dataset (the user's own one by its reference), reporting bytes as they arrive. */
  loadDataset(
    id: DatasetId,
    onProgress: (loaded: number, total: number | undefined) => void,
    imported?: ImportedDatasetRef,
  ): Promise<DatasetData>;
  /** Makes a backend the active one (see backends.ts). */
  probe: BackendProbe;
  /**
   * Watches the active backend for a lost device; calls `onLost` once with the
   * reason. Returns a function that stops watching.
   */
  watchDevice?(backend: BackendName, onLost: (reason: string) => void): () => void;
  /** Destroys the active backend's device (tests of the fallback); false when there is none. */
  loseDevice?(backend: BackendName): boolean;
  now?(): number;
}

/** What the worker tells a run about the worker (a single run or a comparison). */
export interface RunEnv {
  /** False once a newer run has started. */
  isCurrent(): boolean;
  /** The backends whose device was lost in this worker so far (a copy). */
  lostBackends(): BackendName[];
  /** Records a lost device: no later run in this worker tries that backend. */
  markLost(backend: BackendName): void;
  /** "Auto": the backend measured fastest for this graph (kept per graph structure). */
  chooseAuto(doc: GraphDoc, order: BackendName[], probe: BackendProbe): Promise<BackendSelection>;
  now(): number;
}

/** The commands of a run other than starting one. */
export type RunCommand = Exclude<ToWorker, { type: 'start' | 'startCompare' }>;

/** One run in the worker: a single run or a comparison. */
export interface RunSession {
  readonly runId: number;
  command(message: RunCommand): void;
  /** Ends the run (if running), frees its programs and reports `cancelled` once. */
  cancel(): Promise<void>;
  /** Resolves when it has stopped running and drawn what it was asked to. */
  idle(): Promise<void>;
  /** True once it reported `cancelled` (or never began): commands for it are ignored. */
  closed(): boolean;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function describeDiagnostics(diagnostics: ReadonlyArray<Diagnostic>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return errors.length > 0 ? errors.map((d) => d.message).join('; ') : 'the graph does not compile';
}

/**
 * Errors of a failing backend rather than of the graph: a lost device or
 * context, GPU memory, or a kernel the backend lacks. Training then moves on
 * to the next backend.
 */
export function isDeviceError(e: unknown): boolean {
  if (typeof DOMException !== 'undefined' && e instanceof DOMException) return true;
  return /device|lost|context|webgl|webgpu|gpu|wasm|out of memory|kernel|backend|shader/i.test(errorText(e));
}

export async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A probe that accepts a backend only when it starts and has every kernel these plans need to train. */
export function trainableProbe(deps: HostDeps, plans: ReadonlyArray<Plan>): BackendProbe {
  return async (name) => {
    const started = await deps.probe(name);
    if (!started.ok) return started;
    const missing = [...new Set(plans.flatMap((plan) => missingKernels(deps.tf, name, plan)))];
    const whose = plans.length > 1 ? "these graphs'" : "this graph's";
    return missing.length > 0 ? { ok: false, reason: `it cannot train ${whose} convolutions (no ${missing.join(', ')} kernel)` } : started;
  };
}

/** The limits of the backend now active: the budget, the wasm heap, a WebGPU device's buffer limits. */
export function activeLimits(tf: TfModule, backend: BackendName, budgetBytes: number): MemoryLimits {
  const device = (tf.backend() as { device?: { limits?: Partial<GpuBufferLimits> } }).device;
  const limits = device?.limits;
  const gpu =
    backend === 'webgpu' && limits?.maxBufferSize !== undefined && limits.maxStorageBufferBindingSize !== undefined
      ? { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize }
      : undefined;
  return limitsFor(backend, budgetBytes, gpu);
}

/** Refuses a graph too big for the active backend before anything is allocated: the failure names the node and param. */
export function budgetRefusalFor(doc: GraphDoc, limits: MemoryLimits): Diagnostic | undefined {
  return budgetRefusal(checkTrainingBudget(doc, specRegistry, limits).check);
}
