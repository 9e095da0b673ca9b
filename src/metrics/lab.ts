/**
 * The disentanglement lab: train a graph on a dataset with known factors, then
 * score how well its latent dimensions line up with the factors (MIG,
 * FactorVAE, β-VAE scores) and draw latent traversals. No files and no Node
 * APIs: the CLI writes what this returns; a worker can post it.
 */
import { specRegistry } from '../../nodes';
import type { TF } from '../../nodes/defineNode';
import { compileProgram, type Program } from '../compiler/program';
import { datasetInfo } from '../core/datasets';
import { imageGrid } from '../core/imageGrid';
import { encodePng } from '../core/png';
import { weightTerms, withWeight } from '../core/graphQueries';
import type { GraphDoc } from '../core/schema';
import type { DatasetData } from '../data/format';
import { train, type EvalMetrics, type TrainEvent, type TrainStatus } from '../runtime/trainer';
import { encodeDataset, type EncodedImages } from './encodeLatents';
import { scoreLatents } from './disentanglement';
import { dimsByKl, traversalValues, traverseLatents } from './traversal';

/** PNG text keywords of the pictures the lab writes. */
export const LAB_PNG_GRAPH_KEY = 'bottleneck-graph';
export const LAB_PNG_SCORES_KEY = 'bottleneck-lab';

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

export interface FactorReport {
  factor: string;
  /** MIG gap of this factor. */
  gap: number;
  /** Entropy of the factor (nats). */
  entropy: number;
  /** Latent dim with the most information about the factor, and the runner-up. */
  bestDim: number;
  secondDim: number | null;
  /** I(z_j; factor) / H(factor) for every latent dim j. */
  normalizedMutualInformation: number[];
}

export interface LabScores {
  split: 'test';
  images: number;
  mig: number;
  factorVae: number;
  betaVae: number;
  perFactor: FactorReport[];
  factorVaeDetails: { trainAccuracy: number; evalAccuracy: number; activeDims: number[]; factorOfDim: Array<string | null> };
  betaVaeDetails: { trainAccuracy: number; evalAccuracy: number };
}

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

/** MIG, FactorVAE and β-VAE scores of encoded images, with each factor's details (for reports and the dashboard). */
export function labScores(encoded: EncodedImages, names: ReadonlyArray<string>, seed: number): LabScores {
  if (!encoded.factors) throw new Error('the test split has no factor table');
  const s = scoreLatents(encoded.means, encoded.factors, { seed });
  const betaVae = s.betaVae ?? { trainAccuracy: 0, evalAccuracy: 0 };
  return {
    split: 'test',
    images: encoded.means.count,
    mig: s.mig.mig,
    factorVae: s.factorVae.evalAccuracy,
    betaVae: betaVae.evalAccuracy,
    perFactor: s.mig.perFactor.map((g) => ({
      factor: names[g.factor] ?? String(g.factor),
      gap: g.gap,
      entropy: g.entropy,
      bestDim: g.best,
      secondDim: g.second ?? null,
      normalizedMutualInformation: (s.mig.mutualInformation[g.factor] ?? []).map((mi) => mi / g.entropy),
    })),
    factorVaeDetails: {
      trainAccuracy: s.factorVae.trainAccuracy,
      evalAccuracy: s.factorVae.evalAccuracy,
      activeDims: s.factorVae.activeDims,
      factorOfDim: s.factorVae.factorOfDim.map((f) => (f >= 0 ? (names[f] ?? String(f)) : null)),
    },
    betaVaeDetails: betaVae,
  };
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
    images.push({
      file,
      png: encodePng(picture, {
        [LAB_PNG_GRAPH_KEY]: JSON.stringify(doc),
        [LAB_PNG_SCORES_KEY]: JSON.stringify({
          testImage: i,
          label: name,
          rows: order,
          values,
          scores: { mig: report.scores.mig, factorVae: report.scores.factorVae, betaVae: report.scores.betaVae },
        }),
      }),
    });
  }
  return images;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
