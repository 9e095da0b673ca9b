/**
 * Safe at any size, in real Chromium: a graph too big for the budget says so
 * live (status bar and node) and is refused before anything is allocated,
 * naming the node and param; a dataset whose file this install lacks is
 * offered as not installed; Stop answers at once.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launch, type BrowserSession } from './browser';

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await launch({ viewport: { width: 1280, height: 720 } });
  page = session.page;
});
afterAll(async () => {
  await session?.close();
});

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function open(): Promise<void> {
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('[data-node-type]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

test('a 248M-parameter graph: shown as too big on the node and in the status bar, and Train is refused naming the node', async () => {
  await open();
  await expect.poll(() => byTestId('status-cost').getAttribute('data-level')).toBe('ok');
  expect(await byTestId('status-cost').textContent()).toMatch(/^≈ [\d.]+ MB to train/);
  expect(await byTestId('memory-encoder').textContent()).toMatch(/MB$/);

  for (const node of ['encoder', 'decoder']) {
    const input = byTestId(`control-${node}-hidden`);
    await input.fill(new Array(8).fill(4096).join(', '));
    await input.press('Enter');
  }
  await expect.poll(() => byTestId('status-cost').getAttribute('data-level')).toBe('over');
  expect(await byTestId('status-issues').textContent()).toBe('Too big to train here');
  await expect.poll(() => page.locator('[data-testid^="memory-"].over').count()).toBe(1);

  await byTestId('topbar-train').click();
  await expect
    .poll(() => byTestId('run-error').textContent(), { timeout: 10_000 })
    .toMatch(
      /Too big to train here: about [\d.]+ GB .* node '(encoder|decoder)' \((Encoder|Decoder)\) takes \d+% of it: shrink its hidden units/,
    );
  // nothing was sent to the worker: no backend was started for it
  expect(await byTestId('backend').count()).toBe(0);

  // shrinking the node brings it back within the budget
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect.poll(() => byTestId('status-cost').getAttribute('data-level')).toBe('ok');
  expect(session.errors).toEqual([]);
});

test('a dataset this install lacks is offered as not installed', async () => {
  // this install as if Fashion-MNIST had not been built: the manifest lists MNIST only
  const bare = await launch({ viewport: { width: 1280, height: 720 }, blockServiceWorkers: true });
  try {
    await bare.page.route('**/generated/datasets.json', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ mnist: { file: 'mnist.bin.gz', bytes: 1 } }) }),
    );
    await bare.page.goto(inject('baseUrl'));
    await bare.page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
    const option = bare.page.locator('[data-testid="control-data-dataset"] option[value="fashion-mnist"]');
    await expect.poll(() => option.textContent(), { timeout: 30_000 }).toMatch(/— not installed$/);
    expect(await option.isDisabled()).toBe(true);
    expect(await bare.page.locator('[data-testid="control-data-dataset"] option[value="mnist"]').isDisabled()).toBe(false);
    expect(bare.errors).toEqual([]);
  } finally {
    await bare.close();
  }
});

test('Stop says so at once, and the run stops', async () => {
  await open();
  await byTestId('topbar-train').click();
  await expect.poll(() => byTestId('run-phase').textContent(), { timeout: 60_000 }).toBe('Training');
  await byTestId('stop').click();
  // the feedback is immediate, before the worker has answered (or the run has already stopped)
  const said = await byTestId('pending-command')
    .textContent({ timeout: 2_000 })
    .catch(() => '');
  const phase = await byTestId('run-phase').textContent();
  expect(said === 'stopping after this step…' || phase === 'Stopped').toBe(true);
  await expect.poll(() => byTestId('run-phase').textContent(), { timeout: 10_000 }).toBe('Stopped');
  expect(await byTestId('pending-command').count()).toBe(0);

  // moving a node is layout, not model: the run is still the graph's
  const title = await byTestId('node-title-kl').boundingBox();
  if (!title) throw new Error('the KL node is not visible');
  await page.mouse.move(title.x + 10, title.y + title.height / 2);
  await page.mouse.down();
  await page.mouse.move(title.x + 60, title.y + 80, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => byTestId('save-status').textContent()).toBe('Saved');
  expect(await byTestId('changed-since-run').count()).toBe(0);
  // a changed param is a change, and the notice names it
  await byTestId('control-encoder-latentDim').fill('8');
  await byTestId('control-encoder-latentDim').press('Enter');
  await expect.poll(() => byTestId('changed-since-run').textContent()).toMatch(/encoder.*latent.*20.*8/);
  expect(session.errors).toEqual([]);
});

test('a run cut off by a reload is listed as interrupted, with what it had trained', async () => {
  await open();
  // a long run: it is still training when the page goes away
  await byTestId('topbar-train').click();
  await expect.poll(() => byTestId('run-phase').textContent(), { timeout: 60_000 }).toBe('Training');
  const entries = page.getByTestId('run-history').getByTestId('history-entry');
  const before = await entries.count();
  // kept from its first epoch on
  await expect.poll(() => entries.count(), { timeout: 90_000 }).toBe(before + 1);
  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('run-history').getByTestId('history-entry').count(), { timeout: 30_000 }).toBe(before + 1);
  expect(await page.getByTestId('run-history').getByTestId('history-entry').first().locator('small').textContent()).toMatch(
    /\d+ steps · interrupted/,
  );
  expect(session.errors).toEqual([]);
});
