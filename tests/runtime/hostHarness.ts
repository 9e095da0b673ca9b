/** A training host on the Node wasm backend, recording every message it posts (validated as the dashboard does). */
import * as tf from '@tensorflow/tfjs';
import { loadDatasetNode } from '../../src/data/loadNode';
import type { BackendName } from '../../src/runtime/backends';
import { parseFromWorker, type FromWorker, type FromWorkerOf } from '../../src/runtime/protocol';
import { createTrainingHost, type HostDeps } from '../../src/runtime/worker/trainingHost';

/** `losable`: the backend whose "device" the debugLoseDevice command can lose. */
export function nodeHost(options: { losable?: BackendName } = {}) {
  const messages: FromWorker[] = [];
  let lose: ((reason: string) => void) | undefined;
  const deps: HostDeps = {
    tf,
    post(message) {
      const parsed = parseFromWorker(structuredClone(message));
      if (!parsed.ok) throw new Error(parsed.error);
      messages.push(parsed.message);
    },
    loadDataset: async (id, onProgress) => {
      const data = loadDatasetNode(id);
      onProgress(1, 1);
      return data;
    },
    probe: async (name) => {
      if (name === 'webgpu' || name === 'webgl') return { ok: false, reason: `${name} does not exist in Node` };
      const ok = await tf.setBackend(name);
      return ok ? { ok: true } : { ok: false, reason: 'did not start' };
    },
    watchDevice(backend, onLost) {
      if (backend !== options.losable) return () => {};
      lose = onLost;
      return () => {
        lose = undefined;
      };
    },
    loseDevice(backend) {
      if (backend !== options.losable || !lose) return false;
      lose('the test device was lost');
      return true;
    },
  };
  const host = createTrainingHost(deps);
  const of = <K extends FromWorker['type']>(type: K, runId?: number): Array<FromWorkerOf<K>> =>
    messages.filter((m): m is FromWorkerOf<K> => m.type === type && (runId === undefined || ('runId' in m && m.runId === runId)));
  const waitFor = async (predicate: () => boolean, what: string, ms = 60_000) => {
    const t0 = Date.now();
    while (!predicate()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; got ${messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { host, messages, of, waitFor };
}
