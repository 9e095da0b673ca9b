/**
 * The graph editor in real Chromium: build a VAE by hand with the mouse and
 * keyboard, see shape errors come and go, get refused connections explained,
 * undo/redo, copy/paste and reload from IndexedDB.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launch, screenshotPath, type BrowserSession } from './browser';

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await launch({ viewport: { width: 1280, height: 720 } });
  page = session.page;
});
afterAll(async () => {
  await session?.close();
});

// ---- helpers ----

const nodes = () => page.locator('[data-node-type]');
const connections = () => page.locator('svg[data-testid^="connection-"]');
const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);

async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`not visible: ${locator.toString()}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Presses the mouse on one socket and releases it on another, with real pointer events. */
async function wire(from: string, to: string): Promise<void> {
  const a = await center(byTestId(`socket-${from}-out`));
  const b = await center(byTestId(`socket-${to}-in`));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

/** Drags a node by its title to put its top-left corner near (x, y) on the screen. */
async function dragNode(id: string, x: number, y: number): Promise<void> {
  const title = byTestId(`node-title-${id}`);
  const box = await title.boundingBox();
  const node = await byTestId(`node-${id}`).boundingBox();
  if (!box || !node) throw new Error(`node ${id} not visible`);
  const grab = { x: box.x + 10, y: box.y + box.height / 2 };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + (x - node.x) / 2, grab.y + (y - node.y) / 2, { steps: 4 });
  await page.mouse.move(grab.x + (x - node.x), grab.y + (y - node.y), { steps: 4 });
  await page.mouse.up();
}

/** Adds a node through the search menu (A key) with the pointer at (x, y). */
async function addBySearch(query: string, type: string, x: number, y: number): Promise<void> {
  await page.mouse.move(x, y);
  await page.keyboard.press('a');
  await byTestId('add-menu-search').fill(query);
  await expect.poll(() => byTestId(`add-menu-item-${type}`).count()).toBe(1);
  await page.keyboard.press('Enter');
  await expect.poll(() => byTestId('add-menu').count()).toBe(0);
}

async function setText(testId: string, value: string): Promise<void> {
  const input = byTestId(testId);
  await input.fill(value);
  await input.press('Enter');
}

const issuesText = () => byTestId('status-issues').textContent();

