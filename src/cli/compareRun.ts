/**
 * Side-by-side runs: a graph and its forks (one thing changed) trained with the
 * same seed — so the same initial weights, batches and noise — in lock-step, with
 * the sharpness of their reconstructions and prior samples measured as they train.
 * A sweep over β gives the rate–distortion curve (KL against reconstruction).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { compileProgram } from '../compiler/program';
import { formatDiagnostics } from '../core/diagnostics';
import { applySwaps } from '../core/fork';
import { imageGrid, type ImageBatch } from '../core/imageGrid';
import { encodePng } from '../core/png';
import { embedGraphPng } from '../share/pngEmbed';
import type { GraphDoc } from '../core/schema';
import type { DatasetData } from '../data/format';
import { loadDatasetNode } from '../data/loadNode';
import { rateDistortionSvg } from '../metrics/rateDistortion';
import { trainLockstep } from '../runtime/worker/lockstep';
import { initNodeBackend } from '../runtime/worker/nodeBackend';
import { measureSharpness, sharpnessImages, type SharpnessPoint } from '../runtime/worker/sharpnessProbe';
import type { EvalMetrics, TrainStatus } from '../runtime/worker/trainer';
import { chooseBackend, experimentPng, GraphError, loadGraphFile, type BackendChoice } from './trainRun';

export type { SharpnessPoint } from '../runtime/worker/sharpnessProbe';
export { rateDistortionSvg } from '../metrics/rateDistortion';

export interface ComparedRun {
  label: string;
  doc: GraphDoc;
  status: TrainStatus;
  message?: string;
  steps: number;
  final: EvalMetrics | undefined;
  /** Relative to the real test images (1 = as sharp as the data). */
  sharpness: SharpnessPoint;
  sharpnessHistory: SharpnessPoint[];
  pictures: { inputs: ImageBatch; reconstructions: ImageBatch; samples: ImageBatch };
}

export interface ComparisonOptions {
  graphPath: string;
  /** Each variant is a list of swaps applied to the base graph; [] is the base itself. */
  variants: ReadonlyArray<ReadonlyArray<string>>;
  epochs?: number;
  seed?: number;
  backend?: BackendChoice;
  trainLimit?: number;
  testLimit?: number;
  maxSteps?: number;
  /** Images used for the sharpness scores and pictures (default 64). */
  previewImages?: number;
  reportEvery?: number;
  outDir?: string;
  log?: (line: string) => void;
  onProgress?: (label: string, step: number, totalSteps: number) => void;
}

export interface ComparisonResult {
  seed: number;
  backend: string;
  epochs: number;
  runs: ComparedRun[];
  files: string[];
}

export function variantDoc(base: GraphDoc, swaps: ReadonlyArray<string>): { doc: GraphDoc; label: string } {
  const r = applySwaps(base, specRegistry, swaps);
  if (!r.ok) throw new GraphError(`--swap ${r.message}`);
  return { doc: r.doc, label: r.label };
}

