/**
 * Memory of importing pictures in the page: a zip of N 28×28 PNGs in ten class folders is given to the app's
 * Datasets dialog in Chromium, and the resident memory of the tab's renderer process (the page and its import
 * worker) is sampled until the preview shows. Also measured in Node with the same builder, for comparison.
 *
 *   tsx src/cli/benchImport.ts [--pictures 60000]   (prints JSON; part of `npm run bench`)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { chromium } from 'playwright-core';
import { encodePng } from '../core/png';
import { buildImageDataset } from '../data/imageDataset';
import { zipSources } from '../data/imageSources';
import { decodePictureNode } from '../data/importNode';
import { withViteServer } from './benchBrowser';
import { CHROMIUM, chromiumArgs } from './chromium';

const MB = 1e6;
const mb = (bytes: number) => Math.round(bytes / MB);

/** A zip of `count` distinct 28×28 grey PNGs, `digits/<class>/<i>.png`. */
export function pictureZip(count: number): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const pixels = new Uint8Array(28 * 28).map((_, p) => (p * 7 + i * 13) % 256);
    files[`digits/${i % 10}/${i}.png`] = encodePng({ width: 28, height: 28, channels: 1, pixels });
  }
  return zipSync(files, { level: 6 });
}

/** Resident memory of a process, from /proc (Linux). */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export interface ImportMemory {
  pictures: number;
  zipMB: number;
  page: { seconds: number; rendererBeforeMB: number; rendererPeakMB: number; peakAboveBeforeMB: number; jsHeapPeakMB: number };
  node: { seconds: number; jsBeforeMB: number; jsPeakMB: number; peakAboveBeforeMB: number };
  limitMB: number;
}

async function inPage(baseUrl: string, zipPath: string): Promise<ImportMemory['page']> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...chromiumArgs] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.locator('.app[data-ready="true"]').waitFor({ timeout: 120_000 });
    const browserSession = await browser.newBrowserCDPSession();
    const pageSession = await context.newCDPSession(page);
    await pageSession.send('Performance.enable');
    // the renderer processes (one tab open: its page and its workers), as the DevTools protocol lists them
    const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
    const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    if (renderers.length === 0) throw new Error('no renderer process found');
    const resident = () => renderers.reduce((sum, pid) => sum + residentBytes(pid), 0);
    await page.getByTestId('graphs-menu').click();
    await page.getByTestId('open-datasets').click();
    await page.getByTestId('datasets-dialog').waitFor();
    const before = resident();
    let peak = before;
    let heapPeak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, resident());
        const metrics = await pageSession.send('Performance.getMetrics').catch(() => undefined);
        const heap = metrics?.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        heapPeak = Math.max(heapPeak, heap);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = Date.now();
    // from a file on disk, as a user's pick is (the browser reads it; no copy passes through the test driver)
    await page.getByTestId('datasets-files').setInputFiles(zipPath);
    await page.getByTestId('datasets-preview').waitFor({ timeout: 600_000 });
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    peak = Math.max(peak, resident());
    const counts = (await page.getByTestId('datasets-counts').textContent()) ?? '';
    if (!/pictures/.test(counts)) throw new Error(`the import did not finish: ${counts}`);
    return {
      seconds,
      rendererBeforeMB: mb(before),
      rendererPeakMB: mb(peak),
      peakAboveBeforeMB: mb(peak - before),
      jsHeapPeakMB: mb(heapPeak),
    };
  } finally {
    await browser.close();
  }
}

/** Node's JS memory (heap and array buffers: what the build allocates), not its RSS, which earlier work inflates. */
const jsBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function inNode(zip: Uint8Array): Promise<ImportMemory['node']> {
  const before = jsBytes();
  let peak = before;
  const sample = () => (peak = Math.max(peak, jsBytes()));
  const timer = setInterval(sample, 20);
  const started = Date.now();
  await buildImageDataset(zipSources(zip), { size: 28, channels: 1, fit: 'crop' }, decodePictureNode, sample);
  clearInterval(timer);
  sample();
  return { seconds: (Date.now() - started) / 1000, jsBeforeMB: mb(before), jsPeakMB: mb(peak), peakAboveBeforeMB: mb(peak - before) };
}

/** Imports `pictures` pictures in the page and in Node; the target is under 300 MB in the page. */
export async function benchImportMemory(pictures: number): Promise<ImportMemory> {
  const zip = pictureZip(pictures);
  const dir = mkdtempSync(join(tmpdir(), 'bottleneck-import-bench-'));
  const zipPath = join(dir, 'digits.zip');
  writeFileSync(zipPath, zip);
  try {
    const page = await withViteServer((baseUrl) => inPage(baseUrl, zipPath));
    const node = await inNode(zip);
    return { pictures, zipMB: mb(zip.length), page, node, limitMB: 300 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--pictures');
  const pictures = at >= 0 ? Number(process.argv[at + 1]) : 60_000;
  benchImportMemory(Number.isInteger(pictures) && pictures > 0 ? pictures : 60_000)
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    });
}
