/**
 * A comparison in the training worker: several graphs (a fork and its
 * original, or the runs of a β sweep) trained side by side in lock-step on one
 * backend. Each run reports its losses, its pictures of the same fixed test
 * images and prior codes ε, and its sharpness meter. trainingHost.ts starts
 * it and routes the commands of its run id here.
 *
 * A comparison does not move to another backend mid-run (a single run does):
 * when the device is lost it stops, says so, and the next start avoids that
 * backend.
 */
import { datasetFacts } from '../../core/datasets';
import type { Program, WeightMap } from '../../compiler/program';
import { compileProgram } from '../../compiler/program';
import type { Diagnostic } from '../../core/diagnostics';
import { BatchSampler } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { backendOrder, selectBackend, type BackendName } from '../backends';
import type { FromWorkerInput, FromWorkerOf, ToWorker } from '../protocol';
import { countSameWeights, makeLanePreview, prepareLanes, stepsOf, transferablesOf, type Lane } from './compareLanes';
import {
  activeLimits,
  budgetRefusalFor,
  errorText,
  trainableProbe,
  type HostDeps,
  type RunCommand,
  type RunEnv,
  type RunSession,
} from './hostDeps';
import { batchKey, trainLockstep, type LaneResult } from './lockstep';
import { pickFixedIndices } from './previews';
import { sharpnessImages } from './sharpnessProbe';
import type { TrainEvent } from './trainer';

type StartCompare = Extract<ToWorker, { type: 'startCompare' }>;

