/**
 * Training, as the dashboard sees it: the run's state (from the pure
 * reducer), the latest pictures, the live controls, and the commands sent to
 * the training worker. Big arrays live in shallowRefs; no tensor ever reaches
 * Vue (the worker only sends numbers and typed arrays).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, reactive, shallowRef } from 'vue';
import type { GraphDoc } from '../core/schema';
import type { BackendChoice } from '../runtime/backends';
import type { ExportFile, FromWorker, Preview, PreviewPicks, RunOptions, ToWorkerInput } from '../runtime/protocol';
import { createIdleRun, isActive, createPreparingRun, reduceRun, type RunView } from '../runtime/runState';
import { trainingWorker, WORKER_CRASHED } from '../runtime/workerHub';

export interface RunSettings {
  backend: BackendChoice;
  /** Train on the first N images (undefined: all). */
  trainLimit: number | undefined;
  testLimit: number | undefined;
  previewEvery: number;
  reportEvery: number;
}

export type ExportState =
  | { status: 'idle' }
  | { status: 'working'; requestId: number }
  | { status: 'ready'; files: ExportFile[] }
  | { status: 'failed'; message: string };

export const useTrainingStore = defineStore('training', () => {
  const run = shallowRef<RunView>(createIdleRun());
  const preview = shallowRef<Preview | undefined>(undefined);
  const exportState = shallowRef<ExportState>({ status: 'idle' });
  /** Problems with messages (malformed, stale commands); shown, never thrown. */
  const problems = shallowRef<string[]>([]);
  const settings = reactive<RunSettings>({ backend: 'auto', trainLimit: undefined, testLimit: undefined, previewEvery: 100, reportEvery: 20 });
  const picks = shallowRef<PreviewPicks>({ code: 0, pair: [0, 1] });
  /** Live values sent while training (undefined: the graph's own). */
  const liveLearningRate = shallowRef<number | undefined>(undefined);
  const liveBeta = shallowRef<Record<string, number>>({});
  /** The graph this run trains (to notice edits made since). */
  const trainedDoc = shallowRef<GraphDoc | undefined>(undefined);

  const hub = trainingWorker();
  let nextRequestId = 1;

  const active = computed(() => isActive(run.value.phase));

  function report(text: string): void {
    problems.value = [...problems.value, text].slice(-5);
  }

  function onMessage(message: FromWorker): void {
    if (message.type === 'protocolError') {
      if (message.runId === undefined || message.runId === run.value.runId) report(message.message);
      return;
    }
    if (message.type === 'ready') return;
    if (message.runId !== run.value.runId) return; // a report from an older run
    if (message.type === 'preview') preview.value = markRaw(message.preview);
    if (message.type === 'exported') {
      const state = exportState.value;
      if (state.status === 'working' && state.requestId === message.requestId) exportState.value = { status: 'ready', files: markRaw(message.files) };
      return;
    }
    if (message.type === 'exportFailed') {
      exportState.value = { status: 'failed', message: message.message };
      return;
    }
    run.value = reduceRun(run.value, message, performance.now());
  }

  hub.listen({
    onMessage,
    onError(text) {
      // the worker is shared with comparisons: only its crash concerns this run
      if (!text.startsWith(WORKER_CRASHED) && !isActive(run.value.phase)) return;
      report(text);
      if (isActive(run.value.phase) && text.startsWith(WORKER_CRASHED)) run.value = { ...run.value, phase: 'failed', error: text };
    },
  });

  function send(message: ToWorkerInput): void {
    const problem = hub.post(message);
    if (problem) report(problem);
  }

  function start(doc: GraphDoc): void {
    const runId = hub.nextRunId();
    run.value = createPreparingRun(runId);
    preview.value = undefined;
    exportState.value = { status: 'idle' };
    problems.value = [];
    trainedDoc.value = doc;
    // the graph holds the settings a run starts from; live values apply to one run
    clearLive();
    const options: RunOptions = {
      backend: settings.backend,
      reportEvery: settings.reportEvery,
      previewEvery: settings.previewEvery,
      picks: picks.value,
      ...(settings.trainLimit !== undefined ? { trainLimit: settings.trainLimit } : {}),
      ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
    };
    send({ type: 'start', runId, doc, options });
  }

  const command = (type: 'pause' | 'resume' | 'stop' | 'cancel' | 'debugLoseDevice') => (): void => {
    if (run.value.runId > 0) send({ type, runId: run.value.runId });
  };

  function step(steps = 1): void {
    if (active.value) send({ type: 'step', runId: run.value.runId, steps });
  }

  function setLearningRate(value: number): void {
    liveLearningRate.value = value;
    if (active.value) send({ type: 'setLearningRate', runId: run.value.runId, value });
  }

  function setBeta(nodeId: string, value: number): void {
    liveBeta.value = { ...liveBeta.value, [nodeId]: value };
    if (active.value) send({ type: 'setLive', runId: run.value.runId, nodeId, key: 'beta', value });
  }

  /** Forgets live overrides (the graph's own values apply again). */
  function clearLive(): void {
    liveLearningRate.value = undefined;
    liveBeta.value = {};
  }

  function setPicks(next: PreviewPicks): void {
    picks.value = next;
    if (run.value.runId > 0 && run.value.phase !== 'idle' && run.value.phase !== 'cancelled' && run.value.phase !== 'failed') {
      send({ type: 'setPicks', runId: run.value.runId, picks: next });
    }
  }

  function exportModel(): void {
    const requestId = nextRequestId++;
    exportState.value = { status: 'working', requestId };
    send({ type: 'export', runId: run.value.runId, requestId });
  }

  return {
    run,
    preview,
    exportState,
    problems,
    settings,
    picks,
    liveLearningRate,
    liveBeta,
    trainedDoc,
    active,
    start,
    pause: command('pause'),
    resume: command('resume'),
    stop: command('stop'),
    cancel: command('cancel'),
    loseDevice: command('debugLoseDevice'),
    step,
    setLearningRate,
    setBeta,
    clearLive,
    setPicks,
    exportModel,
  };
});
