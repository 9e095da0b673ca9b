/**
 * Share links: the whole graph travels in the URL's hash, so nothing is
 * uploaded anywhere and the link works offline. The hash reads
 *
 *   #g=<graph>&view=locked&hide=encoder,beta.capacity
 *
 * where <graph> is the compact graph JSON, deflated and written in base64url.
 * Workshop options: `view=locked` opens the graph read-only; `hide` lists
 * controls to hide — a node id hides all of that node's controls, a param key
 * (`beta`) hides that control on every node, and `node.key` one control on one
 * node; `lesson=vae&step=2` opens a guided lesson at a step (counted from 1)
 * on the link's graph. Default options are not written, so plain links stay short.
 *
 * Decoding is strict and never throws: bad base64, a damaged or oversized
 * deflate stream (decompression bombs stop at the size limit), bad JSON and an
 * invalid graph or option each give a plain-words message.
 */
import { deflateSync } from 'fflate';
import { z } from 'zod';
import { specRegistry } from '../../nodes';
import type { Diagnostic } from '../core/diagnostics';
import { describeIssue, formatPath } from '../core/issues';
import { inflateLimited, InflateLimitError } from '../core/inflate';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { limits, type GraphDoc } from '../core/schema';
import { lessonIds, MAX_LESSON_STEPS } from '../workshop/lessonIds';
import { internalError, readGraphText, shareableText } from './graphFile';

const zHideEntry = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,63})?$/, 'each hidden entry is a node id, a param key, or node.key');

export const linkViews = ['edit', 'locked'] as const;

export const zLinkOptions = z.strictObject({
  /** `locked`: the graph opens read-only (it can be trained and explored, not edited). */
  view: z.enum(linkViews).default('edit'),
  /** Controls to hide: node ids, param keys, or `node.key`. */
  hide: z.array(zHideEntry).max(200).default([]),
  /** A guided lesson to open with the graph, and its step (1 = the first). */
  lesson: z.enum(lessonIds).optional(),
  step: z.number().int().min(1).max(MAX_LESSON_STEPS).optional(),
});
export type LinkOptions = z.infer<typeof zLinkOptions>;

export const defaultLinkOptions: LinkOptions = { view: 'edit', hide: [] };

/** Whether a link's options hide the control `key` of node `nodeId`. */
export function isControlHidden(options: LinkOptions, nodeId: string, key: string): boolean {
  return options.hide.some((h) => h === nodeId || h === key || h === `${nodeId}.${key}`);
}

/** Above this length some chat and mail programs cut links. */
export const LONG_LINK_CHARS = 8000;
/** The longest graph payload accepted: a maximal document that does not compress at all. */
export const MAX_PAYLOAD_CHARS = Math.ceil((limits.documentBytes * 1.01 + 1024) / 3) * 4;

