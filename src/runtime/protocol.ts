/**
 * The messages between the dashboard and the training worker, as zod schemas:
 * both sides validate what arrives, so a malformed message becomes a clear
 * error instead of a crash.
 *
 * Every run has a counter id (`runId`, increasing). The worker ignores
 * commands for a run that is not the current one, and the dashboard ignores
 * reports from an older run, so nothing from a cancelled run leaks into the
 * next one.
 */
import { z } from 'zod';
import { describeIssue, formatPath } from '../core/issues';
import { DEFAULT_BUDGET_BYTES } from '../core/memoryBudget';
import { zBackendChoice, zBackendName } from './backends';

import {
  zAnatomy,
  zAttributeRow,
  zLikelihoodResult,
  zMoonRow,
  zVectorSpec,
  zBackendAttempt,
  zCount,
  zDiagnostic,
  zDownloadFile,
  zEpochRecord,
  zEvalMetrics,
  zFinishStatus,
  zFinite,
  zLabScores,
  zLanePreview,
  zMetric,
  zPreview,
  zRunId,
  zTrainMetrics,
} from './protocolPayloads';

export * from './protocolPayloads';

// ---------- UI → worker ----------

/** Which fixed test images the traversal and the interpolation use. */
export const zPreviewPicks = z.strictObject({
  /** Index into the fixed preview images: the code whose dimensions are traversed. */
  code: z.number().int().min(0).max(63),
  /** Two fixed images to interpolate between. */
  pair: z.tuple([z.number().int().min(0).max(63), z.number().int().min(0).max(63)]),
});
export type PreviewPicks = z.infer<typeof zPreviewPicks>;

export const zLiveValues = z.record(z.string().max(64), z.record(z.string().max(64), zFinite));

export const zRunOptions = z.strictObject({
  backend: zBackendChoice.default('auto'),
  /** Overrides the graph's epochs. */
  epochs: z.number().int().min(1).max(1000).optional(),
  /** Overrides the graph's learning rate. */
  learningRate: z.number().gt(0).max(1).optional(),
  /** Numbers come back every N steps... */
  reportEvery: z.number().int().min(1).max(10_000).default(20),
  /** ...and at least this often (ms), whatever the backend's speed. */
  reportIntervalMs: z.number().int().min(50).max(60_000).default(250),
  /** Pictures are made every N steps (at the next report). */
  previewEvery: z.number().int().min(1).max(1_000_000).default(100),
  /** Train / test on the first N images only (quick runs). */
  trainLimit: z.number().int().min(1).optional(),
  testLimit: z.number().int().min(1).optional(),
  /** Stop after N steps in total. */
  maxSteps: z.number().int().min(1).optional(),
  /** Test images encoded for the latent scatter. */
  scatterSize: z.number().int().min(10).max(5000).default(500),
  live: zLiveValues.optional(),
  picks: zPreviewPicks.optional(),
  /** Bytes training may use (checked again on the backend chosen, before the model is built). */
  memoryBudget: z
    .number()
    .min(1e6)
    .max(2 ** 46)
    .default(DEFAULT_BUDGET_BYTES),
});
export type RunOptions = z.input<typeof zRunOptions>;
export type ParsedRunOptions = z.output<typeof zRunOptions>;

const run = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), runId: zRunId });

/** The largest batch position the anatomy follows (batches are at most 4,096 images). */
export const MAX_ANATOMY_SLOT = 4095;

/** The most runs one comparison trains side by side. */
export const MAX_LANES = 8;
/** Which run of a comparison a report is about (0 = the first, usually the original). */
const zLane = z
  .number()
  .int()
  .min(0)
  .max(MAX_LANES - 1);
const zLaneLabel = z.string().min(1).max(160);

/** One run of a comparison: its graph (validated by the worker with parseGraph) and what to call it. */
export const zLaneSpec = z.strictObject({ label: zLaneLabel, doc: z.unknown() });

