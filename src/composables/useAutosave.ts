/**
 * Saves the open graph shortly after each edit, and at once when the page is
 * hidden or closed, so a reload or a crashed tab loses nothing.
 */
import { onBeforeUnmount, onMounted, watch } from 'vue';
import { useGraphStore } from '../stores/graphStore';
import { useLibraryStore } from '../stores/libraryStore';

export const AUTOSAVE_DELAY_MS = 400;

export function useAutosave(): void {
  const graph = useGraphStore();
  const library = useLibraryStore();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    void library.save();
  }

  watch(
    () => graph.doc,
    () => {
      clearTimeout(timer);
      timer = setTimeout(flush, AUTOSAVE_DELAY_MS);
    },
  );

  function onHidden(): void {
    if (document.visibilityState === 'hidden') flush();
  }

  onMounted(() => {
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHidden);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', flush);
    document.removeEventListener('visibilitychange', onHidden);
    flush();
  });
}
