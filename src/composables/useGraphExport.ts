/**
 * Taking a graph out: download it as a graph file, as a PNG that carries it
 * (with the run's settings and scores), as a PyTorch or Keras training
 * script, or copy a share link (optionally locked, with controls hidden, for
 * workshops). The composable never changes the graph.
 *
 * Messages are plain strings (they can quote the graph's name): show them
 * with text interpolation, never `v-html`.
 */
import { gzipSync, strToU8, zipSync } from 'fflate';
import { shallowRef, type Ref } from 'vue';
import { specRegistry } from '../../nodes';
import { formatDiagnostics } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { RasterImage } from '../core/png';
import type { GraphDoc } from '../core/schema';
import { isGzip } from '../data/format';
import { generatedDatasetFile } from '../data/generated';
import { readImportedAsset } from '../storage/datasetDb';
import { exportCode, targetTitle, type ExportTarget } from '../export/code';
import { GRAPH_MIME, graphFileStem, serializeGraph } from '../share/graphFile';
import { createShareLink, type LinkOptions, type ShareLinkResult } from '../share/link';
import { embedExperiment, type RunInfo } from '../share/pngEmbed';

/** How files are saved, text copied and the app's dataset files read (the browser's by default). */
export interface ExportIO {
  save(fileName: string, data: Blob): void;
  copyText(text: string): Promise<void>;
  /** The gzip bytes of one of the app's dataset files (e.g. `mnist.bin.gz`), or of the user's own (by its hash). */
  readDatasetFile(fileName: string, importedHash?: string): Promise<Uint8Array>;
}

