/**
 * Headless training: compile a graph file, train it on a Node backend, write
 * metrics JSON and PNG grids (reconstructions, prior samples, traversals) that
 * carry their graph and run in PNG text chunks.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { InputError } from './args';
import { compileGraph } from '../compiler/plan';
import { compileProgram, type Program } from '../compiler/program';
import { checkTrainingBudget, limitsFor } from '../core/memoryBudget';
import { datasetOf, withDataSettings } from '../core/graphQueries';
import { missingImportMessage, type ImportedDatasetRef } from '../core/datasets';
import { formatDiagnostics } from '../core/diagnostics';
import { imageGrid, type ImageBatch } from '../core/imageGrid';
import { parseGraphText } from '../core/parse';
import type { RasterImage } from '../core/png';
import type { GraphDoc } from '../core/schema';
import { BatchSampler } from '../data/batches';
import { describeRun, embedExperiment, type RunInfo } from '../share/pngEmbed';
import type { DatasetData } from '../data/format';
import { loadDatasetNode } from '../data/loadNode';
import { estimateLogLikelihood, likelihoodProblem } from '../metrics/logLikelihood';
import { missingKernels } from '../runtime/worker/kernels';
import { initNodeBackend, type NodeBackend } from '../runtime/worker/nodeBackend';
import {
  classRowImages,
  dimsByKl,
  encodeMeans,
  pairRows,
  priorSamples,
  reconstructions,
  traversal,
  traversalValues,
} from '../runtime/worker/pictures';
import { train, type EpochRecord, type EvalMetrics, type TrainEvent, type TrainStatus } from '../runtime/worker/trainer';

export type BackendChoice = NodeBackend | 'auto';

export interface TrainRunOptions {
  graphPath: string;
  outDir?: string;
  epochs?: number;
  seed?: number;
  learningRate?: number;
  batchSize?: number;
  backend?: BackendChoice;
  maxSteps?: number;
  trainLimit?: number;
  testLimit?: number;
  /** Bytes training may use (default 4 GB, and never more than the wasm heap holds on wasm). */
  memoryBudget?: number;
  /** After training, estimate log p(x) on the test images with this many importance samples per image. */
  iwSamples?: number;
  /** Overrides applied to the graph after loading, e.g. { recon: { distribution: 'mse' } }. */
  paramOverrides?: Record<string, Record<string, unknown>>;
  /** The user's own dataset (`--data`): the graph's Dataset node is set to it. */
  imported?: { ref: ImportedDatasetRef; data: DatasetData };
  onEvent?: (event: TrainEvent) => void;
  log?: (line: string) => void;
}

/** What training may use from the command line unless told otherwise. */
export const CLI_BUDGET_BYTES = 4e9;

export interface RunReport {
  graph: string;
  seed: number;
  dataset: string;
  backend: string;
  epochs: number;
  steps: number;
  status: TrainStatus;
  message?: string;
  final: EvalMetrics | undefined;
  history: EpochRecord[];
  seconds: number;
  samplesPerSecond: number;
  /** The IW-k estimate of log p(x) and the ELBO on the same test images and draws (with `iwSamples`). */
  logLikelihood?: { samples: number; images: number; estimate: number; elbo: number; seconds: number };
}

export interface TrainRunResult {
  info: RunReport;
  doc: GraphDoc;
  files: string[];
}

/** A graph that cannot be read or trained: the user's to fix, reported without a stack. */
export class GraphError extends InputError {
  override name = 'GraphError';
}

export function loadGraphFile(path: string): GraphDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GraphError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = parseGraphText(text, specRegistry);
  if (!parsed.ok) throw new GraphError(`${path} is not a valid graph:\n${formatDiagnostics(parsed.errors)}`);
  return parsed.doc;
}

