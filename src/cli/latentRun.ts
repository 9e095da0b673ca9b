/**
 * Attribute vectors: train a graph, encode the test images into their
 * posterior means, take the difference v of two groups' mean codes (the 7s
 * minus the 1s, faces with glasses minus faces without), and decode
 * z + α·v for a row of α from images of the second group. No files: the CLI
 * (latent.ts) writes the grid and the report this returns.
 */
import type { TF } from '../../nodes/defineNode';
import { compileProgram, type Program } from '../compiler/program';
import { datasetInfo } from '../core/datasets';
import { formatDiagnostics } from '../core/diagnostics';
import { applyVector, attributeVector, firstMembers, groupsOf, type VectorSpec } from '../core/latentArithmetic';
import type { ImageBatch } from '../core/imageGrid';
import type { GraphDoc } from '../core/schema';
import { attributeMeasure } from '../data/attributeMeasures';
import type { DatasetData } from '../data/format';
import { encodeDataset } from '../metrics/encodeLatents';
import { train, type EvalMetrics, type TrainEvent } from '../runtime/worker/trainer';
import { InputError } from './args';

export interface LatentOptions {
  spec: VectorSpec;
  /** The text the spec was given as (for the report). */
  specText: string;
  alphas: number[];
  /** Images of the `from` group the vector is added to (rows of the grid). */
  rows: number;
  epochs?: number;
  trainLimit?: number;
  onEvent?: (event: TrainEvent) => void;
}

export interface LatentReport {
  graph: string;
  dataset: string;
  vector: string;
  to: { group: string; images: number };
  from: { group: string; images: number };
  /** ‖v‖ and v itself. */
  norm: number;
  values: number[];
  alphas: number[];
  /** Test-set indices of the images in the rows. */
  images: number[];
  /** The attribute's measure in the decoded images, mean over the rows, per α (datasets that measure it). */
  measureByAlpha?: number[];
  test: EvalMetrics | undefined;
  steps: number;
}

export interface LatentResult {
  report: LatentReport;
  /** Rows: the original image, then z + α·v decoded for each α. */
  grid: ImageBatch;
}

/** Decodes codes [n × d] into images, read back as plain numbers. */
async function decodeCodes(program: Program, codes: Float32Array, d: number): Promise<Float32Array> {
  const { tf } = program;
  const images = tf.tidy(() => program.decode(tf.tensor2d(codes, [codes.length / d, d])));
  try {
    return Float32Array.from(await images.data<'float32'>());
  } finally {
    images.dispose();
  }
}

export async function runLatent(tf: TF, doc: GraphDoc, data: DatasetData, options: LatentOptions): Promise<LatentResult> {
  const compiled = compileProgram(doc, tf);
  if (!compiled.ok) throw new InputError(`the graph cannot be trained:\n${formatDiagnostics(compiled.diagnostics)}`);
  const program = compiled.program;
  try {
    const id = program.plan.dataset.id;
    if (!program.plan.generation?.mean) throw new InputError('--vector needs a graph with an encoder and a decoder');
    // the groups are checked before training, so a bad --vector costs nothing
    const attributes = {
      labels: data.test.labels,
      classNames: datasetInfo[id].classNames,
      ...(data.factors ? { factors: { ...data.factors, levels: data.factors.test } } : {}),
    };
    const groups = groupsOf(options.spec, attributes);
    if (!groups.ok) throw new InputError(groups.message);
    const trained = await train(program, {
      data,
      epochs: options.epochs ?? doc.training.epochs,
      testLimit: 500,
      ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const encoded = await encodeDataset(program, data, { split: 'test' });
    const d = encoded.means.dims;
    const v = attributeVector(encoded.means.values, d, groups.value);
    if (!v.ok) throw new InputError(v.message);
    const sources = firstMembers(encoded.means.count, groups.value.from, options.rows);
    const [h, w, c] = data.imageShape;
    const px = h * w * c;
    const columns = 1 + options.alphas.length;
    const grid = new Float32Array(sources.length * columns * px);
    const measure = options.spec.by === 'factor' ? attributeMeasure(id, options.spec.factor) : undefined;
    const measureSums = new Float64Array(options.alphas.length);
    const k = data.factors?.names.length ?? 0;
    for (const [row, index] of sources.entries()) {
      const code = encoded.means.values.subarray(index * d, (index + 1) * d);
      const decoded = await decodeCodes(program, applyVector(code, v.value.vector, options.alphas), d);
      for (let p = 0; p < px; p++) grid[row * columns * px + p] = (data.test.images[index * px + p] as number) / 255;
      grid.set(decoded, (row * columns + 1) * px);
      const levels = data.factors?.test.subarray(index * k, (index + 1) * k) ?? [];
      if (measure)
        options.alphas.forEach((_, a) => {
          measureSums[a] = (measureSums[a] as number) + measure(decoded.subarray(a * px, (a + 1) * px), levels);
        });
    }
    const report: LatentReport = {
      graph: doc.name,
      dataset: id,
      vector: options.specText,
      to: { group: groups.value.toName, images: v.value.toCount },
      from: { group: groups.value.fromName, images: v.value.fromCount },
      norm: v.value.norm,
      values: [...v.value.vector],
      alphas: options.alphas,
      images: sources,
      ...(measure ? { measureByAlpha: [...measureSums].map((s) => s / sources.length) } : {}),
      test: trained.final,
      steps: trained.steps,
    };
    return { report, grid: { data: grid, n: sources.length * columns, h, w, c } };
  } finally {
    program.dispose();
  }
}
