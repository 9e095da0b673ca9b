/**
 * Several programs trained side by side in lock-step: one train() call per
 * program, interleaved on one backend, with a barrier at every report so no
 * run gets ahead of another by more than one report interval (runs with the
 * same batch size meet at exactly the same step at every report).
 *
 * Forked graphs keep their node ids and share the seed, so they start from the
 * same initial weights (where shapes agree) and read the same batches with the
 * same noise. The batches are checked, not assumed: every run hashes the
 * indices of the batches it trains on, and the hashes are reported.
 */
import type { Program } from '../../compiler/program';
import { specRegistry } from '../../../nodes';
import { datasetOf } from '../../core/graphQueries';
import type { GraphDoc } from '../../core/schema';
import { TrainControl, train, type TrainEvent, type TrainOptions, type TrainResult } from './trainer';

export interface LockstepOptions extends Omit<TrainOptions, 'control' | 'onEvent' | 'onReport' | 'onBatch' | 'signal' | 'startStep'> {
  signal?: AbortSignal;
  /** One per program (pause, single steps, learning rate); made when left out. */
  controls?: ReadonlyArray<TrainControl>;
  /** Every trainer event, with the digest of the batches the run has trained on so far. */
  onEvent?(lane: number, event: TrainEvent, batchDigest: string): void;
  /** After each report, once every other run has reached this step. */
  onReport?(lane: number, info: { step: number; epoch: number; batchDigest: string }): Promise<void> | void;
}

export interface LaneResult extends TrainResult {
  /** Hash of every batch the run trained on, in order. */
  batchDigest: string;
}

/**
 * Waits at a step until every other lane has reported at least that step (or
 * left). The slowest lane is never kept waiting, so there is no deadlock.
 */
export class StepBarrier {
  private readonly reached: number[];
  private waiting: Array<{ lane: number; step: number; resolve: () => void }> = [];
  private open = false;

  constructor(lanes: number, signal?: AbortSignal) {
    this.reached = new Array<number>(lanes).fill(0);
    signal?.addEventListener('abort', () => this.openAll(), { once: true });
    if (signal?.aborted) this.open = true;
  }

  arrive(lane: number, step: number): Promise<void> {
    this.reached[lane] = Math.max(this.reached[lane] ?? 0, step);
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push({ lane, step, resolve });
      this.release();
    });
  }

  /** A lane that finished (or failed) no longer holds the others. */
  leave(lane: number): void {
    this.reached[lane] = Infinity;
    this.release();
  }

  /** Steps each lane has reported so far. */
  get steps(): ReadonlyArray<number> {
    return this.reached;
  }

  private release(): void {
    this.waiting = this.waiting.filter((w) => {
      const ready = this.reached.every((r, j) => j === w.lane || r >= w.step);
      if (ready) w.resolve();
      return !ready;
    });
  }

  private openAll(): void {
    this.open = true;
    for (const w of this.waiting) w.resolve();
    this.waiting = [];
  }
}

/** 32-bit FNV-1a of a batch (its size, then its indices), chained onto the previous digest (hex, 8 digits). */
export function digestIndices(previous: string, indices: ArrayLike<number>): string {
  let h = Number.parseInt(previous, 16) >>> 0;
  // the batch size first: the same images grouped differently are different batches
  for (let i = -1; i < indices.length; i++) {
    let v = (i < 0 ? indices.length : (indices[i] as number)) >>> 0;
    for (let b = 0; b < 4; b++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      v >>>= 8;
    }
  }
  return h.toString(16).padStart(8, '0');
}

/** The digest before any batch. */
export const EMPTY_DIGEST = '811c9dc5';

/** What decides the batches a run reads: with equal keys, two runs read the same batches. */
export function batchKey(doc: GraphDoc, options: { trainLimit?: number | undefined }): string {
  const data = datasetOf(doc.nodes, specRegistry);
  return JSON.stringify([data?.dataset, data?.binarize, data?.batchSize, doc.training.seed, options.trainLimit ?? null]);
}

/**
 * Trains every program to the end (or until aborted), in lock-step. If one run
 * fails, the others are stopped and the first error is thrown once all have
 * settled, so no program is still in use.
 */
export async function trainLockstep(programs: ReadonlyArray<Program>, options: LockstepOptions): Promise<LaneResult[]> {
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) inner.abort();
  const barrier = new StepBarrier(programs.length, inner.signal);
  const controls = options.controls ?? programs.map(() => new TrainControl());
  const { controls: _c, onEvent, onReport, signal: _s, ...shared } = options;

  const lane = async (program: Program, i: number): Promise<LaneResult> => {
    let digest = EMPTY_DIGEST;
    try {
      const result = await train(program, {
        ...shared,
        // runs meet at the same steps: reports by step count only, never by the clock
        reportIntervalMs: Infinity,
        signal: inner.signal,
        control: controls[i] ?? new TrainControl(),
        onBatch: (_step, indices) => {
          digest = digestIndices(digest, indices);
        },
        onEvent: (event) => onEvent?.(i, event, digest),
        onReport: async ({ step, epoch }) => {
          await barrier.arrive(i, step);
          await onReport?.(i, { step, epoch, batchDigest: digest });
        },
      });
      return { ...result, batchDigest: digest };
    } catch (e) {
      inner.abort();
      throw e;
    } finally {
      barrier.leave(i);
    }
  };

  try {
    const settled = await Promise.allSettled(programs.map(lane));
    const results: LaneResult[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      results.push(s.value);
    }
    return results;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
