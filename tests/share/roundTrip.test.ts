/**
 * Every saved graph survives each way of sharing it exactly: as a graph file,
 * as a share link (with and without workshop options) and inside a PNG (with
 * its run). Serialising is stable (same graph, same bytes) and complete
 * (every param written out).
 */
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../../src/core/parse';
import { decodePng, readPngText } from '../../src/core/png';
import type { GraphDoc } from '../../src/core/schema';
import { importAny, importBytes, importText } from '../../src/share/importAny';
import { canonicalGraph, graphFileStem, readGraphText, serializeGraph } from '../../src/share/graphFile';
import { createShareLink, decodeShareHash, encodeShareHash, isControlHidden, readShareLink } from '../../src/share/link';
import {
  describeRun,
  embedExperiment,
  PNG_GRAPH_KEY,
  PNG_RUN_KEY,
  readExperimentPng,
  restoreExperiment,
  type RunInfo,
} from '../../src/share/pngEmbed';
import { graphVariants, savedGraphs } from '../export/variants';

const image = { width: 3, height: 2, channels: 1 as const, pixels: Uint8Array.from([0, 50, 100, 150, 200, 255]) };

const run: RunInfo = {
  format: 'bottleneck-run',
  version: 1,
  seed: 17,
  dataset: 'mnist',
  binarize: 'static',
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 0.0005,
  epochs: 3,
  steps: 423,
  status: 'finished',
  backend: 'webgpu',
  metrics: { elbo: -101.25, recon: 76.5, kl: 24.75, activeUnits: 12, klPerDim: [0.5, 1.25, 0.001] },
  createdAt: '2025-11-23T10:00:00.000Z',
};

const docs = (): Array<{ name: string; doc: GraphDoc }> => [...savedGraphs(), ...graphVariants()];

describe('graph files', () => {
  test('every saved graph reads back exactly and serialises to the same bytes twice', () => {
    for (const { name, doc } of docs()) {
      const text = serializeGraph(doc);
      const back = readGraphText(text);
      expect(back.ok, name).toBe(true);
      if (!back.ok) continue;
      expect(back.doc).toStrictEqual(doc);
      expect(serializeGraph(back.doc)).toBe(text);
      expect(text.endsWith('}\n')).toBe(true);
    }
  });

  test('the canonical form is the one the saved VAE is written in', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae');
    expect(vae).toBeDefined();
    if (vae) expect(serializeGraph(vae.doc)).toBe(vae.text);
  });

  test('keys come in a stable order and params are complete', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    // the same graph with keys shuffled and a param left to its default
    const shuffled = JSON.parse(JSON.stringify(vae)) as GraphDoc;
    const enc = shuffled.nodes.find((n) => n.id === 'encoder');
    if (!enc) throw new Error('no encoder');
    enc.params = { latentDim: 20, activation: 'relu', hidden: [400], architecture: 'mlp' }; // filters, kernelSize default
    shuffled.nodes = shuffled.nodes.map((n) => ({
      position: n.position,
      params: n.params,
      version: n.version,
      type: n.type,
      id: n.id,
      ...(n.note ? { note: n.note } : {}),
    }));
    const text = serializeGraph(shuffled);
    expect(text).toBe(serializeGraph(vae));
    expect(text).toContain(
      '"params": { "architecture": "mlp", "filters": [32, 64], "kernelSize": 4, "hidden": [400], "activation": "relu", "latentDim": 20 }',
    );
    // one edge and one position per line: a moved node or a changed param is a one-line diff
    expect(text).toContain(
      '    { "id": "e-data-encoder", "from": { "node": "data", "port": "x" }, "to": { "node": "encoder", "port": "x" } },',
    );
    expect(text).toContain('      "position": { "x": 300, "y": 140 },');
  });

  test('params the editor holds in an invalid state are kept, not dropped', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const odd: GraphDoc = { ...vae, nodes: vae.nodes.map((n) => (n.id === 'kl' ? { ...n, params: { zeta: 1, freeBits: -3 } } : n)) };
    const c = canonicalGraph(odd);
    expect(c.nodes.find((n) => n.id === 'kl')?.params).toStrictEqual({ freeBits: -3, zeta: 1 });
    const back = readGraphText(serializeGraph(odd));
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.errors.map((e) => e.message).join('\n')).toMatch(/node 'kl' \(KL\)/);
  });

  test('unusual values survive: -0, long unicode text, lone surrogates', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const doc: GraphDoc = {
      ...vae,
      name: 'Ünïcødé 😀 \u2028 "quotes" \\ </script>',
      description: `line one\nline two\t${'x'.repeat(7000)}`,
      nodes: vae.nodes.map((n, i) => ({
        ...n,
        position: { x: i === 0 ? -0 : n.position.x + 0.1, y: -1e-7 },
        note: i === 1 ? 'lone \uD800 surrogate' : n.note,
      })),
    };
    const parsed = parseGraph(JSON.parse(JSON.stringify(doc)), specRegistry);
    expect(parsed.ok).toBe(true);
    const back = readGraphText(serializeGraph(doc));
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect(back.doc).toStrictEqual(doc);
      expect(Object.is(back.doc.nodes[0]?.position.x, -0)).toBe(true);
    }
  });

  test('a file saved with a byte-order mark reads', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae');
    if (!vae) throw new Error('no vae');
    const r = readGraphText(`\uFEFF${vae.text}`);
    expect(r.ok).toBe(true);
  });

  test('file names come from the graph name', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    expect(graphFileStem(vae)).toBe('vae-mlp-bernoulli');
    expect(graphFileStem({ ...vae, name: 'β-VAE: Ünïcödé!' })).toBe('vae-unicode');
    expect(graphFileStem({ ...vae, name: '😀' })).toBe('graph');
  });
});

