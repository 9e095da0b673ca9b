import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch, type BrowserSession } from './browser';

let session: BrowserSession;

beforeAll(async () => {
  session = await launch();
});
afterAll(async () => {
  await session?.close();
});

test('the app opens with the VAE graph', async () => {
  const { page } = session;
  await page.goto(inject('baseUrl'));
  await expect.poll(() => page.getByTestId('graph-name').textContent(), { timeout: 60_000 }).toContain('VAE');
  expect(session.errors).toEqual([]);
});

test('the Train button in the top bar opens the training panel and starts a run', async () => {
  const { page } = session;
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('topbar-train').click();
  await expect.poll(() => page.getByTestId('dashboard').isVisible()).toBe(true);
  await expect.poll(() => page.getByTestId('run-phase').textContent(), { timeout: 60_000 }).not.toMatch(/^\s*(idle)?\s*$/i);
  await expect.poll(() => page.getByTestId('topbar-train').textContent()).toContain('Training');
  await page.getByTestId('cancel').click();
  await expect.poll(() => page.getByTestId('topbar-train').textContent(), { timeout: 30_000 }).toContain('▶ Train');
});
