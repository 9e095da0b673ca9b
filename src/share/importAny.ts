/**
 * One door for everything a user drops, picks or pastes: a graph JSON file, a
 * PNG exported by Bottleneck, or a share link (as text). The kind is told by
 * the content, not the file name. Pure: it returns a result and touches no
 * state, so a failed import can never damage the graph on screen.
 */
import { specRegistry } from '../../nodes';
import type { Diagnostic } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { isPng } from '../core/png';
import { limits, type GraphDoc } from '../core/schema';
import { internalError, readGraphText } from './graphFile';
import { MAX_PAYLOAD_CHARS, readShareLink, type LinkOptions } from './link';
import { readExperimentPng, type RunInfo } from './pngEmbed';

export type ImportSource = 'json' | 'png' | 'link';

export type ImportResult =
  | {
      ok: true;
      source: ImportSource;
      doc: GraphDoc;
      /** The run a PNG recorded (seed, dataset, settings, scores). */
      run?: RunInfo;
      /** Workshop options of a share link (locked view, hidden controls). */
      link?: LinkOptions;
    }
  | { ok: false; errors: Diagnostic[] };

export type ImportInput = Blob | string | Uint8Array | ArrayBuffer;

export const importLimits = {
  /** A PNG (the picture plus its embedded graph). */
  pngBytes: 32_000_000,
  /** Graph JSON. */
  jsonBytes: limits.documentBytes,
  /** Share link text. */
  linkChars: MAX_PAYLOAD_CHARS + 10_000,
} as const;

const fail = (message: string, code: string): ImportResult => ({ ok: false, errors: [{ severity: 'error', code, message }] });

const megabytes = (n: number): string => `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)} MB`;

const NOT_A_GRAPH = 'this is not a Bottleneck graph: expected a graph file (.json), a PNG exported by Bottleneck, or a share link (…#g=…)';

/** Imports text: graph JSON or a share link. Never throws. */
export function importText(text: string, registry: NodeSpecRegistry = specRegistry): ImportResult {
  try {
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') return fail('there is nothing to import (the text is empty)', 'empty');
    if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
      const parsed = readGraphText(trimmed, registry);
      return parsed.ok ? { ok: true, source: 'json', doc: parsed.doc } : parsed;
    }
    if (looksLikeLink(trimmed)) {
      if (trimmed.length > importLimits.linkChars) return fail(`the link is too long (${megabytes(trimmed.length)})`, 'too-large');
      const read = readShareLink(trimmed, registry);
      return read.ok ? { ok: true, source: 'link', doc: read.doc, link: read.options } : read;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
      return fail('this link carries no graph: share links made by Bottleneck contain #g=…', 'link-no-graph');
    }
    return fail(NOT_A_GRAPH, 'unknown-format');
  } catch (e) {
    return { ok: false, errors: [internalError('importing', e)] };
  }
}

/** Share link text: a URL or hash with a `g=` graph parameter. */
export function looksLikeLink(text: string): boolean {
  return /^#?g=/.test(text) || /#(?:[^#\s]*&)?g=/.test(text);
}

/** Imports bytes: a PNG, or UTF-8 text (JSON or a link). Never throws. */
export function importBytes(bytes: Uint8Array, registry: NodeSpecRegistry = specRegistry): ImportResult {
  try {
    if (bytes.length === 0) return fail('the file is empty', 'empty');
    if (isPng(bytes)) {
      if (bytes.length > importLimits.pngBytes) {
        return fail(`the PNG is too large (${megabytes(bytes.length)}; the limit is ${megabytes(importLimits.pngBytes)})`, 'too-large');
      }
      const read = readExperimentPng(bytes, registry);
      return read.ok ? { ok: true, source: 'png', doc: read.doc, ...(read.run ? { run: read.run } : {}) } : read;
    }
    const textLimit = Math.max(importLimits.jsonBytes, importLimits.linkChars);
    if (bytes.length > textLimit) {
      return fail(
        `the file is too large (${megabytes(bytes.length)}; a graph file is at most ${megabytes(importLimits.jsonBytes)})`,
        'too-large',
      );
    }
    if (looksBinary(bytes)) return fail(NOT_A_GRAPH, 'unknown-format');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail('the file is not UTF-8 text, so it is not a graph file', 'unknown-format');
    }
    const trimmed = text.replace(/^\uFEFF/, '').trimStart();
    if (!looksLikeLink(trimmed.trim()) && bytes.length > importLimits.jsonBytes) {
      return fail(
        `the file is too large (${megabytes(bytes.length)}; a graph file is at most ${megabytes(importLimits.jsonBytes)})`,
        'too-large',
      );
    }
    return importText(text, registry);
  } catch (e) {
    return { ok: false, errors: [internalError('importing', e)] };
  }
}

/** A zero byte in the first kilobyte: a picture, archive or program, not text. */
function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  return head.includes(0);
}

/**
 * Imports anything: a File or Blob (checked for size before it is read),
 * text, or bytes. Never throws; never rejects.
 */
export async function importAny(input: ImportInput, registry: NodeSpecRegistry = specRegistry): Promise<ImportResult> {
  try {
    if (typeof input === 'string') return importText(input, registry);
    if (input instanceof Uint8Array) return importBytes(input, registry);
    if (input instanceof ArrayBuffer) return importBytes(new Uint8Array(input), registry);
    const max = Math.max(importLimits.pngBytes, importLimits.jsonBytes, importLimits.linkChars);
    if (input.size > max) {
      return fail(
        `the file is too large (${megabytes(input.size)}); a graph file or Bottleneck PNG is at most ${megabytes(importLimits.pngBytes)}`,
        'too-large',
      );
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await input.arrayBuffer());
    } catch (e) {
      return fail(`the file could not be read: ${e instanceof Error ? e.message : String(e)}`, 'read');
    }
    return importBytes(bytes, registry);
  } catch (e) {
    return { ok: false, errors: [internalError('importing', e)] };
  }
}
