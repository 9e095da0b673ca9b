/**
 * Watching the blur change, in the browser: the VAE forked with an MSE
 * likelihood, both trained side by side in the worker (same seed, batches and
 * initial weights), their pictures and sharpness shown; then the run history
 * lists both runs and compares them. Short runs on WebGL/WASM (no WebGPU
 * flags): small batches, few images.
 */
import { afterEach, expect, inject, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launch, screenshotPath, setRunSettings, type BrowserSession } from './browser';

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open(page: Page): Promise<void> {
  await page.goto(`${inject('baseUrl')}/`);
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  const show = page.getByRole('button', { name: 'Show Training' });
  if (await show.isVisible()) await show.click();
  await page.getByTestId('train').waitFor({ timeout: 60_000 });
}

async function fill(target: Locator, value: number | string): Promise<void> {
  await target.fill(String(value));
  await target.dispatchEvent('change');
}

/** Whether a canvas holds a picture (more than one colour), and how large it is. */
async function drawn(canvas: Locator): Promise<{ width: number; height: number; levels: number }> {
  return canvas.evaluate((el) => {
    if (!(el instanceof HTMLCanvasElement)) return { width: 0, height: 0, levels: 0 };
    const ctx = el.getContext('2d');
    const data = ctx?.getImageData(0, 0, el.width, el.height).data ?? new Uint8ClampedArray();
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i += 4) levels.add(data[i] ?? 0);
    return { width: el.width, height: el.height, levels: levels.size };
  });
}

const number = async (l: Locator): Promise<number> => Number((await l.textContent()) ?? 'NaN');

/** The whole overlay (or dashboard): grow the viewport to its height first. */
async function snap(page: Page, name: string, testId = 'compare-overlay'): Promise<void> {
  const size = page.viewportSize() ?? { width: 1400, height: 1000 };
  const height = await page.getByTestId(testId).evaluate((el) => el.scrollHeight + 60);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 5000)) });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize(size);
}

