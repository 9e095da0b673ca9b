/**
 * Pictures that carry their experiment. An exported PNG (samples,
 * reconstructions) holds the graph and the run's settings and final scores in
 * two text chunks, `bottleneck:graph` and `bottleneck:run`; dropping the PNG
 * back on the app restores the graph with the settings the run used.
 *
 * Image viewers ignore these chunks; some editors and chat apps strip them,
 * in which case reading says so.
 */
import { z } from 'zod';
import { specRegistry } from '../../nodes';
import { binarizeModes } from '../core/datasets';
import { datasetIds } from '../core/datasets';
import { datasetOf, withDataSettings } from '../core/graphQueries';
import type { Diagnostic } from '../core/diagnostics';
import { describeIssue, formatPath } from '../core/issues';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { encodePng, isPng, readPngText, type RasterImage } from '../core/png';
import { optimizerKinds, type GraphDoc } from '../core/schema';
import { internalError, readGraphText, shareableText } from './graphFile';

export const PNG_GRAPH_KEY = 'bottleneck:graph';
export const PNG_RUN_KEY = 'bottleneck:run';

const zFinite = z.number().refine(Number.isFinite, 'must be a finite number');

/** What a run used and reached: enough to restore and compare the experiment. */
export const zRunInfo = z.strictObject({
  format: z.literal('bottleneck-run'),
  version: z.literal(1),
  /** The run seed (initial weights, batch order, ε, noise, binarization). */
  seed: z.number().int().min(0).max(0xffffffff),
  dataset: z.enum(datasetIds),
  binarize: z.enum(binarizeModes),
  batchSize: z.number().int().min(1).max(4096),
  optimizer: z.enum(optimizerKinds),
  learningRate: z.number().gt(0).max(1),
  /** Epochs the run was set to train. */
  epochs: z.number().int().min(1).max(1000),
  /** Training steps it completed. */
  steps: z.number().int().min(0).max(1e9),
  status: z.enum(['finished', 'aborted', 'diverged']).optional(),
  /** tfjs backend that trained it (webgpu, webgl, wasm, cpu). */
  backend: z.string().max(40).optional(),
  /** Test-set scores of the final weights, per example (nats). */
  metrics: z
    .strictObject({
      elbo: zFinite,
      recon: zFinite,
      kl: zFinite,
      activeUnits: z.number().int().min(0).max(512).optional(),
      klPerDim: z.array(zFinite).max(512).optional(),
    })
    .optional(),
  /** What the picture shows. */
  image: z.enum(['samples', 'reconstructions', 'traversals', 'comparison']).optional(),
  /** When the picture was made (ISO 8601). */
  createdAt: z.string().max(40).optional(),
});
export type RunInfo = z.infer<typeof zRunInfo>;

export interface RunSummary {
  steps: number;
  status?: 'finished' | 'aborted' | 'diverged';
  backend?: string;
  final?: { elbo: number; recon: number; kl: number; activeUnits?: number; klPerDim?: ReadonlyArray<number> };
  createdAt?: Date;
}

/**
 * RunInfo from a graph and what its training returned (the trainer's
 * TrainResult fits `RunSummary`). Scores that are not finite are left out.
 */
export function describeRun(doc: GraphDoc, summary: RunSummary): RunInfo {
  const dataset = datasetOf(doc.nodes, specRegistry);
  const f = summary.final;
  const metricsFinite = f && [f.elbo, f.recon, f.kl, ...(f.klPerDim ?? [])].every(Number.isFinite);
  const batchSize = dataset?.batchSize;
  return {
    format: 'bottleneck-run',
    version: 1,
    seed: doc.training.seed,
    dataset: dataset?.dataset ?? 'mnist',
    binarize: dataset?.binarize ?? 'none',
    batchSize: batchSize !== undefined && Number.isInteger(batchSize) && batchSize >= 1 ? batchSize : 128,
    optimizer: doc.training.optimizer,
    learningRate: doc.training.learningRate,
    epochs: doc.training.epochs,
    steps: Math.max(0, Math.floor(summary.steps)),
    ...(summary.status ? { status: summary.status } : {}),
    ...(summary.backend ? { backend: summary.backend.slice(0, 40) } : {}),
    ...(f && metricsFinite
      ? {
          metrics: {
            elbo: f.elbo,
            recon: f.recon,
            kl: f.kl,
            ...(f.activeUnits !== undefined ? { activeUnits: f.activeUnits } : {}),
            ...(f.klPerDim ? { klPerDim: [...f.klPerDim] } : {}),
          },
        }
      : {}),
    ...(summary.createdAt ? { createdAt: summary.createdAt.toISOString() } : {}),
  };
}

