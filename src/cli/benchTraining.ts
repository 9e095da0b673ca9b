/**
 * Training speed of one saved graph on one tfjs backend in Node, as the
 * trainer runs it: samples/s (after the first window, which compiles
 * kernels), ms per step, time to the first step, kernels per step and the
 * slowest of them, peak memory of a step, and leaked tensors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { compileProgram, type Program } from '../compiler/program';
import { parseGraphText } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import { loadDatasetNode, projectRoot } from '../data/loadNode';
import type { DatasetData } from '../data/format';
import { initNodeBackend, type NodeBackend } from '../runtime/worker/nodeBackend';
import { createOptimizer } from '../runtime/worker/optimizer';
import { train, trainingStep, trainSampler, type EvalMetrics } from '../runtime/worker/trainer';

export interface KernelTime {
  name: string;
  count: number;
  ms: number;
}

export interface TrainingRow {
  graph: string;
  backend: string;
  batchSize: number;
  steps: number;
  samplesPerSecond: number;
  msPerStep: number;
  /** From calling train() to the end of the first step (compiles kernels and shaders). */
  firstStepMs: number;
  /** Kernels one training step runs (on WebGPU each is at least one dispatch). */
  kernelsPerStep: number;
  /** The kernels taking the most time in a step (times as the backend measures them, averaged over 8 steps). */
  slowestKernels: KernelTime[];
  /** The most memory a step holds at once, in MB (tensors, not the process). */
  stepPeakMB: number;
  leakedTensors: number;
}

export type TrainingResult = TrainingRow | { graph: string; backend: string; error: string };

export function loadSavedGraph(name: string): GraphDoc {
  const parsed = parseGraphText(readFileSync(join(projectRoot, 'graphs', `${name}.json`), 'utf8'), specRegistry);
  if (!parsed.ok) throw new Error(`${name}.json does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.doc;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** Steps profiled per figure: one step's kernel times are too noisy on a shared machine. */
const PROFILED_STEPS = 8;

/** Kernels of one training step (after one to warm up), by time, averaged over several profiled steps. */
async function profileStep(program: Program, data: DatasetData): Promise<{ kernels: KernelTime[]; count: number; peakBytes: number }> {
  const { tf } = program;
  const optimizer = createOptimizer(tf, program.plan.training.optimizer, program.model.variables);
  const sampler = trainSampler(program, data);
  const run = (step: number) =>
    tf.tidy(() => trainingStep(program, optimizer, sampler.batch(0, step), { step, learningRate: 1e-4 }).packed.dispose());
  // the kernels were compiled while training: one step more to settle, then the profiled ones
  run(0);
  const byName = new Map<string, KernelTime>();
  // the profile also lists the custom-gradient ops that wrap kernels: count the backend's kernels only
  const backend = tf.getBackend();
  let kernelCount = 0;
  let peakBytes = 0;
  for (let step = 1; step <= PROFILED_STEPS; step++) {
    const profile = await tf.profile(() => run(step));
    peakBytes = Math.max(peakBytes, profile.peakBytes);
    const kernelsRun = profile.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined);
    kernelCount += kernelsRun.length;
    for (const k of kernelsRun) {
      const entry = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
      entry.count++;
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byName.set(k.name, entry);
    }
  }
  optimizer.dispose();
  const kernels = [...byName.values()]
    .sort((a, b) => b.ms - a.ms)
    .map((k) => ({ name: k.name, count: round(k.count / PROFILED_STEPS), ms: round(k.ms / PROFILED_STEPS, 2) }));
  return { kernels, count: Math.round(kernelCount / PROFILED_STEPS), peakBytes };
}

/** `graph` names the document in the report. */
export async function measureTraining(graph: string, doc: GraphDoc, backend: NodeBackend, steps: number): Promise<TrainingResult> {
  try {
    const tf = await initNodeBackend(backend);
    const before = tf.memory().numTensors;
    const compiled = compileProgram(doc, tf);
    if (!compiled.ok) throw new Error(`${graph}.json does not compile`);
    const program = compiled.program;
    const data = loadDatasetNode(program.plan.dataset.id);
    const rates: number[] = [];
    let firstStepMs = 0;
    const t0 = performance.now();
    await train(program, {
      data,
      epochs: 1,
      maxSteps: steps + 1,
      reportEvery: Math.max(1, Math.floor(steps / 4)),
      reportIntervalMs: Infinity,
      reportFirstStep: true,
      testLimit: 100,
      onEvent: (e) => {
        if (e.type !== 'progress') return;
        if (e.step === 1) firstStepMs = performance.now() - t0;
        else rates.push(e.samplesPerSecond);
      },
    });
    const profile = await profileStep(program, data);
    program.dispose();
    const batchSize = program.plan.dataset.batchSize;
    const samplesPerSecond = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    return {
      graph,
      backend,
      batchSize,
      steps,
      samplesPerSecond: round(samplesPerSecond),
      msPerStep: round((1000 * batchSize) / samplesPerSecond, 2),
      firstStepMs: Math.round(firstStepMs),
      kernelsPerStep: profile.count,
      slowestKernels: profile.kernels.slice(0, 8),
      stepPeakMB: round(profile.peakBytes / 2 ** 20),
      leakedTensors: tf.memory().numTensors - before,
    };
  } catch (e) {
    return { graph, backend, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Trains `epochs` epochs on the full split and scores the test set (for comparing two ways of computing the same model). */
export async function testElbo(
  graph: string,
  backend: NodeBackend,
  epochs: number,
): Promise<{ elbo: number; seconds: number; test: EvalMetrics | undefined }> {
  const tf = await initNodeBackend(backend);
  const compiled = compileProgram(loadSavedGraph(graph), tf);
  if (!compiled.ok) throw new Error(`${graph}.json does not compile`);
  const t0 = performance.now();
  const result = await train(compiled.program, { data: loadDatasetNode(compiled.program.plan.dataset.id), epochs });
  compiled.program.dispose();
  return { elbo: round(result.final?.elbo ?? NaN, 2), seconds: round((performance.now() - t0) / 1000), test: result.final };
}