describe('share links', () => {
  test('every saved graph survives a link exactly, with and without options', () => {
    for (const { name, doc } of docs()) {
      const plain = createShareLink(doc, 'https://example.org/studio/?x=1#old');
      expect(plain.ok, name).toBe(true);
      if (!plain.ok) continue;
      expect(plain.url.startsWith('https://example.org/studio/?x=1#g=')).toBe(true);
      expect(plain.url).not.toContain('view=');
      const back = readShareLink(plain.url);
      expect(back.ok, name).toBe(true);
      if (back.ok) {
        expect(back.doc).toStrictEqual(doc);
        expect(back.options).toStrictEqual({ view: 'edit', hide: [] });
      }
      const locked = encodeShareHash(doc, { view: 'locked', hide: ['encoder', 'beta', 'recon.distribution'] });
      expect(locked.ok).toBe(true);
      if (!locked.ok) continue;
      const lockedBack = decodeShareHash(locked.hash);
      expect(lockedBack.ok).toBe(true);
      if (lockedBack.ok) {
        expect(lockedBack.doc).toStrictEqual(doc);
        expect(lockedBack.options).toStrictEqual({ view: 'locked', hide: ['encoder', 'beta', 'recon.distribution'] });
      }
    }
  });

  test('a graph with invalid params is not turned into a link or picture that could not be opened', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const bad: GraphDoc = { ...vae, nodes: vae.nodes.map((n) => (n.id === 'kl' ? { ...n, params: { freeBits: -1 } } : n)) };
    const link = createShareLink(bad, 'https://example.org/');
    expect(link.ok).toBe(false);
    if (!link.ok)
      expect(link.errors[0]?.message).toMatch(/fix this first, or the graph cannot be opened again: node 'kl' \(KL\): param 'freeBits'/);
    expect(embedExperiment(image, bad).ok).toBe(false);
    // wiring problems are fine: such a graph opens and can be fixed
    const unwired: GraphDoc = { ...vae, edges: vae.edges.filter((e) => e.to.node !== 'kl') };
    const ok = createShareLink(unwired, 'https://example.org/');
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(readShareLink(ok.url).ok).toBe(true);
  });

  test('links are compact', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const link = createShareLink(vae, 'https://example.org/');
    expect(link.ok && link.length).toBeLessThan(2500);
    expect(link.ok && link.warning).toBeFalsy();
  });

  test('hidden controls: a node id, a param key everywhere, or node.key', () => {
    const options = { view: 'edit' as const, hide: ['encoder', 'beta', 'recon.distribution'] };
    expect(isControlHidden(options, 'encoder', 'latentDim')).toBe(true);
    expect(isControlHidden(options, 'b1', 'beta')).toBe(true);
    expect(isControlHidden(options, 'recon', 'distribution')).toBe(true);
    expect(isControlHidden(options, 'recon', 'sigma')).toBe(false);
    expect(isControlHidden(options, 'decoder', 'distribution')).toBe(false);
  });

  test('bad options are refused with a message naming them', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const ok = encodeShareHash(vae);
    if (!ok.ok) throw new Error('no link');
    const cases: Array<[string, RegExp]> = [
      [`${ok.hash}&view=readonly`, /option 'view' must be "edit" or "locked"/],
      [`${ok.hash}&hide=a,<script>`, /option 'hide\[1\]'/],
      [`${ok.hash}&zoom=3`, /does not know: 'zoom'/],
      [`${ok.hash}&view=locked&view=edit`, /'view' twice/],
      [`${ok.hash}&hide=%E0%A4%A`, /not properly encoded/],
    ];
    for (const [hash, message] of cases) {
      const r = decodeShareHash(hash);
      expect(r.ok, hash).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
    }
    const bad = encodeShareHash(vae, { hide: ['not valid!'] });
    expect(bad.ok).toBe(false);
  });
});

