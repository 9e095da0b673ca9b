/**
 * Real Chromium (Debian's, at /usr/bin/chromium) driven by playwright-core.
 * `webgpu: true` adds the flags that give WebGPU a SwiftShader adapter.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM, chromiumArgs, webgpuArgs } from '../../src/cli/chromium';

export { CHROMIUM, webgpuArgs };

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  webgpu?: boolean;
  /** Reuse a profile dir (to test reloads and persistence across sessions). */
  userDataDir?: string;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** No service worker (so that routes the test sets up see every request). */
  blockServiceWorkers?: boolean;
}

export async function launch(options: LaunchOptions = {}): Promise<BrowserSession> {
  const dir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'bottleneck-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...chromiumArgs, ...(options.webgpu ? webgpuArgs : [])],
    viewport: options.viewport ?? { width: 1280, height: 720 },
    colorScheme: options.colorScheme ?? 'light',
    ...(options.blockServiceWorkers ? { serviceWorkers: 'block' as const } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Vue's warnings (duplicate keys, bad props) are bugs too
    if (m.type() === 'error' || (m.type() === 'warning' && m.text().startsWith('[Vue warn]'))) errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      if (!options.userDataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the training panel's "Run settings" and fills inputs by test id, as a
 * user does (e.g. `{ 'batch-size': 16, epochs: 2 }`), in the order given.
 */
export async function setRunSettings(page: Page, values: Readonly<Record<string, number>>): Promise<void> {
  await page.locator('details.settings > summary').click();
  for (const [id, value] of Object.entries(values)) {
    await page.getByTestId(id).fill(String(value));
    await page.getByTestId(id).dispatchEvent('change');
  }
}

/** Turns the open VAE into an autoencoder as a learner does: deletes Reparameterize and KL, wires the Encoder's μ into z. */
export async function vaeToAutoencoder(page: Page): Promise<void> {
  for (const node of ['reparam', 'kl']) {
    await page.getByTestId(`node-title-${node}`).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId(`node-${node}`).count()).toBe(0);
  }
  await page.getByTestId('node-menu-decoder').click();
  await page.getByTestId('node-menu-connect').click();
  await page.locator('[data-testid="connect-option"]', { hasText: 'encoder.μ → decoder.z' }).click();
}

/** Where screenshots from test runs are saved (kept as artifacts). */
export function screenshotPath(name: string): string {
  const dir = join(process.cwd(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
