/**
 * The user's imported datasets on the page: the list kept in IndexedDB, the
 * picture-import worker that builds a new one (with progress), saving,
 * removing, and export/import as a `.bin.gz` file. Nothing leaves the browser.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ImportedDatasetRef } from '../core/datasets';
import type { ImportOptions } from '../data/imageDataset';
import { zFromImportWorker, type FromImportWorker } from '../data/pictureImportProtocol';
import {
  deleteImportedDataset,
  listImportedDatasets,
  readImportedAsset,
  saveImportedDataset,
  type StoredDataset,
} from '../storage/datasetDb';
import { saveInBrowser } from '../composables/useGraphExport';

/** A dataset built (or read from a file) and not saved yet: what the preview shows. */
export type BuiltDataset = Extract<FromImportWorker, { type: 'built' }>;

/** A file to import with its path in the folder or zip ('/'-separated). */
export interface NamedFile {
  name: string;
  file: Blob;
}

export const useImportedDatasetsStore = defineStore('importedDatasets', () => {
  const list = ref<StoredDataset[]>([]);
  /** Unreadable store (private mode, no IndexedDB): said once, in words. */
  const storeError = ref<string | null>(null);
  const progress = ref<{ done: number; total: number } | null>(null);
  /** Files dropped onto the canvas, for the Datasets dialog to build. */
  const droppedFiles = shallowRef<NamedFile[] | null>(null);
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = shallowRef<{ id: number; resolve(m: BuiltDataset): void; reject(e: Error): void } | null>(null);

  async function refresh(): Promise<void> {
    try {
      list.value = await listImportedDatasets();
      storeError.value = null;
    } catch (e) {
      storeError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function workerOf(): Worker {
    if (worker) return worker;
    const w = new Worker(new URL('../data/pictureImport.worker.ts', import.meta.url), { type: 'module', name: 'bottleneck-import' });
    w.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = zFromImportWorker.safeParse(event.data);
      const job = pending.value;
      if (!job) return;
      if (!parsed.success) {
        pending.value = null;
        job.reject(new Error('the import worker sent an unreadable answer'));
        return;
      }
      const message = parsed.data;
      if (message.id !== job.id && message.id !== -1) return;
      if (message.type === 'progress') progress.value = { done: message.done, total: message.total };
      else {
        pending.value = null;
        progress.value = null;
        if (message.type === 'built') job.resolve(message);
        else job.reject(new Error(message.message));
      }
    });
    w.addEventListener('error', (event) => {
      const job = pending.value;
      pending.value = null;
      progress.value = null;
      worker = undefined;
      job?.reject(new Error(`the import stopped: ${event.message || 'the worker failed (out of memory?)'}`));
    });
    worker = w;
    return w;
  }

  /** Builds a dataset from pictures (or reads a dataset file) in the worker; nothing is saved yet. */
  function build(files: ReadonlyArray<NamedFile>, options: ImportOptions, name: string): Promise<BuiltDataset> {
    if (pending.value) return Promise.reject(new Error('an import is already running'));
    const id = nextId++;
    progress.value = { done: 0, total: files.length };
    return new Promise<BuiltDataset>((resolve, reject) => {
      pending.value = { id, resolve, reject };
      // plain copies: reactive proxies cannot be cloned into a worker
      const plain = { size: options.size, channels: options.channels, fit: options.fit };
      workerOf().postMessage({ type: 'build', id, name, options: plain, files: files.map((f) => ({ name: f.name, file: f.file })) });
    });
  }

  /** Stops a running import (the worker is ended and started afresh next time). */
  function cancel(): void {
    worker?.terminate();
    worker = undefined;
    const job = pending.value;
    pending.value = null;
    progress.value = null;
    job?.reject(new Error('import cancelled'));
  }

  async function save(built: BuiltDataset, name: string): Promise<ImportedDatasetRef> {
    const ref = { ...built.ref, name };
    await saveImportedDataset(ref, built.asset);
    await refresh();
    return ref;
  }

  async function remove(hash: string): Promise<void> {
    await deleteImportedDataset(hash);
    await refresh();
  }

  /** Downloads the dataset as `<name>.bin.gz` (importable in another browser or with --data). */
  async function exportFile(stored: StoredDataset): Promise<void> {
    const asset = await readImportedAsset(stored.ref.hash);
    if (!asset) throw new Error(`your dataset '${stored.ref.name}' is no longer in this browser`);
    const stem = stored.ref.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset';
    saveInBrowser(`${stem}.bin.gz`, new Blob([new Uint8Array(asset)], { type: 'application/gzip' }));
  }

  const byHash = (hash: string): StoredDataset | undefined => list.value.find((d) => d.ref.hash === hash);

  return { list, storeError, progress, droppedFiles, refresh, build, cancel, save, remove, exportFile, byHash };
});
