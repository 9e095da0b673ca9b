/**
 * The training worker's logic, independent of the worker itself: it receives
 * validated commands, runs one session at a time (a single run, singleRun.ts,
 * or a comparison, compareHost.ts) and routes each command to it by run id.
 * tfjs, the backend probes and the dataset loader are injected, so the same
 * host runs in a Web Worker and in Node tests.
 *
 * The host owns what outlives a run: the latest run id, the backends whose
 * device was lost, and the backends chosen by measuring. Runs read and add to
 * them only through the RunEnv functions.
 */
import type { GraphDoc } from '../../core/schema';
import type { BackendName, BackendProbe, BackendSelection } from '../backends';
import { parseToWorker, type FromWorkerInput, type ToWorker } from '../protocol';
import { chooseBackend } from './backendChoice';
import { startCompareSession } from './compareHost';
import type { HostDeps, RunEnv, RunSession } from './hostDeps';
import { startSingleRun } from './singleRun';
import { structureKey } from './structureKey';
import { trialSpeed } from './trialSpeed';

export type { HostDeps } from './hostDeps';

export interface TrainingHost {
  /** Handles one raw message (validated here). */
  handle(raw: unknown): void;
  /** Resolves when the current session (if any) has stopped running. */
  idle(): Promise<void>;
}

type StartMessage = Extract<ToWorker, { type: 'start' | 'startCompare' }>;

export function createTrainingHost(deps: HostDeps): TrainingHost {
  const now = deps.now ?? (() => performance.now());
  let current: RunSession | undefined;
  let latestRunId = -1;
  /** The latest start, until its run has begun. */
  let starting: Promise<void> = Promise.resolve();
  /** Backends whose device was lost: never tried again by this worker. */
  const lostForever: BackendName[] = [];
  /** Backends chosen by measuring, per graph structure (see chooseAuto). */
  const autoChoices = new Map<string, BackendSelection>();

  const post = (message: FromWorkerInput, transfer: Transferable[] = []): void => deps.post(message, transfer);

  /**
   * "Auto": the backend chosen by measuring this graph (backendChoice.ts). The
   * choice is kept per graph structure, so training again starts at once.
   */
  async function chooseAuto(doc: GraphDoc, order: BackendName[], probe: BackendProbe): Promise<BackendSelection> {
    const key = `${order.join(',')}|${structureKey(doc)}`;
    const known = autoChoices.get(key);
    if (known?.backend && (await probe(known.backend)).ok) return known;
    const selection = await chooseBackend(order, probe, () => trialSpeed(deps.tf, doc));
    if (selection.backend) autoChoices.set(key, selection);
    return selection;
  }

  const envFor = (runId: number): RunEnv => ({
    isCurrent: () => latestRunId === runId,
    lostBackends: () => [...lostForever],
    markLost: (backend) => {
      if (!lostForever.includes(backend)) lostForever.push(backend);
    },
    chooseAuto,
    now,
  });

  function handle(raw: unknown): void {
    const parsed = parseToWorker(raw);
    if (!parsed.ok) {
      post({ type: 'protocolError', message: parsed.error, ...(parsed.runId !== undefined ? { runId: parsed.runId } : {}) });
      return;
    }
    const message = parsed.message;
    if (message.type === 'start' || message.type === 'startCompare') {
      starting = start(message);
      return;
    }
    if (!current || current.runId !== message.runId || current.closed()) {
      // a command for an older (or unknown) run: ignored, and said so
      if (message.runId > latestRunId) {
        post({ type: 'protocolError', runId: message.runId, message: `no training run ${message.runId} to ${message.type}` });
      }
      return;
    }
    current.command(message);
  }

  async function start(message: StartMessage): Promise<void> {
    if (message.runId <= latestRunId) {
      post({ type: 'protocolError', runId: message.runId, message: `run id ${message.runId} was already used; ids must increase` });
      return;
    }
    latestRunId = message.runId;
    // one run trains at a time: the previous one is cancelled first
    const previous = current;
    current = undefined;
    await previous?.cancel();
    if (latestRunId !== message.runId) return; // a newer start arrived meanwhile
    const env = envFor(message.runId);
    current = message.type === 'start' ? startSingleRun(deps, message, env) : startCompareSession(deps, message, env);
  }

  return {
    handle,
    async idle() {
      await starting;
      await current?.idle();
    },
  };
}
