// Your own pictures in Chromium: a folder and a zip become datasets (grey and RGB, real JPEG/WebP decoding), train, survive a reload, export and import back.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { importDatasetPath } from '../../src/data/importNode';
import { classFiles, solidPng, writeFolder, zipOf } from '../data/pictureFixtures';
import { gifOf } from '../data/pictureFormats';
import { launch, setRunSettings, type BrowserSession } from './browser';

let session: BrowserSession;
beforeAll(async () => {
  session = await launch({ viewport: { width: 1500, height: 1000 } });
});
afterAll(async () => {
  await session?.close();
});

const phase = async (page: Page): Promise<string> => (await page.getByTestId('run-phase').textContent()) ?? '';

async function open(page: Page, gallery: string): Promise<void> {
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('graphs-menu').click();
  await page.getByTestId(`gallery-${gallery}`).click();
  const show = page.getByRole('button', { name: 'Show Training' });
  if (await show.isVisible()) await show.click();
}

async function openDatasets(page: Page): Promise<void> {
  await page.getByTestId('graphs-menu').click();
  await page.getByTestId('open-datasets').click();
  await page.getByTestId('datasets-dialog').waitFor();
}

async function trainBriefly(page: Page): Promise<void> {
  await setRunSettings(page, { 'batch-size': 16, epochs: 1, 'train-limit': 64, 'test-limit': 16 });
  await page.getByTestId('train').click();
  await expect.poll(() => phase(page), { timeout: 120_000 }).toBe('Finished');
}

/** JPEG and WebP pictures made by the browser's own encoder, as bytes. */
async function browserPictures(page: Page, type: 'image/jpeg' | 'image/webp', n: number): Promise<Buffer[]> {
  const made = await page.evaluate(
    async ({ type, n }) => {
      const out: number[][] = [];
      for (let i = 0; i < n; i++) {
        const canvas = new OffscreenCanvas(40 + i, 30);
        const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
        ctx.fillStyle = `rgb(${20 * i}, 120, 200)`;
        ctx.fillRect(0, 0, 40 + i, 30);
        out.push([...new Uint8Array(await (await canvas.convertToBlob({ type })).arrayBuffer())]);
      }
      return out;
    },
    { type, n },
  );
  return made.map((bytes) => Buffer.from(bytes));
}

test('a folder of class folders (PNG, JPEG, WebP, GIF) becomes a grey dataset: preview, counts, skipped files, the hash the CLI gives, then it trains', async () => {
  const { page } = session;
  await open(page, 'vae');
  const jpegs = await browserPictures(page, 'image/jpeg', 5);
  const webps = await browserPictures(page, 'image/webp', 5);
  const files: Record<string, Uint8Array> = {
    ...classFiles(12, { 'broken.png': Uint8Array.from([137, 80, 78, 71, 1]), '<b>notes</b>.txt': new TextEncoder().encode('hi') }),
  };
  jpegs.forEach((b, i) => (files[`pets/birds/b${i}.jpg`] = b));
  webps.forEach((b, i) => (files[`pets/birds/w${i}.webp`] = b));
  files['pets/birds/g0.gif'] = gifOf(30, 20, [200, 120, 20]);
  const dir = writeFolder(files);
  await openDatasets(page);
  await page.getByTestId('datasets-folder').setInputFiles(`${dir}/pets`);
  await page.getByTestId('datasets-preview').waitFor({ timeout: 60_000 });
  await expect(page.getByTestId('datasets-counts').textContent()).resolves.toMatch(/47 pictures: 42 train \/ 5 test · 28×28 grey/);
  await expect(page.getByTestId('datasets-classes').textContent()).resolves.toBe('Classes: birds (11), cats (12), dogs (12), owls (12)');
  await page.getByTestId('datasets-skipped').locator('summary').click();
  const skipped = await page.getByTestId('datasets-skipped').textContent();
  expect(skipped).toContain('pets/<b>notes</b>.txt — not a picture');
  expect(skipped).toContain('pets/broken.png — not a picture this app can read');
  expect(await page.getByTestId('datasets-skipped').locator('b').count()).toBe(0);
  await page.getByTestId('datasets-save-use').click();
  // the command line decodes with the same code: the same folder, the same dataset, the same hash
  const cli = await importDatasetPath(`${dir}/pets`, { size: 28, channels: 1, fit: 'crop' });
  await page.getByTestId(`dataset-${cli.ref.hash.slice(0, 12)}`).waitFor({ timeout: 10_000 });
  await page.getByTestId('datasets-close').click();
  await expect
    .poll(() => page.getByTestId('control-data-dataset').locator('option:checked').textContent(), { timeout: 10_000 })
    .toMatch(/^pets \(yours, 28×28\)/);
  await trainBriefly(page);
  expect(session.errors).toEqual([]);
});

