/**
 * The trainer: a plain async function with an AbortSignal. Seeded and
 * reproducible; leak-free (every step inside tf.tidy, numbers read back only
 * every few steps); a NaN or infinite loss stops training with a clear message
 * and puts back the last good weights.
 */
import type { Scalar, Tensor, Variable } from '../../../nodes/defineNode';
import type { Program } from '../../compiler/program';
import { BatchSampler, type BatchArrays } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { evaluateProgram, toBatch, type EvalMetrics } from './evaluate';
import { createOptimizer, type Optimizer } from './optimizer';
import { TrainControl, type AppliedSettings } from './trainControl';

export { evaluateProgram, toBatch, type EvalMetrics } from './evaluate';
export { TrainControl, type AppliedSettings } from './trainControl';

/** Means over the steps since the last report. */
export interface TrainMetrics {
  objective: number;
  recon: number;
  kl: number;
  betaKl: number;
  beta: number;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  train: TrainMetrics;
  test: EvalMetrics;
  seconds: number;
}

export type TrainEvent =
  | { type: 'started'; totalSteps: number; stepsPerEpoch: number; epochs: number; paramCount: number; backend: string }
  | {
      type: 'progress';
      step: number;
      epoch: number;
      epochStep: number;
      samplesPerSecond: number;
      train: TrainMetrics;
      klPerDim: number[];
      applied: AppliedSettings;
    }
  | { type: 'epochEnded'; record: EpochRecord }
  | { type: 'diverged'; step: number; message: string }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number };

export type TrainStatus = 'finished' | 'aborted' | 'diverged';

export interface TrainResult {
  status: TrainStatus;
  /** Steps completed. */
  steps: number;
  history: EpochRecord[];
  /** Set when status is 'diverged'. */
  message?: string;
  /** Test metrics of the final weights (the restored ones after a divergence). */
  final: EvalMetrics | undefined;
}

export interface TrainOptions {
  data: DatasetData;
  epochs?: number;
  learningRate?: number;
  signal?: AbortSignal;
  control?: TrainControl;
  onEvent?: (event: TrainEvent) => void;
  /** Called at every report with the live program (for pictures). Runs between steps. */
  onReport?: (info: { step: number; epoch: number }) => Promise<void> | void;
  /** Read the numbers back every N steps (default 20)... */
  reportEvery?: number;
  /** ...and whenever this much time has passed since the last report, so a slow run never looks frozen (default 1000 ms). */
  reportIntervalMs?: number;
  /**
   * Give the event loop a turn at least this often (default 50 ms), so pause,
   * stop and live changes are seen between steps, not only at reports.
   */
  yieldIntervalMs?: number;
  /** Use only the first N training / test images (tests and benchmarks). */
  trainLimit?: number;
  testLimit?: number;
  /** Images per test batch (default 500). */
  testBatchSize?: number;
  /** Stop after this many steps in total (benchmarks). */
  maxSteps?: number;
  /**
   * Continue from this global step (after moving to another backend with the
   * weights kept): the same batches, noise and schedules as if never interrupted.
   */
  startStep?: number;
  /** Also report after the first step (a first reading of the loss, and time to first step). */
  reportFirstStep?: boolean;
  /** Called with the dataset indices of each training batch before its step (runs compared in lock-step check theirs agree). */
  onBatch?: (step: number, indices: Uint32Array) => void;
  /**
   * Awaited before each step, with the batch it is about to train on and the
   * weights not yet updated: what that step's forward pass will see.
   */
  beforeStep?: (info: StepInfo) => Promise<void> | void;
}

/** A training step about to run. */
export interface StepInfo {
  /** Global step (0-based). */
  step: number;
  epoch: number;
  /** Index of the batch within its epoch. */
  batchIndex: number;
  batch: BatchArrays;
  /** The step runs while paused (a single step). */
  singleStep: boolean;
}

/** The noise key of training step `step`: the same step draws the same ε. */
export const trainNoiseKey = (step: number): string => `train:${step}`;

/** The training batches of a program: seeded shuffling, its dataset's batch size and binarization. */
export function trainSampler(program: Program, data: DatasetData, trainLimit?: number): BatchSampler {
  const { plan } = program;
  return new BatchSampler(data, {
    split: 'train',
    batchSize: plan.dataset.batchSize,
    binarize: plan.dataset.binarize,
    seed: program.seed,
    ...(trainLimit !== undefined ? { limit: trainLimit } : {}),
  });
}

