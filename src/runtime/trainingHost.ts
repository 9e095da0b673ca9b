/**
 * The training worker's logic, independent of the worker itself: it receives
 * validated commands, runs one training session at a time and reports plain
 * numbers and Float32Arrays. tfjs, the backend probes and the dataset loader
 * are injected, so the same host runs in a Web Worker and in Node tests.
 *
 * A session survives a backend failing mid-run (a lost GPU device): a CPU copy
 * of the weights is refreshed at every report, so training continues on the
 * next backend from the last copied step.
 */
import { specRegistry } from '../../nodes';
import { compileProgram, type Program, type WeightMap } from '../compiler/program';
import { compileGraph, type Plan } from '../compiler/plan';
import type { DatasetId } from '../core/datasets';
import type { Diagnostic } from '../core/diagnostics';
import { liveParamsOf } from '../core/graphQueries';
import { parseGraph } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import type { BatchArrays } from '../data/batches';
import type { DatasetData } from '../data/format';
import { startCompareSession, type CompareSession } from './compareHost';
import { chooseBackend } from './backendChoice';
import { backendOrder, fallbackOrder, selectBackend, type BackendName, type BackendProbe, type BackendSelection } from './backends';
import { structureKey } from './structureKey';
import { trialSpeed } from './trialSpeed';
import { exportRun, type RunFacts } from './exportFiles';
import { missingKernels } from './kernels';
import type { TfModule } from './exportModel';
import { createPreviewSet, makePreview, type PreviewSet } from './previews';
import { measureSharpness, sharpnessImages } from './sharpnessProbe';
import { traceExample } from './anatomy';
import { encodeDataset } from '../metrics/encodeLatents';
import { labScores } from '../metrics/lab';
import { parseToWorker, type FromWorkerInput, type ParsedRunOptions, type Preview, type PreviewPicks, type ToWorker } from './protocol';
import { TrainControl, train, type EvalMetrics, type TrainEvent, type TrainResult } from './trainer';

