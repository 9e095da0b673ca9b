/**
 * The page's one training worker, shared by everything that trains (a single
 * run, a comparison): one backend and one model at a time, and run ids that
 * only ever increase, as the worker requires. Listeners receive every valid
 * message and pick theirs by run id. A crashed worker is dropped; the next
 * command starts a fresh one.
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

export function createWorkerHub(create: (handlers: WorkerListener) => WorkerClient = createWorkerClient): WorkerHub {
  const listeners = new Set<WorkerListener>();
  let client: WorkerClient | undefined;
  let runId = 1;

  const connect = (): WorkerClient =>
    (client ??= create({
      onMessage(message) {
        for (const l of [...listeners]) l.onMessage(message);
      },
      onError(text) {
        if (text.startsWith(WORKER_CRASHED)) {
          client?.terminate();
          client = undefined;
        }
        for (const l of [...listeners]) l.onError(text);
      },
    }));

  return {
    post: (message) => connect().post(message),
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