export const toWorkerSchemas = {
  /** `doc` is validated by the worker with parseGraph (it names node and field). */
  start: run('start').extend({ doc: z.unknown(), options: zRunOptions }),
  pause: run('pause'),
  resume: run('resume'),
  step: run('step').extend({ steps: z.number().int().min(1).max(10_000).default(1) }),
  /** Ends training early; the weights stay for pictures and export. */
  stop: run('stop'),
  /** Ends training and forgets the run. */
  cancel: run('cancel'),
  setLive: run('setLive').extend({ nodeId: z.string().min(1).max(64), key: z.string().min(1).max(64), value: zFinite }),
  setLearningRate: run('setLearningRate').extend({ value: z.number().gt(0).max(1) }),
  setPicks: run('setPicks').extend({ picks: zPreviewPicks }),
  download: run('download').extend({ requestId: zCount }),
  /** Destroys the WebGPU device (to check that training survives a lost GPU). */
  debugLoseDevice: run('debugLoseDevice'),
  /**
   * Follow one example of each training batch (its position `slot`) through
   * the steps taken while paused (single steps, slow motion): each posts the
   * anatomy of its forward pass before its update. `null` stops following.
   */
  watchAnatomy: run('watchAnatomy').extend({ slot: z.number().int().min(0).max(MAX_ANATOMY_SLOT).nullable() }),
  /** Disentanglement scores now (datasets with known factors), at the next step boundary while training. */
  score: run('score').extend({ requestId: zCount }),
  /**
   * The mean code μ of one group of test images minus another's (v), added with
   * each strength α to the code of fixed preview image `image` and decoded.
   * Refused while the run takes steps (the codes must come from one set of weights).
   */
  attributeVector: run('attributeVector').extend({
    requestId: zCount,
    spec: zVectorSpec,
    image: z.number().int().min(0).max(63),
    alphas: z
      .array(zFinite.refine((a) => Math.abs(a) <= 100, 'must be between -100 and 100'))
      .min(1)
      .max(16),
  }),
  /** The moon interpolation (a small to a full-size ellipse of the test split) decoded at `steps` points; refused while the run takes steps. */
  moonPath: run('moonPath').extend({ requestId: zCount, steps: z.number().int().min(2).max(16) }),
  /** The IW-k estimate of log p(x) on the first `images` test images, with progress; refused while the run takes steps. */
  estimateLikelihood: run('estimateLikelihood').extend({
    requestId: zCount,
    samples: z.number().int().min(1).max(10_000),
    images: z.number().int().min(1).max(10_000),
  }),
  /** Stops that estimate at its next image; nothing more is posted for it. */
  cancelLikelihood: run('cancelLikelihood').extend({ requestId: zCount }),
  /**
   * Trains several graphs side by side in lock-step on one backend, with the
   * same options (a fork and its original, or a sweep). pause, resume, step,
   * stop, cancel and setLearningRate apply to every run of it.
   */
  startCompare: run('startCompare').extend({ lanes: z.array(zLaneSpec).min(2).max(MAX_LANES), options: zRunOptions }),
} as const;

export type ToWorkerType = keyof typeof toWorkerSchemas;
export type ToWorker = { [K in ToWorkerType]: z.output<(typeof toWorkerSchemas)[K]> }[ToWorkerType];
export type ToWorkerInput = { [K in ToWorkerType]: z.input<(typeof toWorkerSchemas)[K]> }[ToWorkerType];

// ---------- worker → UI ----------

