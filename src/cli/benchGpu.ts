/**
 * The one-shot GPU benchmark, as it runs on the GPU machine (bundled by
 * benchGpuPrepare.ts with everything it needs: no network, no Node install).
 * Trains vae.json and conv-vae.json a few dozen steps with tfjs-backend-webgpu
 * (Dawn) and with wasm on that machine's CPU, times the graphs' exported
 * PyTorch scripts on its GPU (CUDA) and CPU, and prints one JSON object.
 *
 *   node bench.mjs [--steps 40] [--out report.json]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import convVae from '../../graphs/conv-vae.json';
import vae from '../../graphs/vae.json';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import { webgpuAdapterInfo, initNodeBackend } from '../runtime/worker/nodeBackend';
import { parseArgs, intArg } from './args';
import { fastestTorch, measureTorch, torchPython, type TorchResult } from './benchTorch';
import { measureTraining, type TrainingResult } from './benchTraining';

function graph(name: string, json: unknown): [string, GraphDoc] {
  const parsed = parseGraph(json, specRegistry);
  if (!parsed.ok) throw new Error(`${name}.json does not parse`);
  return [name, parsed.doc];
}

const ratio = (a: number | undefined, b: number | undefined): number | null => (a && b ? Number((a / b).toFixed(3)) : null);
const rate = (r: TrainingResult | undefined): number | undefined => (r && !('error' in r) ? r.samplesPerSecond : undefined);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: ['steps', 'out', 'harness'] });
  const steps = intArg(args, 'steps', 3, 10_000) ?? 40;
  const graphs = [graph('vae', vae), graph('conv-vae', convVae)];
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${s}\n`);

  let adapter: Awaited<ReturnType<typeof webgpuAdapterInfo>> | string;
  try {
    await initNodeBackend('webgpu');
    adapter = (await webgpuAdapterInfo()) ?? 'no adapter';
  } catch (e) {
    adapter = `WebGPU did not start: ${e instanceof Error ? e.message : String(e)}`;
  }
  log(`adapter: ${JSON.stringify(adapter)}`);
  const software = typeof adapter === 'string' || adapter.software;
  const webgpu: TrainingResult[] = [];
  for (const [name, doc] of graphs) {
    log(`webgpu ${name}`);
    // a software adapter proves the path in a few steps; a convolution step there takes half a minute
    const few = name.startsWith('conv') ? 2 : 4;
    webgpu.push(await measureTraining(name, doc, 'webgpu', software ? Math.min(steps, few) : steps));
  }
  const wasm: TrainingResult[] = [];
  for (const [name, doc] of graphs) {
    log(`wasm ${name}`);
    wasm.push(await measureTraining(name, doc, 'wasm', name.startsWith('conv') ? Math.min(steps, 20) : steps));
  }
  const torch: TorchResult[] = [];
  const found = torchPython();
  const harness = args.values.get('harness') ?? join(process.cwd(), 'benchTorch.py');
  if ('python' in found) {
    for (const [name, doc] of graphs) {
      log(`pytorch ${name}`);
      torch.push(measureTorch(found.python, name, doc, steps, 1, { device: 'cuda', harness }));
      torch.push(measureTorch(found.python, name, doc, steps, cpus().length, { device: 'cpu', harness }));
      torch.push(measureTorch(found.python, name, doc, steps, 1, { device: 'cpu', harness }));
    }
  }
  const report = {
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
    adapter,
    steps,
    webgpu,
    wasm,
    pytorch: 'python' in found ? torch : found.missing,
    ratios: graphs.map(([name]) => {
      const gpu = rate(webgpu.find((r) => r.graph === name));
      return {
        graph: name,
        webgpuToWasmHere: ratio(gpu, rate(wasm.find((r) => r.graph === name))),
        webgpuToPytorchCuda: ratio(gpu, fastestTorch(torch, name, 'cuda')?.samplesPerSecond),
        webgpuToPytorchCpu: ratio(gpu, fastestTorch(torch, name, 'cpu')?.samplesPerSecond),
      };
    }),
    seconds: Math.round((performance.now() - started) / 1000),
  };
  const text = JSON.stringify(report, null, 2);
  const out = args.values.get('out');
  if (out) writeFileSync(out, `${text}\n`);
  console.log(text);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
