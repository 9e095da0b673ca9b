/** Command-line options of `npm run lab`, checked with a schema like every other outside input. */
import { z } from 'zod';
import { parseGraphFlags, type ParsedGraphFlags } from './graphFlags';
import { nodeBackends } from '../runtime/worker/nodeBackend';

export const labUsage = `usage: npm run lab -- <graph.json> [options]

Trains the graph on a dataset with known factors (shapes), then scores how
disentangled its latent code is (MIG, FactorVAE, β-VAE scores) and draws latent
traversals.

options:
  --epochs N         training epochs (default: the graph's)
  --beta B           set β of every β node (e.g. 1 for a plain VAE, to compare)
  --seed S           run seed (default: the graph's)
  --out DIR          where to write report.json and the traversal PNGs (default runs/lab)
  --backend NAME     cpu | wasm | webgpu (default wasm)
  --train-limit N    train on the first N training images only
  --eval-limit N     score on the first N test images only (default: all 4,608)
  --steps N          traversal columns between −3 and 3 (default 9; 0 for none)
  --seeds A-B        train on each of these seeds (a range or a list) at each of --betas, and
                     print the table of MIG scores and how often the largest β wins
  --betas B1,B2      the β values --seeds compares (default 1,4)
  --help             this text`;

const zCount = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`);

export const zLabArgs = z.strictObject({
  graph: z.string({ error: 'name a graph file, e.g. graphs/beta-vae-shapes.json' }).min(1, 'name a graph file'),
  epochs: zCount('--epochs').max(1000, '--epochs must be at most 1000').optional(),
  beta: z.coerce.number({ error: '--beta must be a number' }).min(0, '--beta must be ≥ 0').max(1000, '--beta must be ≤ 1000').optional(),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').min(0).max(0xffffffff).optional(),
  out: z.string().min(1).default('runs/lab'),
  backend: z.enum(nodeBackends, { error: `--backend must be one of ${nodeBackends.join(', ')}` }).default('wasm'),
  trainLimit: zCount('--train-limit').optional(),
  evalLimit: zCount('--eval-limit').optional(),
  steps: z.coerce
    .number({ error: '--steps must be a number' })
    .int()
    .min(0, '--steps must be ≥ 0')
    .max(25, '--steps must be at most 25')
    .default(9),
  seeds: z.string().optional(),
  betas: z.string().default('1,4'),
});
export type LabArgs = z.infer<typeof zLabArgs>;

const flags: Record<string, keyof LabArgs> = {
  '--epochs': 'epochs',
  '--beta': 'beta',
  '--seed': 'seed',
  '--out': 'out',
  '--backend': 'backend',
  '--train-limit': 'trainLimit',
  '--eval-limit': 'evalLimit',
  '--steps': 'steps',
  '--seeds': 'seeds',
  '--betas': 'betas',
};

export type ParsedLabArgs = ParsedGraphFlags<LabArgs>;

/** argv (after the script name) → options, or a message naming the bad flag. */
export function parseLabArgs(argv: ReadonlyArray<string>): ParsedLabArgs {
  return parseGraphFlags(argv, { flags, schema: zLabArgs, usage: labUsage });
}
