/**
 * Sharing in real Chromium, through a page wired to the composables the way
 * the editor wires them (tests/e2e/fixtures/shareHarness.ts): dropping a PNG
 * and a graph file on the canvas, the file picker, pasting, downloads of the
 * graph, the PNG and a script, copying a workshop link and opening it, and
 * hostile graph names shown as text.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { serializeGraph } from '../../src/share/graphFile';
import { readShareLink } from '../../src/share/link';
import { embedExperiment, readExperimentPng } from '../../src/share/pngEmbed';
import { baseVae } from '../export/variants';
import { launch, type BrowserSession } from './browser';

let session: BrowserSession;
const page = () => session.page;
const harness = () => `${inject('baseUrl')}/tests/e2e/fixtures/share.html`;

beforeAll(async () => {
  session = await launch();
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: inject('baseUrl') });
});
afterAll(async () => {
  await session?.close();
});

async function open(hash = ''): Promise<void> {
  await page().goto(`${harness()}${hash}`);
  await expect.poll(() => page().getByTestId('graph-name').textContent(), { timeout: 60_000 }).not.toBe('');
}

async function drop(bytes: Uint8Array | string, name: string, type: string): Promise<void> {
  const data = typeof bytes === 'string' ? Array.from(new TextEncoder().encode(bytes)) : Array.from(bytes);
  const dt = await page().evaluateHandle(
    ({ data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      return transfer;
    },
    { data, name, type },
  );
  const canvas = page().getByTestId('canvas');
  await canvas.dispatchEvent('dragenter', { dataTransfer: dt });
  await expect.poll(() => canvas.getAttribute('data-dragging')).toBe('true');
  await canvas.dispatchEvent('dragover', { dataTransfer: dt });
  await canvas.dispatchEvent('drop', { dataTransfer: dt });
}

const name = () => page().getByTestId('graph-name').textContent();

test('drop, pick and paste graphs; failures leave the graph alone', async () => {
  await open();
  expect(await name()).toBe('VAE (MLP, Bernoulli)');
  const vae = baseVae();

  const png = embedExperiment({ width: 1, height: 1, channels: 1, pixels: Uint8Array.of(1) }, { ...vae, name: 'From a picture' }, {
    format: 'bottleneck-run',
    version: 1,
    seed: 31,
    dataset: 'mnist',
    binarize: 'static',
    batchSize: 32,
    optimizer: 'adam',
    learningRate: 0.001,
    epochs: 2,
    steps: 10,
  });
  if (!png.ok) throw new Error('no png');
  await drop(png.bytes, 'samples.png', 'image/png');
  await expect.poll(name).toBe('From a picture');
  expect(await page().getByTestId('source').textContent()).toBe('png');
  expect(await page().getByTestId('run-seed').textContent()).toBe('31');
  expect(await page().getByTestId('canvas').getAttribute('data-dragging')).toBe('false');

  // a broken file: the problems are listed, the graph stays
  await drop(serializeGraph(vae).replace('"latentDim": 20', '"latentDim": 0'), 'broken.json', 'application/json');
  await expect.poll(() => page().getByTestId('problems').textContent()).toMatch(/node 'encoder' \(Encoder\): param 'latentDim' must be ≥ 1/);
  expect(await name()).toBe('From a picture');

  // the file picker
  const chooser = page().waitForEvent('filechooser');
  await page().getByTestId('open').click();
  await (await chooser).setFiles({ name: 'picked.json', mimeType: 'application/json', buffer: Buffer.from(serializeGraph({ ...vae, name: 'Picked' })) });
  await expect.poll(name).toBe('Picked');
  expect(await page().getByTestId('problems').textContent()).toBe('');

  // paste graph JSON onto the page
  await page().evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, serializeGraph({ ...vae, name: 'Pasted' }));
  await expect.poll(name).toBe('Pasted');
  expect(session.errors).toEqual([]);
});

test('hostile names are shown as text, never run', async () => {
  await open();
  const vae = baseVae();
  const hostile = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>';
  await drop(serializeGraph({ ...vae, name: hostile }), 'hostile.json', 'application/json');
  await expect.poll(name).toBe(hostile);
  expect(await page().evaluate(() => document.querySelectorAll('main img, main script').length)).toBe(0);
  expect(await page().evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);
});

test('downloads: the graph file, a PNG that carries the run, a training script', async () => {
  await open();
  const vae = baseVae();
  const save = async (id: string) => {
    const download = page().waitForEvent('download');
    await page().getByTestId(id).click();
    const d = await download;
    const path = await d.path();
    if (!path) throw new Error('no download');
    return { name: d.suggestedFilename(), bytes: readFileSync(path) };
  };
  const json = await save('save-graph');
  expect(json.name).toBe('vae-mlp-bernoulli.json');
  expect(json.bytes.toString('utf8')).toBe(serializeGraph(vae));
  const png = await save('save-png');
  expect(png.name).toBe('vae-mlp-bernoulli.png');
  const back = readExperimentPng(new Uint8Array(png.bytes));
  expect(back.ok && back.doc).toStrictEqual(vae);
  expect(back.ok && back.run?.seed).toBe(7);
  const py = await save('save-pytorch');
  expect(py.name).toBe('vae-mlp-bernoulli.py');
  expect(py.bytes.toString('utf8')).toContain('class Model(nn.Module):');
  expect(await page().getByTestId('message').textContent()).toMatch(/saved vae-mlp-bernoulli.py/);
});

test('a copied workshop link opens locked, with the hidden controls', async () => {
  await open();
  await page().getByTestId('copy-link').click();
  await expect.poll(() => page().getByTestId('copied').textContent()).toMatch(/^copied /);
  const shown = ((await page().getByTestId('copied').textContent()) ?? '').replace(/^copied /, '');
  expect(await page().evaluate(() => navigator.clipboard.readText())).toBe(shown);
  const url = new URL(shown);
  expect(url.hash.startsWith('#g=')).toBe(true);
  const read = readShareLink(shown);
  expect(read.ok && read.options).toStrictEqual({ view: 'locked', hide: ['encoder'] });

  await page().goto('about:blank');
  await open(url.hash);
  await expect.poll(() => page().getByTestId('source').textContent()).toBe('link');
  expect(await page().getByTestId('view').textContent()).toBe('locked');
  expect(await page().getByTestId('latent-hidden').textContent()).toBe('true');
  expect(await name()).toBe('VAE (MLP, Bernoulli)');
  expect(session.errors).toEqual([]);
});
