/**
 * Runs side by side, as the dashboard sees them: a fork beside its original,
 * or a β sweep, trained in lock-step by the training worker (the same worker
 * as single runs: one training at a time). State from the pure reducer,
 * pictures in a shallowRef; no tensor ever reaches Vue.
 */
import { defineStore } from 'pinia';
import { specRegistry } from '../../nodes';
import { budgetRefusal, checkTrainingBudget } from '../core/memoryBudget';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { GraphDoc } from '../core/schema';
import { createPreparingCompare, reduceCompare, type CompareKind, type CompareView } from '../runtime/page/compareState';
import type { FromWorker, LanePreview, RunOptions } from '../runtime/protocol';
import { isActive } from '../runtime/page/runState';
import { trainingWorker, WORKER_CRASHED } from '../runtime/page/workerHub';
import { memoryLimits, memorySettings } from './memorySettings';
import { useTrainingStore } from './trainingStore';

export interface CompareLane {
  label: string;
  doc: GraphDoc;
}

/** Overrides of a comparison's length (short runs); the rest comes from the run settings. */
export interface CompareLength {
  epochs: number | undefined;
  trainLimit: number | undefined;
}

export type OverlayView = 'live' | 'history';

export const useCompareStore = defineStore('compare', () => {
  const training = useTrainingStore();
  const hub = trainingWorker();

  const view = shallowRef<CompareView | undefined>(undefined);
  /** Latest pictures of each run. */
  const pictures = shallowRef<Array<LanePreview | undefined>>([]);
  /** The graphs of the runs (for the history and graph differences). */
  const lanes = shallowRef<CompareLane[]>([]);
  /** The options the comparison was started with. */
  const options = shallowRef<RunOptions | undefined>(undefined);
  const problems = shallowRef<string[]>([]);
  /** What the comparison overlay shows (undefined: closed). */
  const overlay = ref<OverlayView | undefined>(undefined);

  const active = computed(() => view.value !== undefined && isActive(view.value.phase));

  function report(text: string): void {
    problems.value = [...problems.value, text].slice(-5);
  }

  function onMessage(message: FromWorker): void {
    const current = view.value;
    if (!current) return;
    if (message.type === 'protocolError') {
      if (message.runId === current.runId) report(message.message);
      return;
    }
    if (message.type === 'ready' || message.runId !== current.runId) return;
    if (message.type === 'lanePreview') {
      const next = [...pictures.value];
      next[message.lane] = markRaw(message.preview);
      pictures.value = next;
    }
    view.value = reduceCompare(current, message, performance.now());
  }

  hub.listen({
    onMessage,
    onError(text) {
      const current = view.value;
      if (!current || !isActive(current.phase)) return;
      report(text);
      if (text.startsWith(WORKER_CRASHED)) view.value = { ...current, phase: 'failed', error: text };
    },
  });

  function send(message: Parameters<typeof hub.post>[0]): void {
    const problem = hub.post(message);
    if (problem) report(problem);
  }

  /** Starts training `runs` side by side (the first is the reference), replacing any training. */
  function start(kind: CompareKind, runs: ReadonlyArray<CompareLane>, length: CompareLength): void {
    const runId = hub.nextRunId();
    const s = training.settings;
    const opts: RunOptions = {
      backend: s.backend,
      reportEvery: s.reportEvery,
      previewEvery: s.previewEvery,
      ...(length.epochs !== undefined ? { epochs: length.epochs } : {}),
      ...(length.trainLimit !== undefined ? { trainLimit: length.trainLimit } : {}),
      ...(s.testLimit !== undefined ? { testLimit: s.testLimit } : {}),
      memoryBudget: memorySettings.budgetMb * 1e6,
    };
    view.value = createPreparingCompare(
      runId,
      kind,
      runs.map((r) => r.label),
      Date.now(),
    );
    // the runs train side by side, each in its share of the budget: a run too big is refused before anything starts
    const share = memoryLimits(s.backend);
    const limits = { ...share, budgetBytes: share.budgetBytes / Math.max(1, runs.length) };
    for (const r of runs) {
      const refusal = budgetRefusal(checkTrainingBudget(r.doc, specRegistry, limits).check);
      if (refusal) {
        const message = `'${r.label}' (one of ${runs.length} runs sharing the budget): ${refusal.message}`;
        view.value = { ...view.value, phase: 'failed', error: message, diagnostics: [refusal] };
        overlay.value = 'live';
        return;
      }
    }
    pictures.value = runs.map(() => undefined);
    lanes.value = [...runs];
    options.value = opts;
    problems.value = [];
    overlay.value = 'live';
    send({ type: 'startCompare', runId, lanes: runs.map((r) => ({ label: r.label, doc: r.doc })), options: opts });
  }

  const command = (type: 'pause' | 'resume' | 'stop' | 'cancel') => (): void => {
    if (view.value && isActive(view.value.phase)) send({ type, runId: view.value.runId });
  };

  function step(): void {
    if (view.value && isActive(view.value.phase)) send({ type: 'step', runId: view.value.runId, steps: 1 });
  }

  function show(what: OverlayView): void {
    overlay.value = what;
  }

  function close(): void {
    overlay.value = undefined;
  }

  return {
    view,
    pictures,
    lanes,
    options,
    problems,
    overlay,
    active,
    start,
    pause: command('pause'),
    resume: command('resume'),
    stop: command('stop'),
    cancel: command('cancel'),
    step,
    show,
    close,
  };
});
