/**
 * Training speed in a real browser: starts a Vite server and Debian's
 * Chromium, trains a graph for N steps in the training worker on each backend
 * (webgpu, webgl, wasm, cpu) and returns the samples/s measured in the page.
 *
 *   tsx src/cli/benchBrowser.ts [--steps 40] [--graph vae]   (prints JSON)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { backendNames, type BackendName } from '../runtime/backends';
import { CHROMIUM, chromiumArgs, webgpuArgs } from './chromium';
import type { BenchResult } from './benchBrowserPage';

export interface BrowserBenchRow {
  backend: string;
  samplesPerSecond: number;
  steps: number;
  /** Milliseconds from pressing start to the end of the first step. */
  firstStepMs?: number;
  note?: string;
  /** The page could share memory with its workers (threaded WebAssembly). */
  crossOriginIsolated?: boolean;
  pauseMs?: number;
  stopMs?: number;
  stepsAfterStop?: number | undefined;
}

async function benchOne(baseUrl: string, backend: BackendName, steps: number, graph: string): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bottleneck-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs, ...(backend === 'webgpu' ? webgpuArgs : [])],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseUrl}/src/cli/benchBrowser.html`);
    await page.waitForFunction(() => window.bottleneckBench !== undefined, undefined, { timeout: 120_000 });
    return await page.evaluate(
      (request) => {
        const bench = window.bottleneckBench;
        if (!bench) throw new Error('the benchmark page did not load');
        return bench.run(request);
      },
      { backend, steps, graph },
    );
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchBrowserBackends(opts: {
  steps: number;
  graph: string;
  backends?: ReadonlyArray<BackendName>;
}): Promise<BrowserBenchRow[]> {
  return withViteServer(async (baseUrl) => {
    const rows: BrowserBenchRow[] = [];
    for (const backend of opts.backends ?? backendNames) {
      try {
        const r = await benchOne(baseUrl, backend, opts.steps, opts.graph);
        rows.push({
          backend: r.backend,
          samplesPerSecond: Math.round(r.samplesPerSecond * 10) / 10,
          steps: r.steps,
          ...(r.firstStepMs !== undefined ? { firstStepMs: Math.round(r.firstStepMs) } : {}),
          ...(r.note !== undefined ? { note: r.backend !== backend ? `asked for ${backend}: ${r.note}` : r.note } : {}),
          ...(r.crossOriginIsolated !== undefined ? { crossOriginIsolated: r.crossOriginIsolated } : {}),
          ...(r.pauseMs !== undefined ? { pauseMs: r.pauseMs } : {}),
          ...(r.stopMs !== undefined ? { stopMs: r.stopMs, stepsAfterStop: r.stepsAfterStop } : {}),
        });
      } catch (e) {
        rows.push({ backend, samplesPerSecond: 0, steps: 0, note: e instanceof Error ? e.message : String(e) });
      }
    }
    return rows;
  });
}

/** Runs `fn` with the app served by Vite on a free local port (its base URL), then closes the server. */
export async function withViteServer<T>(fn: (baseUrl: string) => Promise<T>): Promise<T> {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', open: false },
  });
  await server.listen();
  try {
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the Vite server did not start');
    return await fn(`http://127.0.0.1:${address.port}`);
  } finally {
    await server.close();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const steps = Number(argValue('steps') ?? 40);
  const graph = argValue('graph') ?? 'vae';
  const only = argValue('backends')
    ?.split(',')
    .filter((b): b is BackendName => backendNames.some((n) => n === b));
  benchBrowserBackends({
    steps: Number.isInteger(steps) && steps > 0 ? steps : 40,
    graph,
    ...(only && only.length > 0 ? { backends: only } : {}),
  })
    .then((rows) => console.log(JSON.stringify(rows, null, 2)))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    });
}
