/**
 * `npm run lab -- graphs/beta-vae-shapes.json --seeds 10-19 --betas 1,4`: the
 * same graph trained at each β on each seed, scored with MIG; prints the table
 * and how often the larger β wins, and writes seeds.json. A benchmark of how
 * dependable a lesson's ordering is, not a test.
 */
import type { TF } from '../../nodes/defineNode';
import type { GraphDoc } from '../core/schema';
import type { DatasetData } from '../data/format';
import { runLab, withBeta } from './labRun';

export interface SeedRow {
  seed: number;
  /** MIG per β, in the order of `betas`. */
  mig: number[];
  seconds: number;
}

export interface SeedTable {
  graph: string;
  epochs: number;
  betas: number[];
  rows: SeedRow[];
  /** Seeds on which the largest β has the highest MIG. */
  largestBetaWins: number;
}

/** `10-19` or `3,5,8` → the seeds. */
export function parseSeeds(text: string): number[] | string {
  const range = /^(\d+)-(\d+)$/.exec(text);
  const seeds = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i)
    : text.split(',').map(Number);
  if (seeds.length === 0 || seeds.length > 100 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    return `--seeds must be a range like 10-19 or a list like 3,5,8 (at most 100 seeds), not '${text}'`;
  }
  return seeds;
}

/** `1,4` → the β values to compare. */
export function parseBetas(text: string): number[] | string {
  const betas = text.split(',').map(Number);
  if (betas.length < 2 || betas.some((b) => !Number.isFinite(b) || b < 0 || b > 1000))
    return `--betas must list at least two β values like 1,4, not '${text}'`;
  return betas;
}

export async function compareSeeds(
  doc: GraphDoc,
  data: DatasetData,
  tf: TF,
  options: { seeds: number[]; betas: number[]; epochs?: number; trainLimit?: number; evalLimit?: number; onRow?: (row: SeedRow) => void },
): Promise<SeedTable> {
  const rows: SeedRow[] = [];
  for (const seed of options.seeds) {
    const started = performance.now();
    const mig: number[] = [];
    for (const beta of options.betas) {
      const { report } = await runLab(withBeta(doc, beta), data, tf, {
        seed,
        traversalSteps: 0,
        ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
        ...(options.trainLimit !== undefined ? { trainLimit: options.trainLimit } : {}),
        ...(options.evalLimit !== undefined ? { evalLimit: options.evalLimit } : {}),
      });
      mig.push(report.scores.mig);
    }
    const row = { seed, mig, seconds: (performance.now() - started) / 1000 };
    rows.push(row);
    options.onRow?.(row);
  }
  const largest = options.betas.indexOf(Math.max(...options.betas));
  const largestBetaWins = rows.filter((r) => r.mig.every((m, i) => i === largest || (r.mig[largest] ?? -1) > m)).length;
  return { graph: doc.name, epochs: options.epochs ?? doc.training.epochs, betas: options.betas, rows, largestBetaWins };
}
