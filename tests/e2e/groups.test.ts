/**
 * Groups and templates in real Chromium: select nodes, group them (Ctrl+G)
 * into one node with its exposed ports and wires, expand and collapse, undo;
 * groups survive a reload, the graph file, a share link and a PNG, and change
 * nothing in the exported PyTorch code; a template inserted with the Encoder
 * selected is wired to it; a lesson step opens a group.
 */
import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { applyChange } from '../../src/core/changes';
import type { GraphDoc } from '../../src/core/schema';
import { createShareLink } from '../../src/share/link';
import { readExperimentPng } from '../../src/share/pngEmbed';
import { encodeSamplesPng } from '../../src/share/runPictures';
import { baseVae } from '../export/variants';
import { launch, screenshotPath, type BrowserSession } from './browser';
import { fakePreview } from './shareFixtures';

let session: BrowserSession;
let page: Page;
const base = () => inject('baseUrl');
const byTestId = (id: string): Locator => page.locator(`[data-testid="${id}"]`);
const connections = () => page.locator('svg[data-testid^="connection-"]');
const groupNodes = () => page.locator('[data-group-node]');
const graphName = () => byTestId('graph-name-input').inputValue();

beforeAll(async () => {
  session = await launch({ viewport: { width: 1280, height: 760 } });
  page = session.page;
});
afterAll(async () => {
  await session?.close();
});

async function open(hash = ''): Promise<void> {
  await page.goto(`${base()}/${hash}`);
  await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('[data-node-type]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

async function openGallery(id: string, name: string): Promise<void> {
  await byTestId('graphs-menu').click();
  await byTestId(`gallery-${id}`).click();
  await expect.poll(graphName).toBe(name);
}

async function download(click: () => Promise<void>): Promise<string> {
  const pending = page.waitForEvent('download');
  await click();
  const done = await pending;
  const path = await done.path();
  if (!path) throw new Error('the download did not finish');
  // a training script comes zipped with the dataset file it reads
  if (!done.suggestedFilename().endsWith('.zip')) return readFileSync(path, 'utf8');
  const script = Object.entries(unzipSync(new Uint8Array(readFileSync(path)))).find(([name]) => name.endsWith('.py'));
  return strFromU8(script?.[1] ?? new Uint8Array());
}

const shareAction = (id: string) => async () => {
  await byTestId('share-menu').click();
  await byTestId(id).click();
};

/** Drops a file on the canvas with real drag events. */
async function drop(bytes: Uint8Array, name: string, type: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ data, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      return dt;
    },
    { data: Array.from(bytes), name, type },
  );
  for (const event of ['dragenter', 'dragover', 'drop']) await byTestId('canvas').dispatchEvent(event, { dataTransfer: transfer });
}

/** The gallery VAE with its sampler and KL as a collapsed group. */
function groupedVae(name = 'Grouped VAE'): GraphDoc {
  return applyChange(
    { ...baseVae(), name },
    {
      type: 'group',
      group: { id: 'bottleneck', name: 'VAE bottleneck', members: ['reparam', 'kl'], collapsed: true, position: { x: 0, y: 0 } },
    },
  );
}

