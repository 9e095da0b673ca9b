/**
 * Training, as the dashboard sees it: the run's state (from the pure
 * reducer), the latest pictures, the live controls, and the commands sent to
 * the training worker. Big arrays live in shallowRefs; no tensor ever reaches
 * Vue (the worker only sends numbers and typed arrays).
 */
import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowRef } from 'vue';
import { budgetRefusal, checkTrainingBudget } from '../core/memoryBudget';
import type { GraphDoc } from '../core/schema';
import type { BackendChoice } from '../runtime/backends';
import type {
  Anatomy,
  DownloadFile,
  FromWorker,
  FromWorkerOf,
  Preview,
  PreviewPicks,
  RunOptions,
  ToWorkerInput,
} from '../runtime/protocol';
import { createIdleRun, isActive, createPreparingRun, reduceRun, type RunView } from '../runtime/page/runState';
import { trainingWorker, WORKER_CRASHED } from '../runtime/page/workerHub';
import { specRegistry } from '../../nodes';
import { datasetOf, weightTerms } from '../core/graphQueries';
import { datasetMissing } from './datasetAssets';
import { useImportedDatasetsStore } from './importedDatasetsStore';
import { missingImportMessage } from '../core/datasets';
import { memoryLimits, memorySettings, rememberSpeed } from './memorySettings';

export interface RunSettings {
  backend: BackendChoice;
  /** Train on the first N images (undefined: all). */
  trainLimit: number | undefined;
  testLimit: number | undefined;
  previewEvery: number;
  reportEvery: number;
}

export type DownloadState =
  | { status: 'idle' }
  | { status: 'working'; requestId: number }
  | { status: 'ready'; files: DownloadFile[] }
  | { status: 'failed'; message: string };

export type ScoreReport = Omit<FromWorkerOf<'scores'>, 'type' | 'runId' | 'requestId'>;

/** One scored run, kept for comparing scores across runs (β = 1 against β = 4). */
export interface ScoreLogEntry {
  runId: number;
  graphName: string;
  beta: number;
  step: number;
  mig: number;
  factorVae: number;
  betaVae: number;
}

export type ScoreState =
  | { status: 'idle' }
  | { status: 'working' }
  | { status: 'ready'; report: ScoreReport }
  | { status: 'failed'; message: string; last: ScoreReport | undefined };

/** Pause between slow-motion steps: time to watch ε → z → x̂ light up one after the other. */
export const SLOW_MOTION_MS = 1800;

