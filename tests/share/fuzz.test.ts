/**
 * Fuzzing the import path. Thousands of documents — random JSON values and
 * mutations of real graphs (deleted and renamed fields, wrong types, huge
 * numbers, NaN-ish strings, unknown node types, dangling edges, cycles,
 * duplicate ids, very long strings, deep nesting, `__proto__` and
 * `constructor` keys) — go through importAny (as JSON text, share links and
 * PNGs), parseGraph, analyzeGraph and compileGraph, and the export. Nothing
 * may throw; every failure must come with clear, non-empty messages; nothing
 * may leak into Object.prototype. Seeded: a failure names its seed and case.
 */
import { deflateSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { compileGraph } from '../../src/compiler/plan';
import { analyzeGraph } from '../../src/core/analyze';
import type { Diagnostic } from '../../src/core/diagnostics';
import { parseGraph } from '../../src/core/parse';
import { encodePng } from '../../src/core/png';
import { Rng } from '../../src/core/random';
import { zGraphDoc } from '../../src/core/schema';
import { exportCode } from '../../src/export/code';
import { serializeGraph } from '../../src/share/graphFile';
import { importAny, importBytes, importText } from '../../src/share/importAny';
import { decodeShareHash, encodeBase64Url } from '../../src/share/link';
import { PNG_GRAPH_KEY, PNG_RUN_KEY } from '../../src/share/pngEmbed';
import { graphVariants, savedGraphs } from '../export/variants';

const SEED = 20251123;
const MUTATED_DOCS = 2400;
const RANDOM_VALUES = 1200;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const weirdStrings = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e999',
  '0x10',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '<img src=x onerror=alert(1)>',
  '\u0000',
  '\uD800',
  '😀',
  'é'.repeat(3),
  'Dataset',
  'Encoder',
  'KL',
  'Loss',
  'x',
  'mean',
  'logVar',
  'z',
  'xHat',
  'terms',
];
const weirdNumbers = [0, -0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324, 4096, 4097, 1e6, 123456789, -5];
const pollutionKeys = ['__proto__', 'constructor', 'prototype'];

function pick<T>(rng: Rng, items: ReadonlyArray<T>): T {
  return items[rng.int(items.length)] as T;
}

function randomString(rng: Rng): string {
  switch (rng.int(4)) {
    case 0:
      return pick(rng, weirdStrings);
    case 1:
      return 'x'.repeat(rng.int(3) === 0 ? 100_000 : rng.int(200));
    case 2:
      return String.fromCharCode(...Array.from({ length: rng.int(12) }, () => rng.int(0x3000)));
    default:
      return `k${rng.int(1000)}`;
  }
}

function randomValue(rng: Rng, depth: number): Json {
  const r = rng.int(depth > 4 ? 5 : 8);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.int(2) === 0;
    case 2:
      return pick(rng, weirdNumbers);
    case 3:
      return rng.next() * 2000 - 1000;
    case 4:
      return randomString(rng);
    case 5:
      return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
    default: {
      const o: { [k: string]: Json } = {};
      for (let i = rng.int(5); i > 0; i--)
        defineKey(o, rng.int(4) === 0 ? pick(rng, pollutionKeys) : randomString(rng).slice(0, 50), randomValue(rng, depth + 1));
      return o;
    }
  }
}

