/**
 * One training run in the worker: it picks a backend, loads the data, trains,
 * and reports progress, pictures and the result. A run survives a backend
 * failing mid-run (a lost GPU device): a CPU copy of the weights is refreshed
 * at every report, so training continues on the next backend from the last
 * copied step.
 */
import { specRegistry } from '../../../nodes';
import { compileProgram } from '../../compiler/program';
import { compileGraph, type Plan } from '../../compiler/plan';
import { datasetFacts, type DatasetId } from '../../core/datasets';
import { parseGraph } from '../../core/parse';
import { backendOrder, fallbackOrder, selectBackend } from '../backends';
import type { FromWorkerInput, ToWorker } from '../protocol';
import { traceExample } from './anatomy';
import {
  activeLimits,
  budgetRefusalFor,
  describeDiagnostics,
  errorText,
  isDeviceError,
  trainableProbe,
  waitUntil,
  type HostDeps,
  type RunCommand,
  type RunEnv,
  type RunSession,
} from './hostDeps';
import { cancelLikelihood, postAttributeRow, postLikelihood, postMoonRow } from './latentRequests';
import { createPreviewSet } from './previews';
import { sharpnessImages } from './sharpnessProbe';
import { postScores, postTrainEvent, queuePreview, sendDownloads, sendPreview, type Session, type SessionIo } from './singleRunState';
import { TrainControl, train, type TrainResult } from './trainer';

