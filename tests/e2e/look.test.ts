import { expect, inject, test } from 'vitest';
import { launch, screenshotPath } from './browser';

test('look', async () => {
  const s = await launch({ viewport: { width: 1400, height: 1000 } });
  const { page } = s;
  await page.goto(inject('baseUrl'));
  await page.getByTestId('train').waitFor();
  await page.locator('details.settings > summary').click();
  for (const [id, v] of [['batch-size', 64], ['train-limit', 3000], ['epochs', 3], ['test-limit', 500], ['preview-every', 20], ['report-every', 10]] as const) {
    await page.getByTestId(id).fill(String(v));
    await page.getByTestId(id).dispatchEvent('change');
  }
  await page.getByTestId('backend-choice').selectOption('wasm');
  await page.getByTestId('train').click();
  await expect.poll(() => page.getByTestId('run-phase').textContent(), { timeout: 300000 }).toBe('Finished');
  const height = await page.getByTestId('dashboard').evaluate((el) => el.scrollHeight + 60);
  await page.setViewportSize({ width: 1400, height });
  await page.screenshot({ path: screenshotPath('look.png') });
  await s.close();
}, 400000);
