/**
 * The runs of a comparison ("lanes"): each graph parsed and compiled, its
 * length counted as train() counts it, its weights compared with the first
 * run's, and its pictures of the shared fixed images.
 */
import { specRegistry } from '../../../nodes';
import type { Program, WeightMap } from '../../compiler/program';
import { compileGraph, type Plan } from '../../compiler/plan';
import type { Diagnostic } from '../../core/diagnostics';
import { parseGraph } from '../../core/parse';
import type { GraphDoc } from '../../core/schema';
import { BatchSampler, type BatchArrays } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import type { LanePreview, ParsedRunOptions } from '../protocol';
import { priorSamples, reconstructions } from './pictures';
import { PREVIEW_SAMPLES } from './previews';
import { measureSharpness } from './sharpnessProbe';
import { TrainControl } from './trainer';

export interface Lane {
  label: string;
  doc: GraphDoc;
  plan: Plan;
  control: TrainControl;
  program: Program | undefined;
  /** Fixed test images drawn for every run (one per class). */
  fixed: BatchArrays | undefined;
  /** Test images the sharpness meter scores. */
  sharp: BatchArrays | undefined;
  lastPreviewStep: number;
  step: number;
  epoch: number;
}

/** Why a comparison cannot start, naming the run. */
export interface LaneProblem {
  problem: string;
  diagnostics: Diagnostic[];
}

const problem = (text: string, diagnostics: Diagnostic[] = []): LaneProblem => ({ problem: text, diagnostics });

/** Parses and compiles every graph; reports the first that cannot train, naming it. */
export function prepareLanes(specs: ReadonlyArray<{ label: string; doc: unknown }>): Lane[] | LaneProblem {
  const out: Lane[] = [];
  for (const spec of specs) {
    const parsed = parseGraph(spec.doc, specRegistry);
    if (!parsed.ok) {
      return problem(`'${spec.label}': the graph is not valid`, parsed.errors);
    }
    const compiled = compileGraph(parsed.doc, specRegistry);
    if (!compiled.ok) {
      const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
      return problem(`'${spec.label}': ${errors.map((d) => d.message).join('; ') || 'the graph does not compile'}`, compiled.diagnostics);
    }
    if (!compiled.plan.generation) {
      return problem(`'${spec.label}': no Decoder feeds a reconstruction loss, so there are no pictures to compare`);
    }
    out.push({
      label: spec.label,
      doc: parsed.doc,
      plan: compiled.plan,
      control: new TrainControl(),
      program: undefined,
      fixed: undefined,
      sharp: undefined,
      lastPreviewStep: -Infinity,
      step: 0,
      epoch: 0,
    });
  }
  const datasets = new Set(out.map((l) => l.plan.dataset.id));
  if (datasets.size > 1) {
    return problem(`the runs read different datasets (${[...datasets].join(', ')}); a comparison trains on one`);
  }
  return out;
}

export /** Steps per epoch and in total, exactly as train() will count them. */
function stepsOf(plan: Plan, data: DatasetData, options: ParsedRunOptions): { stepsPerEpoch: number; epochs: number; totalSteps: number } {
  const sampler = new BatchSampler(data, {
    split: 'train',
    batchSize: plan.dataset.batchSize,
    binarize: plan.dataset.binarize,
    seed: plan.training.seed,
    ...(options.trainLimit !== undefined ? { limit: options.trainLimit } : {}),
  });
  const epochs = options.epochs ?? plan.training.epochs;
  const stepsPerEpoch = sampler.batchesPerEpoch;
  return { stepsPerEpoch, epochs, totalSteps: Math.min(options.maxSteps ?? Infinity, epochs * stepsPerEpoch) };
}

/** Weight tensors of `other` equal to `first`'s (same name, shape and values). */
export function countSameWeights(first: WeightMap, other: WeightMap): number {
  let same = 0;
  for (const [name, w] of Object.entries(other)) {
    const f = first[name];
    if (!f || f.shape.length !== w.shape.length || f.shape.some((d, i) => d !== w.shape[i])) continue;
    if (f.values.length === w.values.length && f.values.every((v, i) => v === w.values[i])) same++;
  }
  return same;
}

export /** Reconstructions of the fixed images, samples from the fixed codes ε, and the sharpness meter. */
async function makeLanePreview(
  program: Program,
  fixed: BatchArrays,
  sharp: BatchArrays,
  at: { step: number; epoch: number },
): Promise<LanePreview> {
  const rec = await reconstructions(program, fixed);
  const samples = await priorSamples(program, PREVIEW_SAMPLES, 'preview');
  const { point } = await measureSharpness(program, sharp, at.step);
  return {
    step: at.step,
    epoch: at.epoch,
    imageShape: [...program.plan.imageShape],
    inputs: { n: rec.input.n, data: rec.input.data },
    reconstructions: { n: rec.output.n, data: rec.output.data },
    labels: Array.from(fixed.labels),
    samples: { n: samples.n, data: samples.data },
    sharpness: point,
  };
}

export function transferablesOf(p: LanePreview): Transferable[] {
  return [p.inputs.data, p.reconstructions.data, p.samples.data].flatMap((a) => (a.buffer instanceof ArrayBuffer ? [a.buffer] : []));
}