describe('PNGs that carry their experiment', () => {
  test('every saved graph and its run survive a PNG exactly', () => {
    for (const { name, doc } of docs()) {
      const made = embedExperiment(image, doc, run);
      expect(made.ok, name).toBe(true);
      if (!made.ok) continue;
      const back = readExperimentPng(made.bytes);
      expect(back.ok, name).toBe(true);
      if (back.ok) {
        expect(back.doc).toStrictEqual(doc);
        expect(back.run).toStrictEqual(run);
      }
      // still an ordinary picture
      const decoded = decodePng(made.bytes);
      expect([decoded.width, decoded.height]).toEqual([3, 2]);
      expect(Array.from(decoded.pixels.filter((_, i) => i % 4 === 0))).toEqual([0, 50, 100, 150, 200, 255]);
      const text = readPngText(made.bytes);
      expect(Object.keys(text).sort()).toEqual([PNG_GRAPH_KEY, PNG_RUN_KEY]);
      expect(text[PNG_GRAPH_KEY]).toBe(serializeGraph(doc));
    }
  });

  test('a PNG without a run gives the graph alone', () => {
    const vae = savedGraphs()[0]?.doc as GraphDoc;
    const made = embedExperiment(image, vae);
    if (!made.ok) throw new Error('no png');
    const back = readExperimentPng(made.bytes);
    expect(back.ok && back.run).toBe(undefined);
  });

  test('restoring the experiment applies the run settings to the graph', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const restored = restoreExperiment(vae, run);
    expect(restored.training).toStrictEqual({ epochs: 3, optimizer: 'adam', learningRate: 0.0005, seed: 17 });
    expect(restored.nodes.find((n) => n.type === 'Dataset')?.params).toStrictEqual({ dataset: 'mnist', binarize: 'static', batchSize: 64 });
    expect(vae.training.seed).toBe(1); // the original is untouched
    expect(parseGraph(restored, specRegistry).ok).toBe(true);
  });

  test('describeRun turns a training result into run info; non-finite scores are left out', () => {
    const vae = savedGraphs().find((g) => g.name === 'vae')?.doc as GraphDoc;
    const info = describeRun(vae, {
      steps: 700,
      status: 'finished',
      backend: 'wasm',
      final: { elbo: -99, recon: 80, kl: 19, activeUnits: 9, klPerDim: [1, 2] },
      createdAt: new Date(0),
    });
    expect(info).toStrictEqual({
      format: 'bottleneck-run',
      version: 1,
      seed: 1,
      dataset: 'mnist',
      binarize: 'none',
      batchSize: 128,
      optimizer: 'adam',
      learningRate: 0.001,
      epochs: 10,
      steps: 700,
      status: 'finished',
      backend: 'wasm',
      metrics: { elbo: -99, recon: 80, kl: 19, activeUnits: 9, klPerDim: [1, 2] },
      createdAt: '1970-01-01T00:00:00.000Z',
    });
    const diverged = describeRun(vae, { steps: 5, status: 'diverged', final: { elbo: NaN, recon: NaN, kl: 1 } });
    expect(diverged.metrics).toBeUndefined();
    const made = embedExperiment(image, vae, diverged);
    expect(made.ok).toBe(true);
  });

  test('a PNG with no Bottleneck data, or a damaged one, says so', () => {
    const vae = savedGraphs()[0]?.doc as GraphDoc;
    const plainPng = embedExperiment(image, vae);
    if (!plainPng.ok) throw new Error('no png');
    // the same picture with no text chunks: strip them
    const stripped = readExperimentPng(embedStripped());
    expect(stripped.ok).toBe(false);
    if (!stripped.ok) expect(stripped.errors[0]?.message).toMatch(/carries no Bottleneck graph/);
    const damaged = plainPng.bytes.slice();
    damaged[60] = (damaged[60] as number) ^ 0xff;
    const r = readExperimentPng(damaged);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/this PNG cannot be read: the PNG file is (damaged|truncated)|malformed/);
    const notPng = readExperimentPng(new TextEncoder().encode('hello'));
    expect(notPng.ok).toBe(false);
  });

  test('bad run information is refused, naming the field', () => {
    const vae = savedGraphs()[0]?.doc as GraphDoc;
    const made = embedExperiment(image, vae, { ...run, seed: -1 });
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.errors[0]?.message).toMatch(/field 'seed'/);
  });
});

