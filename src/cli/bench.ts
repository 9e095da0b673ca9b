/**
 * npm run bench — prints one JSON object with:
 *  - live analysis (validation + shape inference) time on a 200-node graph (the editor runs it on every edit;
 *    the target is well under one 60 Hz frame, 16.7 ms), and compile time;
 *  - training of vae.json and conv-vae.json per Node backend: samples/s, ms per step, first-step time,
 *    kernels per step and the slowest ones, a step's peak memory, leaked tensors;
 *  - the same graphs' exported PyTorch scripts on the same data in the same run (1 thread and all cores),
 *    and each backend's ratio to the faster of the two (skip with --no-torch);
 *  - with --elbo: vae.json trained 5 epochs with the fast layers and with tfjs's plain ops, test ELBO of each;
 *  - in-browser training per backend in Chromium (the page's training worker; skip with --no-browser);
 *  - memory of importing 60,000 pictures in the page (the Datasets dialog and its worker) and in Node (skip with
 *    --no-import; --pictures N for another count).
 *
 *   npm run bench -- [--steps 60] [--backends wasm,cpu,webgpu] [--graphs vae,conv-vae] [--elbo] [--no-browser]
 *                    [--no-torch] [--no-import] [--pictures 60000]
 */
import { specRegistry } from '../../nodes';
import { compileGraph } from '../compiler/plan';
import { analyzeGraph } from '../core/analyze';
import { useReferenceOps } from '../ops/reference';
import { initNodeBackend, nodeWasmThreads, webgpuAdapterInfo, type NodeBackend } from '../runtime/worker/nodeBackend';
import { parseArgs, intArg } from './args';
import { wideVaeGraph } from './benchGraphs';
import { fastestTorch, measureTorch, torchPython, type TorchResult } from './benchTorch';
import { loadSavedGraph, measureTraining, testElbo, type TrainingResult } from './benchTraining';

function timeIt(fn: () => void, runs: number): { medianMs: number; p95Ms: number; runs: number } {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) fn(); // warm up
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { medianMs: +at(0.5).toFixed(3), p95Ms: +at(0.95).toFixed(3), runs };
}

/** Steps per measurement: the cpu backend and a software WebGPU adapter are slow, so fewer there. */
async function stepsFor(backend: NodeBackend, graph: string, steps: number): Promise<number> {
  const conv = graph.startsWith('conv');
  // a convolution step on the pure-JS cpu backend takes about two minutes
  if (backend === 'cpu') return Math.min(steps, conv ? 1 : 12);
  if (backend === 'webgpu') {
    await initNodeBackend('webgpu').catch(() => undefined);
    if ((await webgpuAdapterInfo())?.software ?? true) return Math.min(steps, conv ? 3 : 6);
  }
  return steps;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    values: ['steps', 'backends', 'graphs', 'elbo-epochs', 'pictures'],
    switches: ['no-browser', 'no-torch', 'elbo', 'no-import'],
  });
  const steps = intArg(args, 'steps', 5, 100_000) ?? 60;
  const backends = (args.values.get('backends') ?? 'wasm,cpu,webgpu').split(',') as NodeBackend[];
  const graphs = (args.values.get('graphs') ?? 'vae,conv-vae').split(',');
  const big = wideVaeGraph(33);
  const analysis = analyzeGraph(big, specRegistry);
  if (!analysis.ok) throw new Error('the benchmark graph has errors');
  const os = await import('node:os');
  const report: Record<string, unknown> = {
    machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown' },
    analysis200Nodes: {
      nodes: big.nodes.length,
      edges: big.edges.length,
      ...timeIt(() => analyzeGraph(big, specRegistry), 200),
      frameBudgetMs: 16.7,
    },
    compile200Nodes: timeIt(() => compileGraph(big, specRegistry), 50),
    analysisVae: timeIt(() => analyzeGraph(wideVaeGraph(1), specRegistry), 500),
  };
  const training: TrainingResult[] = [];
  for (const graph of graphs) {
    for (const b of backends) training.push(await measureTraining(graph, loadSavedGraph(graph), b, await stepsFor(b, graph, steps)));
  }
  report.trainingNode = training;
  if (backends.includes('wasm')) {
    await initNodeBackend('wasm');
    report.nodeWasmThreads = await nodeWasmThreads();
  }
  if (backends.includes('webgpu')) report.webgpuAdapter = (await webgpuAdapterInfo().catch(() => undefined)) ?? 'none';
  if (!args.switches.has('no-torch')) {
    const found = torchPython();
    if ('missing' in found) {
      report.pytorch = { error: found.missing };
    } else {
      const threadCounts = [...new Set([1, os.cpus().length])];
      const torch = graphs.flatMap((graph) => threadCounts.map((t) => measureTorch(found.python, graph, loadSavedGraph(graph), steps, t)));
      report.pytorch = torch;
      report.ratioToPytorch = ratios(training, torch);
    }
  }
  if (args.switches.has('elbo')) report.testElbo = await elboCheck(intArg(args, 'elbo-epochs', 1, 100) ?? 5);
  if (!args.switches.has('no-browser')) {
    try {
      const { benchBrowserBackends } = await import('./benchBrowser');
      report.trainingBrowser = await benchBrowserBackends({ steps: Math.min(steps, 40), graph: 'vae' });
    } catch (e) {
      report.trainingBrowser = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  if (!args.switches.has('no-import')) {
    try {
      const { benchImportMemory } = await import('./benchImport');
      report.importMemory = await benchImportMemory(intArg(args, 'pictures', 100, 200_000) ?? 60_000);
    } catch (e) {
      report.importMemory = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  console.log(JSON.stringify(report, null, 2));
}

/** Each measured backend against the faster PyTorch run (by thread count) of the same graph. */
function ratios(training: ReadonlyArray<TrainingResult>, torch: ReadonlyArray<TorchResult>) {
  return training.flatMap((row) => {
    if ('error' in row) return [];
    const best = fastestTorch(torch, row.graph);
    if (!best) return [];
    return [
      {
        graph: row.graph,
        backend: row.backend,
        samplesPerSecond: row.samplesPerSecond,
        pytorch: best.samplesPerSecond,
        pytorchThreads: best.threads,
        ratio: Number((row.samplesPerSecond / best.samplesPerSecond).toFixed(3)),
      },
    ];
  });
}

/** vae.json trained the same epochs twice on wasm: with the fast layers and Adam, and with tfjs's plain ops. */
async function elboCheck(epochs: number) {
  const fast = await testElbo('vae', 'wasm', epochs);
  useReferenceOps(true);
  const reference = await testElbo('vae', 'wasm', epochs);
  useReferenceOps(false);
  return {
    graph: 'vae',
    epochs,
    fast: { elbo: fast.elbo, seconds: fast.seconds },
    reference: { elbo: reference.elbo, seconds: reference.seconds },
    differenceNats: Number((fast.elbo - reference.elbo).toFixed(2)),
  };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
