/**
 * Sharing in the real editor, in Chromium: a PNG exported by the dashboard
 * dropped on the canvas restores the experiment; a broken or oversized file is
 * explained and changes nothing; the file picker and paste open graphs (copied
 * nodes still paste into the graph); downloads of the graph file, training
 * scripts and a picture of a real run carry what they should; a copied
 * workshop link opens locked with controls hidden; hostile names stay text.
 */
import { gunzipSync, strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { GraphDoc } from '../../src/core/schema';
import { fragmentToText } from '../../src/editor/clipboard';
import { encodeSamplesPng } from '../../src/share/runPictures';
import { importAny } from '../../src/share/importAny';
import { serializeGraph } from '../../src/share/graphFile';
import { createShareLink, readShareLink } from '../../src/share/link';
import { readExperimentPng } from '../../src/share/pngEmbed';
import { baseVae } from '../export/variants';
import { launch, screenshotPath, setRunSettings, type BrowserSession } from './browser';
import { experiment, fakePreview, withoutPositions } from './shareFixtures';
import { bytesId } from '../helpers';

let session: BrowserSession;
let page: Page;
const base = () => inject('baseUrl');
const byTestId = (id: string): Locator => page.locator(`[data-testid="${id}"]`);
const graphName = () => byTestId('graph-name-input').inputValue();
const nodes = () => page.locator('[data-node-type]');
const lastToast = () => byTestId('toast').last().textContent();

beforeAll(async () => {
  session = await launch({ viewport: { width: 1280, height: 760 } });
  page = session.page;
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base() });
});
afterAll(async () => {
  await session?.close();
});

