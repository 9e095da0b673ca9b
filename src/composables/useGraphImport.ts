/**
 * Bringing a graph in: file picker, drag-and-drop onto the canvas, paste, and
 * share links in the page address. Every route goes through `importAny` and
 * ends in one of two callbacks: `onImported` with a graph that passed every
 * check (the only moment the editor should replace its graph), or `onFailed`
 * with plain-words problems. A failed import never calls `onImported`, so the
 * graph on screen is never touched by it.
 *
 * Imported text — graph names, descriptions, node labels and notes, and the
 * problem messages, which quote the file — is untrusted. This module returns
 * it as plain strings; the UI must show it with text interpolation
 * (`{{ message }}`) or `textContent`, never `v-html` or `innerHTML`.
 */
import { getCurrentScope, onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { specRegistry } from '../../nodes';
import type { Diagnostic } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc } from '../core/schema';
import { importAny, looksLikeLink, type ImportInput, type ImportResult, type ImportSource } from '../share/importAny';
import { hasSharedGraph, type LinkOptions } from '../share/link';
import type { RunInfo } from '../share/pngEmbed';

export interface ImportedGraph {
  doc: GraphDoc;
  source: ImportSource;
  /** The run a PNG recorded (see `restoreExperiment` to apply its settings). */
  run?: RunInfo;
  /** A share link's workshop options: `view: 'locked'`, hidden controls. */
  link?: LinkOptions;
  /** The file's name, when it came from a file. */
  fileName?: string;
}

/** One problem of a failed import, in plain words (show it as text). */
export interface ImportProblem {
  message: string;
  nodeId?: string;
  field?: string;
}

export interface GraphImportOptions {
  onImported(imported: ImportedGraph): void;
  onFailed?(problems: ReadonlyArray<ImportProblem>): void;
  /** A drop of pictures (a folder, a zip, several files) rather than a graph: handed over whole. */
  onPictureDrop?(dataTransfer: DataTransfer): boolean;
  registry?: NodeSpecRegistry;
}

/** The parts of a DragEvent the drop handlers read (a real DragEvent fits). */
export interface DropEventLike {
  preventDefault(): void;
  dataTransfer: {
    files: ArrayLike<Blob & { name?: string }>;
    types: ReadonlyArray<string>;
    getData(format: string): string;
    dropEffect?: string;
  } | null;
}

/** The parts of a ClipboardEvent the paste handler reads (a real ClipboardEvent fits). */
export interface PasteEventLike {
  preventDefault(): void;
  target: EventTarget | null;
  clipboardData: { files: ArrayLike<Blob & { name?: string }>; getData(format: string): string } | null;
}

/** Where the user is typing: pastes there belong to the field, not to the importer. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Text that is worth trying as a graph: graph JSON, or a share link. Other pastes are left alone. */
export function looksImportable(text: string): boolean {
  const t = text.trim();
  return (t.startsWith('{') && t.includes('bottleneck-graph')) || looksLikeLink(t);
}

const toProblem = (d: Diagnostic): ImportProblem => ({
  message: d.message,
  ...(d.nodeId ? { nodeId: d.nodeId } : {}),
  ...(d.field ? { field: d.field } : {}),
});

export const GRAPH_FILE_ACCEPT = '.json,.png,application/json,image/png';

