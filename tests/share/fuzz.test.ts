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
import { mutate, pick, randomValue, type Json } from './fuzzMutations';

const SEED = 20251123;
const MUTATED_DOCS = 2400;
const RANDOM_VALUES = 1200;

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
          if (i % 4 === 0) {
            const code = exportCode(parsed.doc, i % 8 === 0 ? 'pytorch' : 'keras');
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
    expect(counts.compiled).toBeGreaterThan(40);
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
