/**
 * Side-by-side runs: a graph and its forks (one thing changed) trained with the
 * same seed — so the same initial weights, batches and noise — in lock-step, with
 * the sharpness of their reconstructions and prior samples measured as they train.
 * A sweep over β gives the rate–distortion curve (KL against reconstruction).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { compileProgram, type Program } from '../compiler/program';
import { formatDiagnostics } from '../core/diagnostics';
import { swapGraph } from '../core/fork';
import { imageGrid, type ImageBatch } from '../core/imageGrid';
import { encodePng } from '../core/png';
import type { GraphDoc } from '../core/schema';
import { BatchSampler } from '../data/batches';
import type { DatasetData } from '../data/format';
import { loadDatasetNode } from '../data/loadNode';
import { relativeSharpness, type SharpnessScores } from '../metrics/sharpness';
import { initNodeBackend } from '../runtime/nodeBackend';
import { priorSamples, reconstructions } from '../runtime/pictures';
import { train, type EvalMetrics, type TrainStatus } from '../runtime/trainer';
import { chooseBackend, experimentPng, GraphError, loadGraphFile, type BackendChoice } from './trainRun';

export interface SharpnessPoint {
  step: number;
  reconstructions: SharpnessScores;
  samples: SharpnessScores;
}

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
  let doc = base;
  const labels: string[] = [];
  for (const s of swaps) {
    const r = swapGraph(doc, specRegistry, s);
    if (!r.ok) throw new GraphError(`--swap ${s}: ${r.message}`);
    doc = r.doc;
    labels.push(r.label);
  }
  return { doc, label: labels.length > 0 ? labels.join(', ') : 'original' };
}

async function sharpnessNow(program: Program, fixed: ReturnType<BatchSampler['images']>, step: number) {
  const rec = await reconstructions(program, fixed);
  const samples = program.plan.generation ? await priorSamples(program, fixed.size, 'compare') : rec.output;
  return {
    point: { step, reconstructions: relativeSharpness(rec.output, rec.input), samples: relativeSharpness(samples, rec.input) },
    pictures: { inputs: rec.input, reconstructions: rec.output, samples },
  };
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
    const results = await Promise.all(
      programs.map(async (program, i) => {
        const v = variants[i] as { doc: GraphDoc; label: string };
        const test = new BatchSampler(data, { split: 'test', batchSize: n, binarize: program.plan.dataset.binarize, seed: program.seed });
        const fixed = test.images(Array.from({ length: Math.min(n, test.count) }, (_, k) => k));
        const history: SharpnessPoint[] = [];
        let totalSteps = 0;
        const result = await train(program, {
          data,
          epochs: v.doc.training.epochs,
          reportEvery: options.reportEvery ?? 20,
          ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
          ...(options.testLimit !== undefined ? { testLimit: options.testLimit } : {}),
          ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
          onEvent: (e) => {
            if (e.type === 'started') totalSteps = e.totalSteps;
            if (e.type === 'progress') options.onProgress?.(v.label, e.step, totalSteps);
          },
          onReport: async ({ step }) => {
            history.push((await sharpnessNow(program, fixed, step)).point);
          },
        });
        const end = await sharpnessNow(program, fixed, result.steps);
        return {
          label: v.label,
          doc: v.doc,
          status: result.status,
          ...(result.message ? { message: result.message } : {}),
          steps: result.steps,
          final: result.final,
          sharpness: end.point,
          sharpnessHistory: history,
          pictures: end.pictures,
        } satisfies ComparedRun;
      }),
    );
    runs.push(...results);
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
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
}

export function rateDistortionSvg(points: ReadonlyArray<{ label: string; rate: number; distortion: number }>): string {
  const W = 520;
  const H = 360;
  const m = { l: 64, r: 20, t: 30, b: 50 };
  const xs = points.map((p) => p.rate);
  const ys = points.map((p) => p.distortion);
  const [x0, x1] = [Math.min(0, ...xs), Math.max(...xs) * 1.1 || 1];
  const [y0, y1] = [Math.min(...ys) * 0.95, Math.max(...ys) * 1.05 || 1];
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  const path = sorted.map((p, i) => `${i ? 'L' : 'M'}${sx(p.rate).toFixed(1)},${sy(p.distortion).toFixed(1)}`).join(' ');
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);
  const dots = sorted
    .map((p) => `<circle cx="${sx(p.rate).toFixed(1)}" cy="${sy(p.distortion).toFixed(1)}" r="4" fill="#4f46e5"/><text x="${(sx(p.rate) + 6).toFixed(1)}" y="${(sy(p.distortion) - 6).toFixed(1)}" font-size="12">${esc(p.label)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Rate–distortion as β changes</text>
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>
<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="12">rate: KL (nats)</text>
<text x="16" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${H / 2})">distortion: reconstruction (nats)</text>
<text x="${m.l}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${x0.toFixed(0)}</text><text x="${W - m.r}" y="${H - m.b + 16}" font-size="11" text-anchor="end">${x1.toFixed(0)}</text>
<text x="${m.l - 6}" y="${H - m.b}" font-size="11" text-anchor="end">${y0.toFixed(0)}</text><text x="${m.l - 6}" y="${m.t + 4}" font-size="11" text-anchor="end">${y1.toFixed(0)}</text>
<path d="${path}" fill="none" stroke="#4f46e5" stroke-width="2"/>${dots}
</svg>
`;
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
  writeFileSync(side, encodePng(imageGrid(comparisonPicture(runs, columns), { columns, scale: 2 })));
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
