/**
 * The glasses lesson in real Chromium: a learner trains the faces VAE for
 * three short epochs, computes the glasses vector, adds it to a face without
 * glasses, estimates log p(x) with importance sampling (and cancels a long
 * estimate), builds a vector from hand-picked faces, then turns the graph into
 * an autoencoder, trains it and sees both rows.
 */
import { afterEach, expect, inject, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, screenshotPath, setRunSettings, vaeToAutoencoder, type BrowserSession } from './browser';

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const status = (page: Page) => page.getByTestId('lesson-status').textContent();
const title = (page: Page) => page.getByTestId('lesson-step-title').textContent();
const phase = async (page: Page) => (await page.getByTestId('run-phase').textContent()) ?? '';
const number = (text: string | null, pattern: RegExp): number => Number(pattern.exec(text ?? '')?.[1] ?? NaN);

test('a learner computes a glasses vector, adds it to a face, estimates log p(x) and compares with an autoencoder', async () => {
  session = await launch({ viewport: { width: 1600, height: 1000 } });
  const { page } = session;
  await page.goto(`${inject('baseUrl')}/`);
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('graphs-menu').click();
  await page.getByTestId('lesson-glasses-vector').click();
  await page.getByTestId('lesson-card').waitFor();
  expect(await page.getByTestId('lesson-card').textContent()).toContain('step 1 of 6');
  expect(await title(page)).toBe('Faces with known attributes');
  await expect.poll(() => status(page)).toBe('✓ Done.');
  await page.getByTestId('lesson-next').click();

  // train: three epochs of faces (330 steps), to the end
  expect(await title(page)).toBe('Train it');
  const show = page.getByRole('button', { name: 'Show Training' });
  if (await show.isVisible()) await show.click();
  await page.getByTestId('dashboard').waitFor();
  await setRunSettings(page, { epochs: 3, 'test-limit': 200, 'report-every': 20 });
  await page.locator('details.settings > summary').click();
  await page.getByTestId('train').click();
  await expect.poll(() => phase(page), { timeout: 240_000 }).toMatch(/finished/i);
  await expect.poll(() => status(page)).toBe('✓ Done.');
  await page.getByTestId('lesson-next').click();

  // the glasses vector, added to the first test face (one without glasses) with α = 1
  expect(await title(page)).toBe('The glasses vector');
  expect(await page.getByTestId('vector-groups').inputValue()).toBe('factor:glasses');
  await page.getByTestId('apply-vector').click();
  await page.getByTestId('vector-row').waitFor({ timeout: 60_000 });
  const summary = (await page.getByTestId('vector-summary').textContent()) ?? '';
  expect(summary).toMatch(/mean μ of glasses = yes \(\d+ test images\) − mean μ of glasses = no \(\d+\)/);
  expect(summary).toContain('The image is one of glasses = no');
  await expect.poll(() => status(page)).toBe('✓ Done.');
  await page.getByTestId('lesson-next').click();
  expect(await title(page)).toBe('Put glasses on a face');
  await expect.poll(() => status(page)).toBe('✓ Done.');
  // the slider redraws the large image for its α
  await page.getByTestId('vector-alpha').fill('2');
  await expect.poll(() => page.locator('.vector .result').textContent()).toContain('α = 2.00');
  await page.getByTestId('attribute-vector-card').screenshot({ path: screenshotPath('glasses-vector-vae.png') });

  // the IW estimate of log p(x) is at least the ELBO on the same images and draws
  await page.getByTestId('likelihood-samples').selectOption('100');
  await page.getByTestId('estimate-logpx').click();
  await page.getByTestId('likelihood-result').waitFor({ timeout: 120_000 });
  const result = await page.getByTestId('likelihood-result').textContent();
  expect(result).toMatch(/^\s*IW-100 estimate of log p\(x\) -\d+\.\d\d\s+nats; ELBO on the same images and draws -\d+\.\d\d nats/);
  const iw = number(result, /log p\(x\) (-\d+\.\d\d)/);
  const elbo = number(result, /draws (-\d+\.\d\d)/);
  expect(iw).toBeGreaterThanOrEqual(elbo);

  // a long estimate can be cancelled: the card is back to its controls at once
  await page.getByTestId('likelihood-samples').selectOption('5000');
  await page.getByTestId('estimate-logpx').click();
  await page.getByTestId('likelihood-progress').waitFor({ timeout: 60_000 });
  await page.getByTestId('likelihood-cancel').click();
  await expect.poll(() => page.getByTestId('likelihood-progress').count()).toBe(0);
  expect(await page.getByTestId('estimate-logpx').isDisabled()).toBe(false);

  // hand-picked groups: two faces in group A, one in group B (tiles of 32 px with 3 px between them)
  await page.getByTestId('vector-groups').selectOption('picked');
  const strip = page.locator('[data-testid="attribute-vector"] canvas.strip');
  const clickTile = async (i: number) => {
    const scale = await strip.evaluate((c) => {
      const rect = c.getBoundingClientRect();
      return { x: rect.width / (c as HTMLCanvasElement).width, y: rect.height / (c as HTMLCanvasElement).height };
    });
    await strip.click({ position: { x: (i * 35 + 19) * scale.x, y: 19 * scale.y } });
  };
  await page.getByTestId('vector-pick-to').check();
  await clickTile(1);
  await clickTile(2);
  await page.getByTestId('vector-pick-from').check();
  await clickTile(0);
  expect(await page.getByTestId('vector-pick-counts').textContent()).toBe('A: 2, B: 1');
  await page.getByTestId('apply-vector').click();
  await expect
    .poll(() => page.getByTestId('vector-summary').textContent(), { timeout: 60_000 })
    .toMatch(/mean μ of group A \(2 picked images\) \(2 test images\) − mean μ of group B \(1 picked image\) \(1\)/);
  // back to the glasses vector, the one the lesson compares with the autoencoder's
  await page.getByTestId('vector-groups').selectOption('factor:glasses');
  await page.getByTestId('apply-vector').click();
  await expect.poll(() => page.getByTestId('vector-summary').textContent(), { timeout: 60_000 }).toContain('glasses = yes');
  await page.getByTestId('lesson-next').click();

  // an autoencoder: no Reparameterize, no KL, μ wired into z
  expect(await title(page)).toBe('Compare with an autoencoder');
  expect(await status(page)).toBe('Turn the graph into an autoencoder, train it and apply the glasses vector.');
  await vaeToAutoencoder(page);
  await page.getByTestId('train').click();
  await expect.poll(() => phase(page), { timeout: 240_000 }).toMatch(/finished/i);
  await page.getByTestId('apply-vector').click();
  await expect.poll(() => page.getByTestId('vector-summary').textContent(), { timeout: 60_000 }).toContain('autoencoder');
  expect(await page.getByTestId('vector-earlier-row').textContent()).toContain('(VAE, step 330)');
  await expect.poll(() => status(page)).toBe('✓ Done.');
  await page.getByTestId('attribute-vector-card').screenshot({ path: screenshotPath('glasses-vector-ae-vs-vae.png') });
  await page.getByTestId('lesson-next').click();
  expect(await title(page)).toBe('Why a VAE fills the gaps');
  await page.getByTestId('lesson-finish').click();
  expect(session.errors).toEqual([]);
}, 600_000);