const SCALARS = 5; // objective, recon, kl, betaKl, beta

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * One training step: the forward pass on a batch, the gradients, the
 * optimizer's update. Returns [objective, recon, KL, β·KL, β, KL per dimension…, 0]
 * for the caller to accumulate (kept out of tidy scopes, so the caller
 * disposes it), and what the step really trained with. Call inside tf.tidy.
 */
export function trainingStep(
  program: Program,
  optimizer: Optimizer,
  arrays: BatchArrays,
  at: { step: number; learningRate: number; live?: Record<string, Record<string, number>> },
): { packed: Tensor; applied: AppliedSettings } {
  const { tf, plan } = program;
  const d = plan.generation?.latentDim ?? 0;
  const batch = toBatch(tf, arrays, plan.imageShape);
  let packed: Tensor | undefined;
  let live: AppliedSettings['live'] = {};
  const { grads } = tf.variableGrads(() => {
    const t = program.losses(batch, {
      mode: 'train',
      step: at.step,
      noiseKey: trainNoiseKey(at.step),
      ...(at.live ? { live: at.live } : {}),
    });
    live = t.liveRead;
    const perDim = d > 0 ? (t.klPerDim && t.klPerDim.size === d ? t.klPerDim : tf.zeros([d])) : null;
    packed = tf.keep(tf.concat([tf.stack([t.objective, t.recon, t.kl, t.betaKl, t.beta]), ...(perDim ? [perDim] : []), tf.zeros([1])]));
    return t.objective as Scalar;
  }, program.model.variables);
  optimizer.apply(grads, at.learningRate);
  if (!packed) throw new Error('the training step produced no loss');
  return { packed, applied: { learningRate: optimizer.learningRate, live } };
}