export function useGraphImport(options: GraphImportOptions) {
  const registry = options.registry ?? specRegistry;
  /** An import is being read. */
  const busy = ref(false);
  /** Something is being dragged over the drop target (for highlighting it). */
  const dragging = ref(false);
  /** Problems of the last failed import (cleared by the next success). */
  const problems: Ref<ReadonlyArray<ImportProblem>> = shallowRef([]);
  let latest = 0;
  let dragDepth = 0;

  /**
   * Imports anything; the newest import wins: when the user drops a second
   * file before the first is read, the first one's result is not applied.
   */
  async function importInput(input: ImportInput, fileName?: string): Promise<ImportResult> {
    const ticket = ++latest;
    busy.value = true;
    try {
      const result = await importAny(input, registry);
      if (ticket !== latest) return result;
      if (result.ok) {
        problems.value = [];
        options.onImported({
          doc: result.doc,
          source: result.source,
          ...(result.run ? { run: result.run } : {}),
          ...(result.link ? { link: result.link } : {}),
          ...(fileName ? { fileName } : {}),
        });
      } else {
        problems.value = result.errors.map(toProblem);
        options.onFailed?.(problems.value);
      }
      return result;
    } finally {
      if (ticket === latest) busy.value = false;
    }
  }

  const importFile = (file: Blob & { name?: string }): Promise<ImportResult> => importInput(file, file.name);
  const importText = (text: string): Promise<ImportResult> => importInput(text);

  /** Opens the graph a share link carries in the page address; null when the hash has none. */
  function importFromHash(hash: string): Promise<ImportResult> | null {
    return hasSharedGraph(hash) ? importInput(hash.startsWith('#') ? hash : `#${hash}`) : null;
  }

  /** Shows the browser's file picker; resolves null when the user cancels. */
  function openFilePicker(): Promise<ImportResult | null> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = GRAPH_FILE_ACCEPT;
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        resolve(file ? importFile(file) : null);
      });
      input.addEventListener('cancel', () => resolve(null));
      input.click();
    });
  }

  const canTake = (e: DropEventLike): boolean => {
    const types = e.dataTransfer?.types ?? [];
    return types.includes('Files') || types.includes('text/plain') || types.includes('text/uri-list');
  };

  function onDragEnter(e: DropEventLike): void {
    if (!canTake(e)) return;
    e.preventDefault();
    dragDepth++;
    dragging.value = true;
  }

  function onDragOver(e: DropEventLike): void {
    if (!canTake(e)) return;
    e.preventDefault(); // allows the drop
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  }

  function onDragLeave(): void {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dragging.value = false;
  }

  /** Imports the first dropped file, or dropped text (a link dragged from another tab). */
  function onDrop(e: DropEventLike): Promise<ImportResult> | null {
    dragDepth = 0;
    dragging.value = false;
    const dt = e.dataTransfer;
    if (!dt) return null;
    e.preventDefault(); // keeps the browser from opening the file itself
    if (typeof DataTransfer !== 'undefined' && dt instanceof DataTransfer && options.onPictureDrop?.(dt)) return null;
    const file = dt.files[0];
    if (file) return importFile(file);
    const text = dt.getData('text/uri-list') || dt.getData('text/plain');
    return text ? importText(text) : null;
  }

  /**
   * Imports a pasted file, graph JSON or share link. Returns null (and leaves
   * the paste alone) inside text fields and for other text.
   */
  function onPaste(e: PasteEventLike): Promise<ImportResult> | null {
    if (isEditableTarget(e.target) || !e.clipboardData) return null;
    const file = e.clipboardData.files[0];
    if (file) {
      e.preventDefault();
      return importFile(file);
    }
    const text = e.clipboardData.getData('text/plain');
    if (!looksImportable(text)) return null;
    e.preventDefault();
    return importText(text);
  }

  /**
   * Attaches drag-and-drop to `target` (the canvas) and paste to the
   * document. Returns the function that detaches them; inside a component or
   * effect scope they are also detached when it ends.
   */
  function bindDropTarget(target: HTMLElement, bindOptions: { paste?: boolean } = {}): () => void {
    const drop = (e: DragEvent) => void onDrop(e);
    const paste = (e: ClipboardEvent) => void onPaste(e);
    target.addEventListener('dragenter', onDragEnter);
    target.addEventListener('dragover', onDragOver);
    target.addEventListener('dragleave', onDragLeave);
    target.addEventListener('drop', drop);
    const withPaste = bindOptions.paste ?? true;
    if (withPaste) document.addEventListener('paste', paste);
    const unbind = () => {
      target.removeEventListener('dragenter', onDragEnter);
      target.removeEventListener('dragover', onDragOver);
      target.removeEventListener('dragleave', onDragLeave);
      target.removeEventListener('drop', drop);
      if (withPaste) document.removeEventListener('paste', paste);
    };
    if (getCurrentScope()) onScopeDispose(unbind);
    return unbind;
  }

  function clearProblems(): void {
    problems.value = [];
  }

  return {
    busy,
    dragging,
    problems,
    importInput,
    importFile,
    importText,
    importFromHash,
    openFilePicker,
    onDragEnter,
    onDragOver,
    onDragLeave,
    onDrop,
    onPaste,
    bindDropTarget,
    clearProblems,
  };
}