export const fromWorkerSchemas = {
  ready: z.strictObject({ type: z.literal('ready') }),
  /** A message the worker could not accept. */
  protocolError: z.strictObject({ type: z.literal('protocolError'), message: z.string(), runId: zRunId.optional() }),
  loading: run('loading').extend({ what: z.string(), loaded: zCount, total: zCount.optional() }),
  backend: run('backend').extend({ backend: zBackendName, attempts: z.array(zBackendAttempt), note: z.string() }),
  started: run('started').extend({
    backend: zBackendName,
    totalSteps: zCount,
    stepsPerEpoch: zCount,
    epochs: zCount,
    paramCount: zCount,
    /** > 0 when training resumed (after a backend fallback). */
    startStep: zCount,
    dataset: z.string(),
    latentDim: zCount,
    /** The graph samples z (a VAE); false for a plain autoencoder. */
    variational: z.boolean(),
    hasEncoder: z.boolean(),
    hasDecoder: z.boolean(),
    /** Params that may change while this run trains (each node kind says which): node, param, label, value. */
    live: z.array(z.strictObject({ nodeId: z.string(), key: z.string(), label: z.string(), value: zFinite })),
    /** Milliseconds from the start command to this point (backend, data, compile). */
    setupMs: zFinite,
  }),
  progress: run('progress').extend({
    step: zCount,
    epoch: zCount,
    epochStep: zCount,
    samplesPerSecond: zFinite,
    train: zTrainMetrics,
    klPerDim: z.array(zMetric),
    /** The learning rate the optimizer applied in the last step (not the one asked for). */
    learningRate: zMetric,
    /** The live values the nodes read in the last step, by node and param. */
    live: zLiveValues,
    numTensors: zCount,
    numBytes: zCount,
    /** Milliseconds from the start command to the end of the first step (first report only). */
    firstStepMs: zFinite.optional(),
  }),
  epochEnded: run('epochEnded').extend({ record: zEpochRecord }),
  preview: run('preview').extend({ preview: zPreview }),
  paused: run('paused').extend({ step: zCount }),
  resumed: run('resumed').extend({ step: zCount }),
  diverged: run('diverged').extend({ step: zCount, message: z.string() }),
  /** The backend failed mid-run (e.g. GPU device lost); training goes on elsewhere. */
  fallback: run('fallback').extend({
    from: zBackendName,
    to: zBackendName,
    reason: z.string(),
    resumedAtStep: zCount,
    lostSteps: zCount,
    note: z.string(),
  }),
  finished: run('finished').extend({
    status: zFinishStatus,
    steps: zCount,
    final: zEvalMetrics.nullable(),
    message: z.string().optional(),
  }),
  failed: run('failed').extend({ message: z.string(), diagnostics: z.array(zDiagnostic).default([]) }),
  cancelled: run('cancelled'),
  /**
   * Said by the page's side, not the worker: a cancel or stop was not answered
   * in time (a step that never ends), so the worker was ended and a fresh one
   * made. The run ends where its last report left it.
   */
  workerRestarted: run('workerRestarted').extend({ command: z.enum(['stop', 'cancel']), reason: z.string() }),
  anatomy: run('anatomy').extend({ anatomy: zAnatomy }),
  anatomyFailed: run('anatomyFailed').extend({ message: z.string() }),
  /** Scores after an epoch (requestId null) or on request. */
  scores: run('scores').extend({ requestId: zCount.nullable(), step: zCount, epoch: zCount, seconds: zFinite, scores: zLabScores }),
  scoreFailed: run('scoreFailed').extend({ requestId: zCount.nullable(), message: z.string() }),
  attributeRow: run('attributeRow').extend({ requestId: zCount, row: zAttributeRow }),
  attributeFailed: run('attributeFailed').extend({ requestId: zCount, message: z.string() }),
  moonRow: run('moonRow').extend({ requestId: zCount, row: zMoonRow }),
  moonFailed: run('moonFailed').extend({ requestId: zCount, message: z.string() }),
  likelihoodProgress: run('likelihoodProgress').extend({ requestId: zCount, done: zCount, total: zCount }),
  likelihood: run('likelihood').extend({ requestId: zCount, result: zLikelihoodResult }),
  likelihoodFailed: run('likelihoodFailed').extend({ requestId: zCount, message: z.string() }),
  downloadReady: run('downloadReady').extend({ requestId: zCount, files: z.array(zDownloadFile) }),
  downloadFailed: run('downloadFailed').extend({ requestId: zCount, message: z.string() }),

  // A comparison: `backend`, `loading`, `paused`, `resumed`, `failed` and `cancelled` are shared with single runs.
  compareStarted: run('compareStarted').extend({
    backend: zBackendName,
    dataset: z.string(),
    /** Milliseconds from the start command to this point (backend, data, compile). */
    setupMs: zFinite,
    /** Test images (and prior samples) the sharpness meter scores. */
    sharpnessImages: zCount,
    lanes: z
      .array(
        z.strictObject({
          label: zLaneLabel,
          totalSteps: zCount,
          stepsPerEpoch: zCount,
          epochs: zCount,
          paramCount: zCount,
          latentDim: zCount,
          variational: z.boolean(),
          /** Weight tensors with the same name, shape and values as the first run's at step 0 … */
          sameWeights: zCount,
          /** … out of this many. */
          weights: zCount,
          /** Reads the same batches as the first run (same data, batch size, seed and image limit). */
          sameBatches: z.boolean(),
        }),
      )
      .min(1)
      .max(MAX_LANES),
  }),
  laneProgress: run('laneProgress').extend({
    lane: zLane,
    step: zCount,
    epoch: zCount,
    samplesPerSecond: zFinite,
    train: zTrainMetrics,
    /** Hash of every batch this run has trained on (equal hashes: the same batches in the same order). */
    batchDigest: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 hex digits'),
    numTensors: zCount,
  }),
  laneEpochEnded: run('laneEpochEnded').extend({ lane: zLane, record: zEpochRecord }),
  lanePreview: run('lanePreview').extend({ lane: zLane, preview: zLanePreview }),
  laneFinished: run('laneFinished').extend({
    lane: zLane,
    status: zFinishStatus,
    steps: zCount,
    final: zEvalMetrics.nullable(),
    message: z.string().optional(),
  }),
  compareFinished: run('compareFinished').extend({ status: z.enum(['finished', 'stopped']) }),
} as const;