test('a zip in RGB trains the colour conv VAE, is still there after a reload, exports and imports back with its hash', async () => {
  const { page } = session;
  await open(page, 'conv-vae-colour');
  const zip = zipOf({ ...classFiles(20), 'pets/readme.md': new Uint8Array(4), 'pets/tiny.png': solidPng(1, 1, [9, 9, 9]) });
  await openDatasets(page);
  await page.getByTestId('datasets-size').selectOption('32');
  await page.getByTestId('datasets-channels').selectOption('3');
  await page.getByTestId('datasets-name').fill('colour pets');
  await page.getByTestId('datasets-files').setInputFiles({ name: 'pets.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await page.getByTestId('datasets-preview').waitFor({ timeout: 60_000 });
  await expect(page.getByTestId('datasets-counts').textContent()).resolves.toMatch(/61 pictures: 55 train \/ 6 test · 32×32 RGB/);
  await page.getByTestId('datasets-save-use').click();
  await page.getByTestId('datasets-close').click();
  await trainBriefly(page);
  const inputs = await page.getByTestId('inputs').evaluate((c) => {
    const ctx = (c as HTMLCanvasElement).getContext('2d') as CanvasRenderingContext2D;
    const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs((data[i] as number) - (data[i + 2] as number)) > 40) coloured++;
    return coloured;
  });
  expect(inputs).toBeGreaterThan(50);

  // IndexedDB: after a reload the graph still trains on it (the worker reads it there)
  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await trainBriefly(page);

  // export, remove, and import the file back: the same dataset, by hash
  await openDatasets(page);
  const row = page.locator('[data-testid^="dataset-"]', { hasText: 'colour pets' });
  const hash = (await row.locator('code').getAttribute('title')) ?? '';
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Export .bin.gz' }).click()]);
  expect(download.suggestedFilename()).toBe('colour-pets.bin.gz');
  const file = readFileSync((await download.path()) ?? '');
  await row.getByRole('button', { name: 'Remove' }).click();
  await expect.poll(() => page.locator('[data-testid^="dataset-"]', { hasText: 'colour pets' }).count()).toBe(0);
  // the open graph now names a dataset this browser lacks: training says so by name and hash
  await page.getByTestId('datasets-close').click();
  // and a link to the graph, opened here, asks for the dataset instead of failing: the graph opens, Import… is offered
  await page.getByTestId('share-menu').click();
  await page.getByTestId('share-link').click();
  const link = await page.getByTestId('link-url').inputValue();
  await page.keyboard.press('Escape');
  const other = await session.context.newPage();
  await other.goto(link);
  await other.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  const notice = other.getByTestId('toast').filter({ hasText: 'uses your dataset' });
  await expect
    .poll(() => notice.textContent(), { timeout: 20_000 })
    .toMatch(/uses your dataset 'colour pets' \(hash [0-9a-f]{12}…\), which is not here: import it/);
  expect(await other.getByTestId('node-data').count()).toBe(1);
  await notice.getByTestId('toast-action').click();
  await other.getByTestId('datasets-dialog').waitFor();
  await other.close();
  await page.getByTestId('train').click();
  await expect
    .poll(() => page.getByTestId('dashboard').textContent(), { timeout: 30_000 })
    .toMatch(/uses your dataset 'colour pets' \(hash [0-9a-f]{12}…\)/);
  await openDatasets(page);
  await page.getByTestId('datasets-files').setInputFiles({ name: 'colour-pets.bin.gz', mimeType: 'application/gzip', buffer: file });
  await page.getByTestId('datasets-preview').waitFor({ timeout: 60_000 });
  await page.getByTestId('datasets-save').click();
  await expect.poll(() => page.locator(`[data-testid="dataset-${hash.slice(0, 12)}"]`).count()).toBe(1);
  await page.getByTestId('datasets-close').click();
  // the run settings are still set: train again on the re-imported dataset
  await page.getByTestId('train').click();
  await expect.poll(() => phase(page), { timeout: 120_000 }).toBe('Finished');
  expect(session.errors).toEqual([]);
});