export interface HostDeps {
  tf: TfModule;
  post(message: FromWorkerInput, transfer?: Transferable[]): void;
  /** Loads a dataset, reporting bytes as they arrive. */
  loadDataset(id: DatasetId, onProgress: (loaded: number, total: number | undefined) => void): Promise<DatasetData>;
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

type Phase = 'preparing' | 'training' | 'done';

interface Session {
  runId: number;
  doc: GraphDoc;
  options: ParsedRunOptions;
  control: TrainControl;
  /** Aborted by stop and cancel (ends the session's training). */
  abort: AbortController;
  /** Aborted to end the current train() call (also on device loss). */
  inner: AbortController;
  phase: Phase;
  cancelled: boolean;
  stopped: boolean;
  program: Program | undefined;
  backend: BackendName | undefined;
  /** Backends that failed during this session. */
  excluded: BackendName[];
  lost: string | undefined;
  data: DatasetData | undefined;
  previewSet: PreviewSet | undefined;
  /** Test images the sharpness meter scores. */
  sharp: BatchArrays | undefined;
  picks: PreviewPicks;
  /** The batch position whose single steps are traced (null: none). */
  anatomySlot: number | null;
  weights: { step: number; values: WeightMap } | undefined;
  step: number;
  epoch: number;
  lastPreview: Preview | undefined;
  previewRequested: boolean;
  /** Serialises previews made outside the training loop. */
  previewChain: Promise<void>;
  final: EvalMetrics | undefined;
  startedAt: number;
  firstStepReported: boolean;
  cancelPosted: boolean;
  /** Resolves when the session has finished running. */
  done: Promise<void>;
}

export interface TrainingHost {
  /** Handles one raw message (validated here). */
  handle(raw: unknown): void;
  /** Resolves when the current session (if any) has stopped running. */
  idle(): Promise<void>;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createTrainingHost(deps: HostDeps): TrainingHost {
  const { tf } = deps;
  const now = deps.now ?? (() => performance.now());
  let session: Session | undefined;
  /** The comparison being trained (instead of a single run). */
  let group: CompareSession | undefined;
  let latestRunId = -1;
  /** Backends whose device was lost: never tried again by this worker. */
  const lostForever: BackendName[] = [];
  /** Backends chosen by measuring, per graph structure (see autoBackend). */
  const autoChoices = new Map<string, BackendSelection>();

  const post = (message: FromWorkerInput, transfer: Transferable[] = []): void => deps.post(message, transfer);

  function handle(raw: unknown): void {
    const parsed = parseToWorker(raw);
    if (!parsed.ok) {
      post({ type: 'protocolError', message: parsed.error, ...(parsed.runId !== undefined ? { runId: parsed.runId } : {}) });
      return;
    }
    const message = parsed.message;
    if (message.type === 'start') {
      void start(message);
      return;
    }
    if (message.type === 'startCompare') {
      void startCompare(message);
      return;
    }
    if (group && group.runId === message.runId) {
      group.command(message);
      return;
    }
    const s = session;
    if (!s || s.runId !== message.runId) {
      // a command for an older (or unknown) run: ignored, and said so
      if (message.runId > latestRunId) {
        post({ type: 'protocolError', runId: message.runId, message: `no training run ${message.runId} to ${message.type}` });
      }
      return;
    }
    command(s, message);
  }

  function command(s: Session, message: Exclude<ToWorker, { type: 'start' | 'startCompare' }>): void {
    switch (message.type) {
      case 'pause':
        s.control.pause();
        return;
      case 'resume':
        s.control.resume();
        return;
      case 'step':
        if (!s.control.paused) s.control.pause();
        s.control.step(message.steps);
        return;
      case 'stop':
        s.stopped = true;
        s.control.resume();
        s.abort.abort();
        return;
      case 'cancel':
        s.cancelled = true;
        s.control.resume();
        s.abort.abort();
        if (s.phase === 'done') void finishCancel(s);
        return;
      case 'setLive':
        s.control.setLive(message.nodeId, message.key, message.value);
        return;
      case 'setLearningRate':
        s.control.learningRate = message.value;
        return;
      case 'setPicks':
        s.picks = message.picks;
        if (s.phase === 'training' && !s.control.paused) s.previewRequested = true;
        else queuePreview(s);
        return;
      case 'export':
        void exportFiles(s, message.requestId);
        return;
      case 'watchAnatomy':
        s.anatomySlot = message.slot;
        return;
      case 'score':
        s.previewChain = s.previewChain.then(() => postScores(s, message.requestId));
        return;
      case 'debugLoseDevice': {
        const ok = s.backend !== undefined && s.phase === 'training' && (deps.loseDevice?.(s.backend) ?? false);
        if (!ok)
          post({ type: 'protocolError', runId: s.runId, message: `run ${s.runId} is not training on a GPU device that can be lost` });
        return;
      }
    }
  }

  async function start(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
    if (message.runId <= latestRunId) {
      post({ type: 'protocolError', runId: message.runId, message: `run id ${message.runId} was already used; ids must increase` });
      return;
    }
    latestRunId = message.runId;
    await endCurrent();
    if (latestRunId !== message.runId) return; // a newer start arrived meanwhile
    const parsed = parseGraph(message.doc, specRegistry);
    if (!parsed.ok) {
      post({ type: 'failed', runId: message.runId, message: 'the graph is not valid', diagnostics: parsed.errors });
      return;
    }
    let resolveDone = () => {};
    const s: Session = {
      runId: message.runId,
      doc: parsed.doc,
      options: message.options,
      control: new TrainControl(),
      abort: new AbortController(),
      inner: new AbortController(),
      phase: 'preparing',
      cancelled: false,
      stopped: false,
      program: undefined,
      backend: undefined,
      excluded: [...lostForever],
      lost: undefined,
      data: undefined,
      previewSet: undefined,
      sharp: undefined,
      picks: message.options.picks ?? { code: 0, pair: [0, 1] },
      anatomySlot: null,
      weights: undefined,
      step: 0,
      epoch: 0,
      lastPreview: undefined,
      previewRequested: false,
      previewChain: Promise.resolve(),
      final: undefined,
      startedAt: now(),
      firstStepReported: false,
      cancelPosted: false,
      done: new Promise<void>((resolve) => {
        resolveDone = resolve;
      }),
    };
    if (message.options.learningRate !== undefined) s.control.learningRate = message.options.learningRate;
    for (const [nodeId, values] of Object.entries(message.options.live ?? {})) {
      for (const [key, value] of Object.entries(values)) s.control.setLive(nodeId, key, value);
    }
    session = s;
    try {
      await runSession(s);
    } catch (e) {
      if (!s.cancelled) post({ type: 'failed', runId: s.runId, message: errorText(e), diagnostics: [] });
    } finally {
      s.phase = 'done';
      resolveDone();
      if (s.cancelled) await finishCancel(s);
    }
  }

  /** Cancels the running single run or comparison (one trains at a time). */
  async function endCurrent(): Promise<void> {
    const previous = session;
    if (previous) {
      previous.cancelled = true;
      previous.control.resume();
      previous.abort.abort();
      await previous.done;
      await finishCancel(previous);
    }
    const g = group;
    if (g) {
      group = undefined;
      await g.cancel();
    }
  }

  async function startCompare(message: Extract<ToWorker, { type: 'startCompare' }>): Promise<void> {
    if (message.runId <= latestRunId) {
      post({ type: 'protocolError', runId: message.runId, message: `run id ${message.runId} was already used; ids must increase` });
      return;
    }
    latestRunId = message.runId;
    await endCurrent();
    if (latestRunId !== message.runId) return;
    const g = startCompareSession(deps, message, { isCurrent: () => latestRunId === message.runId, lostBackends: lostForever, now });
    group = g;
    await g.done;
  }

  async function finishCancel(s: Session): Promise<void> {
    if (s.cancelPosted) return;
    s.cancelPosted = true;
    await s.previewChain;
    disposeSession(s);
    if (session === s) session = undefined;
    post({ type: 'cancelled', runId: s.runId });
  }

  function disposeSession(s: Session): void {
    s.program?.dispose();
    s.program = undefined;
  }

  const ended = (s: Session): boolean => s.cancelled || s.runId !== latestRunId;

  async function runSession(s: Session): Promise<void> {
    const compiled = checkGraph(s);
    if (!compiled) return;
    const datasetId = compiled.datasetId;

    // backend: one that starts and has every kernel this graph needs to train
    const probe: BackendProbe = async (name) => {
      const started = await deps.probe(name);
      if (!started.ok) return started;
      const missing = missingKernels(tf, name, compiled.plan);
      return missing.length > 0
        ? { ok: false, reason: `it cannot train this graph's convolutions (no ${missing.join(', ')} kernel)` }
        : started;
    };
    const order = backendOrder(s.options.backend, s.excluded);
    const selection = s.options.backend === 'auto' ? await autoBackend(s.doc, order, probe) : await selectBackend(order, probe);
    if (ended(s)) return;
    if (!selection.backend) {
      post({ type: 'failed', runId: s.runId, message: selection.note, diagnostics: [] });
      return;
    }
    s.backend = selection.backend;
    post({ type: 'backend', runId: s.runId, backend: selection.backend, attempts: selection.attempts, note: selection.note });

    // data
    post({ type: 'loading', runId: s.runId, what: `the ${datasetId} dataset`, loaded: 0 });
    s.data = await deps.loadDataset(datasetId, (loaded, total) =>
      post({ type: 'loading', runId: s.runId, what: `the ${datasetId} dataset`, loaded, ...(total !== undefined ? { total } : {}) }),
    );
    if (ended(s)) return;

    s.phase = 'training';
    let startStep = 0;
    for (;;) {
      const result = await trainOn(s, startStep);
      if (ended(s)) return;
      if (s.lost === undefined) {
        if (result) await finish(s, result);
        return;
      }
      // the backend failed: continue on the next one with the copied weights
      const from = s.backend;
      const reason = s.lost;
      disposeLostProgram(s);
      if (!lostForever.includes(from)) lostForever.push(from);
      s.excluded.push(from);
      const next = await selectBackend(fallbackOrder(from, s.excluded), probe);
      if (ended(s)) return;
      if (!next.backend) {
        post({ type: 'failed', runId: s.runId, message: `${reason}; no other backend could start. ${next.note}`, diagnostics: [] });
        return;
      }
      const resumedAt = s.weights?.step ?? 0;
      post({
        type: 'fallback',
        runId: s.runId,
        from,
        to: next.backend,
        reason,
        resumedAtStep: resumedAt,
        lostSteps: Math.max(0, s.step - resumedAt),
        note: next.note,
      });
      s.backend = next.backend;
      s.lost = undefined;
      s.inner = new AbortController();
      startStep = resumedAt;
    }
  }

  /**
   * "Auto": the backend chosen by measuring this graph (backendChoice.ts). The
   * choice is kept per graph structure, so training again starts at once.
   */
  async function autoBackend(doc: GraphDoc, order: BackendName[], probe: BackendProbe): Promise<BackendSelection> {
    const key = `${order.join(',')}|${structureKey(doc)}`;
    const known = autoChoices.get(key);
    if (known?.backend && (await probe(known.backend)).ok) return known;
    const selection = await chooseBackend(order, probe, () => trialSpeed(tf, doc));
    if (selection.backend) autoChoices.set(key, selection);
    return selection;
  }

  /** Checks that the graph compiles (no weights yet) and names the dataset it needs. */
  function checkGraph(s: Session): { datasetId: DatasetId; plan: Plan } | undefined {
    const compiled = compileGraph(s.doc, specRegistry);
    if (!compiled.ok) {
      post({ type: 'failed', runId: s.runId, message: describeDiagnostics(compiled.diagnostics), diagnostics: compiled.diagnostics });
      return undefined;
    }
    return { datasetId: compiled.plan.dataset.id, plan: compiled.plan };
  }

  function disposeLostProgram(s: Session): void {
    try {
      s.program?.dispose();
    } catch {
      // the device is gone; its buffers went with it
    }
    s.program = undefined;
  }

  /** One train() call on the current backend; undefined when it failed (reported) or the backend was lost. */
  async function trainOn(s: Session, startStep: number): Promise<TrainResult | undefined> {
    const backend = s.backend;
    if (!backend) throw new Error('no backend');
    const compiled = compileProgram(s.doc, tf);
    if (!compiled.ok) {
      post({ type: 'failed', runId: s.runId, message: describeDiagnostics(compiled.diagnostics), diagnostics: compiled.diagnostics });
      return undefined;
    }
    const program = compiled.program;
    s.program = program;
    if (s.weights) program.writeWeights(s.weights.values);
    if (!s.data) throw new Error('the dataset is not loaded');
    if (program.plan.generation) {
      s.previewSet ??= createPreviewSet(program, s.data, { scatterSize: s.options.scatterSize });
      s.sharp ??= sharpnessImages(program, s.data);
    }
    const stopWatching = deps.watchDevice?.(backend, (reason) => {
      if (s.lost !== undefined || s.phase !== 'training') return;
      s.lost = reason;
      s.inner.abort();
    });
    const onAbort = () => s.inner.abort();
    s.abort.signal.addEventListener('abort', onAbort);
    if (s.abort.signal.aborted) s.inner.abort();
    let lastPreviewStep = -Infinity;
    try {
      return await train(program, {
        data: s.data,
        ...(s.options.epochs !== undefined ? { epochs: s.options.epochs } : {}),
        ...(s.options.learningRate !== undefined ? { learningRate: s.options.learningRate } : {}),
        ...(s.options.trainLimit !== undefined ? { trainLimit: s.options.trainLimit } : {}),
        ...(s.options.testLimit !== undefined ? { testLimit: s.options.testLimit } : {}),
        ...(s.options.maxSteps !== undefined ? { maxSteps: s.options.maxSteps } : {}),
        reportEvery: s.options.reportEvery,
        reportIntervalMs: s.options.reportIntervalMs,
        reportFirstStep: true,
        startStep,
        signal: s.inner.signal,
        control: s.control,
        onEvent: (event) => onTrainEvent(s, program, event, startStep),
        beforeStep: async (info) => {
          // single steps (and slow motion) show one example's way through the step they take
          if (s.anatomySlot === null || !info.singleStep || !program.plan.generation) return;
          try {
            const anatomy = await traceExample(program, info.batch, { ...info, slot: s.anatomySlot, live: s.control.live });
            if (ended(s)) return;
            const arrays = [anatomy.input, anatomy.target, anatomy.reconstruction];
            post(
              { type: 'anatomy', runId: s.runId, anatomy },
              arrays.flatMap((a) => (a.buffer instanceof ArrayBuffer ? [a.buffer] : [])),
            );
          } catch (e) {
            post({ type: 'anatomyFailed', runId: s.runId, message: `could not follow the example: ${errorText(e)}` });
          }
        },
        onReport: async ({ step, epoch }) => {
          s.step = step;
          s.epoch = epoch;
          s.weights = { step, values: await program.readWeights() };
          // pictures every `previewEvery` steps, on request, and after each single step while paused
          const due =
            step - lastPreviewStep >= s.options.previewEvery || s.previewRequested || s.control.paused || lastPreviewStep === -Infinity;
          if (due && program.plan.generation && s.previewSet) {
            s.previewRequested = false;
            lastPreviewStep = step;
            await sendPreview(s, program, { step, epoch });
          }
        },
      });
    } catch (e) {
      // a lost device makes pending reads fail before its `lost` promise reports why: give it a moment
      if (s.lost === undefined && backend === 'webgpu') await waitUntil(() => s.lost !== undefined, 500);
      if (s.lost !== undefined || ended(s)) return undefined;
      // a backend error that did not announce itself as a lost device
      if (backend !== 'cpu' && isDeviceError(e)) {
        s.lost = `${backend} failed: ${errorText(e)}`;
        return undefined;
      }
      throw e;
    } finally {
      stopWatching?.();
      s.abort.signal.removeEventListener('abort', onAbort);
    }
  }

  function onTrainEvent(s: Session, program: Program, event: TrainEvent, startStep: number): void {
    if (ended(s) || s.lost !== undefined) return;
    switch (event.type) {
      case 'started': {
        const gen = program.plan.generation;
        post({
          type: 'started',
          runId: s.runId,
          backend: s.backend ?? 'cpu',
          totalSteps: event.totalSteps,
          stepsPerEpoch: event.stepsPerEpoch,
          epochs: event.epochs,
          paramCount: event.paramCount,
          startStep,
          dataset: program.plan.dataset.id,
          latentDim: gen?.latentDim ?? 0,
          variational: program.plan.variational,
          hasEncoder: gen?.mean !== undefined,
          hasDecoder: gen !== undefined,
          live: liveParamsOf(program.plan.nodes, specRegistry),
          setupMs: now() - s.startedAt,
        });
        return;
      }
      case 'progress': {
        const memory = tf.memory();
        const first = !s.firstStepReported;
        s.firstStepReported = true;
        s.step = event.step;
        post({
          type: 'progress',
          runId: s.runId,
          step: event.step,
          epoch: event.epoch,
          epochStep: event.epochStep,
          samplesPerSecond: event.samplesPerSecond,
          train: event.train,
          klPerDim: event.klPerDim,
          learningRate: event.applied.learningRate,
          live: event.applied.live,
          numTensors: memory.numTensors,
          numBytes: memory.numBytes,
          ...(first ? { firstStepMs: now() - s.startedAt } : {}),
        });
        return;
      }
      case 'epochEnded':
        post({ type: 'epochEnded', runId: s.runId, record: event.record });
        return;
      case 'diverged':
        post({ type: 'diverged', runId: s.runId, step: event.step, message: event.message });
        return;
      case 'paused':
        post({ type: 'paused', runId: s.runId, step: event.step });
        return;
      case 'resumed':
        post({ type: 'resumed', runId: s.runId, step: event.step });
        return;
    }
  }

  async function finish(s: Session, result: TrainResult): Promise<void> {
    s.final = result.final;
    s.step = result.steps;
    const program = s.program;
    if (program?.plan.generation && s.previewSet && s.lastPreview?.step !== result.steps) {
      await sendPreview(s, program, { step: result.steps, epoch: s.epoch });
    }
    // datasets with known factors: score the codes once training ends
    if (s.data?.factors && program?.plan.generation?.mean && result.status !== 'diverged') await postScores(s, null);
    post({
      type: 'finished',
      runId: s.runId,
      status: result.status === 'aborted' ? 'stopped' : result.status,
      steps: result.steps,
      final: result.final ?? null,
      ...(result.message !== undefined ? { message: result.message } : {}),
    });
  }

  async function sendPreview(s: Session, program: Program, at: { step: number; epoch: number }): Promise<void> {
    if (!s.previewSet) return;
    const pictures = await makePreview(program, s.previewSet, s.picks, at);
    const preview: Preview = s.sharp ? { ...pictures, sharpness: (await measureSharpness(program, s.sharp, at.step)).point } : pictures;
    s.lastPreview = preview;
    if (ended(s)) return;
    // copies go to the UI; the session keeps its own for exports
    const copy = structuredClone(preview);
    post({ type: 'preview', runId: s.runId, preview: copy }, transferablesOf(copy));
  }

  function queuePreview(s: Session): void {
    s.previewChain = s.previewChain.then(async () => {
      const program = s.program;
      if (!program || ended(s) || s.lost !== undefined) return;
      try {
        await sendPreview(s, program, { step: s.step, epoch: s.epoch });
      } catch (e) {
        post({ type: 'protocolError', runId: s.runId, message: `could not draw the preview: ${errorText(e)}` });
      }
    });
  }

  /** Scores the current codes of the whole test split against the dataset's known factors. */
  async function postScores(s: Session, requestId: number | null): Promise<void> {
    const fail = (message: string) => post({ type: 'scoreFailed', runId: s.runId, requestId, message });
    const program = s.program;
    const data = s.data;
    if (!program || !data) return fail('there is no model to score yet: start training first');
    const factors = data.factors;
    if (!factors) return fail(`the ${program.plan.dataset.id} dataset has no known factors; disentanglement is scored on shapes`);
    if (!program.plan.generation?.mean) return fail('this graph has no encoder whose codes could be scored');
    try {
      const started = now();
      const encoded = await encodeDataset(program, data, { split: 'test' });
      const scores = labScores(encoded, factors.names, 0);
      if (ended(s)) return;
      post({ type: 'scores', runId: s.runId, requestId, step: s.step, epoch: s.epoch, seconds: (now() - started) / 1000, scores });
    } catch (e) {
      fail(`scoring failed: ${errorText(e)}`);
    }
  }

  async function exportFiles(s: Session, requestId: number): Promise<void> {
    const program = s.program;
    if (!program) {
      post({ type: 'exportFailed', runId: s.runId, requestId, message: 'there is no trained model to export yet' });
      return;
    }
    try {
      const facts: RunFacts = {
        backend: s.backend ?? 'unknown',
        steps: s.step,
        ...(s.final
          ? {
              final: {
                elbo: s.final.elbo,
                recon: s.final.recon,
                kl: s.final.kl,
                activeUnits: s.final.activeUnits,
                klPerDim: s.final.klPerDim,
              },
            }
          : {}),
      };
      const files = await exportRun(tf, program, s.doc, s.lastPreview, facts);
      post(
        { type: 'exported', runId: s.runId, requestId, files },
        files.flatMap((f) => (f.bytes.buffer instanceof ArrayBuffer ? [f.bytes.buffer] : [])),
      );
    } catch (e) {
      post({ type: 'exportFailed', runId: s.runId, requestId, message: `export failed: ${errorText(e)}` });
    }
  }

  return {
    handle,
    async idle() {
      await session?.done;
      await session?.previewChain;
      await group?.done;
    },
  };
}

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}

function describeDiagnostics(diagnostics: ReadonlyArray<Diagnostic>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return errors.length > 0 ? errors.map((d) => d.message).join('; ') : 'the graph does not compile';
}

/**
 * Errors of a failing backend rather than of the graph: a lost device or
 * context, GPU memory, or a kernel the backend lacks. Training then moves on
 * to the next backend.
 */
function isDeviceError(e: unknown): boolean {
  if (typeof DOMException !== 'undefined' && e instanceof DOMException) return true;
  return /device|lost|context|webgl|webgpu|gpu|wasm|out of memory|kernel|backend|shader/i.test(errorText(e));
}

function transferablesOf(preview: Preview): Transferable[] {
  const arrays = [
    preview.inputs.data,
    preview.reconstructions.data,
    preview.samples.data,
    preview.scatter.points,
    preview.scatter.labels,
    preview.traversal?.images.data,
    preview.interpolation?.images.data,
  ];
  const out: Transferable[] = [];
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.push(a.buffer);
  return out;
}
