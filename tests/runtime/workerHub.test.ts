import { describe, expect, test } from 'vitest';
import type { FromWorker, ToWorkerInput } from '../../src/runtime/protocol';
import { ANSWER_WITHIN_MS, createWorkerHub, WORKER_CRASHED, type WorkerListener } from '../../src/runtime/page/workerHub';
import type { WorkerClient } from '../../src/runtime/page/workerClient';

/** A stand-in for the Worker: records what was posted, lets the test play the worker's side. */
function fakeWorkers() {
  const made: Array<{ posted: ToWorkerInput[]; terminated: boolean; handlers: WorkerListener }> = [];
  const create = (handlers: WorkerListener): WorkerClient => {
    const w = { posted: [] as ToWorkerInput[], terminated: false, handlers };
    made.push(w);
    return {
      post(message) {
        w.posted.push(message);
        return undefined;
      },
      terminate() {
        w.terminated = true;
      },
    };
  };
  return { made, create };
}

describe('the shared training worker', () => {
  test('one worker for every listener; run ids increase across them', () => {
    const { made, create } = fakeWorkers();
    const hub = createWorkerHub(create);
    const a: FromWorker[] = [];
    const b: FromWorker[] = [];
    hub.listen({ onMessage: (m) => a.push(m), onError: () => {} });
    const stop = hub.listen({ onMessage: (m) => b.push(m), onError: () => {} });
    expect(made).toHaveLength(0); // started on first use
    const first = hub.nextRunId();
    const second = hub.nextRunId();
    expect(second).toBeGreaterThan(first);
    hub.post({ type: 'pause', runId: first });
    hub.post({ type: 'cancel', runId: second });
    expect(made).toHaveLength(1);
    expect(made[0]?.posted.map((m) => m.type)).toEqual(['pause', 'cancel']);
    made[0]?.handlers.onMessage({ type: 'ready' });
    stop();
    made[0]?.handlers.onMessage({ type: 'cancelled', runId: second });
    expect(a.map((m) => m.type)).toEqual(['ready', 'cancelled']);
    expect(b.map((m) => m.type)).toEqual(['ready']);
  });

  test('a crashed worker is dropped and the next command starts a fresh one; other errors keep it', () => {
    const { made, create } = fakeWorkers();
    const hub = createWorkerHub(create);
    const errors: string[] = [];
    hub.listen({ onMessage: () => {}, onError: (t) => errors.push(t) });
    hub.post({ type: 'pause', runId: hub.nextRunId() });
    made[0]?.handlers.onError('dashboard: malformed message');
    hub.post({ type: 'resume', runId: 1 });
    expect(made).toHaveLength(1);
    made[0]?.handlers.onError(`${WORKER_CRASHED}: out of memory`);
    expect(made[0]?.terminated).toBe(true);
    hub.post({ type: 'stop', runId: hub.nextRunId() });
    expect(made).toHaveLength(2);
    expect(made[1]?.posted.map((m) => m.type)).toEqual(['stop']);
    expect(errors).toEqual(['dashboard: malformed message', `${WORKER_CRASHED}: out of memory`]);
  });

  test('a cancel the worker does not answer within 1 s ends the worker; runs started meanwhile go to a fresh one', () => {
    const { made, create } = fakeWorkers();
    const pending: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
    const timers = {
      set: (fn: () => void, ms: number) => {
        const t = { fn, ms, cleared: false };
        pending.push(t);
        return t;
      },
      clear: (t: unknown) => {
        (t as { cleared: boolean }).cleared = true;
      },
    };
    const hub = createWorkerHub(create, timers);
    const heard: FromWorker[] = [];
    hub.listen({ onMessage: (m) => heard.push(m), onError: () => {} });
    const first = hub.nextRunId();
    hub.post({ type: 'cancel', runId: first });
    expect(pending[0]?.ms).toBe(ANSWER_WITHIN_MS.cancel);
    const next = hub.nextRunId();
    hub.post({ type: 'start', runId: next, doc: {}, options: {} });
    // the worker is stuck in a step: nothing comes back, the timer fires
    pending[0]?.fn();
    expect(made[0]?.terminated).toBe(true);
    expect(heard.at(-1)).toMatchObject({ type: 'workerRestarted', runId: first, command: 'cancel' });
    expect(made).toHaveLength(2);
    expect(made[1]?.posted.map((m) => m.type)).toEqual(['start']);

    // an answered stop disarms its watch: nothing is ended
    hub.post({ type: 'stop', runId: next });
    expect(pending[1]?.ms).toBe(ANSWER_WITHIN_MS.stop);
    made[1]?.handlers.onMessage({ type: 'finished', runId: next, status: 'stopped', steps: 3, final: null });
    expect(pending[1]?.cleared).toBe(true);
    expect(made[1]?.terminated).toBe(false);
  });
});
