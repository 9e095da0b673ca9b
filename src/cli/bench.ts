/**
 * npm run bench — prints JSON with:
 *  - live analysis (validation + shape inference) time on a 200-node graph (the editor runs it on every edit;
 *    the target is well under one 60 Hz frame, 16.7 ms),
 *  - compile time,
 *  - training throughput (samples/s) of the MLP VAE per Node backend, and tensor counts (leaks),
 *  - in-browser training throughput per backend in Chromium (webgpu on SwiftShader, webgl, wasm, cpu),
 *    measured in the page's training worker; skip with --no-browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { compileGraph } from '../compiler/plan';
import { compileProgram } from '../compiler/program';
import { analyzeGraph } from '../core/analyze';
import { parseGraphText } from '../core/parse';
import { loadDatasetNode, projectRoot } from '../data/loadNode';
import { initNodeBackend, type NodeBackend } from '../runtime/nodeBackend';
import { train } from '../runtime/trainer';
import { parseArgs, intArg } from './args';
import { wideVaeGraph } from './benchGraphs';

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

async function trainingThroughput(backend: NodeBackend, steps: number) {
  try {
    const tf = await initNodeBackend(backend);
    const before = tf.memory().numTensors;
    const parsed = parseGraphText(readFileSync(join(projectRoot, 'graphs', 'vae.json'), 'utf8'), specRegistry);
    if (!parsed.ok) throw new Error('vae.json does not parse');
    const compiled = compileProgram(parsed.doc, tf);
    if (!compiled.ok) throw new Error('vae.json does not compile');
    const data = loadDatasetNode('mnist');
    const rates: number[] = [];
    const counts: number[] = [];
    const t0 = performance.now();
    await train(compiled.program, {
      data,
      epochs: 1,
      maxSteps: steps,
      reportEvery: Math.max(1, Math.floor(steps / 5)),
      testLimit: 100,
      onEvent: (e) => {
        if (e.type === 'progress') {
          rates.push(e.samplesPerSecond);
          counts.push(tf.memory().numTensors);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    compiled.program.dispose();
    // the first window includes kernel compilation; report the rest
    const steady = rates.length > 1 ? rates.slice(1) : rates;
    return {
      backend,
      steps,
      batchSize: 128,
      samplesPerSecond: +(steady.reduce((a, b) => a + b, 0) / steady.length).toFixed(1),
      firstWindowSamplesPerSecond: +(rates[0] ?? 0).toFixed(1),
      seconds: +seconds.toFixed(2),
      tensorsDuringTraining: [...new Set(counts)],
      leakedTensors: tf.memory().numTensors - before,
    };
  } catch (e) {
    return { backend, error: e instanceof Error ? e.message : String(e) };
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { values: ['steps', 'backends'], switches: ['no-browser'] });
  const steps = intArg(args, 'steps', 5, 100_000) ?? 60;
  const backends = (args.values.get('backends') ?? 'cpu,wasm,webgpu').split(',') as NodeBackend[];
  const big = wideVaeGraph(33);
  const analysis = analyzeGraph(big, specRegistry);
  if (!analysis.ok) throw new Error('the benchmark graph has errors');
  const report: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    analysis200Nodes: { nodes: big.nodes.length, edges: big.edges.length, ...timeIt(() => analyzeGraph(big, specRegistry), 200), frameBudgetMs: 16.7 },
    compile200Nodes: timeIt(() => compileGraph(big, specRegistry), 50),
    analysisVae: timeIt(() => analyzeGraph(wideVaeGraph(1), specRegistry), 500),
    trainingNode: [] as unknown[],
  };
  for (const b of backends) {
    // cpu is slow: fewer steps
    (report.trainingNode as unknown[]).push(await trainingThroughput(b, b === 'cpu' ? Math.min(steps, 20) : steps));
  }
  if (!args.switches.has('no-browser')) {
    try {
      const { benchBrowserBackends } = await import('./benchBrowser');
      report.trainingBrowser = await benchBrowserBackends({ steps: Math.min(steps, 40), graph: 'vae' });
    } catch (e) {
      report.trainingBrowser = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  console.log(JSON.stringify(report, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
