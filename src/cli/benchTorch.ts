/**
 * The PyTorch reference for `npm run bench`: exports the graph to a PyTorch
 * script with the studio's own exporter, writes the images the browser trains
 * on, and times the script's training step (benchTorch.py) — the same model
 * on the same data, on the same machine, in the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { compileGraph } from '../compiler/plan';
import { BatchSampler } from '../data/batches';
import { loadDatasetNode, projectRoot } from '../data/loadNode';
import { exportPyTorch } from '../export/pytorch';
import { specRegistry } from '../../nodes';
import type { GraphDoc } from '../core/schema';
import { pythonWith, run } from './python';

const zTorchRow = z.object({
  torch: z.string(),
  device: z.string(),
  threads: z.number(),
  blas: z.string(),
  batchSize: z.number(),
  steps: z.number(),
  samplesPerSecond: z.number(),
  msPerStep: z.number(),
  firstStepMs: z.number(),
  firstLoss: z.number(),
  lastLoss: z.number(),
});
export type TorchRow = z.infer<typeof zTorchRow> & { graph: string };
export type TorchResult = TorchRow | { graph: string; threads: number; error: string };

/** The faster of the successful runs of `graph`, if any. */
export function fastestTorch(rows: ReadonlyArray<TorchResult>, graph: string, device = 'cpu'): TorchRow | undefined {
  const ok = rows.filter((t): t is TorchRow => t.graph === graph && !('error' in t) && t.device.startsWith(device));
  return ok.reduce<TorchRow | undefined>((a, t) => (!a || t.samplesPerSecond > a.samplesPerSecond ? t : a), undefined);
}

/** The interpreter with torch, or why there is none. */
export function torchPython(): { python: string } | { missing: string } {
  const python = pythonWith(['torch']);
  return python ? { python } : { missing: 'no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)' };
}

export interface TorchRunOptions {
  /** cpu (default) or cuda. */
  device?: string;
  /** Where benchTorch.py is (a bundle keeps it beside itself). */
  harness?: string;
}

/** Times `steps` training steps of the graph's exported script with `threads` CPU threads. */
export function measureTorch(
  python: string,
  graph: string,
  doc: GraphDoc,
  steps: number,
  threads: number,
  options: TorchRunOptions = {},
): TorchResult {
  const dir = mkdtempSync(join(tmpdir(), 'bottleneck-torch-bench-'));
  try {
    const exported = exportPyTorch(doc, { fileName: `${graph}.py` });
    if (!exported.ok) throw new Error(exported.errors.map((e) => e.message).join('; '));
    const compiled = compileGraph(doc, specRegistry);
    if (!compiled.ok) throw new Error(`${graph}.json does not compile`);
    const plan = compiled.plan;
    // the images of the first ten training batches, binarized as the graph says, channels last
    const sampler = new BatchSampler(loadDatasetNode(plan.dataset.id), {
      split: 'train',
      batchSize: plan.dataset.batchSize,
      binarize: plan.dataset.binarize,
      seed: doc.training.seed,
    });
    const batches = Math.min(10, sampler.batchesPerEpoch);
    const parts = Array.from({ length: batches }, (_, i) => sampler.batch(0, i));
    const count = parts.reduce((n, p) => n + p.size, 0);
    const images = new Float32Array(parts.reduce((n, p) => n + p.x.length, 0));
    let offset = 0;
    for (const p of parts) {
      images.set(p.x, offset);
      offset += p.x.length;
    }
    const script = join(dir, `${graph}.py`);
    writeFileSync(script, exported.code);
    const imagesFile = join(dir, 'images.f32');
    writeFileSync(imagesFile, new Uint8Array(images.buffer));
    const [h, w, c] = plan.imageShape;
    const harness = options.harness ?? join(projectRoot, 'src/cli/benchTorch.py');
    const args = [
      harness,
      script,
      imagesFile,
      String(count),
      String(h),
      String(w),
      String(c),
      '--steps',
      String(steps),
      '--threads',
      String(threads),
      '--device',
      options.device ?? 'cpu',
    ];
    // OpenBLAS reads its thread count when it loads
    const r = run(python, args, 600_000, { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) });
    if (r.status !== 0) throw new Error(`the PyTorch benchmark failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const parsed = zTorchRow.safeParse(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}'));
    if (!parsed.success) throw new Error('the PyTorch benchmark printed no result');
    return { graph, ...parsed.data };
  } catch (e) {
    return { graph, threads, error: e instanceof Error ? e.message : String(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
