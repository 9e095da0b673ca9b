/**
 * The page's side of the training worker: starts it, validates every message
 * both ways (a malformed one becomes an error report, never a crash) and
 * hands the valid ones on.
 */
import { parseFromWorker, toWorkerSchemas, type FromWorker, type ToWorkerInput } from '../protocol';

export interface WorkerClient {
  /** Validates and sends a command; returns the problem instead of sending a bad one. */
  post(message: ToWorkerInput): string | undefined;
  terminate(): void;
}

export interface WorkerClientHandlers {
  onMessage(message: FromWorker): void;
  /** A malformed message, or the worker failing to load or crashing. */
  onError(text: string): void;
}

export function createWorkerClient(handlers: WorkerClientHandlers): WorkerClient {
  const worker = new Worker(new URL('../worker/train.worker.ts', import.meta.url), { type: 'module', name: 'bottleneck-training' });
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = parseFromWorker(event.data);
    if (parsed.ok) handlers.onMessage(parsed.message);
    else handlers.onError(parsed.error);
  });
  worker.addEventListener('messageerror', () => handlers.onError('a message from the training worker could not be read'));
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    handlers.onError(`the training worker failed: ${event.message || 'it could not be loaded'}`);
  });
  return {
    post(message) {
      const schema = toWorkerSchemas[message.type];
      const checked = schema.safeParse(message);
      if (!checked.success) return `not sent: malformed '${message.type}' command (${checked.error.issues[0]?.message ?? 'invalid'})`;
      worker.postMessage(message);
      return undefined;
    },
    terminate() {
      worker.terminate();
    },
  };
}
