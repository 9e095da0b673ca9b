/**
 * Training in the browser: the dashboard trains vae.json in the worker on
 * WebGPU (SwiftShader), falls back (and says so) without WebGPU, and survives a
 * lost GPU device with its weights. Runs are kept short: small batches, few
 * images, a few dozen steps.
 */
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, screenshotPath, setRunSettings, type BrowserSession } from './browser';

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface QuickRun {
  batchSize: number;
  trainImages: number;
  epochs: number;
  previewEvery: number;
  reportEvery: number;
  /** A backend chosen by hand (the default, "fastest available", measures). */
  backend?: string;
}

async function open(page: Page, query = ''): Promise<void> {
  await page.goto(`${inject('baseUrl')}/${query}`);
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  // on narrower screens the training panel starts collapsed, leaving the canvas room
  const show = page.getByRole('button', { name: 'Show Training' });
  if (await show.isVisible()) await show.click();
  await page.getByTestId('train').waitFor({ timeout: 60_000 });
}

async function configure(page: Page, run: QuickRun): Promise<void> {
  await setRunSettings(page, {
    'batch-size': run.batchSize,
    epochs: run.epochs,
    'train-limit': run.trainImages,
    'test-limit': 100,
    'preview-every': run.previewEvery,
    'report-every': run.reportEvery,
  });
  if (run.backend) await page.getByTestId('backend-choice').selectOption(run.backend);
}

/** The whole dashboard: the panel scrolls inside the page, so grow the viewport to its height first. */
async function snap(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1400, height: 1000 };
  const height = await page.getByTestId('dashboard').evaluate((el) => el.scrollHeight + 60);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 6000)) });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize(size);
}

const step = async (page: Page): Promise<number> => Number((await page.getByTestId('step-count').textContent()) ?? '0');
const loss = async (page: Page): Promise<number> => Number((await page.getByTestId('loss').textContent()) ?? 'NaN');
const phase = async (page: Page): Promise<string> => (await page.getByTestId('run-phase').textContent()) ?? '';
const tensors = async (page: Page): Promise<number> => Number((await page.getByTestId('num-tensors').getAttribute('data-count')) ?? 'NaN');

/** The train curve's first and last values, read from the chart's accessible summary. */
async function trainCurve(page: Page, chart: string): Promise<[number, number]> {
  const label = (await page.getByTestId(`chart-${chart}`).locator('svg').getAttribute('aria-label')) ?? '';
  const m = /train (-?[\d.]+) → (-?[\d.]+)/.exec(label);
  if (!m) throw new Error(`no train curve in "${label}"`);
  return [Number(m[1]), Number(m[2])];
}

async function canvasPixels(page: Page, testId: string): Promise<{ step: number; url: string }> {
  const el = page.getByTestId(testId);
  const stepAttr = Number(await el.getAttribute('data-step'));
  const url = await el.evaluate((c) => (c instanceof HTMLCanvasElement ? c.toDataURL() : ''));
  return { step: stepAttr, url };
}

test('"fastest available" passes over a software WebGPU adapter for WebAssembly, and says why', async () => {
  session = await launch({ webgpu: true, viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page);
  await configure(page, { batchSize: 16, trainImages: 64, epochs: 1, previewEvery: 100, reportEvery: 2 });
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('backend').getAttribute('data-backend'), { timeout: 60_000 }).toBe('wasm');
  await expect(page.getByTestId('backend-note').textContent()).resolves.toMatch(
    /WebGPU not used: a software adapter \(.*SwiftShader.*\), slower than the CPU backends.* — training on WebAssembly \(\d+ threads?\)/,
  );
  await expect.poll(() => phase(page), { timeout: 120_000 }).toBe('Finished');
  expect(session.errors).toEqual([]);
});

