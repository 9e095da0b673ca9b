/**
 * The sharpness meter of a live program: the relative sharpness (see
 * src/metrics/sharpness.ts) of its reconstructions of fixed test images and of
 * its samples from fixed prior codes, both against the real images. The CLI
 * comparison and the dashboard use this same probe, on the same images and
 * codes, so their numbers agree.
 */
import type { Program } from '../../compiler/program';
import type { ImageBatch } from '../../core/imageGrid';
import { BatchSampler, type BatchArrays } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { relativeSharpness, type SharpnessScores } from '../../metrics/sharpness';
import { priorSamples, reconstructions } from './pictures';

/** Test images (and prior samples) the meter scores. */
export const SHARPNESS_IMAGES = 64;
/** Key of the fixed prior codes ε the samples are decoded from. */
export const SHARPNESS_CODES = 'compare';

export interface SharpnessPoint {
  step: number;
  /** Reconstructions of the fixed test images, relative to those images (1 = as sharp as the data). */
  reconstructions: SharpnessScores;
  /** Samples from fixed codes ε ~ N(0, I), relative to the same real images. */
  samples: SharpnessScores;
}

/** The first `n` test images, prepared like the test data the program sees. */
export function sharpnessImages(program: Program, data: DatasetData, n = SHARPNESS_IMAGES): BatchArrays {
  const test = new BatchSampler(data, { split: 'test', batchSize: n, binarize: program.plan.dataset.binarize, seed: program.seed });
  return test.images(Array.from({ length: Math.min(n, test.count) }, (_, k) => k));
}

function asBatch(program: Program, images: BatchArrays): ImageBatch {
  const [h, w, c] = program.plan.imageShape;
  return { data: images.x, n: images.size, h, w, c };
}

/** Scores the program now; also returns the pictures it scored. */
export async function measureSharpness(
  program: Program,
  images: BatchArrays,
  step: number,
): Promise<{ point: SharpnessPoint; pictures: { inputs: ImageBatch; reconstructions: ImageBatch; samples: ImageBatch } }> {
  const real = asBatch(program, images);
  const rec = await reconstructions(program, images);
  const samples = program.plan.generation?.latentDim ? await priorSamples(program, images.size, SHARPNESS_CODES) : rec.output;
  return {
    point: { step, reconstructions: relativeSharpness(rec.output, real), samples: relativeSharpness(samples, real) },
    pictures: { inputs: rec.input, reconstructions: rec.output, samples },
  };
}
