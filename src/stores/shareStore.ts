/**
 * Sharing in the editor: every way a graph comes in (dropped on the canvas,
 * pasted, picked with "Open file…", a share link in the page address) and the
 * workshop options of the open graph (a locked view, hidden controls).
 *
 * An import never touches the open graph: it opens as a new graph in the
 * library (the open one is saved first and stays there), and the message that
 * says so offers the way back. A failed import changes nothing and lists its
 * problems, which name the node and field.
 */
import { defineStore } from 'pinia';
import { specRegistry } from '../../nodes';
import { checkTrainingBudget } from '../core/memoryBudget';
import { memoryLimits } from './memorySettings';
import { computed, shallowRef, watch } from 'vue';
import { looksImportable, useGraphImport, type ImportedGraph, type ImportProblem } from '../composables/useGraphImport';
import { isCopiedNodesText } from '../editor/clipboard';
import { describeImport, quoteName } from '../share/describeImport';
import { looksLikeLink, type ImportResult } from '../share/importAny';
import { hasSharedGraph, type LinkOptions } from '../share/link';
import { restoreExperiment } from '../share/pngEmbed';
import { hiddenControls, isDefaultLinkOptions } from '../share/workshop';
import { newGraphId } from '../storage/graphDb';
import { forgetWorkshop, readWorkshop, writeWorkshop } from '../storage/session';
import { useGraphStore } from './graphStore';
import { useLibraryStore } from './libraryStore';
import { useUiStore } from './uiStore';
import { useImportedDatasetsStore } from './importedDatasetsStore';
import { filesFromDrop, isPictureDrop } from '../composables/usePictureFiles';

/** A failed import: what was being opened, and why it could not be. */
export interface ImportFailure {
  subject: string;
  problems: ReadonlyArray<ImportProblem>;
}

/** Whether pasted text should open as a graph: graph JSON that is not copied nodes, or a share link. */
export function opensAsGraph(text: string): boolean {
  return looksImportable(text) && !isCopiedNodesText(text);
}