export function startSingleRun(deps: HostDeps, message: Extract<ToWorker, { type: 'start' }>, env: RunEnv): RunSession {
  const { tf } = deps;
  const now = env.now;
  const post = (m: FromWorkerInput, transfer: Transferable[] = []): void => deps.post(m, transfer);
  const ended = (): boolean => s.cancelled || !env.isCurrent();
  const io: SessionIo = { deps, post, ended, now };
  const parsed = parseGraph(message.doc, specRegistry);
  if (!parsed.ok) {
    post({ type: 'failed', runId: message.runId, message: 'the graph is not valid', diagnostics: parsed.errors });
    return endedRun(message.runId);
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
    excluded: env.lostBackends(),
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

  function command(message: RunCommand): void {
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
        if (s.phase === 'done') void finishCancel();
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
        else queuePreview(io, s);
        return;
      case 'download':
        void sendDownloads(io, s, message.requestId);
        return;
      case 'watchAnatomy':
        s.anatomySlot = message.slot;
        return;
      case 'score':
        s.previewChain = s.previewChain.then(() => postScores(io, s, message.requestId));
        return;
      case 'attributeVector':
        s.previewChain = s.previewChain.then(() => postAttributeRow(io, s, message));
        return;
      case 'moonPath':
        s.previewChain = s.previewChain.then(() => postMoonRow(io, s, message));
        return;
      case 'estimateLikelihood':
        s.previewChain = s.previewChain.then(() => postLikelihood(io, s, message));
        return;
      case 'cancelLikelihood':
        // not queued behind the estimate it stops
        cancelLikelihood(s, message.requestId);
        return;
      case 'debugLoseDevice': {
        const ok = s.backend !== undefined && s.phase === 'training' && (deps.loseDevice?.(s.backend) ?? false);
        if (!ok)
          post({ type: 'protocolError', runId: s.runId, message: `run ${s.runId} is not training on a GPU device that can be lost` });
        return;
      }
    }
  }

  async function finishCancel(): Promise<void> {
    if (s.cancelPosted) return;
    s.cancelPosted = true;
    await s.previewChain;
    s.program?.dispose();
    s.program = undefined;
    post({ type: 'cancelled', runId: s.runId });
  }

  async function runSession(): Promise<void> {
    const compiled = checkGraph();
    if (!compiled) return;
    const datasetId = compiled.datasetId;

    // backend: one that starts and has every kernel this graph needs to train
    const probe = trainableProbe(deps, [compiled.plan]);
    const order = backendOrder(s.options.backend, s.excluded);
    const selection = s.options.backend === 'auto' ? await env.chooseAuto(s.doc, order, probe) : await selectBackend(order, probe);
    if (ended()) return;
    if (!selection.backend) {
      post({ type: 'failed', runId: s.runId, message: selection.note, diagnostics: [] });
      return;
    }
    s.backend = selection.backend;
    post({ type: 'backend', runId: s.runId, backend: selection.backend, attempts: selection.attempts, note: selection.note });
    const refusal = budgetRefusalFor(s.doc, activeLimits(tf, selection.backend, s.options.memoryBudget));
    if (refusal) {
      post({ type: 'failed', runId: s.runId, message: refusal.message, diagnostics: [refusal] });
      return;
    }

    // data
    const imported = compiled.plan.dataset.imported;
    const what = `the ${datasetFacts(datasetId, imported).title} dataset`;
    post({ type: 'loading', runId: s.runId, what, loaded: 0 });
    s.data = await deps.loadDataset(
      datasetId,
      (loaded, total) => post({ type: 'loading', runId: s.runId, what, loaded, ...(total !== undefined ? { total } : {}) }),
      imported,
    );
    if (ended()) return;

    s.phase = 'training';
    let startStep = 0;
    for (;;) {
      const result = await trainOn(startStep);
      if (ended()) return;
      if (s.lost === undefined) {
        if (result) await finish(result);
        return;
      }
      // the backend failed: continue on the next one with the copied weights
      const from = s.backend;
      const reason = s.lost;
      disposeLostProgram();
      env.markLost(from);
      s.excluded.push(from);
      const next = await selectBackend(fallbackOrder(from, s.excluded), probe);
      if (ended()) return;
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

  /** Checks that the graph compiles (no weights yet) and names the dataset it needs. */
  function checkGraph(): { datasetId: DatasetId; plan: Plan } | undefined {
    const compiled = compileGraph(s.doc, specRegistry);
    if (!compiled.ok) {
      post({ type: 'failed', runId: s.runId, message: describeDiagnostics(compiled.diagnostics), diagnostics: compiled.diagnostics });
      return undefined;
    }
    return { datasetId: compiled.plan.dataset.id, plan: compiled.plan };
  }

  function disposeLostProgram(): void {
    try {
      s.program?.dispose();
    } catch {
      // the device is gone; its buffers went with it
    }
    s.program = undefined;
  }

  /** One train() call on the current backend; undefined when it failed (reported) or the backend was lost. */
  async function trainOn(startStep: number): Promise<TrainResult | undefined> {
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
        onEvent: (event) => postTrainEvent(io, s, program, event, startStep),
        beforeStep: async (info) => {
          // single steps (and slow motion) show one example's way through the step they take
          if (s.anatomySlot === null || !info.singleStep || !program.plan.generation) return;
          try {
            const anatomy = await traceExample(program, info.batch, { ...info, slot: s.anatomySlot, live: s.control.live });
            if (ended()) return;
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
            await sendPreview(io, s, program, { step, epoch });
          }
        },
      });
    } catch (e) {
      // a lost device makes pending reads fail before its `lost` promise reports why: give it a moment
      if (s.lost === undefined && backend === 'webgpu') await waitUntil(() => s.lost !== undefined, 500);
      if (s.lost !== undefined || ended()) return undefined;
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

  async function finish(result: TrainResult): Promise<void> {
    s.final = result.final;
    s.step = result.steps;
    const program = s.program;
    if (program?.plan.generation && s.previewSet && s.lastPreview?.step !== result.steps) {
      await sendPreview(io, s, program, { step: result.steps, epoch: s.epoch });
    }
    // datasets with known factors: score the codes once training ends
    if (s.data?.factors && program?.plan.generation?.mean && result.status !== 'diverged') await postScores(io, s, null);
    post({
      type: 'finished',
      runId: s.runId,
      status: result.status === 'aborted' ? 'stopped' : result.status,
      steps: result.steps,
      final: result.final ?? null,
      ...(result.message !== undefined ? { message: result.message } : {}),
    });
  }

  void (async () => {
    try {
      await runSession();
    } catch (e) {
      if (!s.cancelled) post({ type: 'failed', runId: s.runId, message: errorText(e), diagnostics: [] });
    }
  })().finally(async () => {
    s.phase = 'done';
    resolveDone();
    if (s.cancelled) await finishCancel();
  });

  return {
    runId: s.runId,
    command,
    async cancel() {
      s.cancelled = true;
      s.control.resume();
      s.abort.abort();
      await s.done;
      await finishCancel();
    },
    async idle() {
      await s.done;
      await s.previewChain;
    },
    closed: () => s.cancelPosted,
  };
}

/** A run that ended before it began (its graph was not valid). */
function endedRun(runId: number): RunSession {
  return { runId, command: () => {}, cancel: async () => {}, idle: async () => {}, closed: () => true };
}
