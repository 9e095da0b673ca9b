/**
 * The training worker: tfjs runs here, off the main thread, so the page stays
 * responsive while the model trains. All logic lives in trainingHost.ts; this
 * file wires it to the worker's messages and the browser's backends.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { createBrowserProbe, loseDevice, watchDevice } from './browserBackends';
import { loadDatasetBrowser } from './fetchDataset';
import type { FromWorkerInput } from '../protocol';
import { createTrainingHost } from './trainingHost';

const base = new URL(import.meta.env.BASE_URL, self.location.origin).href;

const host = createTrainingHost({
  tf,
  post: (message: FromWorkerInput, transfer: Transferable[] = []) => self.postMessage(message, { transfer }),
  loadDataset: (id, onProgress, imported) => loadDatasetBrowser(id, base, onProgress, imported),
  probe: createBrowserProbe(tf),
  watchDevice: (backend, onLost) => watchDevice(tf, backend, onLost),
  loseDevice: (backend) => loseDevice(tf, backend),
});

self.addEventListener('message', (event: MessageEvent<unknown>) => host.handle(event.data));
self.postMessage({ type: 'ready' } satisfies FromWorkerInput);
