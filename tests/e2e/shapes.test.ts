import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { loadShapesDataset } from '../../src/data/shapes';
import { launch, setRunSettings, type BrowserSession } from './browser';

let session: BrowserSession;

beforeAll(async () => {
  session = await launch();
});
afterAll(async () => {
  await session?.close();
});

/** FNV-1a over bytes (the same function runs in the worker below). */
function fingerprint(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

test('a worker generates the shapes dataset, pixel for pixel the same as Node', async () => {
  const { page } = session;
  const baseUrl = inject('baseUrl');
  await page.goto(baseUrl);
  const result = await page.evaluate(
    async ({ origin, fingerprintSource }: { origin: string; fingerprintSource: string }) => {
      const source = `
      const fingerprint = ${fingerprintSource};
      const started = performance.now();
      const { loadShapesDataset } = await import('${origin}/src/data/shapes.ts');
      const data = loadShapesDataset();
      postMessage({
        ms: performance.now() - started,
        shape: data.imageShape,
        counts: [data.train.count, data.test.count],
        names: data.factors.names,
        train: fingerprint(data.train.images),
        test: fingerprint(data.test.images),
        factors: fingerprint(data.factors.train),
      });`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      try {
        return await new Promise<Record<string, unknown>>((resolve, reject) => {
          worker.onmessage = (e: MessageEvent<Record<string, unknown>>) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
        });
      } finally {
        worker.terminate();
        URL.revokeObjectURL(url);
      }
    },
    { origin: new URL(baseUrl).origin, fingerprintSource: fingerprint.toString() },
  );
  const node = loadShapesDataset();
  expect(result).toMatchObject({
    shape: [32, 32, 1],
    counts: [41_472, 4_608],
    names: ['shape', 'scale', 'rotation', 'x', 'y'],
    train: fingerprint(node.train.images),
    test: fingerprint(node.test.images),
    factors: fingerprint(node.factors?.train ?? new Uint8Array()),
  });
  console.info(`shapes generated in a worker in ${Math.round(result.ms as number)} ms (including module loading)`);
  expect(session.errors).toEqual([]);
});

test('the dashboard scores a shapes run when it ends, and again on request', async () => {
  const { page } = session;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('graphs-menu').click();
  await page.getByTestId('gallery-beta-vae-shapes').click();
  await page.getByTestId('disentanglement-card').waitFor();
  await setRunSettings(page, { epochs: 1, 'train-limit': 512, 'test-limit': 64 });
  await page.getByTestId('train').click();
  await page.getByTestId('score-mig').waitFor({ timeout: 120_000 });
  const mig = Number(await page.getByTestId('score-mig').textContent());
  expect(mig).toBeGreaterThanOrEqual(0);
  expect(mig).toBeLessThanOrEqual(1);
  expect(await page.getByTestId('disentanglement').textContent()).toContain('4,608 test images');
  for (const factor of ['shape', 'scale', 'rotation', 'x', 'y']) {
    expect(
      await page
        .getByTestId('disentanglement')
        .locator('tbody th', { hasText: new RegExp(`^${factor}$`) })
        .count(),
    ).toBe(1);
  }
  await expect.poll(() => page.getByTestId('run-phase').textContent()).toMatch(/finished/i);
  // the same weights score the same
  await page.getByTestId('score-now').click();
  await expect.poll(() => page.getByTestId('score-now').isEnabled(), { timeout: 60_000 }).toBe(true);
  expect(Number(await page.getByTestId('score-mig').textContent())).toBe(mig);
  expect(session.errors).toEqual([]);
}, 180_000);