describe('groups', () => {
  test('select nodes → group → one node with its ports and wires → expand → collapse; undo', async () => {
    await open();
    await openGallery('vae', 'VAE (MLP, Bernoulli)');
    await expect.poll(() => connections().count()).toBe(10);
    await byTestId('node-title-reparam').click();
    await byTestId('node-title-kl').click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+g');

    await expect.poll(() => groupNodes().count()).toBe(1);
    expect(await byTestId('node-reparam').count()).toBe(0);
    expect(await byTestId('node-kl').count()).toBe(0);
    const group = byTestId('group-group');
    expect(await byTestId('group-title-group').textContent()).toBe('Reparameterize + KL divergence');
    // the ports that reach outside: the four posterior inputs, z and the KL term, with their shapes
    for (const port of ['reparam.mean', 'reparam.logVar', 'kl.mean', 'kl.logVar'])
      expect(await byTestId(`socket-group-${port}-in`).count()).toBe(1);
    for (const port of ['reparam.z', 'kl.kl']) expect(await byTestId(`socket-group-${port}-out`).count()).toBe(1);
    expect(await byTestId('shape-group-reparam.z').textContent()).toBe('[B×20]');
    // every wire is still drawn, now to the group's ports
    await expect.poll(() => connections().count()).toBe(10);
    expect(await byTestId('connection-e-mean-kl').locator('path.line').getAttribute('d')).toMatch(/^M/);
    expect(await byTestId('group-issues-group').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('groups-collapsed.png') });

    // rename by double-clicking the title
    await byTestId('group-title-group').dblclick();
    await byTestId('group-name-input-group').fill('VAE bottleneck');
    await byTestId('group-name-input-group').press('Enter');
    await expect.poll(() => byTestId('group-title-group').textContent()).toBe('VAE bottleneck');

    // expand: the members come back inside a labelled frame; collapse again from the frame
    await byTestId('group-expand-group').click();
    await expect.poll(() => byTestId('node-reparam').count()).toBe(1);
    expect(await groupNodes().count()).toBe(0);
    await expect.poll(() => byTestId('group-frame-group').isVisible()).toBe(true);
    expect(await byTestId('group-frame-group').textContent()).toContain('VAE bottleneck');
    await page.screenshot({ path: screenshotPath('groups-expanded.png') });
    await byTestId('group-collapse-group').click();
    await expect.poll(() => groupNodes().count()).toBe(1);
    expect(await byTestId('group-frame-group').count()).toBe(0);

    // a member's problem shows on the group: delete the encoder, the four inputs go missing
    await byTestId('node-title-encoder').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => byTestId('group-issues-group').textContent()).toBe('4');
    expect(await group.getAttribute('class')).toContain('has-error');
    await page.keyboard.press('Control+z');
    await expect.poll(() => byTestId('group-issues-group').count()).toBe(0);

    // each step is one undo: collapse, expand, rename, group
    await page.keyboard.press('Control+z'); // collapse
    await expect.poll(() => byTestId('group-frame-group').count()).toBe(1);
    await page.keyboard.press('Control+z'); // expand
    await expect.poll(() => groupNodes().count()).toBe(1);
    await page.keyboard.press('Control+z'); // rename
    await expect.poll(() => byTestId('group-title-group').textContent()).toBe('Reparameterize + KL divergence');
    await page.keyboard.press('Control+z'); // group
    await expect.poll(() => groupNodes().count()).toBe(0);
    await expect.poll(() => byTestId('node-kl').count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => groupNodes().count()).toBe(1);

    // deleting the group node keeps its nodes
    await byTestId('group-title-group').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => byTestId('node-kl').count()).toBe(1);
    expect(await groupNodes().count()).toBe(0);
    await expect.poll(() => connections().count()).toBe(10);
    expect(session.errors).toEqual([]);
  });

  test('a wire drawn to a group port connects the member behind it', async () => {
    await open();
    // the KL's μ is not connected: its port on the group is still there to be wired
    const doc = groupedVae('Wired through a group');
    const unwired = { ...doc, edges: doc.edges.filter((e) => e.id !== 'e-mean-kl') };
    await drop(new TextEncoder().encode(JSON.stringify(unwired)), 'grouped.json', 'application/json');
    await expect.poll(graphName).toBe('Wired through a group');
    await expect.poll(() => connections().count()).toBe(9);
    // let the view settle (the opened graph is fitted on screen), then draw the wire as a user does
    await page.waitForTimeout(500);
    const a = await byTestId('socket-encoder-mean-out').boundingBox();
    const b = await byTestId('socket-bottleneck-kl.mean-in').boundingBox();
    if (!a || !b) throw new Error('sockets not visible');
    const from = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
    const to = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 10, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => connections().count()).toBe(10);
    const saved = JSON.parse(await download(shareAction('share-download-json'))) as GraphDoc;
    expect(saved.edges).toContainEqual(
      expect.objectContaining({ from: { node: 'encoder', port: 'mean' }, to: { node: 'kl', port: 'mean' } }),
    );
    expect(session.errors).toEqual([]);
  });

  test('groups survive a reload, the graph file, a share link and a PNG; the PyTorch code is unchanged', async () => {
    await open();
    const doc = groupedVae();
    await drop(new TextEncoder().encode(JSON.stringify(doc)), 'grouped.json', 'application/json');
    await expect.poll(graphName).toBe('Grouped VAE');
    await expect.poll(() => groupNodes().count()).toBe(1);

    // graph JSON: the file carries the group
    const file = JSON.parse(await download(shareAction('share-download-json'))) as GraphDoc;
    expect(file.groups).toEqual([
      expect.objectContaining({ id: 'bottleneck', name: 'VAE bottleneck', members: ['reparam', 'kl'], collapsed: true }),
    ]);

    // export: the same code with the group as without it
    const grouped = await download(shareAction('share-code-pytorch'));
    expect(grouped).toContain('class Model(nn.Module):');
    await byTestId('node-menu-bottleneck').click();
    await byTestId('group-menu-ungroup').click();
    await expect.poll(() => groupNodes().count()).toBe(0);
    expect(await download(shareAction('share-code-pytorch'))).toBe(grouped);
    await page.keyboard.press('Control+z');
    await expect.poll(() => groupNodes().count()).toBe(1);

    // the library (IndexedDB): a reload shows the group again
    await expect.poll(() => byTestId('save-status').textContent()).toBe('Saved');
    await page.reload();
    await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => groupNodes().count(), { timeout: 30_000 }).toBe(1);
    expect(await byTestId('group-title-bottleneck').textContent()).toBe('VAE bottleneck');

    // a share link made in the dialog opens with the group
    await shareAction('share-link')();
    const url = await byTestId('link-url').inputValue();
    await page.keyboard.press('Escape');
    await open(new URL(url).hash);
    await expect.poll(() => byTestId('group-title-bottleneck').count()).toBe(1);

    // a PNG with the graph embedded, dropped on the canvas, opens with the group
    const png = encodeSamplesPng(fakePreview(), { ...doc, name: 'Grouped picture' }, { steps: 5, backend: 'wasm' });
    const read = readExperimentPng(png);
    expect(read.ok && read.doc.groups).toEqual(doc.groups);
    await drop(png, 'grouped.png', 'image/png');
    await expect.poll(graphName).toBe('Grouped picture');
    await expect.poll(() => byTestId('group-title-bottleneck').count()).toBe(1);
    expect(session.errors).toEqual([]);
  });

  test('a group field that is wrong is explained, naming the field', async () => {
    await open();
    const bad = { ...groupedVae(), groups: [{ id: 'g', name: 'x', members: ['ghost'], collapsed: true, position: { x: 0, y: 0 } }] };
    await drop(new TextEncoder().encode(JSON.stringify(bad)), 'bad-group.json', 'application/json');
    await expect
      .poll(() => byTestId('import-problem').allTextContents())
      .toEqual(["group 'g' (x): field 'groups[0].members[0]' names a node that does not exist ('ghost')"]);
    await byTestId('import-problems-close').click();
  });
});

