/** Command-line options of `npm run latent`, checked with a schema like every other outside input. */
import { z } from 'zod';
import { parseGraphFlags, type ParsedGraphFlags } from './graphFlags';
import { datasetIds } from '../core/datasets';
import { parseVectorSpec } from '../core/latentArithmetic';
import { nodeBackends } from '../runtime/worker/nodeBackend';

export const latentUsage = `usage: npm run latent -- <graph.json> --vector SPEC [options]

Trains the graph, encodes the test images into their posterior means, takes the
difference v of two groups' mean codes and adds α·v to images of the second
group: each row of vector.png is an image, then its code moved by each α, decoded.

  --vector SPEC     label=A-B (mean code of label A minus label B, e.g. label=7-1),
                    a factor (glasses, factor=glasses: last level minus first),
                    factor=NAME:A-B (level A minus level B), or picked=I,J-K,L
                    (test images I and J minus test images K and L, by index)
  --alphas LIST     the α of the columns (default -1,-0.5,0,0.5,1,1.5,2)
  --rows N          images the vector is added to (default 8)
  --dataset ID      train on another dataset (${datasetIds.join(', ')}), e.g. faces
  --compare GRAPH   a second graph trained and drawn the same way (e.g. graphs/ae.json beside graphs/vae.json)
  --epochs N        training epochs (default: the graph's)
  --seed S          run seed (default: the graph's)
  --train-limit N   train on the first N training images only
  --backend NAME    ${nodeBackends.join(' | ')} (default wasm)
  --out DIR         where to write vector.png and vector.json (default runs/latent)
  --help            this text`;

const zCount = (flag: string, max: number) =>
  z.coerce
    .number({ error: `${flag} must be a number` })
    .int(`${flag} must be a whole number`)
    .min(1, `${flag} must be at least 1`)
    .max(max, `${flag} must be at most ${max}`);

const zAlphas = z
  .string()
  .transform((text, ctx) => {
    const values = text.split(',').map((s) => Number(s.trim()));
    if (values.length === 0 || values.length > 16 || values.some((v) => !Number.isFinite(v) || Math.abs(v) > 100)) {
      ctx.addIssue({
        code: 'custom',
        message: `--alphas expects up to 16 numbers between -100 and 100, separated by commas, got '${text}'`,
      });
      return z.NEVER;
    }
    return values;
  })
  .default([-1, -0.5, 0, 0.5, 1, 1.5, 2]);

const zVector = z.string({ error: '--vector is required, e.g. --vector label=7-1 or --vector glasses' }).transform((text, ctx) => {
  const r = parseVectorSpec(text);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  }
  return { text, spec: r.value };
});

export const zLatentArgs = z.strictObject({
  graph: z.string({ error: 'name a graph file, e.g. graphs/vae.json' }).min(1, 'name a graph file'),
  vector: zVector,
  alphas: zAlphas,
  rows: zCount('--rows', 64).default(8),
  dataset: z.enum(datasetIds, { error: `--dataset must be one of ${datasetIds.join(', ')}` }).optional(),
  compare: z.string().min(1, '--compare needs a graph file').optional(),
  epochs: zCount('--epochs', 1000).optional(),
  seed: z.coerce.number({ error: '--seed must be a number' }).int('--seed must be a whole number').min(0).max(0xffffffff).optional(),
  trainLimit: zCount('--train-limit', 1e7).optional(),
  backend: z.enum(nodeBackends, { error: `--backend must be one of ${nodeBackends.join(', ')}` }).default('wasm'),
  out: z.string().min(1).default('runs/latent'),
});
export type LatentArgs = z.infer<typeof zLatentArgs>;

const flags: Record<string, keyof LatentArgs> = {
  '--vector': 'vector',
  '--alphas': 'alphas',
  '--rows': 'rows',
  '--dataset': 'dataset',
  '--compare': 'compare',
  '--epochs': 'epochs',
  '--seed': 'seed',
  '--train-limit': 'trainLimit',
  '--backend': 'backend',
  '--out': 'out',
};

export type ParsedLatentArgs = ParsedGraphFlags<LatentArgs>;

/** argv (after the script name) → options, or a message naming the bad flag. */
export function parseLatentArgs(argv: ReadonlyArray<string>): ParsedLatentArgs {
  return parseGraphFlags(argv, { flags, schema: zLatentArgs, usage: latentUsage, secondGraphHint: '; a second one goes after --compare' });
}
