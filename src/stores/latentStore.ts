/**
 * Questions the dashboard asks the training worker about a run's latent
 * space: attribute vectors (x → x + α·v decoded) and the importance-weighted
 * estimate of log p(x), the moon interpolation. The latest row of each run is
 * kept, newest last, so an autoencoder's row can be shown beside a VAE's.
 */
import { defineStore } from 'pinia';
import { markRaw, shallowRef, watch } from 'vue';
import type { VectorSpec } from '../core/latentArithmetic';
import type { AttributeRow, FromWorker, LikelihoodResult, MoonRow, ToWorkerInput } from '../runtime/protocol';
import { trainingWorker, WORKER_CRASHED } from '../runtime/page/workerHub';
import { useTrainingStore } from './trainingStore';

export type AttributeState =
  | { status: 'idle' }
  | { status: 'working'; requestId: number }
  | { status: 'ready'; row: AttributeRow }
  | { status: 'failed'; message: string };

export type MoonState =
  { status: 'idle' } | { status: 'working'; requestId: number } | { status: 'ready'; row: MoonRow } | { status: 'failed'; message: string };

export type LikelihoodState =
  | { status: 'idle' }
  | { status: 'working'; requestId: number; done: number; total: number; samples: number }
  | { status: 'ready'; result: LikelihoodResult }
  | { status: 'failed'; message: string };

/** One run's latest row (attribute vector or moon interpolation), labelled with the graph it trained. */
export interface LogEntry<Row> {
  runId: number;
  graphName: string;
  row: Row;
}
export type AttributeLogEntry = LogEntry<AttributeRow>;
export type MoonLogEntry = LogEntry<MoonRow>;

/** The log with `entry` as its run's row, newest last, at most 6 runs. */
const logged = <Row>(log: LogEntry<Row>[], entry: LogEntry<Row>): LogEntry<Row>[] =>
  [...log.filter((e) => e.runId !== entry.runId), entry].slice(-6);

export const useLatentStore = defineStore('latent', () => {
  const training = useTrainingStore();
  const hub = trainingWorker();
  const attribute = shallowRef<AttributeState>({ status: 'idle' });
  const likelihood = shallowRef<LikelihoodState>({ status: 'idle' });
  /** The latest row of every run asked this session, newest last. */
  const attributeLog = shallowRef<AttributeLogEntry[]>([]);
  const moon = shallowRef<MoonState>({ status: 'idle' });
  /** The latest moon row of every run asked this session, newest last. */
  const moonLog = shallowRef<MoonLogEntry[]>([]);
  let nextRequestId = 1;

  // a new run starts with nothing asked
  watch(
    () => training.run.runId,
    () => {
      attribute.value = { status: 'idle' };
      moon.value = { status: 'idle' };
      likelihood.value = { status: 'idle' };
    },
  );

  const isCurrent = (state: AttributeState | MoonState | LikelihoodState, requestId: number): boolean =>
    state.status === 'working' && state.requestId === requestId;

  function onMessage(message: FromWorker): void {
    if (message.type === 'ready' || message.type === 'protocolError' || message.runId !== training.run.runId) return;
    switch (message.type) {
      case 'attributeRow': {
        if (!isCurrent(attribute.value, message.requestId)) return;
        const row = markRaw(message.row);
        attribute.value = { status: 'ready', row };
        attributeLog.value = logged(attributeLog.value, { runId: message.runId, graphName: training.trainedDoc?.name ?? '', row });
        return;
      }
      case 'moonRow': {
        if (!isCurrent(moon.value, message.requestId)) return;
        const row = markRaw(message.row);
        moon.value = { status: 'ready', row };
        moonLog.value = logged(moonLog.value, { runId: message.runId, graphName: training.trainedDoc?.name ?? '', row });
        return;
      }
      case 'moonFailed':
        if (isCurrent(moon.value, message.requestId)) moon.value = { status: 'failed', message: message.message };
        return;
      case 'attributeFailed':
        if (isCurrent(attribute.value, message.requestId)) attribute.value = { status: 'failed', message: message.message };
        return;
      case 'likelihoodProgress': {
        const state = likelihood.value;
        if (state.status === 'working' && state.requestId === message.requestId)
          likelihood.value = { ...state, done: message.done, total: message.total };
        return;
      }
      case 'likelihood':
        if (isCurrent(likelihood.value, message.requestId)) likelihood.value = { status: 'ready', result: message.result };
        return;
      case 'likelihoodFailed':
        if (isCurrent(likelihood.value, message.requestId)) likelihood.value = { status: 'failed', message: message.message };
        return;
      default:
        return;
    }
  }

  hub.listen({
    onMessage,
    onError(text) {
      // a crashed worker answers nothing more: what was asked of it failed
      if (!text.startsWith(WORKER_CRASHED)) return;
      if (attribute.value.status === 'working') attribute.value = { status: 'failed', message: text };
      if (moon.value.status === 'working') moon.value = { status: 'failed', message: text };
      if (likelihood.value.status === 'working') likelihood.value = { status: 'failed', message: text };
    },
  });

  /** Sends; the problem when the message was refused. */
  const send = (message: ToWorkerInput): string | undefined => hub.post(message);

  /** Whether the run has weights to ask about (it has begun and not failed or been cancelled). */
  function hasModel(): boolean {
    const phase = training.run.phase;
    return training.run.runId > 0 && phase !== 'idle' && phase !== 'preparing' && phase !== 'failed' && phase !== 'cancelled';
  }

  function applyVector(spec: VectorSpec, image: number, alphas: number[]): void {
    if (!hasModel()) return;
    const requestId = nextRequestId++;
    attribute.value = { status: 'working', requestId };
    const problem = send({ type: 'attributeVector', runId: training.run.runId, requestId, spec, image, alphas });
    if (problem) attribute.value = { status: 'failed', message: problem };
  }

  function interpolateMoon(steps: number): void {
    if (!hasModel()) return;
    const requestId = nextRequestId++;
    moon.value = { status: 'working', requestId };
    const problem = send({ type: 'moonPath', runId: training.run.runId, requestId, steps });
    if (problem) moon.value = { status: 'failed', message: problem };
  }

  function estimateLikelihood(samples: number, images: number): void {
    if (!hasModel() || likelihood.value.status === 'working') return;
    const requestId = nextRequestId++;
    likelihood.value = { status: 'working', requestId, done: 0, total: images, samples };
    const problem = send({ type: 'estimateLikelihood', runId: training.run.runId, requestId, samples, images });
    if (problem) likelihood.value = { status: 'failed', message: problem };
  }

  /** Stops the estimate in progress (the worker stops at its next image); the card goes back to its controls. */
  function cancelLikelihood(): void {
    const state = likelihood.value;
    if (state.status !== 'working') return;
    send({ type: 'cancelLikelihood', runId: training.run.runId, requestId: state.requestId });
    likelihood.value = { status: 'idle' };
  }

  return {
    attribute,
    likelihood,
    attributeLog,
    moon,
    moonLog,
    hasModel,
    applyVector,
    interpolateMoon,
    estimateLikelihood,
    cancelLikelihood,
  };
});
