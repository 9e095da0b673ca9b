/**
 * The disentanglement lab's run: train a graph on a dataset with known
 * factors, then score how well its latent dimensions line up with the factors
 * (MIG, FactorVAE, β-VAE scores) and draw latent traversals. No files and no
 * Node APIs: the CLI (lab.ts) writes what this returns.
 */
import { specRegistry } from '../../nodes';
import type { TF } from '../../nodes/defineNode';
import { compileProgram, type Program } from '../compiler/program';
import { datasetInfo } from '../core/datasets';
import { weightTerms, withWeight } from '../core/graphQueries';
import { imageGrid } from '../core/imageGrid';
import type { GraphDoc } from '../core/schema';
import type { DatasetData } from '../data/format';
import type { EncodedImages } from '../metrics/encodeLatents';
import { encodeDataset } from '../metrics/encodeLatents';
import { labScores, type LabScores } from '../metrics/lab';
import { dimsByKl, traversalValues, traverseLatents } from '../metrics/traversal';
import { train, type EvalMetrics, type TrainEvent, type TrainStatus } from '../runtime/worker/trainer';
import { embedGraphPng } from '../share/pngEmbed';

/** The PNG text keyword of the lab's scores (the graph is under the importer's own key, so a traversal drops back onto the canvas). */
export const LAB_PNG_SCORES_KEY = 'bottleneck:lab';

export interface LabOptions {
  /** Overrides the graph's epochs. */
  epochs?: number;
  /** Overrides the run seed (weights, batches, noise). */
  seed?: number;
  /** Use only the first N training images. */
  trainLimit?: number;
  /** Score on the first N test images (default: all of them). */
  evalLimit?: number;
  /** Test images used for the per-epoch test ELBO (default 1,000, to keep epochs quick). */
  testLimit?: number;
  /** Columns of each traversal, spread over −3..3 (default 9); 0 draws none. */
  traversalSteps?: number;
  /** Seed of the scores' sampling (default 0). */
  scoreSeed?: number;
  signal?: AbortSignal;
  onEvent?: (event: LabEvent) => void;
}

export type LabEvent = TrainEvent | { type: 'scoring'; images: number } | { type: 'scored'; scores: LabScores };

export interface LabReport {
  graph: string;
  /** β of each Beta node (none: a plain VAE, β = 1). */
  beta: number[];
  seed: number;
  epochs: number;
  steps: number;
  status: TrainStatus;
  message?: string;
  backend: string;
  trainSeconds: number;
  test: EvalMetrics | null;
  /** Latent dims, most KL first: the row order of the traversals. */
  dimsByKl: number[];
  factors: { names: string[]; sizes: number[] };
  scores: LabScores;
  traversals: Array<{ file: string; testImage: number; label: string; values: number[] }>;
}

export interface LabResult {
  report: LabReport;
  /** Traversal pictures (PNG bytes, with the graph and the scores embedded). */
  images: Array<{ file: string; png: Uint8Array }>;
}

/** The graph with every β weight set to `beta`. */
export function withBeta(doc: GraphDoc, beta: number): GraphDoc {
  if (!Number.isFinite(beta) || beta < 0 || beta > 1000) throw new Error(`β must be a number from 0 to 1000, got ${beta}`);
  const next = withWeight(doc, specRegistry, beta);
  if (!next) throw new Error(`graph '${doc.name}' has no β node to set: add a "β weight" node between the KL and the Loss`);
  return next;
}

export function betasOf(doc: GraphDoc): number[] {
  return weightTerms(doc.nodes, specRegistry).map((t) => t.value);
}

/** Trains the graph, scores disentanglement on the test split, and draws traversals. */
export async function runLab(doc: GraphDoc, data: DatasetData, tf: TF, options: LabOptions = {}): Promise<LabResult> {
  const factors = data.factors;
  if (!factors) {
    throw new Error(`graph '${doc.name}' trains on a dataset without known factors; the lab needs one (set the Dataset node to "shapes")`);
  }
  const seed = options.seed ?? doc.training.seed;
  const compiled = compileProgram(doc, tf, { seed });
  if (!compiled.ok) throw new Error(`graph '${doc.name}' does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const program = compiled.program;
  try {
    if (!program.plan.generation?.mean) throw new Error(`graph '${doc.name}' has no encoder whose codes could be scored`);
    const emit = options.onEvent ?? (() => {});
    const started = now();
    const result = await train(program, {
      data,
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
      testLimit: options.testLimit ?? 1000,
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent: emit,
    });
    const trainSeconds = (now() - started) / 1000;
    if (result.status === 'aborted') throw new Error('the lab run was cancelled');
    const encoded = await encodeDataset(program, data, {
      split: 'test',
      ...(options.evalLimit !== undefined ? { limit: options.evalLimit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    emit({ type: 'scoring', images: encoded.means.count });
    const scores = labScores(encoded, factors.names, options.scoreSeed ?? 0);
    emit({ type: 'scored', scores });
    const klPerDim = result.final?.klPerDim ?? [];
    const order = dimsByKl(klPerDim.length === encoded.means.dims ? klPerDim : new Array<number>(encoded.means.dims).fill(0));
    const report: LabReport = {
      graph: doc.name,
      beta: betasOf(doc),
      seed,
      epochs: options.epochs ?? doc.training.epochs,
      steps: result.steps,
      status: result.status,
      ...(result.message ? { message: result.message } : {}),
      backend: tf.getBackend(),
      trainSeconds,
      test: result.final ?? null,
      dimsByKl: order,
      factors: { names: [...factors.names], sizes: [...factors.sizes] },
      scores,
      traversals: [],
    };
    const images = await drawTraversals(program, encoded, order, options.traversalSteps ?? 9, report, doc);
    return { report, images };
  } finally {
    program.dispose();
  }
}

/** One traversal picture per class (the first test image of each), rows = dims by KL, columns = −3..3. */
async function drawTraversals(
  program: Program,
  encoded: EncodedImages,
  order: number[],
  steps: number,
  report: LabReport,
  doc: GraphDoc,
): Promise<LabResult['images']> {
  if (steps <= 0) return [];
  const values = traversalValues(steps);
  const dims = encoded.means.dims;
  const classNames = datasetInfo[program.plan.dataset.id].classNames;
  const images: LabResult['images'] = [];
  const seen = new Set<number>();
  for (let i = 0; i < encoded.means.count && seen.size < Math.max(1, classNames.length); i++) {
    const label = encoded.labels[i] as number;
    if (seen.has(label)) continue;
    seen.add(label);
    const name = classNames[label] ?? `class-${label}`;
    const base = encoded.means.values.slice(i * dims, (i + 1) * dims);
    const batch = await traverseLatents(program, base, order, values);
    const file = `traversal-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.png`;
    report.traversals.push({ file, testImage: i, label: name, values });
    const picture = imageGrid(batch, { columns: values.length, gap: 2, scale: 2 });
    const png = embedGraphPng(picture, doc, {
      [LAB_PNG_SCORES_KEY]: JSON.stringify({
        testImage: i,
        label: name,
        rows: order,
        values,
        scores: { mig: report.scores.mig, factorVae: report.scores.factorVae, betaVae: report.scores.betaVae },
      }),
    });
    if (!png.ok) throw new Error(`could not write ${file}: ${png.errors.map((e) => e.message).join('; ')}`);
    images.push({ file, png: png.bytes });
  }
  return images;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