export const useShareStore = defineStore('share', () => {
  const library = useLibraryStore();
  const graph = useGraphStore();
  const ui = useUiStore();
  const importedDatasets = useImportedDatasetsStore();

  /** Workshop options of the open graph (null: an ordinary graph). */
  const workshop = shallowRef<LinkOptions | null>(null);
  // synchronous, so a graph opened from a locked link is never editable, not even for a moment
  watch(
    () => library.currentId,
    (id) => {
      workshop.value = (id ? readWorkshop(id) : undefined) ?? null;
    },
    { immediate: true, flush: 'sync' },
  );
  watch(workshop, (options) => graph.setLocked(options?.view === 'locked'), { immediate: true, flush: 'sync' });
  const locked = computed(() => workshop.value?.view === 'locked');
  /** `node.key` of every control the open graph's link hides. */
  const hidden = computed(() => (workshop.value ? hiddenControls(graph.doc, workshop.value) : new Set<string>()));

  function isHidden(nodeId: string, key: string): boolean {
    return hidden.value.has(`${nodeId}.${key}`);
  }

  const failure = shallowRef<ImportFailure | null>(null);
  /** What the newest import reads, for its messages ("samples.png", "the pasted text"). */
  let subject = 'the graph';
  /** Imported graphs open one after another. */
  let opening: Promise<void> = Promise.resolve();

  const importer = useGraphImport({
    onImported(imported) {
      opening = opening
        .then(() => openImported(imported))
        .catch((e: unknown) => {
          ui.toast(`The graph could not be opened: ${e instanceof Error ? e.message : String(e)}`, 'error');
        });
    },
    onFailed(problems) {
      failure.value = { subject, problems };
    },
    onPictureDrop(dataTransfer) {
      if (!isPictureDrop(dataTransfer)) return false;
      // the entries must be read during the drop event; the dialog builds from them
      void filesFromDrop(dataTransfer).then((files) => {
        importedDatasets.droppedFiles = files;
        ui.datasetsDialogOpen = true;
      });
      return true;
    },
  });

  async function openImported(imported: ImportedGraph): Promise<void> {
    failure.value = null;
    const doc = imported.run ? restoreExperiment(imported.doc, imported.run) : imported.doc;
    const options = imported.link && !isDefaultLinkOptions(imported.link) ? imported.link : null;
    const id = newGraphId();
    // written before the graph opens, so it opens locked
    if (options) writeWorkshop(id, options);
    const previous = library.currentId ? { id: library.currentId, name: graph.doc.name } : null;
    if (previous) await library.openAsNew(doc, id);
    else await library.init({ doc, id });
    const text = describeImport({
      doc,
      source: imported.source,
      ...(imported.fileName ? { fileName: imported.fileName } : {}),
      ...(imported.run ? { run: imported.run } : {}),
      ...(imported.link ? { link: imported.link } : {}),
      hiddenControls: hidden.value.size,
    });
    const back = previous
      ? { label: `Back to ${quoteName(previous.name, 28)}`, run: () => void library.openStored(previous.id) }
      : undefined;
    // a document too big to train here still opens (it may be meant for the PyTorch export), and says so
    const { check } = checkTrainingBudget(doc, specRegistry, memoryLimits('auto'));
    const sizeNote = check.level === 'over' ? ` It will not train here: ${check.message}` : '';
    ui.toast(`${text}${sizeNote}`, check.level === 'over' ? 'error' : 'info', 12_000, back);
  }

  function begin(what: string): void {
    subject = what;
  }

  /** A file from the picker (or pasted). */
  function importFile(file: File): Promise<ImportResult> {
    begin(file.name || 'the file');
    return importer.importFile(file);
  }

  // ---- drag and drop on the canvas ----

  function onDragEnter(event: DragEvent): void {
    importer.onDragEnter(event);
  }

  function onDragOver(event: DragEvent): void {
    importer.onDragOver(event);
  }

  function onDragLeave(): void {
    importer.onDragLeave();
  }

  function onDrop(event: DragEvent): Promise<ImportResult> | null {
    const file = event.dataTransfer?.files[0];
    begin(file ? file.name || 'the dropped file' : 'the dropped text');
    return importer.onDrop(event);
  }

  // ---- paste ----

  /**
   * Takes a paste that opens a graph: a file, a share link, or graph JSON that
   * is not nodes copied from a canvas (those are pasted into the open graph by
   * the editor). Returns false for everything else.
   */
  function takePaste(event: ClipboardEvent): boolean {
    const data = event.clipboardData;
    if (!data) return false;
    const file = data.files[0];
    if (file) {
      void importFile(file);
      return true;
    }
    const text = data.getData('text/plain');
    if (!opensAsGraph(text)) return false;
    begin(looksLikeLink(text.trim()) ? 'the pasted link' : 'the pasted text');
    void importer.importText(text);
    return true;
  }

  // ---- share links in the page address ----

  function clearHash(): void {
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  }

  /** Opens the graph a share link in the address carries; true when it opened. */
  async function openFromAddress(): Promise<boolean> {
    if (!hasSharedGraph(location.hash)) return false;
    begin('the share link in the address');
    const result = await importer.importFromHash(location.hash);
    if (!result) return false;
    await opening;
    // so that a reload shows the graph as edited since, instead of opening the link again
    if (result.ok) clearHash();
    return result.ok;
  }

  /** First load: the graph in the address if there is one, else the library's. */
  async function start(): Promise<void> {
    window.addEventListener('hashchange', () => void openFromAddress());
    if (!(await openFromAddress()) && !library.currentId) await library.init();
  }

  // ---- leaving the workshop view ----

  /** Opens an editable copy of the open graph (all controls shown); the workshop view stays in the library. */
  async function makeEditableCopy(): Promise<void> {
    const id = library.currentId;
    if (!id) return;
    const name = graph.doc.name;
    await library.duplicate(id);
    ui.toast(`This copy of ${quoteName(name)} is yours to edit; the workshop view stays in your library.`, 'info');
  }

  /** Shows the controls a link hid (on an editable graph). */
  function showHiddenControls(): void {
    const id = library.currentId;
    const options = workshop.value;
    if (!id || !options) return;
    const next: LinkOptions = { ...options, hide: [] };
    if (isDefaultLinkOptions(next)) forgetWorkshop(id);
    else writeWorkshop(id, next);
    workshop.value = isDefaultLinkOptions(next) ? null : next;
  }

  /**
   * The lesson a share link opened the graph in (lesson id and 1-based step),
   * taken once: the graph keeps its other workshop options.
   */
  function takeLinkLesson(): { lesson: NonNullable<LinkOptions['lesson']>; step: number } | undefined {
    const id = library.currentId;
    const options = workshop.value;
    if (!id || !options?.lesson) return undefined;
    const { lesson, step, ...rest } = options;
    const next: LinkOptions = rest;
    if (isDefaultLinkOptions(next)) forgetWorkshop(id);
    else writeWorkshop(id, next);
    workshop.value = isDefaultLinkOptions(next) ? null : next;
    return { lesson, step: step ?? 1 };
  }

  function dismissFailure(): void {
    failure.value = null;
    importer.clearProblems();
  }

  return {
    workshop,
    locked,
    hidden,
    isHidden,
    failure,
    dragging: importer.dragging,
    busy: importer.busy,
    start,
    importFile,
    onDragEnter,
    onDragOver,
    onDragLeave,
    onDrop,
    takePaste,
    makeEditableCopy,
    showHiddenControls,
    takeLinkLesson,
    dismissFailure,
  };
});
