/**
 * npm run compare -- graphs/vae.json --swap loss=mse
 * npm run compare -- graphs/vae.json --sweep beta=0.5,1,2,4,8
 * Trains the graph and its fork(s) on the same seed in lock-step; writes a
 * side-by-side picture, per-run grids and compare.json with sharpness scores.
 */
import { choiceArg, graphArg, intArg, parseArgs, runCommand, UsageError } from './args';
import { parseSweep } from '../core/fork';
import { runComparison } from './compareRun';
import type { BackendChoice } from './trainRun';

const usage = `usage: npm run compare -- <graph.json> (--swap SWAP[;SWAP…] | --sweep KEY=V1,V2,…) [options]

  --swap SWAP     the fork: loss=mse, beta=4, latent=8 or node.param=value (several: separate with ';')
  --sweep K=V,…   one run per value, e.g. beta=0.5,1,2,4,8 (writes the rate–distortion curve)
  --epochs N      epochs per run (default: the graph's)
  --seed N        the seed all runs share
  --out DIR       where to write (default runs/compare)
  --backend NAME  auto, cpu, wasm, webgpu
  --train-limit N / --test-limit N / --max-steps N
  --help`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['swap', 'sweep', 'epochs', 'seed', 'out', 'backend', 'train-limit', 'test-limit', 'max-steps'],
    switches: ['help'],
  });
  const graphPath = graphArg(args);
  const swap = args.values.get('swap');
  const sweep = args.values.get('sweep');
  if (!swap === !sweep) throw new UsageError('give either --swap or --sweep');
  let variants: string[][];
  if (swap) {
    variants = [
      [],
      swap
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    ];
  } else {
    const parsed = parseSweep(sweep ?? '');
    if (!parsed.ok) throw new UsageError(`--sweep: ${parsed.message}`);
    variants = parsed.swaps;
  }
  const epochs = intArg(args, 'epochs', 1, 1000);
  const seed = intArg(args, 'seed', 0, 0xffffffff);
  const trainLimit = intArg(args, 'train-limit', 1, 1e7);
  const testLimit = intArg(args, 'test-limit', 1, 1e7);
  const maxSteps = intArg(args, 'max-steps', 1, 1e9);
  const last = new Map<string, number>();
  const result = await runComparison({
    graphPath,
    variants,
    outDir: args.values.get('out') ?? 'runs/compare',
    backend: choiceArg<BackendChoice>(args, 'backend', ['auto', 'cpu', 'wasm', 'webgpu']) ?? 'auto',
    ...(epochs !== undefined ? { epochs } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(trainLimit !== undefined ? { trainLimit } : {}),
    ...(testLimit !== undefined ? { testLimit } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    log: (line) => console.error(line),
    onProgress: (label, step, total) => {
      const pct = Math.floor((100 * step) / Math.max(1, total));
      if ((last.get(label) ?? -10) + 10 <= pct || step === total) {
        last.set(label, pct);
        console.error(`${label}: step ${step}/${total} (${pct}%)`);
      }
    },
  });
  for (const r of result.runs) {
    const s = r.sharpness;
    console.log(
      `${r.label.padEnd(24)} test ELBO ${r.final?.elbo.toFixed(2) ?? '—'} (recon ${r.final?.recon.toFixed(2) ?? '—'}, KL ${r.final?.kl.toFixed(2) ?? '—'})  ` +
        `sharpness vs data: reconstructions ${s.reconstructions.laplacianVariance.toFixed(3)}, samples ${s.samples.laplacianVariance.toFixed(3)}`,
    );
  }
  for (const f of result.files) console.log(`wrote ${f}`);
  return 0;
}

runCommand(usage, main);