export type FromWorkerType = keyof typeof fromWorkerSchemas;
export type FromWorker = { [K in FromWorkerType]: z.output<(typeof fromWorkerSchemas)[K]> }[FromWorkerType];
export type FromWorkerInput = { [K in FromWorkerType]: z.input<(typeof fromWorkerSchemas)[K]> }[FromWorkerType];
export type FromWorkerOf<K extends FromWorkerType> = Extract<FromWorker, { type: K }>;

// ---------- validation ----------

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string; runId?: number };

function hasKey<O extends object>(o: O, key: string): key is Extract<keyof O, string> {
  return Object.hasOwn(o, key);
}

function parseWith<S extends Record<string, z.ZodType>>(schemas: S, raw: unknown, side: string): Parsed<z.output<S[keyof S]>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      error: `${side}: expected a message object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}`,
    };
  }
  const type = 'type' in raw ? raw.type : undefined;
  const runId = 'runId' in raw && typeof raw.runId === 'number' && Number.isInteger(raw.runId) && raw.runId >= 0 ? raw.runId : undefined;
  const withRun = runId !== undefined ? { runId } : {};
  if (typeof type !== 'string') return { ok: false, error: `${side}: the message has no 'type'`, ...withRun };
  if (!hasKey(schemas, type)) return { ok: false, error: `${side}: unknown message type '${type.slice(0, 40)}'`, ...withRun };
  const schema: S[keyof S] = schemas[type];
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const details = result.error.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || 'message'} ${describeIssue(issue, raw)}`)
    .join('; ');
  return { ok: false, error: `${side}: malformed '${type}' message: ${details}`, ...withRun };
}

/** Validates a command arriving in the worker. */
export function parseToWorker(raw: unknown): Parsed<ToWorker> {
  return parseWith(toWorkerSchemas, raw, 'training worker');
}

/** Validates a report arriving from the worker. */
export function parseFromWorker(raw: unknown): Parsed<FromWorker> {
  return parseWith(fromWorkerSchemas, raw, 'dashboard');
}