async function open(target: Page = page, hash = ''): Promise<void> {
  await target.goto(`${base()}/${hash}`);
  await target.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
  await expect.poll(() => target.locator('[data-node-type]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
}

/** Drops a file on the canvas with real drag events (enter, over, drop), checking the highlight on the way. */
async function drop(bytes: Uint8Array | string | { filler: number }, name: string, type: string, screenshot?: string): Promise<void> {
  // a big filler file is made in the page (sending megabytes of numbers over the wire would be slow)
  const filler = typeof bytes === 'object' && 'filler' in bytes ? bytes.filler : 0;
  const data = typeof bytes === 'string' ? Array.from(new TextEncoder().encode(bytes)) : 'filler' in bytes ? [] : Array.from(bytes);
  const transfer = await page.evaluateHandle(
    ({ data, filler, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([filler > 0 ? 'x'.repeat(filler) : new Uint8Array(data)], name, { type }));
      return dt;
    },
    { data, filler, name, type },
  );
  const canvas = byTestId('canvas');
  await canvas.dispatchEvent('dragenter', { dataTransfer: transfer });
  await expect.poll(() => canvas.getAttribute('data-dragging')).toBe('true');
  await expect.poll(() => byTestId('drop-overlay').isVisible()).toBe(true);
  await canvas.dispatchEvent('dragover', { dataTransfer: transfer });
  if (screenshot) await page.screenshot({ path: screenshotPath(screenshot) });
  await canvas.dispatchEvent('drop', { dataTransfer: transfer });
  await expect.poll(() => canvas.getAttribute('data-dragging')).toBe('false');
}

/** Dispatches a paste of `text` on the page (the focus is not in a field). */
async function paste(text: string): Promise<void> {
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const pending = page.waitForEvent('download');
  await click();
  const d = await pending;
  const path = await d.path();
  if (!path) throw new Error('the download did not finish');
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

const shareAction = (id: string) => async () => {
  await byTestId('share-menu').click();
  await byTestId(id).click();
};

/** The canvas moves apart nodes that overlap once drawn; everything but positions must match exactly. */
async function libraryNames(): Promise<string[]> {
  await byTestId('graphs-menu').click();
  const names = await byTestId('library-list').locator('.name').allTextContents();
  await page.keyboard.press('Escape');
  return names;
}

describe('sharing in the editor', () => {
  test('a PNG exported by the dashboard restores the experiment; broken and oversized files change nothing', async () => {
    await open();
    const before = await graphName();
    const doc = experiment();
    const png = encodeSamplesPng(fakePreview(), doc, {
      steps: 700,
      backend: 'webgpu',
      status: 'finished',
      final: { elbo: -98.5, recon: 74.25, kl: 24.25 },
    });

    await drop(png, 'samples.png', 'image/png', 'share-drop-highlight.png');
    await expect.poll(graphName).toBe('From a picture');
    await expect.poll(() => nodes().count()).toBe(doc.nodes.length);
    const message = (await lastToast()) ?? '';
    expect(message).toContain(
      'from samples.png as a new graph with its run’s settings: seed 31, MNIST (static binarization), batch 32, 3 epochs, Adam at 0.002',
    );
    expect(message).toContain('test ELBO −98.5 nats after 700 steps');
    // the graph that was open stays in the library, next to the new one
    expect(await libraryNames()).toEqual(expect.arrayContaining([before, 'From a picture']));
    // the restored graph, read back through the graph file download
    const saved = await download(shareAction('share-download-json'));
    expect(withoutPositions(JSON.parse(saved.bytes.toString('utf8')))).toStrictEqual(withoutPositions(JSON.parse(serializeGraph(doc))));

    // a broken file: the problems name node and field; the graph on screen is untouched
    const edits = await graphName();
    await drop(serializeGraph(baseVae()).replace('"latentDim": 20', '"latentDim": 0'), 'broken.json', 'application/json');
    await expect.poll(() => byTestId('import-problems').isVisible()).toBe(true);
    expect(await byTestId('import-subject').textContent()).toBe('broken.json');
    expect(await byTestId('import-problem').allTextContents()).toEqual([
      expect.stringMatching(/node 'encoder' \(Encoder\): param 'latentDim' must be ≥ 1/),
    ]);
    await page.screenshot({ path: screenshotPath('share-import-problems.png') });
    expect(await graphName()).toBe(edits);
    expect(await nodes().count()).toBe(doc.nodes.length);

    // a file over the size limit is refused before it is read
    await drop({ filler: 3_000_000 }, 'huge.json', 'application/json');
    await expect.poll(() => byTestId('import-subject').textContent()).toBe('huge.json');
    expect(await byTestId('import-problem').first().textContent()).toMatch(
      /the file is too large \(3\.0 MB; a graph file is at most 2\.0 MB\)/,
    );
    await byTestId('import-problems-close').click();
    expect(await byTestId('import-problems').count()).toBe(0);
    expect(await graphName()).toBe(edits);

    // the message after an import leads back to the graph that was open
    await drop(serializeGraph({ ...baseVae(), name: 'Dropped file' }), 'dropped.json', 'application/json');
    await expect.poll(graphName).toBe('Dropped file');
    // (the earlier import's message may still be up: pick the one that leads back to the picture's graph)
    await byTestId('toast-action').filter({ hasText: 'From a picture' }).click();
    await expect.poll(graphName).toBe('From a picture');
    expect(session.errors).toEqual([]);
  });

  test('the file picker takes graph files and PNGs; paste opens graphs and links, copied nodes paste into the graph', async () => {
    await open();
    const vae = baseVae();
    const pick = async (name: string, mimeType: string, buffer: Buffer) => {
      await byTestId('graphs-menu').click();
      const chooser = page.waitForEvent('filechooser');
      await byTestId('open-file').click();
      await (await chooser).setFiles({ name, mimeType, buffer });
    };
    await pick('picked.json', 'application/json', Buffer.from(serializeGraph({ ...vae, name: 'Picked' })));
    await expect.poll(graphName).toBe('Picked');
    const png = encodeSamplesPng(fakePreview(), experiment(), { steps: 5, backend: 'wasm' });
    await pick('run.png', 'image/png', Buffer.from(png));
    await expect.poll(lastToast).toContain('Opened “From a picture” from run.png as a new graph with its run’s settings: seed 31');
    expect(await graphName()).toBe('From a picture');

    await paste(serializeGraph({ ...vae, name: 'Pasted' }));
    await expect.poll(graphName).toBe('Pasted');
    const link = createShareLink({ ...vae, name: 'Pasted link' }, base());
    if (!link.ok) throw new Error('no link');
    await paste(link.url);
    await expect.poll(graphName).toBe('Pasted link');

    // nodes copied on a canvas are pasted into the open graph, not opened as a graph
    const count = await nodes().count();
    const copied = vae.nodes.filter((n) => n.type === 'Encoder' || n.type === 'Decoder');
    await paste(fragmentToText({ nodes: copied, edges: [] }));
    await expect.poll(() => nodes().count()).toBe(count + 2);
    expect(await graphName()).toBe('Pasted link');
    // other text is left alone
    await paste('just some words');
    await expect.poll(lastToast).toMatch(/Nothing pasted/);
    expect(await nodes().count()).toBe(count + 2);
    expect(session.errors).toEqual([]);
  });

  test('downloads: the graph file, training scripts, and a picture of a real run that opens again', async () => {
    await open();
    await byTestId('graphs-menu').click();
    await byTestId('gallery-vae').click();
    await expect.poll(graphName).toBe('VAE (MLP, Bernoulli)');
    const vae = baseVae();

    const json = await download(shareAction('share-download-json'));
    expect(json.name).toBe('vae-mlp-bernoulli.json');
    const text = json.bytes.toString('utf8');
    expect(withoutPositions(JSON.parse(text))).toStrictEqual(withoutPositions(JSON.parse(serializeGraph(vae))));
    // the file reads back to a graph that writes the very same bytes
    const back = await importAny(new Uint8Array(json.bytes));
    if (!back.ok) throw new Error(back.errors.map((e) => e.message).join('; '));
    expect(serializeGraph(back.doc)).toBe(text);

    // one zip: the script and, beside it, the dataset file it reads (the app's own images)
    const zip = await download(shareAction('share-code-pytorch'));
    expect(zip.name).toBe('vae-mlp-bernoulli-pytorch.zip');
    const files = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(files).sort()).toEqual(['mnist.bin.gz', 'vae-mlp-bernoulli.py']);
    const pyText = strFromU8(files['vae-mlp-bernoulli.py'] ?? new Uint8Array());
    expect(pyText.split('\n').slice(0, 6).join('\n')).toContain('# Graph: VAE (MLP, Bernoulli)');
    expect(pyText).toContain('class Model(nn.Module):');
    expect(bytesId(gunzipSync(files['mnist.bin.gz'] ?? new Uint8Array()))).toBe(
      bytesId(gunzipSync(readFileSync('public/generated/mnist.bin.gz'))),
    );
    const keras = await download(shareAction('share-code-keras'));
    expect(strFromU8(unzipSync(new Uint8Array(keras.bytes))['vae-mlp-bernoulli.py'] ?? new Uint8Array())).toContain('written for Keras');
    await expect.poll(lastToast).toMatch(/Saved vae-mlp-bernoulli-keras\.zip: the Keras training script and the dataset file/);

    // a graph that cannot be exported: the message names the node, nothing is saved
    await byTestId('node-title-data').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => byTestId('node-data').count()).toBe(0);
    await shareAction('share-code-pytorch')();
    await expect.poll(lastToast).toMatch(/cannot be exported to PyTorch[\s\S]*node 'encoder' \(Encoder\): input 'x' is not connected/);
    await page.keyboard.press('Control+z');
    await expect.poll(() => byTestId('node-data').count()).toBe(1);

    // no run yet: no picture
    await byTestId('share-menu').click();
    expect(await byTestId('share-png-samples').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');

    // a short real run (a few steps on the fallback backend), then its picture
    const show = page.getByRole('button', { name: 'Show Training' });
    if (await show.isVisible()) await show.click();
    await setRunSettings(page, { 'batch-size': 16, epochs: 1, 'train-limit': 32, 'test-limit': 32, 'preview-every': 1, 'report-every': 1 });
    await byTestId('train').click();
    await expect.poll(() => byTestId('run-phase').textContent(), { timeout: 120_000 }).toBe('Finished');
    const trained = JSON.parse((await download(shareAction('share-download-json'))).bytes.toString('utf8')) as unknown;
    await byTestId('share-menu').click();
    await expect.poll(() => byTestId('share-png-source').textContent()).toMatch(/From the run of “VAE \(MLP, Bernoulli\)” at step 2/);
    await page.screenshot({ path: screenshotPath('share-menu.png') });
    await page.keyboard.press('Escape');
    expect(await byTestId('share-panel').count()).toBe(0);
    const picture = await download(shareAction('share-png-samples'));
    expect(picture.name).toBe('vae-mlp-bernoulli-samples-step2.png');
    const read = readExperimentPng(new Uint8Array(picture.bytes));
    if (!read.ok) throw new Error(read.errors.map((e) => e.message).join('; '));
    expect(read.doc).toStrictEqual(trained);
    expect(read.run).toMatchObject({ seed: vae.training.seed, batchSize: 16, epochs: 1, steps: 2, status: 'finished', image: 'samples' });
    expect(read.run?.metrics?.elbo).toBeTypeOf('number');
    const recon = await download(shareAction('share-png-reconstructions'));
    expect(readExperimentPng(new Uint8Array(recon.bytes))).toMatchObject({ ok: true, run: { image: 'reconstructions' } });

    // and the picture dropped back on the canvas opens the experiment
    await drop(new Uint8Array(picture.bytes), picture.name, 'image/png');
    await expect.poll(lastToast).toContain(`from ${picture.name} as a new graph with its run’s settings: seed ${vae.training.seed}`);
    expect(session.errors).toEqual([]);
  });

  test('a copied workshop link opens locked, with the chosen controls hidden; an editable copy is one click away', async () => {
    await open();
    await byTestId('graphs-menu').click();
    await byTestId('gallery-vae').click();
    await expect.poll(graphName).toBe('VAE (MLP, Bernoulli)');

    await shareAction('share-link')();
    await expect.poll(() => byTestId('share-dialog').isVisible()).toBe(true);
    await byTestId('link-locked').check();
    await byTestId('link-hide-encoder-latentDim').check();
    await byTestId('link-hide-recon').check();
    const url = await byTestId('link-url').inputValue();
    expect(readShareLink(url)).toMatchObject({ ok: true, options: { view: 'locked', hide: ['encoder.latentDim', 'recon'] } });
    await byTestId('link-copy').click();
    await expect.poll(() => byTestId('link-status').textContent()).toBe('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    await page.screenshot({ path: screenshotPath('share-link-dialog.png') });
    await page.keyboard.press('Escape');
    expect(await byTestId('share-dialog').count()).toBe(0);

    const other = await session.context.newPage();
    const before = await libraryNames();
    await open(other, new URL(url).hash);
    const at = (id: string) => other.locator(`[data-testid="${id}"]`);
    await expect.poll(() => at('workshop-badge').textContent()).toMatch(/Locked workshop view/);
    expect(await at('workshop-badge').locator('.text').getAttribute('title')).toMatch(/The link hides 2 controls\./);
    // the address no longer carries the graph: a reload shows the library's copy, not a fresh import
    await expect.poll(() => new URL(other.url()).hash).toBe('');
    // hidden controls are gone from the nodes; the others are read-only
    expect(await at('control-encoder-latentDim').count()).toBe(0);
    expect(await at('control-recon-distribution').count()).toBe(0);
    expect(await at('hidden-controls-recon').textContent()).toMatch(/\d+ hidden/);
    expect(await at('control-encoder-activation').isDisabled()).toBe(true);
    await other.screenshot({ path: screenshotPath('share-locked-view.png') });

    // no deleting, moving or adding; training is still offered
    const count = await other.locator('[data-node-type]').count();
    await at('node-title-kl').click();
    await other.keyboard.press('Delete');
    await expect.poll(() => other.locator('[data-testid="toast"]').last().textContent()).toMatch(/locked workshop view/);
    expect(await other.locator('[data-node-type]').count()).toBe(count);
    const box = await at('node-kl').boundingBox();
    const title = await at('node-title-kl').boundingBox();
    if (!box || !title) throw new Error('node kl not visible');
    await other.mouse.move(title.x + 10, title.y + title.height / 2);
    await other.mouse.down();
    await other.mouse.move(title.x + 140, title.y + 90, { steps: 5 });
    await other.mouse.up();
    expect(await at('node-kl').boundingBox()).toEqual(box);
    expect(await at('palette-Encoder').isDisabled()).toBe(true);
    expect(await at('node-menu-kl').count()).toBe(0);
    expect(await at('topbar-train').isDisabled()).toBe(false);

    // a reload keeps the workshop view (and imports nothing again)
    await other.reload();
    await expect.poll(() => at('workshop-badge').isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await at('control-encoder-latentDim').count()).toBe(0);

    await at('make-editable').click();
    await expect.poll(() => other.locator('[data-testid="graph-name-input"]').inputValue()).toBe('VAE (MLP, Bernoulli) (copy)');
    expect(await at('workshop-badge').count()).toBe(0);
    expect(await at('control-encoder-latentDim').count()).toBe(1);
    expect(await at('control-encoder-activation').isDisabled()).toBe(false);
    // a damaged link in the address: explained, and the library's graph opens as usual
    await other.goto(`${base()}/#g=${new URL(url).hash.slice(3, 60)}`);
    await other.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => at('import-subject').textContent()).toBe('the share link in the address');
    expect(await at('import-problem').first().textContent()).toMatch(/the link's graph data (is not valid|cannot be unpacked)/);
    expect(await other.locator('[data-testid="graph-name-input"]').inputValue()).toBe('VAE (MLP, Bernoulli) (copy)');
    await other.close();
    // two new graphs in the library: the workshop view and the editable copy
    await page.reload();
    await page.locator('.app[data-ready="true"]').waitFor({ timeout: 60_000 });
    expect((await libraryNames()).length).toBe(before.length + 2);
    expect(session.errors).toEqual([]);
  });

  test('hostile names, notes and descriptions are shown as text and never run', async () => {
    await open();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const hostile = '<img src=x onerror=alert(1)>';
    const vae = baseVae();
    const doc: GraphDoc = {
      ...vae,
      name: hostile,
      description: `${hostile}<script>alert(2)</script>`,
      nodes: vae.nodes.map((n) =>
        n.id === 'encoder' ? { ...n, label: '<b onmouseover=alert(3)>x</b>', note: `${hostile} <svg onload=alert(4)>` } : n,
      ),
    };
    await drop(serializeGraph(doc), `${hostile}.json`, 'application/json');
    await expect.poll(graphName).toBe(hostile);
    expect(await byTestId('note-encoder').textContent()).toBe(`${hostile} <svg onload=alert(4)>`);
    expect(await byTestId('node-title-encoder').textContent()).toBe('<b onmouseover=alert(3)>x</b>');
    expect(await lastToast()).toContain(hostile);
    // everywhere the name or labels appear: the library, the share dialog
    expect(await libraryNames()).toContain(hostile);
    await shareAction('share-link')();
    expect(await byTestId('link-hide-node-encoder').textContent()).toContain('<b onmouseover=alert(3)>x</b>');
    await page.keyboard.press('Escape');
    // a failed import quotes its file name as text too
    await drop('{"format": "bottleneck-graph"', `${hostile}.json`, 'application/json');
    await expect.poll(() => byTestId('import-subject').textContent()).toBe(`${hostile}.json`);
    await page.mouse.move(300, 300);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.querySelectorAll('img, [onerror], [onload], [onmouseover], #app script').length)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});
