/**
 * The composables the editor wires to its buttons, canvas and clipboard. The
 * browser's own events and downloads are exercised in Chromium
 * (tests/e2e/share.test.ts); here the logic: what reaches `onImported`, what
 * does not, which import wins a race, what gets saved and copied.
 */
import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { effectScope } from 'vue';
import { describe, expect, test } from 'vitest';
import { useGraphExport } from '../../src/composables/useGraphExport';
import { useGraphImport, type ImportedGraph, type ImportProblem } from '../../src/composables/useGraphImport';
import type { GraphDoc } from '../../src/core/schema';
import { serializeGraph } from '../../src/share/graphFile';
import { createShareLink, readShareLink } from '../../src/share/link';
import { embedExperiment, readExperimentPng, type RunInfo } from '../../src/share/pngEmbed';
import { baseVae } from '../export/variants';
import { bytesId } from '../helpers';

const image = { width: 2, height: 2, channels: 1 as const, pixels: Uint8Array.of(0, 80, 160, 240) };
const run: RunInfo = {
  format: 'bottleneck-run',
  version: 1,
  seed: 3,
  dataset: 'mnist',
  binarize: 'none',
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 0.002,
  epochs: 2,
  steps: 50,
};

function setup() {
  const vae = baseVae();
  const state = { current: vae as GraphDoc, imported: [] as ImportedGraph[], failures: [] as Array<ReadonlyArray<ImportProblem>> };
  const scope = effectScope();
  const api = scope.run(() =>
    useGraphImport({
      onImported: (g) => {
        state.imported.push(g);
        state.current = g.doc;
      },
      onFailed: (p) => state.failures.push(p),
    }),
  );
  if (!api) throw new Error('no scope');
  return { vae, state, api, scope };
}

const dropEvent = (files: Blob[], data: Record<string, string> = {}) => {
  let prevented = false;
  return {
    event: {
      preventDefault: () => {
        prevented = true;
      },
      dataTransfer: {
        files,
        types: [...(files.length ? ['Files'] : []), ...Object.keys(data)],
        getData: (f: string) => data[f] ?? '',
        dropEffect: 'none',
      },
    },
    prevented: () => prevented,
  };
};

describe('useGraphImport', () => {
  test('a good graph reaches onImported; a bad one never does and leaves the graph as it was', async () => {
    const { vae, state, api } = setup();
    const other: GraphDoc = { ...vae, name: 'Another graph' };
    await api.importText(serializeGraph(other));
    expect(state.imported).toHaveLength(1);
    expect(state.current.name).toBe('Another graph');
    expect(api.problems.value).toEqual([]);

    const before = state.current;
    const broken = serializeGraph(vae).replace('"latentDim": 20', '"latentDim": "twenty"');
    const r = await api.importText(broken);
    expect(r.ok).toBe(false);
    expect(state.imported).toHaveLength(1);
    expect(state.current).toBe(before);
    expect(state.failures).toHaveLength(1);
    expect(api.problems.value[0]?.message).toMatch(/node 'encoder' \(Encoder\): param 'latentDim' must be a number/);
    expect(api.problems.value[0]?.nodeId).toBe('encoder');
    expect(api.busy.value).toBe(false);
  });

  test('the newest import wins when two overlap', async () => {
    const { vae, state, api } = setup();
    const slow = new File([serializeGraph({ ...vae, name: 'first (a file, read slowly)' })], 'first.json');
    const first = api.importFile(slow);
    const second = api.importText(serializeGraph({ ...vae, name: 'second' }));
    await Promise.all([first, second]);
    expect(state.imported.map((g) => g.doc.name)).toEqual(['second']);
    expect(state.current.name).toBe('second');
  });

  test('drops: a PNG file brings its run; a dragged link brings its options', async () => {
    const { vae, state, api } = setup();
    const png = embedExperiment(image, vae, run);
    if (!png.ok) throw new Error('no png');
    const drop = dropEvent([new File([png.bytes.slice()], 'samples.png', { type: 'image/png' })]);
    await api.onDrop(drop.event);
    expect(drop.prevented()).toBe(true);
    expect(state.imported[0]?.source).toBe('png');
    expect(state.imported[0]?.run).toStrictEqual(run);
    expect(state.imported[0]?.fileName).toBe('samples.png');

    const link = createShareLink({ ...vae, name: 'linked' }, 'http://localhost/', { view: 'locked', hide: ['kl'] });
    if (!link.ok) throw new Error('no link');
    await api.onDrop(dropEvent([], { 'text/uri-list': link.url }).event);
    expect(state.imported[1]?.source).toBe('link');
    expect(state.imported[1]?.link).toStrictEqual({ view: 'locked', hide: ['kl'] });
    expect(state.current.name).toBe('linked');
  });

  test('dragging over the canvas is tracked for highlighting', () => {
    const { api } = setup();
    const e = dropEvent([new Blob(['x'])]).event;
    api.onDragEnter(e);
    api.onDragEnter(e); // entering a child element
    expect(api.dragging.value).toBe(true);
    api.onDragLeave();
    expect(api.dragging.value).toBe(true);
    api.onDragLeave();
    expect(api.dragging.value).toBe(false);
  });

  test('pastes: graph text and links are imported; other text is left alone', async () => {
    const { vae, state, api } = setup();
    let prevented = 0;
    const paste = (text: string) => ({
      preventDefault: () => void prevented++,
      target: null,
      clipboardData: { files: [], getData: () => text },
    });
    expect(api.onPaste(paste('just some words'))).toBeNull();
    expect(prevented).toBe(0);
    await api.onPaste(paste(serializeGraph({ ...vae, name: 'pasted' })));
    expect(prevented).toBe(1);
    expect(state.current.name).toBe('pasted');
  });

  test('a share link in the page address opens its graph', async () => {
    const { vae, state, api } = setup();
    expect(api.importFromHash('#section-2')).toBeNull();
    const link = createShareLink({ ...vae, name: 'from the address' }, 'http://localhost/');
    if (!link.ok) throw new Error('no link');
    await api.importFromHash(link.hash);
    expect(state.current.name).toBe('from the address');
    const bad = await api.importFromHash('#g=AAAA');
    expect(bad?.ok).toBe(false);
    expect(state.current.name).toBe('from the address');
  });
});