export async function runComparison(options: ComparisonOptions): Promise<ComparisonResult> {
  const log = options.log ?? (() => {});
  const base = loadGraphFile(options.graphPath);
  if (options.seed !== undefined) base.training.seed = options.seed;
  if (options.epochs !== undefined) base.training.epochs = options.epochs;
  const variants = options.variants.map((v) => variantDoc(base, v));
  // one backend for every run (the slowest requirement wins), so the comparison is fair
  let backend = await chooseBackend(options.backend ?? 'auto', base, log);
  for (const v of variants) if ((await chooseBackend(options.backend ?? 'auto', v.doc, () => {})) === 'cpu') backend = 'cpu';
  const tf = await initNodeBackend(backend);
  const programs = variants.map((v) => {
    const c = compileProgram(v.doc, tf);
    if (!c.ok) throw new GraphError(`${v.label}: the graph cannot be trained:\n${formatDiagnostics(c.diagnostics)}`);
    return c.program;
  });
  const datasets = new Set(programs.map((p) => p.plan.dataset.id));
  if (datasets.size !== 1) throw new GraphError('the variants read different datasets; compare runs on one dataset');
  const data: DatasetData = loadDatasetNode(programs[0]?.plan.dataset.id ?? 'mnist');
  const n = options.previewImages ?? 64;
  const runs: ComparedRun[] = [];
  try {
    const images = programs.map((program) => sharpnessImages(program, data, n));
    const histories: SharpnessPoint[][] = programs.map(() => []);
    const totals = programs.map(() => 0);
    const results = await trainLockstep(programs, {
      data,
      reportEvery: options.reportEvery ?? 20,
      ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
      ...(options.testLimit !== undefined ? { testLimit: options.testLimit } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      onEvent: (lane, e) => {
        if (e.type === 'started') totals[lane] = e.totalSteps;
        if (e.type === 'progress') options.onProgress?.(variants[lane]?.label ?? '', e.step, totals[lane] ?? 0);
      },
      onReport: async (lane, { step }) => {
        const program = programs[lane];
        const fixed = images[lane];
        if (program && fixed) histories[lane]?.push((await measureSharpness(program, fixed, step)).point);
      },
    });
    for (const [i, program] of programs.entries()) {
      const result = results[i];
      const v = variants[i];
      const fixed = images[i];
      if (!result || !v || !fixed) continue;
      const end = await measureSharpness(program, fixed, result.steps);
      runs.push({
        label: v.label,
        doc: v.doc,
        status: result.status,
        ...(result.message ? { message: result.message } : {}),
        steps: result.steps,
        final: result.final,
        sharpness: end.point,
        sharpnessHistory: histories[i] ?? [],
        pictures: end.pictures,
      });
    }
  } finally {
    for (const p of programs) p.dispose();
  }
  const files = options.outDir ? writeComparison(options.outDir, runs, base.training.seed, backend) : [];
  return { seed: base.training.seed, backend, epochs: base.training.epochs, runs, files };
}

/** Rows: the inputs, then each run's reconstructions; then each run's samples. */
function comparisonPicture(runs: ComparedRun[], columns: number): ImageBatch {
  const first = runs[0];
  if (!first) throw new Error('no runs');
  const { h, w, c } = first.pictures.inputs;
  const per = h * w * c;
  const rows = [first.pictures.inputs, ...runs.map((r) => r.pictures.reconstructions), ...runs.map((r) => r.pictures.samples)];
  const data = new Float32Array(rows.length * columns * per);
  rows.forEach((b, r) => {
    for (let k = 0; k < Math.min(columns, b.n); k++) data.set(b.data.subarray(k * per, (k + 1) * per), (r * columns + k) * per);
  });
  return { data, n: rows.length * columns, h, w, c };
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'run'
  );
}

function writeComparison(outDir: string, runs: ComparedRun[], seed: number, backend: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const columns = 8;
  for (const r of runs) {
    const dir = join(outDir, slug(r.label));
    mkdirSync(dir, { recursive: true });
    const report = { steps: r.steps, status: r.status, backend, final: r.final };
    const rec = join(dir, 'reconstructions.png');
    writeFileSync(rec, experimentPng(imageGrid(r.pictures.reconstructions, { columns, scale: 2 }), r.doc, report, 'reconstructions'));
    const smp = join(dir, 'samples.png');
    writeFileSync(smp, experimentPng(imageGrid(r.pictures.samples, { columns, scale: 2 }), r.doc, report, 'samples'));
    files.push(rec, smp);
  }
  const side = join(outDir, 'comparison.png');
  // the side-by-side picture carries the first run's graph (the original; the others are one change from it)
  const first = runs[0];
  const picture = imageGrid(comparisonPicture(runs, columns), { columns, scale: 2 });
  const labels = JSON.stringify({ runs: runs.map((r) => r.label) });
  const png = first ? embedGraphPng(picture, first.doc, { 'bottleneck:compare': labels }) : undefined;
  if (png && !png.ok) throw new GraphError(png.errors.map((e) => e.message).join('; '));
  writeFileSync(side, png?.ok ? png.bytes : encodePng(picture));
  files.push(side);
  const summary = {
    seed,
    backend,
    rows: ['inputs', ...runs.map((r) => `reconstructions: ${r.label}`), ...runs.map((r) => `prior samples: ${r.label}`)],
    runs: runs.map((r) => ({
      label: r.label,
      status: r.status,
      steps: r.steps,
      testElbo: r.final?.elbo,
      testRecon: r.final?.recon,
      testKl: r.final?.kl,
      activeUnits: r.final?.activeUnits,
      sharpness: r.sharpness,
      sharpnessHistory: r.sharpnessHistory,
    })),
  };
  const json = join(outDir, 'compare.json');
  writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  files.push(json);
  if (runs.length >= 3 && runs.every((r) => r.final)) {
    const svg = join(outDir, 'rate-distortion.svg');
    writeFileSync(svg, rateDistortionSvg(runs.map((r) => ({ label: r.label, rate: r.final?.kl ?? 0, distortion: r.final?.recon ?? 0 }))));
    files.push(svg);
  }
  return files;
}
