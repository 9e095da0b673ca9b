/** tfjs for tests: the pure-JS cpu backend (exact, no setup) or wasm (fast, for training). */
import { initNodeBackend, type NodeBackend } from '../src/runtime/worker/nodeBackend';

export async function useBackend(name: NodeBackend = 'cpu') {
  return initNodeBackend(name);
}