function runIssues(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown): Diagnostic[] {
  return issues.slice(0, 10).map((issue) => {
    const field = formatPath(issue.path);
    return {
      severity: 'error',
      code: 'run-info',
      message: `the run information ${field ? `field '${field}' ` : ''}${describeIssue(issue, input)}`,
      ...(field ? { field } : {}),
    };
  });
}

/** Stable JSON of the run info (keys in schema order). */
function serializeRun(run: RunInfo): string {
  return `${JSON.stringify(zRunInfo.parse(run), null, 2)}\n`;
}

export type EmbedResult = { ok: true; bytes: Uint8Array } | { ok: false; errors: Diagnostic[] };

/** A PNG of `image` carrying the graph (and the run, when given) in its text chunks. */
export function embedExperiment(image: RasterImage, doc: GraphDoc, run?: RunInfo, registry: NodeSpecRegistry = specRegistry): EmbedResult {
  return embedGraphPng(image, doc, {}, run, registry);
}

/**
 * A PNG of `image` carrying the graph under the importer's key (so it drops
 * back onto the canvas), the run when given, and further text chunks of the
 * caller's (e.g. the lab's scores).
 */
export function embedGraphPng(
  image: RasterImage,
  doc: GraphDoc,
  extra: Readonly<Record<string, string>>,
  run?: RunInfo,
  registry: NodeSpecRegistry = specRegistry,
): EmbedResult {
  try {
    const shareable = shareableText(doc, registry, false);
    if (!shareable.ok) return shareable;
    const text: Record<string, string> = { ...extra, [PNG_GRAPH_KEY]: shareable.text };
    if (run) {
      const checked = zRunInfo.safeParse(run);
      if (!checked.success) return { ok: false, errors: runIssues(checked.error.issues, run) };
      text[PNG_RUN_KEY] = serializeRun(checked.data);
    }
    return { ok: true, bytes: encodePng(image, text) };
  } catch (e) {
    return { ok: false, errors: [internalError('making the PNG', e)] };
  }
}

export type ExperimentReadResult = { ok: true; doc: GraphDoc; run?: RunInfo } | { ok: false; errors: Diagnostic[] };

const fail = (message: string, code: string): ExperimentReadResult => ({ ok: false, errors: [{ severity: 'error', code, message }] });

/** Reads the graph (and run) a Bottleneck PNG carries. Never throws. */
export function readExperimentPng(bytes: Uint8Array, registry: NodeSpecRegistry = specRegistry): ExperimentReadResult {
  try {
    if (!isPng(bytes)) return fail('this file is not a PNG picture', 'png');
    let chunks: Record<string, string>;
    try {
      chunks = readPngText(bytes);
    } catch (e) {
      return fail(`this PNG cannot be read: ${e instanceof Error ? e.message : String(e)}`, 'png');
    }
    const graphText = chunks[PNG_GRAPH_KEY];
    if (graphText === undefined) {
      return fail(
        chunks[PNG_RUN_KEY] === undefined
          ? 'this PNG carries no Bottleneck graph: it was not exported by Bottleneck, or a program removed its embedded data on the way'
          : 'this PNG has Bottleneck run information but no graph',
        'png-no-graph',
      );
    }
    const parsed = readGraphText(graphText, registry);
    if (!parsed.ok) {
      return { ok: false, errors: parsed.errors.map((d) => ({ ...d, message: `the graph inside this PNG: ${d.message}` })) };
    }
    const runText = chunks[PNG_RUN_KEY];
    if (runText === undefined) return { ok: true, doc: parsed.doc };
    let value: unknown;
    try {
      value = JSON.parse(runText);
    } catch (e) {
      return fail(`the run information inside this PNG is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 'run-info');
    }
    const run = zRunInfo.safeParse(value);
    if (!run.success) return { ok: false, errors: runIssues(run.error.issues, value) };
    return { ok: true, doc: parsed.doc, run: run.data };
  } catch (e) {
    return { ok: false, errors: [internalError('reading the PNG', e)] };
  }
}

/**
 * The graph set up to repeat the run: its training settings (seed, epochs,
 * optimizer, learning rate) and its Dataset node (dataset, binarization,
 * batch size) as the run had them. Returns a new document.
 */
export function restoreExperiment(doc: GraphDoc, run: RunInfo): GraphDoc {
  return {
    ...withDataSettings(doc, specRegistry, { dataset: run.dataset, binarize: run.binarize, batchSize: run.batchSize }),
    training: { epochs: run.epochs, optimizer: run.optimizer, learningRate: run.learningRate, seed: run.seed },
  };
}
