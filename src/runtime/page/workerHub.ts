/**
 * The page's one training worker, shared by everything that trains (a single
 * run, a comparison): one backend and one model at a time, and run ids that
 * only ever increase, as the worker requires. Listeners receive every valid
 * message and pick theirs by run id. A crashed worker is dropped; the next
 * command starts a fresh one.
 *
 * Cancel and Stop always work: when the worker does not answer one in time (a
 * step that never ends: a huge model, a lost device, a hung shader compile),
 * it is ended and a fresh one made; listeners hear `workerRestarted`, and
 * the runs started meanwhile are sent again to the fresh worker.
 */
import type { FromWorker, ToWorkerInput } from '../protocol';
import { createWorkerClient, type WorkerClient } from './workerClient';

export interface WorkerListener {
  onMessage(message: FromWorker): void;
  onError(text: string): void;
}

export interface WorkerHub {
  /** Validates and sends; returns the problem instead of sending a bad command. */
  post(message: ToWorkerInput): string | undefined;
  /** The id for the next run (increasing across every user of the worker). */
  nextRunId(): number;
  /** Returns a function that stops listening. */
  listen(listener: WorkerListener): () => void;
}

export const WORKER_CRASHED = 'the training worker failed';

/**
 * How long a cancel may go unanswered before the worker is ended, and how long
 * a stop may go without any word of its run (a stop ends with the final test
 * scores, which take a while on a slow backend; a cancel discards the run).
 */
export const ANSWER_WITHIN_MS = { cancel: 1000, stop: 15_000 } as const;

type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The messages that answer a cancel (the run is gone) or a stop (the run ended). */
function answers(command: 'stop' | 'cancel', message: FromWorker): boolean {
  if (message.type === 'cancelled' || message.type === 'protocolError') return true;
  return command === 'stop' && (message.type === 'finished' || message.type === 'compareFinished' || message.type === 'failed');
}

export function createWorkerHub(
  create: (handlers: WorkerListener) => WorkerClient = createWorkerClient,
  timers: Timers = realTimers,
): WorkerHub {
  const listeners = new Set<WorkerListener>();
  let client: WorkerClient | undefined;
  let runId = 1;
  /** A cancel or stop waiting for its answer, and the starts sent after it (sent again if the worker is ended). */
  let waiting: { runId: number; command: 'stop' | 'cancel'; timer: unknown; startsSince: ToWorkerInput[] } | undefined;

  const tell = (message: FromWorker): void => {
    for (const l of [...listeners]) l.onMessage(message);
  };

  function restart(): void {
    const w = waiting;
    if (!w) return;
    waiting = undefined;
    client?.terminate();
    client = undefined;
    const seconds = ANSWER_WITHIN_MS[w.command] / 1000;
    tell({
      type: 'workerRestarted',
      runId: w.runId,
      command: w.command,
      reason: `the training step did not end within ${seconds} s, so the training worker was restarted`,
    });
    for (const start of w.startsSince) connect().post(start);
  }

  const connect = (): WorkerClient =>
    (client ??= create({
      onMessage(message) {
        if (waiting && 'runId' in message && message.runId === waiting.runId) {
          if (answers(waiting.command, message)) {
            timers.clear(waiting.timer);
            waiting = undefined;
          } else if (waiting.command === 'stop') {
            // a stopping run that still reports is alive: it gets its time again (a cancel keeps its 1 s)
            timers.clear(waiting.timer);
            waiting.timer = timers.set(restart, ANSWER_WITHIN_MS.stop);
          }
        }
        tell(message);
      },
      onError(text) {
        if (text.startsWith(WORKER_CRASHED)) {
          client?.terminate();
          client = undefined;
          if (waiting) timers.clear(waiting.timer);
          waiting = undefined;
        }
        for (const l of [...listeners]) l.onError(text);
      },
    }));

  return {
    post(message) {
      const problem = connect().post(message);
      if (problem) return problem;
      if (message.type === 'cancel' || message.type === 'stop') {
        if (waiting) timers.clear(waiting.timer);
        const command = message.type === 'cancel' || waiting?.command === 'cancel' ? 'cancel' : 'stop';
        waiting = { runId: message.runId, command, timer: timers.set(restart, ANSWER_WITHIN_MS[command]), startsSince: [] };
      } else if (waiting && (message.type === 'start' || message.type === 'startCompare')) {
        waiting.startsSince.push(message);
      }
      return undefined;
    },
    nextRunId: () => runId++,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let shared: WorkerHub | undefined;

/** The hub of this page (made on first use). */
export function trainingWorker(): WorkerHub {
  shared ??= createWorkerHub();
  return shared;
}