export function startCompareSession(deps: HostDeps, message: StartCompare, env: RunEnv): RunSession {
  const { tf } = deps;
  const runId = message.runId;
  const options = message.options;
  const startedAt = env.now();
  const abort = new AbortController();
  let cancelled = false;
  let stopped = false;
  let cancelPosted = false;
  let training = false;
  let groupPaused = false;
  let lost: string | undefined;
  /** The backend training now. */
  let current: BackendName | undefined;
  let lanes: Lane[] = [];

  const post = (m: FromWorkerInput, transfer: Transferable[] = []): void => deps.post(m, transfer);
  const ended = (): boolean => cancelled || !env.isCurrent();
  const fail = (text: string, diagnostics: Diagnostic[] = []): void => {
    if (!ended()) post({ type: 'failed', runId, message: text, diagnostics });
  };

  function command(m: RunCommand): void {
    switch (m.type) {
      case 'pause':
        for (const l of lanes) l.control.pause();
        return;
      case 'resume':
        for (const l of lanes) l.control.resume();
        return;
      case 'step':
        for (const l of lanes) {
          if (!l.control.paused) l.control.pause();
          l.control.step(m.steps);
        }
        return;
      case 'stop':
        stopped = true;
        for (const l of lanes) l.control.resume();
        abort.abort();
        return;
      case 'cancel':
        void cancel();
        return;
      case 'setLearningRate':
        for (const l of lanes) l.control.learningRate = m.value;
        return;
      case 'debugLoseDevice': {
        const ok = current !== undefined && training && (deps.loseDevice?.(current) ?? false);
        if (!ok) post({ type: 'protocolError', runId, message: `comparison ${runId} is not training on a GPU device that can be lost` });
        return;
      }
      case 'setLive':
      case 'setPicks':
      case 'download':
      case 'attributeVector':
      case 'moonPath':
      case 'estimateLikelihood':
      case 'cancelLikelihood':
        post({ type: 'protocolError', runId, message: `'${m.type}' applies to a single run, not to a comparison (run ${runId})` });
        return;
    }
  }

  async function sendPreview(lane: number, at: { step: number; epoch: number }): Promise<void> {
    const l = lanes[lane];
    if (!l?.program || !l.fixed || !l.sharp) return;
    const preview = await makeLanePreview(l.program, l.fixed, l.sharp, at);
    l.lastPreviewStep = at.step;
    if (!ended()) post({ type: 'lanePreview', runId, lane, preview }, transferablesOf(preview));
  }

  function onLaneEvent(lane: number, event: TrainEvent, batchDigest: string): void {
    if (ended() || lost !== undefined) return;
    switch (event.type) {
      case 'progress': {
        const l = lanes[lane];
        if (l) {
          l.step = event.step;
          l.epoch = event.epoch;
        }
        post({
          type: 'laneProgress',
          runId,
          lane,
          step: event.step,
          epoch: event.epoch,
          samplesPerSecond: event.samplesPerSecond,
          train: event.train,
          batchDigest,
          numTensors: tf.memory().numTensors,
        });
        return;
      }
      case 'epochEnded':
        post({ type: 'laneEpochEnded', runId, lane, record: event.record });
        return;
      case 'paused':
        if (!groupPaused) {
          groupPaused = true;
          post({ type: 'paused', runId, step: event.step });
        }
        return;
      case 'resumed':
        if (groupPaused) {
          groupPaused = false;
          post({ type: 'resumed', runId, step: event.step });
        }
        return;
      case 'started':
      case 'diverged':
        // announced once for all runs (compareStarted); a divergence ends with that run's laneFinished
        return;
    }
  }

  async function train(data: DatasetData, backend: BackendName): Promise<LaneResult[] | undefined> {
    const stopWatching = deps.watchDevice?.(backend, (reason) => {
      if (lost !== undefined || !training) return;
      lost = reason;
      abort.abort();
    });
    training = true;
    try {
      return await trainLockstep(
        lanes.map((l) => l.program).filter((p): p is Program => p !== undefined),
        {
          data,
          signal: abort.signal,
          controls: lanes.map((l) => l.control),
          reportEvery: options.reportEvery,
          reportFirstStep: true,
          ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
          ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
          ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
          ...(options.testLimit !== undefined ? { testLimit: options.testLimit } : {}),
          ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
          onEvent: onLaneEvent,
          onReport: async (lane, { step, epoch }) => {
            const l = lanes[lane];
            if (!l || ended() || lost !== undefined) return;
            l.step = step;
            l.epoch = epoch;
            const due = step - l.lastPreviewStep >= options.previewEvery || l.control.paused;
            if (due) await sendPreview(lane, { step, epoch });
          },
        },
      );
    } catch (e) {
      if (lost === undefined && !ended()) throw e;
      return undefined;
    } finally {
      training = false;
      stopWatching?.();
    }
  }

  /** Each run's length and what it shares with the first, checked: weights at step 0, and the settings that decide the batches. */
  async function describeLanes(data: DatasetData): Promise<FromWorkerOf<'compareStarted'>['lanes']> {
    const weights: WeightMap[] = [];
    for (const l of lanes) weights.push(l.program ? await l.program.readWeights() : {});
    const first = lanes[0];
    const firstBatches = first ? batchKey(first.doc, options) : '';
    return lanes.map((l, i) => ({
      label: l.label,
      ...stepsOf(l.plan, data, options),
      paramCount: l.plan.totalParams,
      latentDim: l.plan.generation?.latentDim ?? 0,
      variational: l.plan.variational,
      sameWeights: countSameWeights(weights[0] ?? {}, weights[i] ?? {}),
      weights: Object.keys(weights[i] ?? {}).length,
      sameBatches: batchKey(l.doc, options) === firstBatches,
    }));
  }

  async function run(): Promise<void> {
    const prepared = prepareLanes(message.lanes);
    if ('problem' in prepared) {
      fail(prepared.problem, prepared.diagnostics);
      return;
    }
    lanes = prepared;
    const first = prepared[0];
    if (!first) return;
    if (options.live && Object.keys(options.live).length > 0) {
      post({ type: 'protocolError', runId, message: 'live values are not applied to a comparison: they would change every run alike' });
    }

    // one backend that can train every graph
    const probe = trainableProbe(
      deps,
      lanes.map((l) => l.plan),
    );
    const order = backendOrder(options.backend, env.lostBackends());
    // "auto" measures the first run's graph: the others differ from it by one change
    const selection = options.backend === 'auto' ? await env.chooseAuto(first.doc, order, probe) : await selectBackend(order, probe);
    if (ended()) return;
    const backend = selection.backend;
    if (!backend) {
      fail(selection.note);
      return;
    }
    current = backend;
    post({ type: 'backend', runId, backend, attempts: selection.attempts, note: selection.note });
    for (const l of lanes) {
      // the runs train side by side: each has its share of the budget
      const refusal = budgetRefusalFor(l.doc, activeLimits(tf, backend, options.memoryBudget / lanes.length));
      if (refusal) {
        fail(`'${l.label}' (one of ${lanes.length} runs sharing the budget): ${refusal.message}`, [refusal]);
        return;
      }
    }

    const { id: datasetId, imported } = first.plan.dataset;
    const what = `the ${datasetFacts(datasetId, imported).title} dataset`;
    post({ type: 'loading', runId, what, loaded: 0 });
    const data = await deps.loadDataset(
      datasetId,
      (loaded, total) => post({ type: 'loading', runId, what, loaded, ...(total !== undefined ? { total } : {}) }),
      imported,
    );
    if (ended()) return;

    for (const l of lanes) {
      const compiled = compileProgram(l.doc, tf);
      if (!compiled.ok) {
        fail(`'${l.label}': ${compiled.diagnostics.map((d) => d.message).join('; ')}`, compiled.diagnostics);
        return;
      }
      l.program = compiled.program;
      const test = new BatchSampler(data, { split: 'test', batchSize: 1, binarize: l.plan.dataset.binarize, seed: compiled.program.seed });
      l.fixed = test.images(pickFixedIndices(data.test.labels, 10));
      l.sharp = sharpnessImages(compiled.program, data);
    }

    const described = await describeLanes(data);
    if (ended()) return;
    post({
      type: 'compareStarted',
      runId,
      backend,
      dataset: datasetId,
      setupMs: env.now() - startedAt,
      sharpnessImages: first.sharp?.size ?? 0,
      lanes: described,
    });

    const results = await train(data, backend);
    if (ended()) return;
    if (lost !== undefined || !results) {
      env.markLost(backend);
      fail(
        `${lost ?? 'the backend failed'}. A comparison does not move to another backend mid-run: start it again and it trains on the next one.`,
      );
      return;
    }
    for (const [lane, r] of results.entries()) {
      const l = lanes[lane];
      if (l && l.lastPreviewStep !== r.steps) await sendPreview(lane, { step: r.steps, epoch: l.epoch });
      if (ended()) return;
      post({
        type: 'laneFinished',
        runId,
        lane,
        status: r.status === 'aborted' ? 'stopped' : r.status,
        steps: r.steps,
        final: r.final ?? null,
        ...(r.message !== undefined ? { message: r.message } : {}),
      });
    }
    post({ type: 'compareFinished', runId, status: stopped ? 'stopped' : 'finished' });
  }

  function dispose(): void {
    for (const l of lanes) {
      try {
        l.program?.dispose();
      } catch {
        // a lost device took its buffers with it
      }
      l.program = undefined;
    }
  }

  const done = (async () => {
    try {
      await run();
    } catch (e) {
      fail(errorText(e));
    } finally {
      dispose();
    }
  })();

  async function cancel(): Promise<void> {
    cancelled = true;
    for (const l of lanes) l.control.resume();
    abort.abort();
    await done;
    if (cancelPosted) return;
    cancelPosted = true;
    post({ type: 'cancelled', runId });
  }

  return {
    runId,
    command,
    cancel,
    idle: () => done,
    closed: () => cancelPosted,
  };
}