describe('templates', () => {
  test('the VAE bottleneck inserted with the Encoder selected is wired to it, as one undo step', async () => {
    await open();
    await openGallery('ae', 'Autoencoder (MLP)');
    const before = await connections().count();
    await byTestId('node-title-encoder').click();
    await byTestId('palette-template-vae-bottleneck').click();
    await expect.poll(() => byTestId('group-title-bottleneck').count()).toBe(1);
    await expect.poll(() => connections().count()).toBe(before + 4);
    await expect.poll(() => byTestId('toast').last().textContent()).toContain('wired to the selection (4 wires');
    await page.screenshot({ path: screenshotPath('templates-bottleneck.png') });
    await page.keyboard.press('Control+z');
    await expect.poll(() => groupNodes().count()).toBe(0);
    expect(await connections().count()).toBe(before);
    expect(session.errors).toEqual([]);
  });

  test('a lesson step shows its group opened', async () => {
    const link = createShareLink(groupedVae('Lesson with a group'), `${base()}/`, { lesson: 'vae', step: 4 });
    if (!link.ok) throw new Error(link.errors[0]?.message);
    await open(link.hash);
    await expect.poll(() => page.getByTestId('lesson-step-title').textContent()).toBe('Watch ε → z → x̂');
    await expect.poll(() => byTestId('group-frame-bottleneck').count()).toBe(1);
    expect(await byTestId('node-reparam').count()).toBe(1);
    expect(session.errors).toEqual([]);
  });
});