/** Tests after the hand-built VAE only need the app open (so they can also run on their own). */
async function ready(): Promise<void> {
  if (page.url() === 'about:blank') await page.goto(inject('baseUrl'));
  await expect.poll(() => nodes().count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

// ---- tests ----

describe('the graph editor', () => {
  test('builds a VAE by hand from an empty graph', async () => {
    await page.goto(inject('baseUrl'));
    await expect.poll(() => byTestId('node-encoder').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => byTestId('save-status').textContent()).toBe('Saved');

    await byTestId('graphs-menu').click();
    await byTestId('new-graph').click();
    await expect.poll(() => nodes().count()).toBe(0);
    await expect.poll(() => byTestId('empty-hint').isVisible()).toBe(true);
    await setText('graph-name-input', 'My hand-built VAE');

    // zoom out so the whole model fits at 1280×720
    await byTestId('canvas').click({ position: { x: 500, y: 300 } });
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await page.keyboard.press('-');

    // through the palette: click adds near the middle; then drag it into place
    await byTestId('palette-Dataset').click();
    await expect.poll(() => byTestId('node-dataset').count()).toBe(1);
    await dragNode('dataset', 262, 120);
    // through the search menu, at the pointer
    await addBySearch('enc', 'Encoder', 420, 110);
    await byTestId('palette-Reparameterize').click();
    await expect.poll(() => byTestId('node-reparameterize').count()).toBe(1);
    await dragNode('reparameterize', 585, 70);
    await addBySearch('kl', 'KL', 585, 330);
    await addBySearch('decoder', 'Decoder', 745, 70);
    await addBySearch('reconstruction', 'ReconstructionLoss', 905, 110);
    await addBySearch('objective', 'Loss', 1065, 220);
    await expect.poll(() => nodes().count()).toBe(7);

    await wire('dataset-x', 'encoder-x');
    await wire('encoder-mean', 'reparameterize-mean');
    await wire('encoder-logVar', 'reparameterize-logVar');
    await wire('encoder-mean', 'kl-mean');
    await wire('encoder-logVar', 'kl-logVar');
    await expect.poll(() => connections().count()).toBe(5);
    expect(await byTestId('shape-encoder-mean').textContent()).toBe('[B×20]');

    // a decoder whose input is missing: the error sits on the node, at the port
    await expect.poll(() => byTestId('port-decoder-z-in').getAttribute('class')).toContain('bad');
    await expect.poll(() => byTestId('node-issues-decoder').textContent()).toContain("input 'z' is not connected");

    // an incompatible wire is refused, with the reason
    await wire('encoder-logVar', 'decoder-z');
    await expect.poll(() => byTestId('toast').last().textContent()).toContain('log-variance');
    expect(await connections().count()).toBe(5);

    await wire('reparameterize-z', 'decoder-z');
    await expect.poll(() => byTestId('port-decoder-z-in').getAttribute('class')).not.toContain('bad');
    expect(await byTestId('node-issues-decoder').textContent()).not.toContain("input 'z'");

    await wire('dataset-x', 'reconstructionLoss-x');
    await wire('decoder-xHat', 'reconstructionLoss-xHat');
    await wire('reconstructionLoss-loss', 'loss-terms');
    await wire('kl-kl', 'loss-terms');
    await expect.poll(() => connections().count()).toBe(10);
    await expect.poll(issuesText).toBe('Ready to train');
    expect(await byTestId('status-params').textContent()).toContain('653k');
    expect(await byTestId('params-encoder').textContent()).toContain('330k');
    expect(await byTestId('shape-decoder-xHat').textContent()).toBe('[B×28×28×1]');
    expect(session.errors).toEqual([]);
  });

  test('shape errors appear on the node and clear when fixed; invalid values are refused', async () => {
    // a value the node cannot take is refused with a message and never written
    await setText('control-encoder-latentDim', '0');
    await expect.poll(() => byTestId('control-error-encoder-latentDim').textContent()).toContain('latent dim must be ≥ 1, got 0');
    expect(await byTestId('shape-encoder-mean').textContent()).toBe('[B×20]');
    await setText('control-encoder-latentDim', '2');
    await expect.poll(() => byTestId('shape-encoder-mean').textContent()).toBe('[B×2]');
    await expect.poll(() => byTestId('control-error-encoder-latentDim').count()).toBe(0);

    // a conv decoder with three upsampling layers cannot make 28×28 images
    await byTestId('control-decoder-architecture').selectOption('conv');
    await expect.poll(() => byTestId('control-decoder-filters').count()).toBe(1);
    await setText('control-decoder-filters', '64, 32, 16');
    await expect.poll(() => byTestId('control-issue-decoder-filters').textContent()).toContain('divisible by 8');
    await expect.poll(() => byTestId('node-decoder').getAttribute('class')).toContain('has-error');
    await expect.poll(issuesText).toContain('error');
    await setText('control-decoder-filters', '64, 32');
    await expect.poll(() => byTestId('control-issue-decoder-filters').count()).toBe(0);
    await expect.poll(issuesText).toBe('Ready to train');
    await byTestId('control-decoder-architecture').selectOption('mlp');
    await expect.poll(() => byTestId('control-decoder-filters').count()).toBe(0);
  });

  test('notes and labels are edited on the node; wires can be added from the keyboard', async () => {
    await byTestId('add-note-kl').click();
    await byTestId('note-input-kl').fill('KL keeps the codes near the prior.');
    await byTestId('note-input-kl').press('Control+Enter');
    await expect.poll(() => byTestId('note-kl').textContent()).toContain('KL keeps the codes near the prior.');
    await byTestId('node-title-kl').dblclick();
    await byTestId('label-input-kl').fill('KL term');
    await byTestId('label-input-kl').press('Enter');
    await expect.poll(() => byTestId('node-title-kl').textContent()).toBe('KL term');

    // unplug z from the decoder, then plug it back through the node's menu
    await wire('encoder-mean', 'decoder-z');
    await expect.poll(() => connections().count()).toBe(10);
    await byTestId('node-menu-decoder').click();
    await byTestId('node-menu-connect').click();
    await page.locator('[data-testid="connect-option"]', { hasText: 'reparameterize.z → decoder.z' }).click();
    await expect.poll(() => connections().count()).toBe(10);
    await expect.poll(issuesText).toBe('Ready to train');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
    await expect.poll(() => byTestId('note-kl').count()).toBe(0);
    await expect.poll(() => byTestId('node-title-kl').textContent()).toBe('KL divergence');
  });

  test('undo and redo restore nodes with all their links', async () => {
    await byTestId('node-title-encoder').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodes().count()).toBe(6);
    await expect.poll(() => connections().count()).toBe(5);
    await expect.poll(() => byTestId('port-reparameterize-mean-in').getAttribute('class')).toContain('bad');

    await page.keyboard.press('Control+z');
    await expect.poll(() => nodes().count()).toBe(7);
    await expect.poll(() => connections().count()).toBe(10);
    await expect.poll(issuesText).toBe('Ready to train');
    // the wires are drawn again, end to end
    const path = await page.locator('svg[data-testid^="connection-"] path.line').first().getAttribute('d');
    expect(path ?? '').toMatch(/^M/);

    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodes().count()).toBe(6);
    await page.keyboard.press('Control+y');
    await expect.poll(() => nodes().count()).toBe(6);
    await page.keyboard.press('Control+z');
    await expect.poll(() => connections().count()).toBe(10);

    // a drag is one undo step
    const before = await byTestId('node-kl').boundingBox();
    await dragNode('kl', (before?.x ?? 0) + 30, (before?.y ?? 0) + 40);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await byTestId('node-kl').boundingBox())?.y).toBeCloseTo(before?.y ?? 0, 0);
    // a param edit is one step too
    await setText('control-encoder-latentDim', '7');
    await expect.poll(() => byTestId('shape-encoder-mean').textContent()).toBe('[B×7]');
    await byTestId('canvas').click({ position: { x: 40, y: 350 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => byTestId('shape-encoder-mean').textContent()).toBe('[B×2]');
    await expect.poll(() => byTestId('control-encoder-latentDim').inputValue()).toBe('2');
    expect(await connections().count()).toBe(10);
  });

  test('copy and paste nodes with the links between them', async () => {
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.mouse.move(700, 600);
    await byTestId('node-title-encoder').click();
    await byTestId('node-title-kl').click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+c');
    // the system clipboard holds the nodes as graph JSON text
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(text)).toMatchObject({ format: 'bottleneck-graph', name: '2 copied nodes' });
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodes().count()).toBe(9);
    expect(await byTestId('node-encoder2').count()).toBe(1);
    expect(await byTestId('node-kl2').count()).toBe(1);
    // the two wires between them came along, between the copies
    await expect.poll(() => connections().count()).toBe(12);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodes().count()).toBe(7);
    await expect.poll(() => connections().count()).toBe(10);
  });

  test('a reload restores the graph from IndexedDB', async () => {
    await expect.poll(() => byTestId('save-status').textContent()).toBe('Saved');
    const holder = page.locator('[data-testid="canvas"] > div').first();
    await page.keyboard.press('+');
    await page.waitForTimeout(400);
    const view = async () => (await holder.evaluate((el) => (el as HTMLElement).style.transform)).match(/-?[\d.]+/g)?.map(Number) ?? [];
    const before = await view();
    await page.reload();
    await expect.poll(() => nodes().count(), { timeout: 30_000 }).toBe(7);
    // the view comes back too (pan to the pixel, zoom to 0.1 %)
    await expect.poll(async () => (await view()).every((v, i) => Math.abs(v - (before[i] ?? NaN)) <= 1)).toBe(true);
    await expect.poll(() => connections().count()).toBe(10);
    expect(await byTestId('graph-name-input').inputValue()).toBe('My hand-built VAE');
    await expect.poll(issuesText).toBe('Ready to train');
    expect(session.errors).toEqual([]);
  });

  test('screenshots of the VAE, light and dark', async () => {
    await ready();
    await byTestId('graphs-menu').click();
    await byTestId('gallery-vae').click();
    await expect.poll(() => byTestId('graph-name-input').inputValue()).toBe('VAE (MLP, Bernoulli)');
    await expect.poll(() => nodes().count()).toBe(7);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshotPath('editor-vae-light.png') });
    // and closer, at about 90 %, where every label on a node is legible
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshotPath('editor-vae-zoomed-light.png') });
    await page.keyboard.press('f');
    // theme: system → light → dark
    await byTestId('theme-toggle').click();
    await byTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.waitForTimeout(200);
    await page.screenshot({ path: screenshotPath('editor-vae-dark.png') });
    await byTestId('theme-toggle').click();
  });

  test('right-click adds a node; the problems list focuses it', async () => {
    await ready();
    const canvas = await byTestId('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    await page.mouse.click(canvas.x + 120, canvas.y + canvas.height - 140, { button: 'right' });
    await expect.poll(() => byTestId('add-menu').count()).toBe(1);
    await byTestId('add-menu-search').fill('noise');
    await byTestId('add-menu-item-Noise').click();
    await expect.poll(() => byTestId('node-noise').count()).toBe(1);
    await expect.poll(issuesText).toBe('1 error, 1 warning');
    await page.keyboard.press('Escape');
    await byTestId('status-issues').click();
    await page.locator('[data-testid="status-issue"]', { hasText: "input 'x' is not connected" }).click();
    await expect.poll(() => byTestId('node-noise').getAttribute('class')).toContain('selected');
    await page.keyboard.press('Delete');
    await expect.poll(issuesText).toBe('Ready to train');
  });

  test('auto-arrange is one undo step', async () => {
    await ready();
    const ratio = async () => {
      const [d, e, k] = await Promise.all(['data', 'encoder', 'kl'].map((id) => byTestId(`node-${id}`).boundingBox()));
      if (!d || !e || !k) throw new Error('nodes not visible');
      return (k.y - d.y) / (e.x - d.x);
    };
    const before = await ratio();
    await byTestId('arrange').click();
    await expect.poll(ratio, { timeout: 30_000 }).not.toBeCloseTo(before, 2);
    await byTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(ratio).toBeCloseTo(before, 2);
  });

  test('opening a graph file: a bad file is explained, a good one opens', async () => {
    await ready();
    await byTestId('graphs-menu').click();
    const broken = {
      format: 'bottleneck-graph',
      version: 1,
      name: 'x',
      nodes: [{ id: 'a', type: 'Encoder', version: 1, params: { latentDim: 0 }, position: { x: 0, y: 0 } }],
      edges: [],
      training: {},
    };
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    await expect.poll(() => byTestId('import-problems').textContent()).toContain('Could not open broken.json');
    expect(await byTestId('import-problem').allTextContents()).toContain("node 'a' (Encoder): param 'latentDim' must be ≥ 1, got 0");
    const nameBefore = await byTestId('graph-name-input').inputValue();
    expect(nameBefore).not.toBe('x');
    const vae: unknown = JSON.parse(readFileSync('graphs/vae.json', 'utf8'));
    await byTestId('graphs-menu').click();
    await page.locator('input[type="file"]').setInputFiles({
      name: 'mine.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...(vae as object), name: 'From a file' })),
    });
    await expect.poll(() => byTestId('graph-name-input').inputValue()).toBe('From a file');
    await expect.poll(() => nodes().count()).toBe(7);
    await byTestId('graphs-menu').click();
    await byTestId('gallery-vae').click();
    await expect.poll(() => nodes().count()).toBe(7);
  });

  test('a node dragged from the palette lands where it is dropped', async () => {
    await ready();
    const canvas = await byTestId('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    await byTestId('palette-Beta').dragTo(byTestId('canvas'), { targetPosition: { x: 120, y: canvas.height - 120 } });
    await expect.poll(() => byTestId('node-beta').count()).toBe(1);
    const box = await byTestId('node-beta').boundingBox();
    expect(Math.abs((box?.x ?? 0) - (canvas.x + 120))).toBeLessThan(60);
    await page.keyboard.press('Delete');
    await expect.poll(() => byTestId('node-beta').count()).toBe(0);
  });
});