export async function train(program: Program, options: TrainOptions): Promise<TrainResult> {
  const { tf, plan } = program;
  const settings = plan.training;
  const epochs = options.epochs ?? settings.epochs;
  const control = options.control ?? new TrainControl();
  const reportEvery = Math.max(1, options.reportEvery ?? 20);
  const reportIntervalMs = options.reportIntervalMs ?? 1000;
  const yieldIntervalMs = options.yieldIntervalMs ?? 50;
  let lastYield = now();
  const emit = options.onEvent ?? (() => {});
  const sampler = trainSampler(program, options.data, options.trainLimit);
  const variables = program.model.variables;
  const optimizer: Optimizer = createOptimizer(tf, settings.optimizer, variables);
  const d = plan.generation?.latentDim ?? 0;
  const width = SCALARS + d + 1; // + Σ of all weights (a NaN check)
  const acc = tf.tidy(() => tf.variable(tf.zeros([width]), false));
  let snapshot: Tensor[] | null = null;
  const history: EpochRecord[] = [];
  const stepsPerEpoch = sampler.batchesPerEpoch;
  const totalSteps = Math.min(options.maxSteps ?? Infinity, epochs * stepsPerEpoch);
  const startStep = Math.max(0, Math.min(options.startStep ?? 0, totalSteps));
  let step = startStep;
  let windowSteps = 0;
  let windowSamples = 0;
  let windowStart = now();
  let epochStart = now();
  let lastTrain: TrainMetrics = { objective: NaN, recon: NaN, kl: NaN, betaKl: NaN, beta: NaN };
  let status: TrainStatus = 'finished';
  let applied: AppliedSettings = { learningRate: NaN, live: {} };
  let message: string | undefined;
  const testOptions = {
    ...(options.testLimit !== undefined ? { limit: options.testLimit } : {}),
    ...(options.testBatchSize !== undefined ? { batchSize: options.testBatchSize } : {}),
  };

  const takeSnapshot = () => {
    const fresh = variables.map((v) => tf.keep(v.clone()));
    snapshot?.forEach((t) => t.dispose());
    snapshot = fresh;
  };
  const restoreSnapshot = () => {
    if (!snapshot) return;
    const saved = snapshot;
    variables.forEach((v, i) => v.assign(saved[i] as Tensor));
  };

  /** Reads the accumulated numbers; returns false when training diverged. */
  const report = async (epoch: number, epochStep: number): Promise<boolean> => {
    if (windowSteps === 0) return true;
    tf.tidy(() => {
      // pairwise adds: addN of many inputs exceeds WebGPU's storage-buffer limit per shader
      const weightSum = variables.map((v) => tf.sum(v)).reduce((a, b) => tf.add(a, b));
      acc.assign(tf.concat([tf.slice(acc, 0, width - 1), tf.reshape(weightSum, [1])]));
    });
    const v = await acc.data();
    tf.tidy(() => acc.assign(tf.zeros([width])));
    const mean = (i: number) => (v[i] as number) / windowSteps;
    const train: TrainMetrics = { objective: mean(0), recon: mean(1), kl: mean(2), betaKl: mean(3), beta: mean(4) };
    const finite = [train.objective, train.recon, train.kl, train.betaKl, v[width - 1] as number].every(Number.isFinite);
    if (!finite) {
      const bad = !Number.isFinite(train.recon)
        ? 'the reconstruction loss'
        : !Number.isFinite(train.kl)
          ? 'the KL'
          : !Number.isFinite(train.objective)
            ? 'the loss'
            : 'the weights';
      message =
        `training diverged near step ${step}: ${bad} became ${Number.isNaN(train.objective) ? 'NaN' : 'infinite'}. ` +
        `The weights from step ${step - windowSteps} (the last good ones) were kept. ` +
        'Try a lower learning rate, or a likelihood with a learned σ.';
      restoreSnapshot();
      emit({ type: 'diverged', step, message });
      return false;
    }
    const seconds = (now() - windowStart) / 1000;
    const klPerDim = Array.from({ length: d }, (_, j) => mean(SCALARS + j));
    emit({
      type: 'progress',
      step,
      epoch,
      epochStep,
      samplesPerSecond: seconds > 0 ? windowSamples / seconds : 0,
      train,
      klPerDim,
      applied,
    });
    lastTrain = train;
    takeSnapshot();
    windowSteps = 0;
    windowSamples = 0;
    windowStart = now();
    await options.onReport?.({ step, epoch });
    return true;
  };

  emit({ type: 'started', totalSteps, stepsPerEpoch, epochs, paramCount: plan.totalParams, backend: tf.getBackend() });
  takeSnapshot();
  try {
    const firstEpoch = Math.floor(startStep / stepsPerEpoch);
    outer: for (let epoch = firstEpoch; epoch < epochs; epoch++) {
      epochStart = now();
      for (let i = epoch === firstEpoch ? startStep % stepsPerEpoch : 0; i < stepsPerEpoch; i++) {
        if (step >= totalSteps) break outer;
        if (control.paused) {
          emit({ type: 'paused', step });
          await control.gate(options.signal);
          if (!control.paused) emit({ type: 'resumed', step });
        }
        // a step taken while paused (single-stepping) is reported at once
        const singleStep = control.paused;
        if (options.signal?.aborted) {
          status = 'aborted';
          break outer;
        }
        const arrays = sampler.batch(epoch, i);
        options.onBatch?.(step, arrays.indices);
        if (options.beforeStep) {
          await options.beforeStep({ step, epoch, batchIndex: i, batch: arrays, singleStep });
          if (options.signal?.aborted) {
            status = 'aborted';
            break outer;
          }
        }
        const learningRate = control.learningRate ?? options.learningRate ?? settings.learningRate;
        const currentStep = step;
        tf.tidy(() => {
          const result = trainingStep(program, optimizer, arrays, { step: currentStep, learningRate, live: control.live });
          acc.assign(tf.add(acc, result.packed));
          result.packed.dispose();
          applied = result.applied;
        });
        step++;
        windowSteps++;
        windowSamples += arrays.size;
        const endOfEpoch = i === stepsPerEpoch - 1 || step >= totalSteps;
        const reportDue = step % reportEvery === 0 || now() - windowStart >= reportIntervalMs;
        if (reportDue || endOfEpoch || singleStep || (options.reportFirstStep && step === startStep + 1)) {
          if (!(await report(epoch, i + 1))) {
            status = 'diverged';
            break outer;
          }
          await yieldToEventLoop();
          lastYield = now();
        } else if (now() - lastYield >= yieldIntervalMs) {
          await yieldToEventLoop();
          lastYield = now();
        }
        if (endOfEpoch && i === stepsPerEpoch - 1) {
          const test = await evaluateProgram(program, options.data, { step, ...testOptions, live: control.live });
          const record: EpochRecord = { epoch: epoch + 1, step, train: lastTrain, test, seconds: (now() - epochStart) / 1000 };
          history.push(record);
          emit({ type: 'epochEnded', record });
        }
      }
    }
    const final =
      status === 'finished' && history.length > 0 && history[history.length - 1]?.step === step
        ? history[history.length - 1]?.test
        : await evaluateProgram(program, options.data, { step, ...testOptions, live: control.live });
    return { status, steps: step, history, final, ...(message ? { message } : {}) };
  } finally {
    acc.dispose();
    optimizer.dispose();
    (snapshot as Tensor[] | null)?.forEach((t) => t.dispose());
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export type { Variable };