function exporter(doc: GraphDoc, copy: (text: string) => Promise<void> = async () => {}) {
  const saved: Array<{ fileName: string; data: Blob }> = [];
  const copied: string[] = [];
  const api = useGraphExport({
    doc: () => doc,
    baseUrl: () => 'https://studio.example/app/',
    io: {
      save: (fileName, data) => saved.push({ fileName, data }),
      copyText: async (text) => {
        await copy(text);
        copied.push(text);
      },
      readDatasetFile: async (fileName) => new Uint8Array(readFileSync(`public/generated/${fileName}`)),
    },
  });
  return { api, saved, copied };
}

describe('useGraphExport', () => {
  test('downloads the graph file, a PNG that carries it, and training scripts', async () => {
    const vae = baseVae();
    const { api, saved } = exporter(vae);
    expect(api.downloadGraph()).toEqual({ ok: true, fileName: 'vae-mlp-bernoulli.json' });
    expect(await saved[0]?.data.text()).toBe(serializeGraph(vae));
    expect(api.downloadPng(image, run)).toEqual({ ok: true, fileName: 'vae-mlp-bernoulli.png' });
    const back = readExperimentPng(new Uint8Array(await (saved[1]?.data as Blob).arrayBuffer()));
    expect(back.ok && back.doc).toStrictEqual(vae);
    expect(back.ok && back.run).toStrictEqual(run);
    expect(await api.downloadCode('keras')).toEqual({ ok: true, fileName: 'vae-mlp-bernoulli-keras.zip' });
    // one zip: the script and, beside it, the dataset file it reads (the app's own asset, byte for byte)
    const zipped = unzipSync(new Uint8Array(await (saved[2]?.data as Blob).arrayBuffer()));
    expect(Object.keys(zipped).sort()).toEqual(['mnist.bin.gz', 'vae-mlp-bernoulli.py']);
    expect(strFromU8(zipped['vae-mlp-bernoulli.py'] ?? new Uint8Array())).toContain('import keras');
    expect(bytesId(zipped['mnist.bin.gz'] ?? new Uint8Array())).toBe(bytesId(readFileSync('public/generated/mnist.bin.gz')));
    expect((await api.downloadCode('pytorch')).ok).toBe(true);
    const torch = unzipSync(new Uint8Array(await (saved[3]?.data as Blob).arrayBuffer()));
    expect(strFromU8(torch['vae-mlp-bernoulli.py'] ?? new Uint8Array())).toContain('import torch');
    expect(api.lastError.value).toBeNull();
  });

  test('a graph that cannot be exported saves nothing and says why', async () => {
    const vae = baseVae();
    const broken: GraphDoc = { ...vae, edges: vae.edges.filter((e) => e.to.node !== 'decoder') };
    const { api, saved } = exporter(broken);
    const r = await api.downloadCode('pytorch');
    expect(r.ok).toBe(false);
    expect(saved).toHaveLength(0);
    expect(api.lastError.value).toMatch(/cannot be exported to PyTorch: .*node 'decoder'/s);
  });

  test('copies share links, and hands the link back when the clipboard refuses', async () => {
    const vae = baseVae();
    const { api, copied } = exporter(vae);
    const r = await api.copyShareLink({ view: 'locked' });
    expect(r.ok && r.copied).toBe(true);
    expect(copied[0]?.startsWith('https://studio.example/app/#g=')).toBe(true);
    const back = readShareLink(copied[0] as string);
    expect(back.ok && back.options.view).toBe('locked');
    expect(back.ok && back.doc).toStrictEqual(vae);

    const refused = exporter(vae, async () => {
      throw new Error('permission denied');
    });
    const r2 = await refused.api.copyShareLink();
    expect(r2).toMatchObject({ ok: true, copied: false, reason: 'permission denied' });
    expect(r2.ok && r2.url.startsWith('https://studio.example/app/#g=')).toBe(true);
    const bad = await api.copyShareLink({ hide: ['not an id!'] });
    expect(bad.ok).toBe(false);
  });
});
