/**
 * The editor in a workshop room, in real Chromium at 1280×720 and 1920×1080:
 * node text readable at zoom-to-fit for every saved graph (normal, large text,
 * presenter mode), auto-arrange with few crossings, a wire dropped on the
 * canvas to add a node, and the training panel in its own window.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { countCrossings } from '../../src/editor/flow';
import { launch, screenshotPath, type BrowserSession } from './browser';

/** Every saved graph (the gallery is graphs/*.json). */
const savedGraphs = readdirSync('graphs')
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

let session: BrowserSession;
let page: Page;

const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`);
const nodes = () => page.locator('[data-node-type]');

beforeAll(async () => {
  session = await launch({ viewport: { width: 1280, height: 720 } });
  page = session.page;
  await page.goto(inject('baseUrl'));
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
});
afterAll(async () => {
  await session?.close();
});

async function openSaved(id: string): Promise<void> {
  await byTestId('graphs-menu').click();
  await byTestId(`gallery-${id}`).click();
  const count = (JSON.parse(readFileSync(`graphs/${id}.json`, 'utf8')) as { nodes: unknown[] }).nodes.length;
  await expect.poll(() => nodes().count()).toBe(count);
}

/** The smallest text on any node, in CSS pixels as drawn on the screen (font size × the canvas zoom). */
function smallestNodeText(): Promise<{ px: number; text: string }> {
  return page.evaluate(() => {
    let px = Infinity;
    let text = '';
    for (const node of document.querySelectorAll<HTMLElement>('[data-node-type]')) {
      const scale = node.getBoundingClientRect().width / parseFloat(getComputedStyle(node).width);
      const consider = (el: Element, what: string) => {
        if (el.getClientRects().length === 0) return;
        const size = parseFloat(getComputedStyle(el).fontSize) * scale;
        if (size < px) {
          px = size;
          text = what;
        }
      };
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        const words = t.textContent?.trim() ?? '';
        if (words && t.parentElement) consider(t.parentElement, words);
      }
      node.querySelectorAll('input, select, textarea').forEach((el) => consider(el, `field ${el.getAttribute('data-testid') ?? ''}`));
    }
    return { px, text };
  });
}

async function zoomToFit(): Promise<void> {
  await byTestId('zoom-fit').click();
  await page.waitForTimeout(150);
}

/** Every wire as a polyline along its drawn curve (canvas coordinates). */
function wirePolylines(): Promise<Array<Array<{ x: number; y: number }>>> {
  return page.evaluate(() =>
    [...document.querySelectorAll<SVGPathElement>('svg[data-testid^="connection-"] path.line')].map((path) => {
      const length = path.getTotalLength();
      return Array.from({ length: 33 }, (_, i) => {
        const p = path.getPointAtLength((length * i) / 32);
        return { x: p.x, y: p.y };
      });
    }),
  );
}

/** Node positions on the screen, to tell when a layout has settled. */
const layoutKey = () =>
  page.evaluate(() => [...document.querySelectorAll('[data-node-type]')].map((n) => n.getBoundingClientRect().x.toFixed(0)).join(','));

async function arrange(): Promise<void> {
  await byTestId('arrange').click();
  await expect.poll(() => byTestId('arrange').isDisabled(), { timeout: 30_000 }).toBe(false);
  let before = '';
  await expect
    .poll(async () => {
      const now = await layoutKey();
      const settled = now === before;
      before = now;
      return settled;
    })
    .toBe(true);
}

describe('readable at any size', () => {
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    test(`node text is at least 12 px at zoom-to-fit for every saved graph (${viewport.width}×${viewport.height})`, async () => {
      await page.setViewportSize(viewport);
      for (const id of savedGraphs) {
        await openSaved(id);
        await zoomToFit();
        const smallest = await smallestNodeText();
        expect(smallest.px, `${id}: “${smallest.text}”`).toBeGreaterThanOrEqual(12 - 0.01);
        // the graph is shown from its start: the data node is on the canvas
        const canvas = await byTestId('canvas').boundingBox();
        const data = await page.locator('[data-node-type="Dataset"]').boundingBox();
        expect(canvas && data && data.x >= canvas.x && data.x + data.width <= canvas.x + canvas.width).toBe(true);
      }
      await openSaved('vae');
      await zoomToFit();
      await page.screenshot({ path: screenshotPath(`workshop-vae-${viewport.width}x${viewport.height}.png`) });
    }, 240_000);
  }

  test('large text and presenter mode make node text larger; presenter folds the panels and steps with the keyboard', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openSaved('vae');
    await zoomToFit();
    const normal = (await smallestNodeText()).px;
    await byTestId('large-text').click();
    await zoomToFit();
    const large = (await smallestNodeText()).px;
    expect(large).toBeGreaterThanOrEqual(16 - 0.01);
    expect(large).toBeGreaterThan(normal);
    await byTestId('large-text').click();

    await byTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.presenter)).toBe('on');
    await expect.poll(() => page.locator('aside.side-panel.collapsed').count()).toBe(2);
    await zoomToFit();
    expect((await smallestNodeText()).px).toBeGreaterThanOrEqual(20 - 0.01);
    // → walks the graph along its flow: first the data, then the encoder
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-node-type="Dataset"]').getAttribute('class')).toContain('selected');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-node-type="Encoder"]').getAttribute('class')).toContain('selected');
    await page.screenshot({ path: screenshotPath('workshop-presenter-1280x720.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.presenter)).toBe('off');
    // the panels come back as they were
    await expect.poll(() => page.locator('aside.side-panel.left.collapsed').count()).toBe(0);
  }, 120_000);
});

describe('placement and arrangement', () => {
  test('auto-arrange lays every saved graph out with at most 2 crossings', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    for (const id of savedGraphs) {
      await openSaved(id);
      await arrange();
      const crossings = countCrossings(await wirePolylines());
      expect(crossings, id).toBeLessThanOrEqual(2);
      // left to right by data flow: the data comes first, the objective last
      const xs = await page.evaluate(() => {
        const x = (type: string) => document.querySelector(`[data-node-type="${type}"]`)?.getBoundingClientRect().x ?? NaN;
        return { data: x('Dataset'), loss: x('Loss') };
      });
      expect(xs.data).toBeLessThan(xs.loss);
    }
  }, 300_000);

  test('a tangled hand-made VAE comes out untangled', async () => {
    const vae = JSON.parse(readFileSync('graphs/vae.json', 'utf8')) as { nodes: Array<{ position: { x: number; y: number } }> };
    // every node moved to another's place, in reverse order
    const spots = vae.nodes.map((n) => n.position).reverse();
    const tangled = { ...vae, name: 'Tangled', nodes: vae.nodes.map((n, i) => ({ ...n, position: spots[i] })) };
    await byTestId('graphs-menu').click();
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'tangled.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tangled)) });
    await expect.poll(() => byTestId('graph-name-input').inputValue()).toBe('Tangled');
    expect(countCrossings(await wirePolylines())).toBeGreaterThan(2);
    await arrange();
    expect(countCrossings(await wirePolylines())).toBeLessThanOrEqual(2);
  }, 60_000);

  test('palette clicks place nodes in free space; arranging unwired nodes does not make one long column', async () => {
    await byTestId('graphs-menu').click();
    await byTestId('new-graph').click();
    await expect.poll(() => nodes().count()).toBe(0);
    for (const type of ['Dataset', 'Encoder', 'Reparameterize', 'Decoder', 'KL', 'ReconstructionLoss'])
      await byTestId(`palette-${type}`).click();
    await expect.poll(() => nodes().count()).toBe(6);
    await page.waitForTimeout(300);
    const boxes = await nodes().evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })),
    );
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (!a || !b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `nodes ${i} and ${j} overlap`).toBe(false);
      }
    }
    await arrange();
    const extent = await page.evaluate(() => {
      const rects = [...document.querySelectorAll('[data-node-type]')].map((n) => n.getBoundingClientRect());
      const w = Math.max(...rects.map((r) => r.right)) - Math.min(...rects.map((r) => r.left));
      const h = Math.max(...rects.map((r) => r.bottom)) - Math.min(...rects.map((r) => r.top));
      return { w, h, nodeWidth: rects[0]?.width ?? 0 };
    });
    expect(extent.w).toBeGreaterThan(extent.nodeWidth * 1.5);
    expect(extent.h / extent.w).toBeLessThan(2);
  }, 60_000);

  test('a wire dropped on empty canvas offers the nodes that can take it, and connects the one picked', async () => {
    await byTestId('graphs-menu').click();
    await byTestId('new-graph').click();
    await byTestId('palette-Dataset').click();
    await expect.poll(() => nodes().count()).toBe(1);
    const socket = await page.locator('[data-testid^="socket-"][data-testid$="-x-out"]').first().boundingBox();
    if (!socket) throw new Error('no socket');
    const start = { x: socket.x + socket.width / 2, y: socket.y + socket.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 120, start.y + 40, { steps: 5 });
    await page.mouse.move(start.x + 260, start.y + 60, { steps: 5 });
    await page.mouse.up();
    await byTestId('add-menu-wire').waitFor();
    const offered = await page
      .locator('[data-testid^="add-menu-item-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(offered).toContain('add-menu-item-Encoder');
    expect(offered).not.toContain('add-menu-item-KL');
    await byTestId('add-menu-item-Encoder').click();
    await expect.poll(() => nodes().count()).toBe(2);
    await expect.poll(() => page.locator('svg[data-testid^="connection-"]').count()).toBe(1);
    // the new node sits where the wire was dropped
    const encoder = await page.locator('[data-node-type="Encoder"]').boundingBox();
    expect(Math.abs((encoder?.x ?? 0) - (start.x + 260))).toBeLessThan(40);

    // pulling that wire off the encoder's input removes it and offers nothing
    const input = await page.locator('[data-node-type="Encoder"] [data-testid^="socket-"][data-testid$="-x-in"]').boundingBox();
    if (!input) throw new Error('no input socket');
    await page.mouse.move(input.x + input.width / 2, input.y + input.height / 2);
    await page.mouse.down();
    await page.mouse.move(input.x + 60, input.y + 200, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.locator('svg[data-testid^="connection-"]').count()).toBe(0);
    expect(await byTestId('add-menu').count()).toBe(0);
  }, 60_000);
});

/** The lesson card's box and those of the nodes its step highlights, on the screen. */
async function lessonOverlaps(): Promise<string[]> {
  return page.evaluate(() => {
    const card = document.querySelector('[data-testid="lesson-card"]')?.getBoundingClientRect();
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!card || !canvas) return ['no card or canvas'];
    const problems: string[] = [];
    for (const node of document.querySelectorAll('.lesson-focus')) {
      const r = node.getBoundingClientRect();
      const name = node.getAttribute('data-node-type') ?? '?';
      if (r.left < card.right && card.left < r.right && r.top < card.bottom && card.top < r.bottom)
        problems.push(`${name} is under the card`);
      if (r.left < canvas.left - 1 || r.right > canvas.right + 1 || r.top < canvas.top - 1 || r.bottom > canvas.bottom + 1)
        problems.push(`${name} is off the canvas`);
    }
    return problems;
  });
}

describe('nothing covers the work', () => {
  test('the lesson card never covers the nodes its step highlights, also when the training panel opens', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    for (const lesson of ['autoencoder', 'vae', 'beta-vae']) {
      await byTestId('graphs-menu').click();
      await byTestId(`lesson-${lesson}`).click();
      await byTestId('lesson-card').waitFor();
      const steps = await page.locator('[data-testid^="lesson-step-"]:not([data-testid="lesson-step-title"])').count();
      for (let i = 1; i <= steps; i++) {
        await byTestId(`lesson-step-${i}`).click();
        await page.waitForTimeout(200);
        if ((await page.locator('.lesson-focus').count()) === 0) continue;
        await expect.poll(lessonOverlaps, { timeout: 5000 }).toEqual([]);
      }
    }
    // the training panel takes room from the canvas: the highlighted nodes are brought back into view
    await byTestId('lesson-step-1').click();
    const panel = page.locator('aside.side-panel.right');
    if (await panel.evaluate((el) => el.classList.contains('collapsed'))) await panel.locator('button.toggle').click();
    await expect.poll(lessonOverlaps, { timeout: 5000 }).toEqual([]);
    await page.screenshot({ path: screenshotPath('workshop-lesson-1280x720.png') });

    // presenting a lesson: the card stays, the palette and the training panel fold, → and ← step
    await byTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('p');
    await expect.poll(() => page.locator('aside.side-panel.right.collapsed').count()).toBe(1);
    await expect.poll(() => byTestId('palette').count()).toBe(0);
    expect(await byTestId('lesson-card').isVisible()).toBe(true);
    await page.keyboard.press('PageDown');
    await expect.poll(() => byTestId('lesson-step-title').textContent()).toBe('Train with β = 4');
    await page.keyboard.press('PageUp');
    await expect.poll(() => byTestId('lesson-step-title').textContent()).toBe('Shapes with known factors');
    await expect.poll(lessonOverlaps, { timeout: 5000 }).toEqual([]);
    await page.screenshot({ path: screenshotPath('workshop-presenter-lesson-1280x720.png') });
    await page.keyboard.press('Escape');
    await byTestId('lesson-close').click();
  }, 120_000);

  test('the training panel opens in its own window and comes back when it closes', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await openSaved('vae');
    const panel = page.locator('aside.side-panel.right');
    if (await panel.evaluate((el) => el.classList.contains('collapsed'))) await panel.locator('button.toggle').click();
    const canvasBefore = (await byTestId('canvas').boundingBox())?.width ?? 0;
    const popupPromise = session.context.waitForEvent('page');
    await byTestId('dashboard-detach').click();
    const popup = await popupPromise;
    await popup.locator('[data-testid="detached-dashboard"] [data-testid="train"]').waitFor({ timeout: 30_000 });
    await byTestId('dashboard-detached').waitFor();
    // the canvas gets the panel's room
    await expect.poll(async () => (await byTestId('canvas').boundingBox())?.width ?? 0).toBeGreaterThan(canvasBefore + 200);
    // the window is the same dashboard: training started there runs in this page's worker
    await popup.locator('[data-testid="train"]').click();
    await expect.poll(() => popup.locator('[data-testid="run-phase"]').textContent(), { timeout: 60_000 }).toMatch(/training|epoch|step/i);
    await popup.locator('[data-testid="cancel"]').click();
    await popup.close();
    await expect.poll(() => byTestId('dashboard-detached').count()).toBe(0);
    await expect.poll(() => page.locator('aside.side-panel.right').count()).toBe(1);
    expect(session.errors).toEqual([]);
  }, 120_000);
});