describe('importAny', () => {
  test('tells JSON, links and PNGs apart by their content, from text, bytes and files', async () => {
    const vae = savedGraphs().find((g) => g.name === 'vae') as { doc: GraphDoc; text: string };
    const link = createShareLink(vae.doc, 'http://localhost:5173/', { view: 'locked' });
    const png = embedExperiment(image, vae.doc, run);
    if (!link.ok || !png.ok) throw new Error('setup');
    const json = await importAny(new File([vae.text], 'whatever.png', { type: 'image/png' }));
    expect(json.ok && json.source).toBe('json');
    const fromLink = await importAny(`  ${link.url}\n`);
    expect(fromLink.ok && fromLink.source).toBe('link');
    expect(fromLink.ok && fromLink.link?.view).toBe('locked');
    const fromPng = await importAny(new Blob([png.bytes.slice()]));
    expect(fromPng.ok && fromPng.source).toBe('png');
    expect(fromPng.ok && fromPng.run).toStrictEqual(run);
    const fromBuffer = await importAny(png.bytes.slice().buffer);
    expect(fromBuffer.ok).toBe(true);
    const linkFile = importBytes(new TextEncoder().encode(link.url));
    expect(linkFile.ok && linkFile.source).toBe('link');
    for (const r of [json, fromLink, fromPng]) if (r.ok) expect(r.doc).toStrictEqual(vae.doc);
  });

  test('says clearly what is wrong with things that are not graphs', async () => {
    const cases: Array<[Parameters<typeof importAny>[0], RegExp]> = [
      ['', /nothing to import/],
      ['hello world', /not a Bottleneck graph/],
      ['https://example.org/page', /carries no graph/],
      ['{"format": "other"}', /not a Bottleneck graph \(format is "other"/],
      ['{ broken', /not valid JSON/],
      [new Uint8Array([0, 1, 2, 3]), /not a Bottleneck graph/],
      [new Uint8Array([0xff, 0xfe, 0x41]), /not UTF-8 text/],
      [new Uint8Array(0), /empty/],
      ['#g=AAAA', /cannot be unpacked/],
      ['#g=A', /impossible for base64/],
      ['#g=ab+c', /does not belong/],
    ];
    for (const [input, message] of cases) {
      const r = await importAny(input);
      expect(r.ok, String(input)).toBe(false);
      if (!r.ok) {
        expect(r.errors.length).toBeGreaterThan(0);
        expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
      }
    }
  });

  test('size limits are enforced before anything is parsed', async () => {
    const big = new Blob([new Uint8Array(40_000_000)]);
    const r = await importAny(big);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.code).toBe('too-large');
    const bigJson = importText(`{"format":"bottleneck-graph","version":1,"name":"${'x'.repeat(2_100_000)}"}`);
    expect(bigJson.ok).toBe(false);
    if (!bigJson.ok) expect(bigJson.errors[0]?.message).toMatch(/too large/);
  });
});

/** A valid PNG of `image` with no text chunks. */
function embedStripped(): Uint8Array {
  const vae = savedGraphs()[0]?.doc as GraphDoc;
  const made = embedExperiment(image, vae);
  if (!made.ok) throw new Error('no png');
  // drop every iTXt chunk, keep the rest
  const b = made.bytes;
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  let o = 8;
  while (o < b.length) {
    const len = new DataView(b.buffer, b.byteOffset + o, 4).getUint32(0);
    const type = String.fromCharCode(...b.subarray(o + 4, o + 8));
    if (type !== 'iTXt') parts.push(b.subarray(o, o + 12 + len));
    o += 12 + len;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
