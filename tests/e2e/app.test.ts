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
