/**
 * The page side of the browser benchmark (src/cli/benchBrowser.ts): trains a
 * graph in the real training worker on one backend, with no fallback, and
 * measures samples/s as the worker reports them.
 */
import { specRegistry } from '../../nodes';
import { parseGraph } from '../core/parse';
import { galleryGraph } from '../graphs';
import type { BackendName } from '../runtime/backends';
import type { FromWorker } from '../runtime/protocol';
import { createWorkerClient } from '../runtime/page/workerClient';

export interface BenchRequest {
  backend: BackendName;
  steps: number;
  /** A gallery graph id (graphs/<id>.json). */
  graph: string;
}

export interface BenchResult {
  backend: string;
  samplesPerSecond: number;
  steps: number;
  /** Milliseconds from the start command to the end of the first step. */
  firstStepMs?: number;
  /** From asking to pause to the worker saying it paused. */
  pauseMs?: number;
  /** From asking to stop to the run's end (its final test scores and pictures included). */
  stopMs?: number;
  /** Steps trained after the stop was asked for. */
  stepsAfterStop?: number;
  note?: string;
  crossOriginIsolated?: boolean;
}

declare global {
  interface Window {
    bottleneckBench?: { run(request: BenchRequest): Promise<BenchResult> };
  }
}

function run(request: BenchRequest): Promise<BenchResult> {
  const parsed = parseGraph(galleryGraph(request.graph), specRegistry);
  if (!parsed.ok) return Promise.resolve({ backend: request.backend, samplesPerSecond: 0, steps: 0, note: 'the graph does not parse' });
  return new Promise((resolve) => {
    const rates: Array<{ step: number; rate: number }> = [];
    let firstStepMs: number | undefined;
    let backend: string = request.backend;
    let note: string | undefined;
    // halfway: pause (and time until the worker says it paused), resume; at three quarters: stop
    const control: { pauseAt?: number; pauseMs?: number; stopAt?: number; stopStep?: number; stopMs?: number } = {};
    const client = createWorkerClient({
      onMessage(m: FromWorker) {
        if (m.type === 'backend') {
          backend = m.backend;
          note = m.note;
        } else if (m.type === 'fallback') {
          note = `${note ?? ''} [${m.reason}; moved to ${m.to}]`;
        } else if (m.type === 'progress') {
          if (m.firstStepMs !== undefined) firstStepMs = m.firstStepMs;
          // the first report includes shader compilation: leave it out of the rate
          else rates.push({ step: m.step, rate: m.samplesPerSecond });
          if (control.pauseAt === undefined && m.step >= request.steps / 2) {
            control.pauseAt = performance.now();
            client.post({ type: 'pause', runId: 1 });
          } else if (control.pauseMs !== undefined && control.stopAt === undefined && m.step >= (3 * request.steps) / 4) {
            control.stopAt = performance.now();
            control.stopStep = m.step;
            client.post({ type: 'stop', runId: 1 });
          }
        } else if (m.type === 'paused') {
          if (control.pauseAt !== undefined && control.pauseMs === undefined) control.pauseMs = performance.now() - control.pauseAt;
          client.post({ type: 'resume', runId: 1 });
        } else if (m.type === 'finished' || m.type === 'failed') {
          if (control.stopAt !== undefined) control.stopMs = performance.now() - control.stopAt;
          client.terminate();
          const usable = rates.length > 1 ? rates.slice(1) : rates;
          const mean = usable.reduce((s, r) => s + r.rate, 0) / Math.max(1, usable.length);
          if (m.type === 'failed') note = `${note ?? ''} ${m.message}`;
          resolve({
            crossOriginIsolated: self.crossOriginIsolated,
            backend,
            samplesPerSecond: m.type === 'failed' ? 0 : mean,
            steps: m.type === 'finished' ? m.steps : 0,
            ...(firstStepMs !== undefined ? { firstStepMs } : {}),
            ...(control.pauseMs !== undefined ? { pauseMs: Math.round(control.pauseMs) } : {}),
            ...(control.stopMs !== undefined
              ? { stopMs: Math.round(control.stopMs), stepsAfterStop: m.type === 'finished' ? m.steps - (control.stopStep ?? m.steps) : 0 }
              : {}),
            ...(note !== undefined ? { note } : {}),
          });
        }
      },
      onError(text) {
        client.terminate();
        resolve({ backend: request.backend, samplesPerSecond: 0, steps: 0, note: text });
      },
    });
    client.post({
      type: 'start',
      runId: 1,
      doc: parsed.doc,
      options: {
        backend: request.backend,
        maxSteps: request.steps,
        reportEvery: Math.max(1, Math.floor(request.steps / 5)),
        previewEvery: 1_000_000,
        testLimit: 100,
        scatterSize: 10,
      },
    });
  });
}

window.bottleneckBench = { run };