test('fork the VAE with MSE: both train side by side, pictures and sharpness for each, then the history compares them', async () => {
  session = await launch({ viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page);

  // a short run: batches of 16, 800 images → 50 steps per epoch, 2 epochs
  await setRunSettings(page, { 'batch-size': 16, 'test-limit': 100, 'preview-every': 25, 'report-every': 10 });

  await page.getByTestId('compare-fork').click();
  const form = page.getByTestId('fork-form');
  await form.getByTestId('fork-kind').selectOption('loss');
  await form.getByTestId('fork-distribution').selectOption('mse');
  await fill(form.getByTestId('compare-epochs'), 2);
  await fill(form.getByTestId('compare-train-limit'), 800);
  await expect.poll(() => form.getByTestId('fork-changes').textContent()).toContain('recon.distribution: bernoulli → mse');
  await snap(page, 'compare-fork-form.png', 'dashboard');
  const t0 = Date.now();
  await form.getByTestId('fork-start').click();

  const overlay = page.getByTestId('compare-overlay');
  await overlay.waitFor({ timeout: 10_000 });
  await expect.poll(() => number(overlay.getByTestId('compare-step-1')), { timeout: 60_000 }).toBeGreaterThanOrEqual(30);
  await snap(page, 'compare-running.png');
  await expect.poll(() => overlay.getByTestId('compare-phase').textContent(), { timeout: 120_000 }).toBe('Finished');
  const seconds = (Date.now() - t0) / 1000;

  // both runs progressed the same number of steps
  expect(await number(overlay.getByTestId('compare-step-0'))).toBe(100);
  expect(await number(overlay.getByTestId('compare-step-1'))).toBe(100);
  // what they share was checked: same batches by hash, every initial weight identical
  const shared = (await overlay.getByTestId('compare-shared').textContent()) ?? '';
  expect(shared).toMatch(/the same batches ✓ \(checked by hash at step 100\)/);
  expect(shared).toMatch(/10 of 10 weight tensors identical at step 0/);

  // the side-by-side pictures of both are drawn: inputs, reconstructions and samples
  for (const id of ['compare-inputs', 'compare-recon-0', 'compare-recon-1', 'compare-samples-0', 'compare-samples-1']) {
    const canvas = overlay.getByTestId(id);
    const d = await drawn(canvas);
    expect(d.width, id).toBeGreaterThan(280);
    expect(d.levels, id).toBeGreaterThan(8);
  }
  // sharpness values for both (relative to the real images)
  const sharp = async (id: string) => Number(await overlay.getByTestId(id).locator('output').getAttribute('data-value'));
  const recon = [await sharp('compare-recon-0-sharpness'), await sharp('compare-recon-1-sharpness')];
  const samples = [await sharp('compare-samples-0-sharpness'), await sharp('compare-samples-1-sharpness')];
  for (const v of [...recon, ...samples]) {
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(2);
  }
  // the lesson itself: with the same seed, batches and start, MSE's reconstructions come out blurrier
  expect(recon[0]).toBeGreaterThan(1.2 * (recon[1] ?? Infinity));
  expect(await overlay.getByTestId('compare-verdict').textContent()).toMatch(
    /^Reconstructions compared with original's — loss = mse: 0\.\d\d× as sharp/,
  );
  const table = overlay.getByTestId('compare-table');
  const cells = async (row: string) => table.locator(`tr[data-row="${row}"] td`).allTextContents();
  expect((await cells('elbo')).every((c) => Number.isFinite(Number(c)))).toBe(true);
  expect(await cells('steps')).toEqual(['100', '100']);
  await expect.poll(() => overlay.getByTestId('scales-note').isVisible()).toBe(true);
  await snap(page, 'compare-side-by-side.png');
  console.log(
    `side by side in ${seconds.toFixed(1)} s on ${await overlay.locator('.badge').textContent()}; sharpness of reconstructions (× data): ` +
      `Bernoulli ${recon[0]?.toFixed(3)}, MSE ${recon[1]?.toFixed(3)}; of samples: Bernoulli ${samples[0]?.toFixed(3)}, MSE ${samples[1]?.toFixed(3)}`,
  );

  // the run history lists both runs of the comparison and compares them
  await overlay.getByTestId('compare-close').click();
  const history = page.getByTestId('run-history');
  const entries = history.getByTestId('history-entry');
  await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(2);
  expect(await entries.locator('strong').allTextContents()).toEqual(['VAE (MLP, Bernoulli) (original)', 'loss = mse']);
  await entries.nth(0).getByTestId('history-pick').check();
  await entries.nth(1).getByTestId('history-pick').check();
  await snap(page, 'compare-dashboard-history.png', 'dashboard');
  await history.getByTestId('history-compare').click();
  const pair = page.getByTestId('history-comparison');
  await pair.waitFor();
  expect(await pair.getByTestId('history-diff').locator('li').allTextContents()).toEqual(['recon.distribution: bernoulli → mse']);
  expect(await pair.getByTestId('history-table').locator('tr[data-row="steps"] td').allTextContents()).toEqual(['100', '100']);
  for (const id of ['history-inputs', 'history-recon-0', 'history-recon-1', 'history-samples-0', 'history-samples-1']) {
    expect((await drawn(pair.getByTestId(id))).levels, id).toBeGreaterThan(8);
  }
  const stored = Number(await pair.getByTestId('history-recon-1-sharpness').locator('output').getAttribute('data-value'));
  expect(stored).toBeCloseTo(recon[1] ?? NaN, 6);
  await snap(page, 'compare-history.png');

  // deleting a run
  await page.getByTestId('compare-close').click();
  await entries.nth(1).getByTestId('history-delete').click();
  await expect.poll(() => entries.count()).toBe(1);
  expect(session.errors).toEqual([]);
});

test('a β sweep: three short runs in lock-step, then the rate–distortion curve labelled by β', async () => {
  session = await launch({ viewport: { width: 1400, height: 1000 } });
  const { page } = session;
  await open(page);
  await setRunSettings(page, { 'batch-size': 16, 'test-limit': 100, 'preview-every': 10, 'report-every': 5 });

  await page.getByTestId('compare-sweep').click();
  const form = page.getByTestId('sweep-form');
  await form.getByTestId('sweep-values').fill('0.5, 2, 8, 8');
  await fill(form.getByTestId('compare-epochs'), 1);
  await fill(form.getByTestId('compare-train-limit'), 480);
  await form.getByTestId('sweep-start').click();

  const overlay = page.getByTestId('compare-overlay');
  await expect.poll(() => overlay.getByTestId('compare-phase').textContent(), { timeout: 120_000 }).toBe('Finished');
  for (const lane of [0, 1, 2]) expect(await number(overlay.getByTestId(`compare-step-${lane}`))).toBe(30);
  const chart = overlay.getByTestId('rate-distortion');
  expect(await chart.locator('g[data-label]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')))).toEqual([
    'β = 8',
    'β = 2',
    'β = 0.5',
  ]);
  const summary = (await chart.getAttribute('aria-label')) ?? '';
  const kl = [...summary.matchAll(/KL (-?[\d.]+)/g)].map((m) => Number(m[1]));
  console.log(`sweep: ${summary}`);
  // more β, less rate
  expect(kl[0]).toBeGreaterThan(kl[1] ?? Infinity);
  expect(kl[1]).toBeGreaterThan(kl[2] ?? Infinity);
  await snap(page, 'compare-sweep.png');

  await overlay.getByTestId('compare-close').click();
  const entries = page.getByTestId('run-history').getByTestId('history-entry');
  await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(3);
  expect(await entries.locator('strong').allTextContents()).toEqual(['β = 0.5', 'β = 2', 'β = 8']);

  // a single run is kept too, with its sharpness: 160 images, 1 epoch
  await fill(page.getByTestId('train-limit'), 160);
  await fill(page.getByTestId('epochs'), 1);
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('run-phase').textContent(), { timeout: 60_000 }).toBe('Finished');
  expect(Number(await page.getByTestId('sharpness-recon').locator('output').getAttribute('data-value'))).toBeGreaterThan(0);
  await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(4);
  expect(await entries.first().locator('strong').textContent()).toBe('VAE (MLP, Bernoulli)');
  expect(await entries.first().locator('small').textContent()).toMatch(/10 steps · finished · ELBO -\d+\.\d · sharpness 0\.\d\d/);
  expect(session.errors).toEqual([]);
});