export const useTrainingStore = defineStore('training', () => {
  const run = shallowRef<RunView>(createIdleRun());
  const importedDatasets = useImportedDatasetsStore();
  const preview = shallowRef<Preview | undefined>(undefined);
  const downloadState = shallowRef<DownloadState>({ status: 'idle' });
  /** Problems with messages (malformed, stale commands); shown, never thrown. */
  const problems = shallowRef<string[]>([]);
  const settings = reactive<RunSettings>({
    backend: 'auto',
    trainLimit: undefined,
    testLimit: undefined,
    previewEvery: 100,
    reportEvery: 20,
  });
  const picks = shallowRef<PreviewPicks>({ code: 0, pair: [0, 1] });
  /** Live values sent while training (undefined: the graph's own). */
  const liveLearningRate = shallowRef<number | undefined>(undefined);
  /** Live node params sent while training, by node and param (β, capacity …). */
  const live = shallowRef<Record<string, Record<string, number>>>({});
  /** The graph this run trains (to notice edits made since). */
  const trainedDoc = shallowRef<GraphDoc | undefined>(undefined);

  /** The batch position whose single steps are traced (null: none), and the latest trace. */
  const anatomySlot = ref<number | null>(null);
  const anatomy = shallowRef<Anatomy | undefined>(undefined);
  const anatomyError = ref<string | undefined>(undefined);
  /** Steps taken one at a time, with a pause to watch each. */
  const slowMotion = ref(false);
  let slowTimer: ReturnType<typeof setTimeout> | undefined;
  /** Multiply-adds per image of the graph training now (for the speed remembered when it ends). */
  let runMacs = 0;
  /** Disentanglement scores (datasets with known factors). */
  const scoreState = shallowRef<ScoreState>({ status: 'idle' });
  /** Every run scored in this session, newest last (the latest score of each run). */
  const scoreLog = shallowRef<ScoreLogEntry[]>([]);

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
    if (message.type === 'downloadReady') {
      const state = downloadState.value;
      if (state.status === 'working' && state.requestId === message.requestId)
        downloadState.value = { status: 'ready', files: markRaw(message.files) };
      return;
    }
    if (message.type === 'downloadFailed') {
      downloadState.value = { status: 'failed', message: message.message };
      return;
    }
    if (message.type === 'anatomy') {
      anatomy.value = markRaw(message.anatomy);
      anatomyError.value = undefined;
      if (slowMotion.value) scheduleSlowStep();
      return;
    }
    if (message.type === 'anatomyFailed') {
      anatomyError.value = message.message;
      stopSlowMotion();
      return;
    }
    if (message.type === 'scores') {
      const { type: _type, runId: _runId, requestId: _requestId, ...report } = message;
      scoreState.value = { status: 'ready', report: markRaw(report) };
      const doc = trainedDoc.value;
      if (doc) {
        const entry: ScoreLogEntry = {
          runId: message.runId,
          graphName: doc.name,
          beta: firstWeight(doc),
          step: report.step,
          mig: report.scores.mig,
          factorVae: report.scores.factorVae,
          betaVae: report.scores.betaVae,
        };
        scoreLog.value = [...scoreLog.value.filter((e) => e.runId !== entry.runId), entry].slice(-20);
      }
      return;
    }
    if (message.type === 'scoreFailed') {
      const state = scoreState.value;
      scoreState.value = { status: 'failed', message: message.message, last: state.status === 'ready' ? state.report : undefined };
      return;
    }
    const before = run.value;
    run.value = reduceRun(run.value, message, performance.now());
    // the command took effect once the phase moved on (paused, or ended)
    if (pending.value && run.value.phase !== before.phase) pending.value = undefined;
    // the speed it trained at estimates the next graph's epoch time
    if (message.type === 'finished' && before.samplesPerSecond > 0 && before.backend && runMacs > 0) {
      rememberSpeed({ macsPerImage: runMacs, samplesPerSecond: before.samplesPerSecond, backend: before.backend.name });
    }
    // the worker follows the example once the run exists
    if (message.type === 'started' && anatomySlot.value !== null)
      send({ type: 'watchAnatomy', runId: message.runId, slot: anatomySlot.value });
    if (!isActive(run.value.phase)) stopSlowMotion();
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

  /**
   * Starts training `doc`, unless it is too big for the budget: then nothing is
   * sent to the worker and the run says why (naming the node and param).
   * Returns whether training started.
   */
  function start(doc: GraphDoc): boolean {
    const { check, estimate } = checkTrainingBudget(doc, specRegistry, memoryLimits(settings.backend));
    const refusal = budgetRefusal(check);
    if (refusal) {
      run.value = { ...createIdleRun(), phase: 'failed', error: refusal.message, diagnostics: [refusal] };
      return false;
    }
    const dataset = datasetOf(doc.nodes, specRegistry);
    const missing = !dataset
      ? undefined
      : dataset.imported
        ? importedDatasets.byHash(dataset.imported.hash)
          ? undefined
          : missingImportMessage(dataset.imported)
        : datasetMissing(dataset.dataset);
    if (dataset && missing) {
      const diagnostic = {
        severity: 'error' as const,
        code: 'dataset-missing',
        message: missing,
        nodeId: dataset.nodeId,
        field: 'dataset',
      };
      run.value = { ...createIdleRun(), phase: 'failed', error: missing, diagnostics: [diagnostic] };
      return false;
    }
    runMacs = estimate.macsPerImage;
    const runId = hub.nextRunId();
    run.value = createPreparingRun(runId);
    preview.value = undefined;
    downloadState.value = { status: 'idle' };
    problems.value = [];
    trainedDoc.value = doc;
    anatomy.value = undefined;
    anatomyError.value = undefined;
    scoreState.value = { status: 'idle' };
    stopSlowMotion();
    // the graph holds the settings a run starts from; live values apply to one run
    clearLive();
    const options: RunOptions = {
      backend: settings.backend,
      reportEvery: settings.reportEvery,
      previewEvery: settings.previewEvery,
      picks: picks.value,
      ...(settings.trainLimit !== undefined ? { trainLimit: settings.trainLimit } : {}),
      ...(settings.testLimit !== undefined ? { testLimit: settings.testLimit } : {}),
      memoryBudget: memorySettings.budgetMb * 1e6,
    };
    send({ type: 'start', runId, doc, options });
    return true;
  }

  /** A pause, stop or cancel sent and not yet taken effect (the buttons say "Stopping…" meanwhile). */
  const pending = ref<{ runId: number; command: 'pause' | 'stop' | 'cancel' } | undefined>(undefined);
  const command = (type: 'pause' | 'resume' | 'stop' | 'cancel' | 'debugLoseDevice') => (): void => {
    if (run.value.runId <= 0) return;
    if (type === 'pause' || type === 'stop' || type === 'cancel') pending.value = { runId: run.value.runId, command: type };
    send({ type, runId: run.value.runId });
  };

  function step(steps = 1): void {
    if (active.value) send({ type: 'step', runId: run.value.runId, steps });
  }

  function setLearningRate(value: number): void {
    liveLearningRate.value = value;
    if (active.value) send({ type: 'setLearningRate', runId: run.value.runId, value });
  }

  /** Changes a live param of a node (one its kind offers live) for the running training. */
  function setLive(nodeId: string, key: string, value: number): void {
    live.value = { ...live.value, [nodeId]: { ...live.value[nodeId], [key]: value } };
    if (active.value) send({ type: 'setLive', runId: run.value.runId, nodeId, key, value });
  }

  /** The first weight (β) the run trained with: a live value when one was set, else the graph's. */
  function firstWeight(doc: GraphDoc): number {
    const term = weightTerms(doc.nodes, specRegistry)[0];
    return term ? (live.value[term.nodeId]?.[term.param] ?? term.value) : 1;
  }

  /** Forgets live overrides (the graph's own values apply again). */
  function clearLive(): void {
    liveLearningRate.value = undefined;
    live.value = {};
  }

  function setPicks(next: PreviewPicks): void {
    picks.value = next;
    if (run.value.runId > 0 && run.value.phase !== 'idle' && run.value.phase !== 'cancelled' && run.value.phase !== 'failed') {
      send({ type: 'setPicks', runId: run.value.runId, picks: next });
    }
  }

  /** Follows example `slot` of each batch through the single steps taken (null: stop following). */
  function follow(slot: number | null): void {
    anatomySlot.value = slot;
    if (slot === null) stopSlowMotion();
    if (active.value) send({ type: 'watchAnatomy', runId: run.value.runId, slot });
  }

  /** One step, traced: pauses the run and shows the step's ε → z → x̂ for the followed example. */
  function traceStep(): void {
    if (!active.value) return;
    if (anatomySlot.value === null) follow(0);
    step(1);
  }

  function scheduleSlowStep(): void {
    clearTimeout(slowTimer);
    slowTimer = setTimeout(() => {
      if (slowMotion.value && active.value) step(1);
      else stopSlowMotion();
    }, SLOW_MOTION_MS);
  }

  function startSlowMotion(): void {
    if (!active.value) return;
    slowMotion.value = true;
    traceStep();
  }

  function stopSlowMotion(): void {
    slowMotion.value = false;
    clearTimeout(slowTimer);
    slowTimer = undefined;
  }

  /** Scores the codes against the dataset's known factors now. */
  function requestScores(): void {
    if (run.value.runId === 0 || run.value.phase === 'idle' || run.value.phase === 'preparing') return;
    const state = scoreState.value;
    if (state.status === 'working') return;
    scoreState.value = { status: 'working' };
    send({ type: 'score', runId: run.value.runId, requestId: nextRequestId++ });
  }

  function downloadModel(): void {
    const requestId = nextRequestId++;
    downloadState.value = { status: 'working', requestId };
    send({ type: 'download', runId: run.value.runId, requestId });
  }

  return {
    run,
    preview,
    downloadState,
    problems,
    settings,
    picks,
    liveLearningRate,
    live,
    trainedDoc,
    active,
    start,
    pending,
    pause: command('pause'),
    resume: command('resume'),
    stop: command('stop'),
    cancel: command('cancel'),
    loseDevice: command('debugLoseDevice'),
    step,
    setLearningRate,
    setLive,
    clearLive,
    setPicks,
    downloadModel,
    anatomySlot,
    anatomy,
    anatomyError,
    slowMotion,
    follow,
    traceStep,
    startSlowMotion,
    stopSlowMotion,
    scoreState,
    scoreLog,
    requestScores,
  };
});
