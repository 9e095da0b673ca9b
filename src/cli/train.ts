/**
 * npm run train -- graphs/vae.json --epochs 5 --out runs/vae
 * Trains a graph headless and writes metrics JSON and PNG grids.
 */
import { choiceArg, graphArg, intArg, numberArg, parseArgs, runCommand, UsageError } from './args';
import { importForCli, importOptionsArg } from './datasetArgs';
import { ProgressBar } from './progress';
import { runTraining, type BackendChoice } from './trainRun';

const usage = `usage: npm run train -- <graph.json> [options]

  --epochs N        epochs to train (default: the graph's training settings)
  --out DIR         write metrics.json, graph.json and PNG grids here
  --backend NAME    auto (default: wasm, or cpu for conv graphs), cpu, wasm, webgpu
  --seed N          random seed (weights, batches, noise)
  --lr X            learning rate
  --batch N         batch size
  --max-steps N     stop after N steps
  --train-limit N   train on the first N images only
  --test-limit N    score on the first N test images only
  --iw-samples K    after training, the IW-K estimate of log p(x) (importance-weighted, K up to 5000) on the test images
  --memory-budget MB       what training may use (default 4000); bigger graphs are refused before anything is allocated
  --set node.param=value   change a param, e.g. --set recon.distribution=mse (repeatable via commas)
  --data PATH       train on your own pictures: a folder (sub-folders are classes), a zip, or a .bin.gz dataset file
  --size N          with --data: 28 (default), 32 or 64 pixels square
  --channels N      with --data: 1 (grey, default) or 3 (RGB)
  --fit MODE        with --data: crop (default: centre square) or fit (whole picture, letterboxed)
  --help`;

function parseSets(text: string | undefined): Record<string, Record<string, unknown>> | undefined {
  if (!text) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const item of text.split(',')) {
    const m = /^([A-Za-z][\w-]*)\.([A-Za-z]\w*)=(.*)$/.exec(item.trim());
    if (!m) throw new UsageError(`--set expects node.param=value, got '${item}'`);
    const [, node, param, raw] = m as unknown as [string, string, string, string];
    let value: unknown = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (raw !== '' && Number.isFinite(Number(raw))) value = Number(raw);
    else if (raw.startsWith('[')) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError(`--set ${node}.${param}: '${raw}' is not a valid list`);
      }
    }
    (out[node] ??= {})[param] = value;
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'epochs',
      'out',
      'backend',
      'seed',
      'lr',
      'batch',
      'max-steps',
      'train-limit',
      'test-limit',
      'set',
      'memory-budget',
      'iw-samples',
      'data',
      'size',
      'channels',
      'fit',
    ],
    switches: ['help'],
  });
  const graphPath = graphArg(args);
  const bar = new ProgressBar();
  let epochs = 0;
  let totalSteps = 0;
  const epochsArg = intArg(args, 'epochs', 1, 1000);
  const seed = intArg(args, 'seed', 0, 0xffffffff);
  const lr = numberArg(args, 'lr', 1e-8, 1);
  const batch = intArg(args, 'batch', 1, 4096);
  const maxSteps = intArg(args, 'max-steps', 1, 1e9);
  const trainLimit = intArg(args, 'train-limit', 1, 1e7);
  const testLimit = intArg(args, 'test-limit', 1, 1e7);
  const budgetMb = intArg(args, 'memory-budget', 64, 1_000_000);
  const iwSamples = intArg(args, 'iw-samples', 1, 5000);
  const overrides = parseSets(args.values.get('set'));
  const outDir = args.values.get('out');
  const importOptions = importOptionsArg(args);
  const dataPath = args.values.get('data');
  const imported = dataPath ? await importForCli(dataPath, importOptions, (line) => bar.log(line)) : undefined;
  const result = await runTraining({
    ...(imported ? { imported } : {}),
    graphPath,
    ...(outDir ? { outDir } : {}),
    ...(epochsArg !== undefined ? { epochs: epochsArg } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(lr !== undefined ? { learningRate: lr } : {}),
    ...(batch !== undefined ? { batchSize: batch } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(trainLimit !== undefined ? { trainLimit } : {}),
    ...(testLimit !== undefined ? { testLimit } : {}),
    ...(budgetMb !== undefined ? { memoryBudget: budgetMb * 1e6 } : {}),
    ...(overrides ? { paramOverrides: overrides } : {}),
    ...(iwSamples !== undefined ? { iwSamples } : {}),
    backend: choiceArg<BackendChoice>(args, 'backend', ['auto', 'cpu', 'wasm', 'webgpu']) ?? 'auto',
    log: (line) => bar.log(line),
    onEvent: (e) => {
      if (e.type === 'started') {
        epochs = e.epochs;
        totalSteps = e.totalSteps;
        bar.log(`training on ${e.backend}: ${e.paramCount.toLocaleString('en')} parameters, ${e.totalSteps} steps`);
      } else if (e.type === 'progress') {
        const t = e.train;
        bar.update({
          epoch: e.epoch + 1,
          epochs,
          step: e.step,
          totalSteps,
          samplesPerSecond: e.samplesPerSecond,
          text: `loss ${t.objective.toFixed(2)} (recon ${t.recon.toFixed(2)}, KL ${t.kl.toFixed(2)})`,
        });
      } else if (e.type === 'epochEnded') {
        const r = e.record;
        bar.log(
          `epoch ${r.epoch}: test ELBO ${r.test.elbo.toFixed(2)} (recon ${r.test.recon.toFixed(2)}, KL ${r.test.kl.toFixed(2)}), ` +
            `active units ${r.test.activeUnits}/${r.test.klPerDim.length}, ${r.seconds.toFixed(1)} s`,
        );
      } else if (e.type === 'diverged') {
        bar.log(`stopped: ${e.message}`);
      }
    },
  });
  bar.done();
  const f = result.info.final;
  if (f)
    console.log(
      `final test ELBO ${f.elbo.toFixed(2)} nats (recon ${f.recon.toFixed(2)}, KL ${f.kl.toFixed(2)}) after ${result.info.steps} steps in ${result.info.seconds.toFixed(1)} s`,
    );
  const ll = result.info.logLikelihood;
  if (ll)
    console.log(
      `IW-${ll.samples} estimate of log p(x) ${ll.estimate.toFixed(2)} nats (ELBO on the same ${ll.images} test images and draws ${ll.elbo.toFixed(2)}; ` +
        `${(ll.estimate - ll.elbo).toFixed(2)} nats tighter) in ${ll.seconds.toFixed(1)} s`,
    );
  for (const file of result.files) console.log(`wrote ${file}`);
  return result.info.status === 'diverged' ? 2 : 0;
}

runCommand(usage, main);
