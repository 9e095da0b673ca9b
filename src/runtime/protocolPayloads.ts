/**
 * What the worker's messages carry (metrics, pictures, traces, scores, files),
 * as zod schemas shared by both sides of the protocol (protocol.ts).
 */
import { z } from 'zod';
import { zBackendName } from './backends';

/** Typed arrays arrive as themselves (structured clone), never as plain lists. */
export const zFloat32Array = z.custom<Float32Array>((v) => v instanceof Float32Array, 'must be a Float32Array');
export const zUint8Array = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array');

export const zRunId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const zCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const zFinite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A metric: any number, NaN and ±∞ included (a diverging run; the UI says so). */
export const zMetric = z.custom<number>((v) => typeof v === 'number', 'must be a number');

export const zTrainMetrics = z.strictObject({
  objective: zMetric,
  recon: zMetric,
  kl: zMetric,
  betaKl: zMetric,
  beta: zMetric,
});

export const zEvalMetrics = z.strictObject({
  recon: zMetric,
  kl: zMetric,
  betaKl: zMetric,
  elbo: zMetric,
  klPerDim: z.array(zMetric),
  meanVariance: z.array(zMetric),
  activeUnits: zCount,
});

export const zEpochRecord = z.strictObject({
  epoch: zCount,
  step: zCount,
  train: zTrainMetrics,
  test: zEvalMetrics,
  seconds: zMetric,
});

export const zImages = z.strictObject({
  n: zCount,
  data: zFloat32Array,
});

export const zSharpnessScores = z.strictObject({ laplacianVariance: zMetric, gradientEnergy: zMetric });

/** Sharpness relative to the real images (1 = as sharp as the data): see src/runtime/worker/sharpnessProbe.ts. */
export const zSharpnessPoint = z.strictObject({ step: zCount, reconstructions: zSharpnessScores, samples: zSharpnessScores });
export type SharpnessReading = z.infer<typeof zSharpnessPoint>;

export const zBackendDetail = z.strictObject({
  threads: zCount.optional(),
  device: z.string().max(500).optional(),
  software: z.boolean().optional(),
  samplesPerSecond: z.number().nonnegative().optional(),
});
export const zBackendAttempt = z.strictObject({
  backend: zBackendName,
  ok: z.boolean(),
  reason: z.string().optional(),
  skipped: z.boolean().optional(),
  detail: zBackendDetail.optional(),
});

export const zPreview = z.strictObject({
  step: zCount,
  epoch: zCount,
  imageShape: z.tuple([zCount, zCount, zCount]),
  /** The fixed test images (as the encoder saw them) and their reconstructions. */
  inputs: zImages,
  reconstructions: zImages,
  labels: z.array(zCount),
  /** Decoded from fixed codes ε ~ N(0, I): the same codes at every preview. */
  samples: zImages,
  /** A decoder conditioned on the class draws one row of samples per class: the class of each row. */
  sampleClasses: z.array(zCount).optional(),
  /** μ of test images projected to 2-D. */
  scatter: z.strictObject({
    n: zCount,
    points: zFloat32Array,
    labels: zUint8Array,
    /** 'pca' when d > 2 (with the variance share of each axis), 'raw' when d ≤ 2. */
    projection: z.enum(['pca', 'raw']),
    explained: z.tuple([zMetric, zMetric]),
  }),
  /** Rows: latent dimensions (most informative first); columns: values. */
  traversal: z.strictObject({ code: zCount, dims: z.array(zCount), values: z.array(zMetric), images: zImages }).nullable(),
  interpolation: z.strictObject({ pair: z.tuple([zCount, zCount]), images: zImages }).nullable(),
  /** Computed on the scatter images: KL per dimension (nats), Var[μ] per dimension. */
  klPerDim: z.array(zMetric),
  meanVariance: z.array(zMetric),
  activeUnits: zCount,
  numTensors: zCount,
  /** The sharpness meter at this step. */
  sharpness: zSharpnessPoint.optional(),
});
export type Preview = z.infer<typeof zPreview>;

/** The pictures of one run of a comparison: the same fixed test images and prior codes for every run. */
export const zLanePreview = z.strictObject({
  step: zCount,
  epoch: zCount,
  imageShape: z.tuple([zCount, zCount, zCount]),
  inputs: zImages,
  reconstructions: zImages,
  labels: z.array(zCount),
  samples: zImages,
  sharpness: zSharpnessPoint,
});
export type LanePreview = z.infer<typeof zLanePreview>;

/**
 * One example's way through one training step, from that step's own forward
 * pass (the weights before its update, the batch and the noise ε it draws):
 * x → encoder → μ, σ → z = μ + σ·ε → decoder → x̂, and its loss terms.
 */
