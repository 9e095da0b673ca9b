/** Shared test helpers: the saved graphs, small graph builders and seeded numbers. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../nodes';
import { parseGraphText } from '../src/core/parse';
import type { GraphDoc, GraphEdge, GraphNode } from '../src/core/schema';
import { projectRoot } from '../src/data/loadNode';

export const graphsDir = join(projectRoot, 'graphs');

export function graphFiles(): string[] {
  return readdirSync(graphsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function loadGraph(name: string): GraphDoc {
  const text = readFileSync(join(graphsDir, name.endsWith('.json') ? name : `${name}.json`), 'utf8');
  const r = parseGraphText(text, specRegistry);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.doc;
}

/** A deep copy to mutate in a test. */
export function cloneDoc(doc: GraphDoc): GraphDoc {
  return structuredClone(doc);
}

export function findNode(doc: GraphDoc, id: string): GraphNode {
  const n = doc.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

export function edge(id: string, from: string, fromPort: string, to: string, toPort: string): GraphEdge {
  return { id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } };
}

/** vae.json made small and quick to train (hidden 64, latent 4, batches of 32). */
export function smallVae(): GraphDoc {
  const doc = loadGraph('vae');
  for (const n of doc.nodes) {
    if (n.type === 'Dataset') n.params = { ...n.params, batchSize: 32 };
    if (n.type === 'Encoder') n.params = { ...n.params, hidden: [64], latentDim: 4 };
    if (n.type === 'Decoder') n.params = { ...n.params, hidden: [64] };
  }
  doc.training.learningRate = 0.003;
  return doc;
}

/**
 * Bytes as their length and SHA-256, for comparing large files: `expect(bytesId(a)).toBe(bytesId(b))` is instant
 * where a deep equality over megabytes takes a minute, and a mismatch still reads clearly.
 */
export function bytesId(bytes: Uint8Array): string {
  return `${bytes.length.toLocaleString('en')} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `n` seeded pseudo-random numbers in [-1, 1) (a small LCG: the same numbers on every backend and run). */
export function seededValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