// ---- base64url ----

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64Url(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    chunk += ALPHABET[a >> 2];
    chunk += ALPHABET[((a & 3) << 4) | ((b ?? 0) >> 4)];
    if (b !== undefined) chunk += ALPHABET[((b & 15) << 2) | ((c ?? 0) >> 6)];
    if (c !== undefined) chunk += ALPHABET[c & 63];
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/** Strict base64url (no padding); throws a plain-words error. */
export function decodeBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new Error('its length is impossible for base64 (the link was probably cut short)');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? (DECODE[code] as number) : -1;
    if (v < 0) {
      throw new Error(`it has a character that does not belong in a share link (${JSON.stringify(text[i])} at position ${i + 1})`);
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

// ---- encode ----

export type ShareHashResult = { ok: true; hash: string } | { ok: false; errors: Diagnostic[] };

export type ShareLinkResult =
  { ok: true; url: string; hash: string; length: number; warning?: string } | { ok: false; errors: Diagnostic[] };

/** The hash (with its `#`) that carries the graph and the link options. */
export function encodeShareHash(
  doc: GraphDoc,
  options: Partial<LinkOptions> = {},
  registry: NodeSpecRegistry = specRegistry,
): ShareHashResult {
  try {
    const opts = zLinkOptions.safeParse({ ...defaultLinkOptions, ...options });
    if (!opts.success) return { ok: false, errors: optionErrors(opts.error.issues, options) };
    const shareable = shareableText(doc, registry, true);
    if (!shareable.ok) return shareable;
    const bytes = new TextEncoder().encode(shareable.text);
    if (bytes.length > limits.documentBytes) {
      return {
        ok: false,
        errors: [
          {
            severity: 'error',
            code: 'too-large',
            message: `the graph is too large to share as a link (${Math.round(bytes.length / 1024)} kB); share the graph file instead`,
          },
        ],
      };
    }
    const parts = [`g=${encodeBase64Url(deflateSync(bytes, { level: 9 }))}`];
    if (opts.data.view !== 'edit') parts.push(`view=${opts.data.view}`);
    if (opts.data.hide.length > 0) parts.push(`hide=${opts.data.hide.join(',')}`);
    if (opts.data.lesson !== undefined) {
      parts.push(`lesson=${opts.data.lesson}`);
      if (opts.data.step !== undefined && opts.data.step > 1) parts.push(`step=${opts.data.step}`);
    }
    return { ok: true, hash: `#${parts.join('&')}` };
  } catch (e) {
    return { ok: false, errors: [internalError('making the share link', e)] };
  }
}

/** A full share link: `baseUrl` (its own hash, if any, replaced) + the graph hash. */
export function createShareLink(
  doc: GraphDoc,
  baseUrl: string,
  options: Partial<LinkOptions> = {},
  registry: NodeSpecRegistry = specRegistry,
): ShareLinkResult {
  const encoded = encodeShareHash(doc, options, registry);
  if (!encoded.ok) return encoded;
  const hashAt = baseUrl.indexOf('#');
  const base = hashAt < 0 ? baseUrl : baseUrl.slice(0, hashAt);
  const url = `${base}${encoded.hash}`;
  const warning =
    url.length > LONG_LINK_CHARS
      ? `this link is ${url.length.toLocaleString('en')} characters long; some chat and mail programs cut long links, so the graph file may travel better`
      : undefined;
  return { ok: true, url, hash: encoded.hash, length: url.length, ...(warning ? { warning } : {}) };
}

// ---- decode ----

export type LinkReadResult = { ok: true; doc: GraphDoc; options: LinkOptions } | { ok: false; errors: Diagnostic[] };

const fail = (message: string, code: string, field?: string): LinkReadResult => ({
  ok: false,
  errors: [{ severity: 'error', code, message, ...(field ? { field } : {}) }],
});

function optionErrors(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown): Diagnostic[] {
  return issues.slice(0, 10).map((issue) => {
    const field = formatPath(issue.path);
    return {
      severity: 'error',
      code: 'link-options',
      message: `the link's option ${field ? `'${field}' ` : ''}${describeIssue(issue, input)}`,
      ...(field ? { field } : {}),
    };
  });
}

/** True when a URL hash carries a shared graph (`#g=…`). */
export function hasSharedGraph(hash: string): boolean {
  return /^#?g=/.test(hash) || /[#&]g=/.test(hash);
}

const KNOWN_KEYS = ['g', 'view', 'hide', 'lesson', 'step'] as const;
type LinkKey = (typeof KNOWN_KEYS)[number];

/** Reads the hash of a share link (with or without its `#`). Never throws. */
export function decodeShareHash(hash: string, registry: NodeSpecRegistry = specRegistry): LinkReadResult {
  try {
    return decodeHash(hash, registry);
  } catch (e) {
    return { ok: false, errors: [internalError('reading the share link', e)] };
  }
}

function decodeHash(hash: string, registry: NodeSpecRegistry): LinkReadResult {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.length > MAX_PAYLOAD_CHARS + 10_000) {
    return fail(`the link is too long (${Math.round(body.length / 1024)} kB)`, 'too-large');
  }
  const values: Partial<Record<LinkKey, string>> = {};
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!(KNOWN_KEYS as ReadonlyArray<string>).includes(key)) {
      return fail(
        `the link has an option this version of Bottleneck does not know: '${key.slice(0, 40)}'`,
        'link-options',
        key.slice(0, 40),
      );
    }
    const k = key as LinkKey;
    if (values[k] !== undefined) return fail(`the link gives '${k}' twice`, 'link-options', k);
    let value = eq < 0 ? '' : part.slice(eq + 1);
    if (k !== 'g') {
      try {
        value = decodeURIComponent(value);
      } catch {
        return fail(`the link's option '${k}' is not properly encoded`, 'link-options', k);
      }
    }
    values[k] = value;
  }
  const payload = values.g;
  if (payload === undefined) return fail('this link carries no graph (share links contain #g=…)', 'link-no-graph');
  // links pasted from mail sometimes arrive broken over several lines
  const data = payload.replace(/%0[AD]|%20|\s/gi, '');
  if (data.length === 0) return fail("the link's graph data is empty (the link was probably cut short)", 'link-base64');
  if (data.length > MAX_PAYLOAD_CHARS) return fail(`the link's graph data is too long (${Math.round(data.length / 1024)} kB)`, 'too-large');

  const optionValues = {
    ...(values.view !== undefined ? { view: values.view } : {}),
    ...(values.hide !== undefined ? { hide: values.hide === '' ? [] : values.hide.split(',') } : {}),
    ...(values.lesson !== undefined ? { lesson: values.lesson } : {}),
    // a step that is not a whole number stays text, so the message quotes it
    ...(values.step !== undefined ? { step: /^\d{1,6}$/.test(values.step) ? Number(values.step) : values.step } : {}),
  };
  const options = zLinkOptions.safeParse(optionValues);
  if (!options.success) return { ok: false, errors: optionErrors(options.error.issues, optionValues) };

  let compressed: Uint8Array;
  try {
    compressed = decodeBase64Url(data);
  } catch (e) {
    return fail(`the link's graph data is not valid: ${e instanceof Error ? e.message : String(e)}`, 'link-base64');
  }
  let bytes: Uint8Array;
  try {
    bytes = inflateLimited(compressed, limits.documentBytes, 'raw');
  } catch (e) {
    if (e instanceof InflateLimitError) {
      return fail(`the link's graph data is too large: it unpacks to more than ${Math.round(e.limit / 1_000_000)} MB`, 'too-large');
    }
    const reason = e instanceof Error ? e.message : String(e);
    return fail(`the link's graph data cannot be unpacked: it is damaged (${reason})`, 'link-deflate');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail("the link's graph data is not text (the link is damaged)", 'link-text');
  }
  const parsed = readGraphText(text, registry);
  if (!parsed.ok) return parsed;
  return { ok: true, doc: parsed.doc, options: options.data };
}

/** Reads a share link given as a whole URL, or just its hash. Never throws. */
export function readShareLink(text: string, registry: NodeSpecRegistry = specRegistry): LinkReadResult {
  const trimmed = text.trim();
  const hashAt = trimmed.indexOf('#');
  if (hashAt < 0) {
    if (/^g=/.test(trimmed)) return decodeShareHash(trimmed, registry);
    return fail('this link carries no graph (share links contain #g=…)', 'link-no-graph');
  }
  return decodeShareHash(trimmed.slice(hashAt), registry);
}
