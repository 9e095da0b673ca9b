/**
 * Workshops have bad networks: once the app has been opened, it must load and
 * train with no network at all (the service worker keeps what it fetched).
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch, type BrowserSession } from './browser';

let session: BrowserSession;
beforeAll(async () => {
  session = await launch();
});
afterAll(async () => {
  await session?.close();
});

test('after one visit the app opens and trains offline', async () => {
  const { page, context } = session;
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  // the service worker takes over and has cached the dataset
  const ready = await page.evaluate(() =>
    Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]),
  );
  expect(ready).toBe(true);
  await expect
    .poll(
      () => page.evaluate(async () => (await caches.keys()).length > 0 && (await caches.match('/generated/mnist.bin.gz')) !== undefined),
      { timeout: 30_000 },
    )
    .toBe(true);
  // a reload under the service worker fills the cache with every module the app uses
  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // start the training worker once online so its modules are cached too
  await page.getByTestId('topbar-train').click();
  await expect.poll(() => page.getByTestId('step-count').textContent(), { timeout: 60_000 }).not.toMatch(/^\s*0?\s*$/);
  await page.getByTestId('cancel').click();

  await context.setOffline(true);
  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('graph-name').textContent()).toContain('VAE');
  await page.getByTestId('topbar-train').click();
  await expect
    .poll(async () => Number((await page.getByTestId('step-count').textContent()) ?? '0'), { timeout: 90_000 })
    .toBeGreaterThan(0);
  await page.getByTestId('cancel').click();
  await context.setOffline(false);
});
