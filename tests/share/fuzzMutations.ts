/** Seeded random JSON values and mutations of real graph documents, for fuzzing the import path. */
import type { Rng } from '../../src/core/random';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

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

export function pick<T>(rng: Rng, items: ReadonlyArray<T>): T {
  return items[rng.int(items.length)] as T;
}

export function randomString(rng: Rng): string {
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

export function randomValue(rng: Rng, depth: number): Json {
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

export function deepNesting(depth: number): Json {
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

export function mutate(rng: Rng, doc: { [k: string]: Json }): string {
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