export const zAnatomy = z.strictObject({
  /** The global training step (0-based) whose forward pass this is. */
  step: zCount,
  epoch: zCount,
  /** The batch's index within its epoch. */
  batchIndex: zCount,
  /** The example's position in the batch, and the batch's size. */
  slot: zCount,
  batchSize: zCount,
  /** Index of the image in the training split, and its label. */
  datasetIndex: zCount,
  label: zCount,
  imageShape: z.tuple([zCount, zCount, zCount]),
  /** What the encoder saw (x, or x̃ after a Noise node). */
  input: zFloat32Array,
  /** The image the reconstruction loss compares with (the clean x). */
  target: zFloat32Array,
  /** x̂: the decoder's mean image for z. */
  reconstruction: zFloat32Array,
  mean: z.array(zMetric),
  /** σ = exp(½·log σ²) per dimension; null when the encoder's variance is not used (an autoencoder). */
  sigma: z.array(zMetric).nullable(),
  /** The draw ε ~ N(0, I) this step used for this example; null without a Reparameterize (z = μ). */
  eps: z.array(zMetric).nullable(),
  /** The code the decoder read. */
  z: z.array(zMetric),
  /** −log p(x|z) of this example (nats). */
  recon: zMetric,
  /** KL(q(z|x) ‖ N(0, I)) of this example (nats); null without a KL term. */
  kl: zMetric.nullable(),
  /** β in effect at this step (1 without a β node, 0 without a KL). */
  beta: zMetric,
  /** The same step's batch means: reconstruction, KL and the objective. */
  batch: z.strictObject({ recon: zMetric, kl: zMetric, objective: zMetric }),
});
export type Anatomy = z.infer<typeof zAnatomy>;

/** Disentanglement scores of a run's codes against the dataset's known factors (see src/metrics/lab.ts). */
export const zLabScores = z.strictObject({
  split: z.literal('test'),
  images: zCount,
  mig: zMetric,
  factorVae: zMetric,
  betaVae: zMetric,
  perFactor: z.array(
    z.strictObject({
      factor: z.string(),
      gap: zMetric,
      entropy: zMetric,
      bestDim: zCount,
      secondDim: zCount.nullable(),
      normalizedMutualInformation: z.array(zMetric),
    }),
  ),
  factorVaeDetails: z.strictObject({
    trainAccuracy: zMetric,
    evalAccuracy: zMetric,
    activeDims: z.array(zCount),
    factorOfDim: z.array(z.string().nullable()),
  }),
  betaVaeDetails: z.strictObject({ trainAccuracy: zMetric, evalAccuracy: zMetric }),
});

/** The two groups of an attribute vector: label `to` minus label `from`, or a factor's level `to` minus level `from`. */
const zPreviewSlots = z.array(z.number().int().min(0).max(63)).min(1).max(64);

/** The groups of an attribute vector; hand-picked groups name preview images (0–63), which the worker maps to the test set. */
export const zVectorSpec = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('label'), to: zCount, from: zCount }),
  z.strictObject({ by: z.literal('picked'), to: zPreviewSlots, from: zPreviewSlots }),
  z.strictObject({
    by: z.literal('factor'),
    factor: z.string().min(1).max(64),
    to: zCount.optional(),
    from: zCount.optional(),
  }),
]);

/** x → x + α·v decoded for one fixed test image, v the difference of two groups' mean codes μ. */
export const zAttributeRow = z.strictObject({
  step: zCount,
  /** The run samples z (a VAE); false for a plain autoencoder. */
  variational: z.boolean(),
  spec: zVectorSpec,
  /** e.g. "glasses = yes" and "glasses = no", and how many test images each has. */
  toName: z.string(),
  fromName: z.string(),
  toCount: zCount,
  fromCount: zCount,
  /** ‖v‖. */
  norm: zMetric,
  /** Index into the fixed preview images, and the group that image belongs to. */
  image: zCount,
  imageGroup: z.enum(['to', 'from', 'neither']),
  alphas: z.array(zFinite),
  imageShape: z.tuple([zCount, zCount, zCount]),
  /** The image itself (as the encoder saw it), then one decoded image per α. */
  input: zImages,
  images: zImages,
});
export type AttributeRow = z.infer<typeof zAttributeRow>;

/**
 * The moon interpolation: the codes of a small and a full-size ellipse of the test split (same rotation and
 * position, picked by their factors) and the straight line between them, decoded and measured against the
 * real ellipse at every scale (src/metrics/moonPath.ts).
 */
export const zMoonRow = z.strictObject({
  step: zCount,
  variational: z.boolean(),
  /** The two test images' indices and the factor levels they share. */
  pair: z.strictObject({ small: zCount, large: zCount, shape: zCount, rotation: zCount, x: zCount, y: zCount }),
  imageShape: z.tuple([zCount, zCount, zCount]),
  /** The small image, then the large one. */
  ends: zImages,
  /** One decoded image per evenly spaced α from 0 to 1. */
  images: zImages,
  /** Per decoded image: RMS distance to the nearest real ellipse, and the scale its pixel mass implies. */
  gaps: z.array(zMetric),
  massScales: z.array(zMetric),
  /** The mean gap of the images between the ends. */
  midGap: zMetric,
  /** midGap minus the mean gap of the two decoded ends. */
  midExcess: zMetric,
  growsMonotonically: z.boolean(),
});
export type MoonRow = z.infer<typeof zMoonRow>;

/** The importance-weighted estimate of log p(x) on the first `images` test images (src/metrics/logLikelihood.ts). */
export const zLikelihoodResult = z.strictObject({
  step: zCount,
  samples: zCount,
  images: zCount,
  /** Mean IW-k estimate of log p(x), nats. */
  logLikelihood: zMetric,
  /** Mean log-weight: the ELBO on the same images and draws, nats. */
  elbo: zMetric,
  seconds: zFinite,
});
export type LikelihoodResult = z.infer<typeof zLikelihoodResult>;

export const zFinishStatus = z.enum(['finished', 'stopped', 'diverged']);

export const zDiagnostic = z.strictObject({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  field: z.string().optional(),
  edgeId: z.string().optional(),
});

export const zDownloadFile = z.strictObject({ name: z.string(), mime: z.string(), bytes: zUint8Array });
export type DownloadFile = z.infer<typeof zDownloadFile>;