test('trains the VAE on WebGPU: loss falls, pictures change, tensors stay flat', async () => {
  session = await launch({ webgpu: true, viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page);
  // 6 steps per epoch, 2 epochs; WebGPU chosen by hand (its adapter here is a software one)
  await configure(page, { batchSize: 16, trainImages: 96, epochs: 2, previewEvery: 3, reportEvery: 3, backend: 'webgpu' });
  const t0 = Date.now();
  await page.getByTestId('train').click();

  await expect.poll(() => page.getByTestId('backend').getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgpu');
  await expect.poll(() => step(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  const firstStepSeconds = (Date.now() - t0) / 1000;
  await page.getByTestId('samples').waitFor({ timeout: 60_000 });
  const early = await canvasPixels(page, 'samples');
  const earlyRecon = await canvasPixels(page, 'reconstructions');

  // tensors at a report in the first epoch (after the first pictures)
  await expect.poll(() => step(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
  const tensorsEpoch1 = await tensors(page);
  await snap(page, 'training-webgpu-running.png');

  await expect.poll(() => phase(page), { timeout: 240_000 }).toBe('Finished');
  const late = await canvasPixels(page, 'samples');
  const lateRecon = await canvasPixels(page, 'reconstructions');
  expect(late.step).toBeGreaterThan(early.step);
  expect(late.url).not.toBe(early.url);
  expect(lateRecon.url).not.toBe(earlyRecon.url);

  const [first, last] = await trainCurve(page, 'objective');
  expect(last).toBeLessThan(first - 100);
  const [reconFirst, reconLast] = await trainCurve(page, 'recon');
  expect(reconLast).toBeLessThan(reconFirst);
  // the same number of tensors at the end of epoch 2 as during epoch 1 (previews and test passes included)
  expect(await tensors(page)).toBe(tensorsEpoch1);
  expect(await page.getByTestId('backend').getAttribute('data-backend')).toBe('webgpu');

  // the export section opens by itself when training has finished
  await page.getByTestId('download-model').click();
  await expect
    .poll(() => page.getByTestId('download-files').locator('a').allTextContents(), { timeout: 60_000 })
    .toEqual(['vae-mlp-bernoulli-step12.zip', 'samples.png', 'reconstructions.png']);
  await snap(page, 'training-webgpu-finished.png');
  console.log(`webgpu: first step after ${firstStepSeconds.toFixed(1)} s; ${await page.getByTestId('progress').textContent()}`);
  expect(session.errors).toEqual([]);
});

test('without WebGPU it trains on a fallback backend and says why', async () => {
  session = await launch({ viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page);
  await configure(page, { batchSize: 16, trainImages: 160, epochs: 1, previewEvery: 5, reportEvery: 5 });
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('backend').getAttribute('data-backend'), { timeout: 60_000 }).not.toBeNull();
  const backend = await page.getByTestId('backend').getAttribute('data-backend');
  expect(['webgl', 'wasm', 'cpu']).toContain(backend);
  await expect(page.getByTestId('backend-note').textContent()).resolves.toMatch(
    /^WebGPU unavailable: no adapter .* — training on (WebGL|WebAssembly|CPU)/,
  );
  await expect.poll(() => phase(page), { timeout: 120_000 }).toBe('Finished');
  const [first, last] = await trainCurve(page, 'objective');
  expect(last).toBeLessThan(first);
  await snap(page, 'training-fallback.png');
  console.log(`fallback: ${await page.getByTestId('backend-note').textContent()}`);
  expect(session.errors).toEqual([]);
});

test('a lost GPU device: training continues on the next backend with the weights kept', async () => {
  session = await launch({ webgpu: true, viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page, '?debug=1');
  await configure(page, { batchSize: 16, trainImages: 960, epochs: 1, previewEvery: 1000, reportEvery: 2, backend: 'webgpu' });
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('backend').getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgpu');
  await expect.poll(() => step(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(6);
  const [initial] = await trainCurve(page, 'objective');
  const before = await loss(page);
  const stepBefore = await step(page);
  expect(before).toBeLessThan(initial - 50);

  await page.getByTestId('lose-device').click();
  await expect.poll(() => page.getByTestId('run-notes').textContent(), { timeout: 60_000 }).toMatch(/WebGPU device was lost/);
  await expect.poll(() => page.getByTestId('backend').getAttribute('data-backend'), { timeout: 60_000 }).toBe('webgl');
  const notes = (await page.getByTestId('run-notes').textContent()) ?? '';
  const resumedAt = Number(/from step (\d+)/.exec(notes)?.[1]);
  expect(resumedAt).toBeGreaterThanOrEqual(stepBefore - 2);
  await expect.poll(() => step(page), { timeout: 120_000 }).toBeGreaterThan(resumedAt + 2);
  const after = await loss(page);
  // the weights were kept: the loss goes on from where it was instead of starting over
  expect(after).toBeLessThan(before + (initial - before) / 4);
  await snap(page, 'training-device-lost.png');
  await page.getByTestId('stop').click();
  await expect.poll(() => phase(page), { timeout: 60_000 }).toBe('Stopped');
  console.log(`device lost at step ${stepBefore}: resumed at ${resumedAt}; loss ${initial} → ${before} → ${after}; ${notes}`);
});