/** Applies `--set node.param=value` style overrides, validated by the node's schema. */
export function applyOverrides(doc: GraphDoc, overrides: Record<string, Record<string, unknown>>): GraphDoc {
  const next = structuredClone(doc);
  for (const [nodeId, params] of Object.entries(overrides)) {
    const node = next.nodes.find((n) => n.id === nodeId);
    if (!node) throw new GraphError(`there is no node '${nodeId}' (nodes: ${next.nodes.map((n) => n.id).join(', ')})`);
    const spec = specRegistry.get(node.type);
    if (!spec) throw new GraphError(`node '${nodeId}' has an unknown type`);
    const merged = spec.params.safeParse({ ...node.params, ...params });
    if (!merged.success) {
      throw new GraphError(
        `node '${nodeId}' (${node.type}): ${merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    node.params = merged.data;
  }
  return next;
}

/** wasm where it has every kernel the graph needs, cpu otherwise. */
export async function chooseBackend(choice: BackendChoice, doc: GraphDoc, log: (s: string) => void): Promise<NodeBackend> {
  if (choice !== 'auto') return choice;
  const compiled = compileGraph(doc, specRegistry);
  if (!compiled.ok) return 'wasm';
  const tf = await initNodeBackend('wasm');
  const missing = missingKernels(tf, 'wasm', compiled.plan);
  if (missing.length === 0) return 'wasm';
  log(`note: the wasm backend lacks ${missing.join(', ')} (needed to train convolutions): training on cpu, which is slower`);
  return 'cpu';
}

/** A PNG of `image` that carries its graph and run (src/share/pngEmbed.ts). */
export function experimentPng(
  image: RasterImage,
  doc: GraphDoc,
  report: Pick<RunReport, 'steps' | 'status' | 'backend' | 'final'>,
  shows: NonNullable<RunInfo['image']>,
): Uint8Array {
  const run: RunInfo = {
    ...describeRun(doc, {
      steps: report.steps,
      status: report.status,
      backend: report.backend,
      ...(report.final ? { final: report.final } : {}),
      createdAt: new Date(),
    }),
    image: shows,
  };
  const png = embedExperiment(image, doc, run);
  if (!png.ok) throw new GraphError(png.errors.map((e) => e.message).join('; '));
  return png.bytes;
}

async function writePictures(program: Program, data: DatasetData, doc: GraphDoc, info: RunReport, outDir: string): Promise<string[]> {
  const files: string[] = [];
  const write = (name: string, batch: ImageBatch, columns: number, shows: NonNullable<RunInfo['image']>) => {
    const path = join(outDir, name);
    writeFileSync(path, experimentPng(imageGrid(batch, { columns, gap: 2, scale: 2 }), doc, info, shows));
    files.push(path);
  };
  if (!program.plan.generation) return files;
  const test = new BatchSampler(data, { split: 'test', batchSize: 16, binarize: program.plan.dataset.binarize, seed: program.seed });
  const fixed = test.images(Array.from({ length: Math.min(16, test.count) }, (_, i) => i));
  const rec = await reconstructions(program, fixed);
  write('reconstructions.png', pairRows(rec.input, rec.output, 8), 8, 'reconstructions');
  const classRows = await classRowImages(program, 10, 'samples');
  if (classRows) write('samples.png', classRows, 10, 'samples');
  else write('samples.png', await priorSamples(program, 64, 'samples'), 8, 'samples');
  const { values, d } = await encodeMeans(program, fixed);
  const dims = dimsByKl(info.final?.klPerDim.length ? info.final.klPerDim : Array.from({ length: d }, () => 0), Math.min(10, d));
  const steps = traversalValues(9);
  write('traversals.png', await traversal(program, values.subarray(0, d), dims, steps, fixed.labels[0]), steps.length, 'traversals');
  return files;
}

/** The IW-k estimate on the test images the test ELBO scores, with progress every tenth of the way. */
async function likelihoodOf(
  program: Program,
  data: DatasetData,
  samples: number,
  limit: number | undefined,
  log: (line: string) => void,
): Promise<NonNullable<RunReport['logLikelihood']>> {
  const started = Date.now();
  let nextTenth = 1;
  const e = await estimateLogLikelihood(program, data, {
    samples,
    ...(limit !== undefined ? { limit } : {}),
    onProgress: (done, total) => {
      if (done < (total * nextTenth) / 10) return;
      log(`IW-${samples} estimate: ${done}/${total} test images`);
      while (done >= (total * nextTenth) / 10) nextTenth++;
    },
  });
  return { samples, images: e.images, estimate: e.logLikelihood, elbo: e.elbo, seconds: (Date.now() - started) / 1000 };
}

export async function runTraining(options: TrainRunOptions): Promise<TrainRunResult> {
  const log = options.log ?? (() => {});
  let doc = loadGraphFile(options.graphPath);
  if (options.paramOverrides) doc = applyOverrides(doc, options.paramOverrides);
  if (options.seed !== undefined) doc.training.seed = options.seed;
  if (options.learningRate !== undefined) doc.training.learningRate = options.learningRate;
  if (options.epochs !== undefined) doc.training.epochs = options.epochs;
  if (options.batchSize !== undefined) doc = withDataSettings(doc, specRegistry, { batchSize: options.batchSize });
  if (options.imported) doc = withDataSettings(doc, specRegistry, { dataset: 'imported', imported: options.imported.ref });
  const named = datasetOf(doc.nodes, specRegistry);
  if (named?.dataset === 'imported' && named.imported && !options.imported) {
    throw new InputError(missingImportMessage(named.imported));
  }
  const backend = await chooseBackend(options.backend ?? 'auto', doc, log);
  // too big for this machine: said before anything is allocated, naming the node and the param to shrink
  const { check } = checkTrainingBudget(doc, specRegistry, limitsFor(backend, options.memoryBudget ?? CLI_BUDGET_BYTES));
  if (check.level === 'over') throw new GraphError(`${check.message} (--memory-budget sets the budget in MB)`);
  if (check.level === 'near' && check.message) log(`warning: ${check.message}`);
  const tf = await initNodeBackend(backend);
  const compiled = compileProgram(doc, tf);
  if (!compiled.ok) throw new GraphError(`the graph cannot be trained:\n${formatDiagnostics(compiled.diagnostics)}`);
  const program = compiled.program;
  for (const w of program.plan.warnings) log(`warning: ${w.message}`);
  const iwProblem = options.iwSamples !== undefined ? likelihoodProblem(program) : undefined;
  if (iwProblem) {
    program.dispose();
    throw new GraphError(`--iw-samples: ${iwProblem}`);
  }
  const data = options.imported?.data ?? loadDatasetNode(program.plan.dataset.id);
  const started = Date.now();
  let samples = 0;
  try {
    const result = await train(program, {
      data,
      epochs: doc.training.epochs,
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
      ...(options.testLimit !== undefined ? { testLimit: options.testLimit } : {}),
      onEvent: (e) => {
        if (e.type === 'progress') samples = e.step * program.plan.dataset.batchSize;
        options.onEvent?.(e);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const logLikelihood =
      options.iwSamples !== undefined ? await likelihoodOf(program, data, options.iwSamples, options.testLimit, log) : undefined;
    const info: RunReport = {
      graph: doc.name,
      seed: doc.training.seed,
      dataset: program.plan.dataset.id,
      backend,
      epochs: doc.training.epochs,
      steps: result.steps,
      status: result.status,
      ...(result.message ? { message: result.message } : {}),
      final: result.final,
      history: result.history,
      seconds,
      samplesPerSecond: seconds > 0 ? samples / seconds : 0,
      ...(logLikelihood ? { logLikelihood } : {}),
    };
    const files: string[] = [];
    if (options.outDir) {
      mkdirSync(options.outDir, { recursive: true });
      const metrics = join(options.outDir, 'metrics.json');
      writeFileSync(metrics, `${JSON.stringify(info, null, 2)}\n`);
      const graph = join(options.outDir, 'graph.json');
      writeFileSync(graph, `${JSON.stringify(doc, null, 2)}\n`);
      files.push(metrics, graph, ...(await writePictures(program, data, doc, info, options.outDir)));
    }
    return { info, doc, files };
  } finally {
    program.dispose();
  }
}
