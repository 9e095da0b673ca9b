/** Two tabs on one graph in real Chromium: a newer save elsewhere is loaded, a conflict is asked about and nothing is lost. */
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

async function setText(testId: string, value: string): Promise<void> {
  const input = byTestId(testId);
  await input.fill(value);
  await input.press('Enter');
}

test('two tabs on one graph: a newer save elsewhere is loaded, a conflict is asked about', async () => {
  await page.goto(inject('baseUrl'));
  await expect.poll(() => page.locator('[data-node-type]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(() => byTestId('save-status').textContent()).toBe('Saved');
  const other = await session.context.newPage();
  try {
    await other.goto(inject('baseUrl'));
    const there = (id: string) => other.locator(`[data-testid="${id}"]`);
    await expect.poll(() => there('graph-name-input').inputValue(), { timeout: 30_000 }).toBe('VAE (MLP, Bernoulli)');

    // no unsaved edits here: the other tab's save simply shows up
    await there('graph-name-input').fill('Renamed in the other tab');
    await there('graph-name-input').press('Enter');
    await expect.poll(() => byTestId('graph-name-input').inputValue(), { timeout: 10_000 }).toBe('Renamed in the other tab');

    // both tabs edit before either saves: exactly one of them is asked, nothing is lost
    await setText('graph-name-input', 'Mine');
    await there('graph-name-input').fill('Theirs');
    await there('graph-name-input').press('Enter');
    const dialogs = async () => (await byTestId('conflict-dialog').count()) + (await there('conflict-dialog').count());
    await expect.poll(dialogs, { timeout: 10_000 }).toBe(1);
    const asked = (await byTestId('conflict-dialog').count()) === 1 ? page : other;
    const kept = asked === page ? other : page;
    const askedName = asked === page ? 'Mine' : 'Theirs';
    await asked.locator('[data-testid="conflict-keep-mine"]').click();
    await expect.poll(() => asked.locator('[data-testid="graph-name-input"]').inputValue()).toBe(`${askedName} (copy)`);
    expect(await kept.locator('[data-testid="graph-name-input"]').inputValue()).toBe(askedName === 'Mine' ? 'Theirs' : 'Mine');
    await expect.poll(() => asked.locator('[data-testid="save-status"]').textContent()).toBe('Saved');
  } finally {
    await other.close();
  }
  expect(session.errors).toEqual([]);
});