/** Sets a key as an own property, even `__proto__` (as JSON.parse does). */
function defineKey(o: { [k: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepNesting(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** The containers inside a value, down to a small depth (mutations target the document's structure). */
function containers(v: Json, depth = 0, out: Array<{ value: Json[] | { [k: string]: Json } }> = []) {
  if (v !== null && typeof v === 'object' && depth <= 6 && out.length < 2000) {
    out.push({ value: v });
    if (Array.isArray(v)) v.forEach((x) => containers(x, depth + 1, out));
    else for (const k of Object.keys(v)) containers(v[k] as Json, depth + 1, out);
  }
  return out;
}

function mutate(rng: Rng, doc: { [k: string]: Json }): string {
  const all = containers(doc);
  const target = pick(rng, all);
  const obj = target.value;
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  const edges = Array.isArray(doc.edges) ? doc.edges : [];
  const kind = rng.int(16);
  switch (kind) {
    case 0: {
      // delete a field / item
      if (Array.isArray(obj)) obj.splice(rng.int(obj.length + 1), 1);
      else {
        const keys = Object.keys(obj);
        if (keys.length) delete obj[pick(rng, keys)];
      }
      return 'delete';
    }
    case 1: {
      // rename a field
      if (!Array.isArray(obj)) {
        const keys = Object.keys(obj);
        if (keys.length) {
          const k = pick(rng, keys);
          const v = obj[k] as Json;
          delete obj[k];
          defineKey(obj, rng.int(3) === 0 ? pick(rng, pollutionKeys) : `${k}${pick(rng, ['_', 'X', 's', ''])}${rng.int(3)}`, v);
        }
      }
      return 'rename';
    }
    case 2:
    case 3: {
      // wrong type / weird value in a field
      const value = rng.int(3) === 0 ? pick(rng, weirdNumbers) : rng.int(2) === 0 ? pick(rng, weirdStrings) : randomValue(rng, 3);
      if (Array.isArray(obj)) obj[rng.int(obj.length + 1)] = value;
      else {
        const keys = Object.keys(obj);
        if (keys.length) obj[pick(rng, keys)] = value;
      }
      return 'wrong-type';
    }
    case 4: {
      // unknown node type
      const n = pick(rng, nodes);
      if (n && typeof n === 'object' && !Array.isArray(n))
        n.type = pick(rng, ['Blur', 'encoder', 'Dataset2', 'Object', 'Constructor', 'Proto']);
      return 'unknown-type';
    }
    case 5: {
      // dangling edge
      const e = pick(rng, edges);
      if (e && typeof e === 'object' && !Array.isArray(e) && e.to && typeof e.to === 'object' && !Array.isArray(e.to))
        e.to.node = pick(rng, ['ghost', 'nobody', '__proto__']);
      return 'dangling';
    }
    case 6: {
      // a cycle: the loss feeds the encoder, or a node feeds itself
      edges.push({ id: `cyc${rng.int(1000)}`, from: { node: 'decoder', port: 'xHat' }, to: { node: 'decoder', port: 'z' } });
      edges.push({ id: `cyc${rng.int(1000)}b`, from: { node: 'reparam', port: 'z' }, to: { node: 'encoder', port: 'x' } });
      edges.push({ id: `cyc${rng.int(1000)}c`, from: { node: 'encoder', port: 'mean' }, to: { node: 'reparam', port: 'mean' } });
      return 'cycle';
    }
    case 7: {
      // duplicate id
      const n = pick(rng, nodes);
      if (n) nodes.push(JSON.parse(JSON.stringify(n)) as Json);
      const e = pick(rng, edges);
      if (e && rng.int(2) === 0) edges.push(JSON.parse(JSON.stringify(e)) as Json);
      return 'duplicate';
    }
    case 8: {
      // very long strings
      const n = pick(rng, nodes);
      if (n && typeof n === 'object' && !Array.isArray(n))
        n[pick(rng, ['note', 'label', 'id', 'type'])] = 'y'.repeat(pick(rng, [81, 4001, 100_000]));
      else doc.name = 'n'.repeat(100_000);
      return 'long-string';
    }
    case 9: {
      // deep nesting inside params or at the top
      const n = pick(rng, nodes);
      const deep = deepNesting(pick(rng, [50, 400, 2000]));
      if (n && typeof n === 'object' && !Array.isArray(n) && n.params && typeof n.params === 'object' && !Array.isArray(n.params))
        n.params.hidden = deep;
      else doc.description = deep;
      return 'deep';
    }
    case 10: {
      // prototype-pollution keys
      const where = rng.int(3) === 0 ? doc : pick(rng, all).value;
      if (!Array.isArray(where)) defineKey(where, pick(rng, pollutionKeys), { polluted: true, isAdmin: true });
      return 'pollution';
    }
    case 11: {
      // huge or tiny numbers in params and positions
      const n = pick(rng, nodes);
      if (n && typeof n === 'object' && !Array.isArray(n) && n.params && typeof n.params === 'object' && !Array.isArray(n.params)) {
        const keys = Object.keys(n.params);
        if (keys.length) n.params[pick(rng, keys)] = pick(rng, weirdNumbers);
      }
      return 'numbers';
    }
    case 12: {
      // many nodes
      const n = pick(rng, nodes);
      if (n) for (let i = 0; i < 505; i++) nodes.push({ ...(typeof n === 'object' && !Array.isArray(n) ? n : {}), id: `n${i}` });
      return 'many-nodes';
    }
    case 13: {
      // version changes
      doc.version = pick(rng, [0, 2, 99, -1, 1.5]);
      return 'version';
    }
    case 14: {
      // a connection between the wrong kinds of sockets, or to unknown ports
      edges.push({
        id: `w${rng.int(1000)}`,
        from: { node: 'data', port: pick(rng, ['x', 'label', 'nope']) },
        to: { node: pick(rng, ['kl', 'loss', 'decoder']), port: pick(rng, ['mean', 'terms', 'z', 'nope']) },
      });
      return 'wrong-socket';
    }
    default: {
      // a node's params replaced with another kind's
      const a = pick(rng, nodes);
      const b = pick(rng, nodes);
      if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b))
        a.params = JSON.parse(JSON.stringify(b.params ?? {})) as Json;
      return 'swap-params';
    }
  }
}

function checkErrors(errors: ReadonlyArray<Diagnostic>, label: string): void {
  expect(errors.length, `${label}: a failure with no message`).toBeGreaterThan(0);
  for (const e of errors) {
    expect(typeof e.message, label).toBe('string');
    expect(e.message.trim().length, `${label}: empty message`).toBeGreaterThan(3);
    expect(e.message.length, `${label}: a message of ${e.message.length} characters`).toBeLessThan(1200);
    expect(e.message, label).not.toMatch(/\[object Object\]|undefined is not|Cannot read prop|is not a function|Maximum call stack/);
  }
}

/** Text that JSON.stringify can write (it cannot write very deep values on every engine). */
function toText(v: Json): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

function linkHashFor(text: string): string {
  return `#g=${encodeBase64Url(deflateSync(new TextEncoder().encode(text)))}`;
}

const tinyImage = { width: 1, height: 1, channels: 1 as const, pixels: Uint8Array.of(128) };

describe('fuzzing the import path', () => {
  test(`${MUTATED_DOCS} mutated graphs and ${RANDOM_VALUES} random values: no crash, clear messages`, async () => {
    const rng = new Rng(SEED);
    const bases = [...savedGraphs().map((g) => g.doc), ...graphVariants().map((v) => v.doc)].map(
      (d) => JSON.parse(serializeGraph(d)) as { [k: string]: Json },
    );
    const counts = { parsed: 0, refused: 0, compiled: 0, exported: 0 };
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).join(',');

    for (let i = 0; i < MUTATED_DOCS + RANDOM_VALUES; i++) {
      let value: Json;
      let label: string;
      if (i < MUTATED_DOCS) {
        const doc = JSON.parse(JSON.stringify(pick(rng, bases))) as { [k: string]: Json };
        const steps = 1 + rng.int(3);
        const names: string[] = [];
        for (let s = 0; s < steps; s++) names.push(mutate(rng, doc));
        value = doc;
        label = `case ${i} (seed ${SEED}): ${names.join(', ')}`;
      } else {
        value =
          rng.int(5) === 0
            ? {
                format: 'bottleneck-graph',
                version: 1,
                name: 'r',
                nodes: randomValue(rng, 1),
                edges: randomValue(rng, 1),
                training: randomValue(rng, 1),
              }
            : randomValue(rng, 0);
        label = `random value ${i} (seed ${SEED})`;
      }

      // the parsed value, as the importer sees it after JSON.parse
      const parsed = parseGraph(value, specRegistry);
      if (parsed.ok) {
        counts.parsed++;
        const analysis = analyzeGraph(parsed.doc, specRegistry);
        for (const d of analysis.diagnostics) expect(d.message.length, label).toBeGreaterThan(3);
        const compiled = compileGraph(parsed.doc, specRegistry);
        if (compiled.ok) {
          counts.compiled++;
          if (i % 8 === 0) {
            const code = exportCode(parsed.doc, i % 16 === 0 ? 'pytorch' : 'keras');
            if (code.ok) counts.exported++;
            else checkErrors(code.errors, `${label} (export)`);
          }
        } else checkErrors(compiled.diagnostics, `${label} (compile)`);
      } else {
        counts.refused++;
        checkErrors(parsed.errors, label);
      }

      // a document that passes the schema but not the node kinds is what an editor may hold: analysis must cope
      const shape = zGraphDoc.safeParse(value);
      if (shape.success) {
        const analysis = analyzeGraph(shape.data, specRegistry);
        expect(Array.isArray(analysis.diagnostics)).toBe(true);
        const compiled = compileGraph(shape.data, specRegistry);
        if (!compiled.ok) checkErrors(compiled.diagnostics, `${label} (compile, unparsed)`);
      }

      // the same document through every door of the importer
      const text = toText(value);
      if (text !== undefined) {
        const viaText = importText(text);
        expect(viaText.ok, label).toBe(parsed.ok);
        if (!viaText.ok) checkErrors(viaText.errors, `${label} (text)`);
        if (i % 4 === 0 && text.length < 300_000) {
          const viaLink = decodeShareHash(linkHashFor(text));
          expect(viaLink.ok, `${label} (link)`).toBe(parsed.ok);
          if (!viaLink.ok) checkErrors(viaLink.errors, `${label} (link)`);
        }
        if (i % 4 === 2 && text.length < 300_000) {
          const run =
            toText(rng.int(2) === 0 ? randomValue(rng, 2) : { format: 'bottleneck-run', version: 1, seed: rng.int(5) - 1 }) ?? 'null';
          const png = encodePng(tinyImage, { [PNG_GRAPH_KEY]: text, ...(rng.int(2) === 0 ? { [PNG_RUN_KEY]: run } : {}) });
          const viaPng = await importAny(new Blob([png.slice()]));
          if (!viaPng.ok) checkErrors(viaPng.errors, `${label} (png)`);
          else expect(parsed.ok, `${label} (png)`).toBe(true);
        }
      }
    }

    // damaged containers: random bytes, cut links, flipped bits in PNGs
    const vaeText = serializeGraph(
      savedGraphs()[0]?.doc ??
        (() => {
          throw new Error('no graphs');
        })(),
    );
    const goodHash = linkHashFor(vaeText);
    const goodPng = encodePng(tinyImage, { [PNG_GRAPH_KEY]: vaeText });
    for (let i = 0; i < 600; i++) {
      const label = `damaged ${i} (seed ${SEED})`;
      let r;
      switch (i % 4) {
        case 0: {
          const bytes = new Uint8Array(rng.int(300));
          for (let k = 0; k < bytes.length; k++) bytes[k] = rng.int(256);
          r = importBytes(bytes);
          break;
        }
        case 1:
          r = decodeShareHash(goodHash.slice(0, 3 + rng.int(goodHash.length - 3)));
          break;
        case 2: {
          const chars = goodHash.split('');
          const at = 3 + rng.int(chars.length - 3);
          chars[at] = pick(rng, ['A', 'z', '-', '_', '+', '/', '=', '%', ' ', 'é']);
          r = decodeShareHash(chars.join(''));
          break;
        }
        default: {
          const bytes = goodPng.slice();
          const at = 8 + rng.int(bytes.length - 8);
          bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
          r = importBytes(rng.int(4) === 0 ? bytes.subarray(0, at) : bytes);
        }
      }
      if (!r.ok) checkErrors(r.errors, label);
    }

    expect(Object.getOwnPropertyNames(Object.prototype).join(',')).toBe(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // the fuzzer reached every stage
    expect(counts.refused).toBeGreaterThan(500);
    expect(counts.parsed).toBeGreaterThan(100);
    expect(counts.compiled).toBeGreaterThan(50);
    expect(counts.exported).toBeGreaterThan(5);
  });

  test('decompression bombs stop at the size limit', () => {
    // 100 MB of zeros deflate to about 100 kB
    const bomb = deflateSync(new Uint8Array(100_000_000), { level: 9 });
    const hash = `#g=${encodeBase64Url(bomb)}`;
    const r = decodeShareHash(hash);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]?.code).toBe('too-large');
      expect(r.errors[0]?.message).toMatch(/too large: it unpacks to more than 2 MB/);
    }
    const png = encodePng(tinyImage, {});
    // a PNG whose text chunk unpacks to 100 MB
    const withBomb = withTextChunk(png, PNG_GRAPH_KEY, bomb);
    const p = importBytes(withBomb);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.errors[0]?.message).toMatch(/too large/);
  });
});

/** Inserts an iTXt chunk whose compressed body is `raw` (a zlib stream is made from a raw deflate by framing it). */
function withTextChunk(png: Uint8Array, key: string, deflated: Uint8Array): Uint8Array {
  const zlib = new Uint8Array(deflated.length + 6);
  zlib[0] = 0x78;
  zlib[1] = 0xda;
  zlib.set(deflated, 2); // the Adler-32 check at the end is never reached: the limit stops it first
  const k = new TextEncoder().encode(key);
  const data = new Uint8Array(k.length + 5 + zlib.length);
  data.set(k, 0);
  data[k.length + 1] = 1;
  data.set(zlib, k.length + 5);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('iTXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const at = 33; // after the signature and IHDR
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, at), 0);
  out.set(chunk, at);
  out.set(png.subarray(at), at + chunk.length);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
