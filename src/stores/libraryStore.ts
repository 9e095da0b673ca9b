/**
 * The user's graphs: which one is open, saving it (autosave calls `save`),
 * the gallery of bundled graphs, and keeping tabs from overwriting each other.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { emptyGraph } from '../core/changes';
import type { GraphDoc } from '../core/schema';
import { galleryGraph } from '../graphs';
import { deleteGraph, listGraphs, newGraphId, readGraph, saveGraph, type GraphSummary, type StoredGraph } from '../storage/graphDb';
import { copyName, decideIncoming, zLibraryMessage, type LibraryMessage } from '../storage/revisions';
import { forgetView, forgetWorkshop, readLastGraphId, writeLastGraphId } from '../storage/session';
import { useGraphStore } from './graphStore';
import { useUiStore } from './uiStore';

export type SaveStatus = 'saved' | 'saving' | 'unsaved' | 'error';

/** The graph opened on a first visit. */
export const FIRST_GRAPH = 'vae';

const CHANNEL = 'bottleneck-library';

export const useLibraryStore = defineStore('library', () => {
  const graph = useGraphStore();
  const ui = useUiStore();
  const tab = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());

  /** Library id of the open graph (null until `init` has run). */
  const currentId = ref<string | null>(null);
  /** Revision the open document was loaded or last saved as. */
  const baseRevision = ref(0);
  /** The document as last saved (identity comparison tells whether there are edits to save). */
  const savedDoc = shallowRef<GraphDoc | null>(null);
  const entries = ref<GraphSummary[]>([]);
  const saving = ref(false);
  const lastError = ref<string | null>(null);
  /** Another tab saved a newer revision of the open graph while this one had edits. */
  const conflict = shallowRef<StoredGraph | null>(null);

  const dirty = computed(() => savedDoc.value !== graph.doc);
  const status = computed<SaveStatus>(() => {
    if (lastError.value) return 'error';
    if (saving.value) return 'saving';
    return dirty.value ? 'unsaved' : 'saved';
  });

  let channel: BroadcastChannel | null = null;
  function broadcast(message: LibraryMessage): void {
    channel?.postMessage(message);
  }

  async function refresh(): Promise<void> {
    try {
      entries.value = await listGraphs();
    } catch (e) {
      lastError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function show(id: string, doc: GraphDoc, revision: number): void {
    currentId.value = id;
    baseRevision.value = revision;
    graph.load(doc);
    savedDoc.value = revision > 0 ? doc : null;
    conflict.value = null;
    writeLastGraphId(id);
  }

  /** Saves the open graph now (if it has edits). Saves run one after another. */
  let chain: Promise<void> = Promise.resolve();
  function save(): Promise<void> {
    chain = chain.then(writeOpenGraph);
    return chain;
  }

  async function writeOpenGraph(): Promise<void> {
    const id = currentId.value;
    if (!id || !dirty.value || conflict.value) return;
    const doc = graph.doc;
    saving.value = true;
    try {
      const result = await saveGraph(id, doc, baseRevision.value, tab);
      if (id !== currentId.value) return;
      if (result.kind === 'saved') {
        baseRevision.value = result.revision;
        savedDoc.value = doc;
        lastError.value = null;
        broadcast({ kind: 'saved', id, revision: result.revision, tab });
        void refresh();
      } else if (result.theirs) {
        conflict.value = result.theirs;
      } else {
        lastError.value = 'the saved copy of this graph could not be read';
      }
    } catch (e) {
      lastError.value = e instanceof Error ? e.message : String(e);
    } finally {
      saving.value = false;
    }
  }

  /**
   * Opens `doc` as a new graph in the library and saves it at once; the graph
   * that was open is saved first and stays in the library. Returns the new id.
   */
  async function openAsNew(doc: GraphDoc, id: string = newGraphId()): Promise<string> {
    await save();
    show(id, doc, 0);
    await save();
    return id;
  }

  async function openStored(id: string): Promise<boolean> {
    await save();
    try {
      const rec = await readGraph(id);
      if (!rec) {
        ui.toast(`That graph could not be opened (it is missing or damaged).`, 'error');
        await refresh();
        return false;
      }
      show(rec.id, rec.doc, rec.revision);
      return true;
    } catch (e) {
      ui.toast(`Could not open the graph: ${e instanceof Error ? e.message : String(e)}`, 'error');
      return false;
    }
  }

  /**
   * First load: `first` when given (a graph from a share link), else the graph
   * that was open last, else the VAE from the gallery.
   */
  async function init(first?: { doc: GraphDoc; id?: string }): Promise<void> {
    if (typeof BroadcastChannel !== 'undefined' && !channel) {
      channel = new BroadcastChannel(CHANNEL);
      channel.onmessage = (event: MessageEvent<unknown>) => {
        const message = zLibraryMessage.safeParse(event.data);
        if (message.success) void receive(message.data);
      };
    }
    if (first) {
      await openAsNew(first.doc, first.id);
      await refresh();
      return;
    }
    const last = readLastGraphId();
    try {
      if (last && (await openStored(last))) {
        await refresh();
        return;
      }
    } catch {
      // fall through to the first graph
    }
    await openAsNew(galleryGraph(FIRST_GRAPH));
  }

  async function receive(message: LibraryMessage): Promise<void> {
    const action = decideIncoming({ tab, id: currentId.value, baseRevision: baseRevision.value, dirty: dirty.value }, message);
    if (action === 'ignore') return;
    await refresh();
    const id = currentId.value;
    if (!id) return;
    if (action === 'reload' || action === 'conflict') {
      const theirs = await readGraph(id);
      if (!theirs || theirs.revision <= baseRevision.value) return;
      if (action === 'reload' && !dirty.value) {
        show(theirs.id, theirs.doc, theirs.revision);
        ui.toast('This graph was changed in another tab; showing the newest version.', 'info');
      } else {
        conflict.value = theirs;
      }
    } else if (action === 'orphaned') {
      // deleted elsewhere: save ours again so nothing open here is lost
      baseRevision.value = 0;
      savedDoc.value = null;
      ui.toast('This graph was deleted in another tab; it stays open here and is saved again.', 'info');
      await save();
    }
  }

  /** Conflict: keep this tab's version as a new graph; the other tab's stays as it is. */
  async function keepMineAsCopy(): Promise<void> {
    const doc = graph.doc;
    const name = copyName(
      doc.name,
      entries.value.map((e) => e.name),
    );
    conflict.value = null;
    show(newGraphId(), { ...doc, name }, 0);
    await save();
    ui.toast(`Your version is saved as “${name}”.`, 'info');
  }

  /** Conflict: drop this tab's edits and show the other tab's version. */
  function loadTheirs(): void {
    const theirs = conflict.value;
    if (!theirs) return;
    show(theirs.id, theirs.doc, theirs.revision);
  }

  async function newGraph(): Promise<void> {
    await openAsNew(emptyGraph());
  }

  async function openGallery(id: string): Promise<void> {
    await openAsNew(galleryGraph(id));
  }

  async function duplicate(id: string): Promise<void> {
    await save();
    const rec = id === currentId.value ? { doc: graph.doc } : await readGraph(id);
    if (!rec) return;
    const name = copyName(
      rec.doc.name,
      entries.value.map((e) => e.name),
    );
    await openAsNew({ ...rec.doc, name });
  }

  async function remove(id: string): Promise<void> {
    await deleteGraph(id);
    forgetView(id);
    forgetWorkshop(id);
    broadcast({ kind: 'deleted', id, tab });
    await refresh();
    if (id === currentId.value) {
      const next = entries.value[0];
      if (next && (await openStored(next.id))) return;
      await openAsNew(galleryGraph(FIRST_GRAPH));
    }
  }

  return {
    tab,
    currentId,
    baseRevision,
    entries,
    status,
    dirty,
    lastError,
    conflict,
    init,
    save,
    refresh,
    newGraph,
    openGallery,
    openStored,
    openAsNew,
    duplicate,
    remove,
    keepMineAsCopy,
    loadTheirs,
  };
});