/** A dataset file as the app serves it, gzip again if the server decompressed it on the way. */
export async function readDatasetFileInBrowser(fileName: string, importedHash?: string): Promise<Uint8Array> {
  if (importedHash) {
    const asset = await readImportedAsset(importedHash);
    if (!asset) throw new Error('this graph uses one of your own datasets, and it is not in this browser: import it first');
    return isGzip(asset) ? asset : gzipSync(asset, { level: 6 });
  }
  const generated = generatedDatasetFile(fileName);
  if (generated) return generated;
  const base = import.meta.env.BASE_URL.replace(/\/?$/, '/');
  const response = await fetch(`${base}generated/${fileName}`);
  const html = (response.headers.get('content-type') ?? '').includes('text/html');
  if (!response.ok || html) throw new Error(`the dataset file ${fileName} is not installed here`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return isGzip(bytes) ? bytes : gzipSync(bytes, { level: 6 });
}

/** Downloads a Blob through a temporary link. */
export function saveInBrowser(fileName: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has started by then; the URL only keeps the data alive
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function copyInBrowser(text: string): Promise<void> {
  if (typeof navigator === 'undefined' || !navigator.clipboard) throw new Error('the clipboard is not available here');
  await navigator.clipboard.writeText(text);
}

export type ExportOutcome = { ok: true; fileName: string } | { ok: false; message: string };

export type CopyLinkOutcome =
  | { ok: true; url: string; copied: true; warning?: string }
  /** The link was made but the clipboard refused it: show `url` so it can be copied by hand. */
  | { ok: true; url: string; copied: false; reason: string; warning?: string }
  | { ok: false; message: string };

export interface GraphExportOptions {
  /** The graph to export, e.g. `() => store.doc`. */
  doc: () => GraphDoc;
  /** The address share links start from (default: this page, without its hash). */
  baseUrl?: () => string;
  registry?: NodeSpecRegistry;
  io?: Partial<ExportIO>;
}

function pageUrl(): string {
  return typeof location === 'undefined' ? '' : `${location.origin}${location.pathname}${location.search}`;
}

export function useGraphExport(options: GraphExportOptions) {
  const registry = options.registry ?? specRegistry;
  const io: ExportIO = {
    save: options.io?.save ?? saveInBrowser,
    copyText: options.io?.copyText ?? copyInBrowser,
    readDatasetFile: options.io?.readDatasetFile ?? readDatasetFileInBrowser,
  };
  /** What the last export did, or why it failed (plain text). */
  const lastMessage: Ref<string | null> = shallowRef(null);
  const lastError: Ref<string | null> = shallowRef(null);

  const done = (fileName: string, message: string): ExportOutcome => {
    lastError.value = null;
    lastMessage.value = message;
    return { ok: true, fileName };
  };
  const failed = (message: string): ExportOutcome => {
    lastError.value = message;
    lastMessage.value = null;
    return { ok: false, message };
  };

  function guard(what: string, f: () => ExportOutcome): ExportOutcome {
    try {
      return f();
    } catch (e) {
      return failed(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Saves the graph as pretty, stable JSON (`<name>.json`). */
  function downloadGraph(): ExportOutcome {
    return guard('saving the graph', () => {
      const doc = options.doc();
      const fileName = `${graphFileStem(doc)}.json`;
      io.save(fileName, new Blob([serializeGraph(doc, { registry })], { type: GRAPH_MIME }));
      return done(fileName, `saved ${fileName}`);
    });
  }

  /** Saves `image` as a PNG that carries the graph (and the run, when given). */
  function downloadPng(image: RasterImage, run?: RunInfo): ExportOutcome {
    return guard('saving the picture', () => {
      const doc = options.doc();
      const made = embedExperiment(image, doc, run, registry);
      if (!made.ok) return failed(`the picture cannot be made: ${formatDiagnostics(made.errors)}`);
      const fileName = `${graphFileStem(doc)}.png`;
      io.save(fileName, new Blob([made.bytes.slice()], { type: 'image/png' }));
      return done(fileName, `saved ${fileName} (drop it back on the canvas to restore this graph)`);
    });
  }

  /**
   * Saves a Python training script for the graph. When the script reads a dataset file, one zip holds
   * both, side by side (one download: browsers ask before a page saves several files).
   */
  async function downloadCode(target: ExportTarget): Promise<ExportOutcome> {
    const result = exportCode(options.doc(), target);
    if (!result.ok) return failed(`the graph cannot be exported to ${targetTitle[target]}: ${formatDiagnostics(result.errors)}`);
    const datasetFile = result.datasetFile;
    if (!datasetFile) {
      return guard('exporting the code', () => {
        io.save(result.fileName, new Blob([result.code], { type: 'text/x-python' }));
        return done(result.fileName, `saved ${result.fileName} (${targetTitle[target]})`);
      });
    }
    let dataset: Uint8Array;
    try {
      dataset = await io.readDatasetFile(datasetFile, result.datasetHash);
    } catch (e) {
      return failed(
        `the script was not saved: its dataset file ${datasetFile} could not be read (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    return guard('exporting the code', () => {
      const zipName = `${result.fileName.replace(/\.py$/, '')}-${target}.zip`;
      // a fixed time stamp: the same graph gives the same zip
      const mtime = new Date(Date.UTC(2026, 0, 1));
      const zip = zipSync({
        [result.fileName]: [strToU8(result.code), { mtime }],
        [datasetFile]: [dataset, { level: 0, mtime }],
      });
      io.save(zipName, new Blob([zip.slice()], { type: 'application/zip' }));
      return done(zipName, `saved ${zipName}: ${result.fileName} and ${datasetFile}, side by side (${targetTitle[target]})`);
    });
  }

  /** The share link for the current graph (pure; nothing is copied). */
  function shareLink(linkOptions: Partial<LinkOptions> = {}): ShareLinkResult {
    return createShareLink(options.doc(), (options.baseUrl ?? pageUrl)(), linkOptions, registry);
  }

  /** Copies the share link; when the clipboard refuses, the link is returned to be shown and copied by hand. */
  async function copyShareLink(linkOptions: Partial<LinkOptions> = {}): Promise<CopyLinkOutcome> {
    let link: ShareLinkResult;
    try {
      link = shareLink(linkOptions);
    } catch (e) {
      const message = `making the link failed: ${e instanceof Error ? e.message : String(e)}`;
      lastError.value = message;
      return { ok: false, message };
    }
    if (!link.ok) {
      const message = `the link cannot be made: ${formatDiagnostics(link.errors)}`;
      lastError.value = message;
      lastMessage.value = null;
      return { ok: false, message };
    }
    const warning = link.warning ? { warning: link.warning } : {};
    try {
      await io.copyText(link.url);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      lastError.value = null;
      lastMessage.value = 'the link could not be copied automatically; copy it from the box';
      return { ok: true, url: link.url, copied: false, reason, ...warning };
    }
    lastError.value = null;
    lastMessage.value = link.warning ? `link copied; ${link.warning}` : 'link copied';
    return { ok: true, url: link.url, copied: true, ...warning };
  }

  return { lastMessage, lastError, downloadGraph, downloadPng, downloadCode, shareLink, copyShareLink };
}
