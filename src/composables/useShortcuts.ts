/**
 * Keyboard shortcuts and clipboard events for the editor. Keys typed into a
 * field stay in the field; only Ctrl+S (save) works everywhere.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { findGroup, groupOfNode } from '../core/groups';
import { useEditorStore } from '../stores/editorStore';
import { useGraphStore } from '../stores/graphStore';
import { useLibraryStore } from '../stores/libraryStore';
import { useShareStore } from '../stores/shareStore';
import { useUiStore } from '../stores/uiStore';

function isField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

function isButton(target: EventTarget | null): boolean {
  return target instanceof HTMLButtonElement || (target instanceof HTMLElement && target.getAttribute('role') === 'menuitem');
}

function hasTextSelection(): boolean {
  const s = window.getSelection();
  return s !== null && !s.isCollapsed && s.toString().trim() !== '';
}

export function useShortcuts(): void {
  const graph = useGraphStore();
  const editorUi = useEditorStore();
  const library = useLibraryStore();
  const share = useShareStore();
  const ui = useUiStore();

  const modalOpen = () => ui.helpOpen || ui.shareDialogOpen || library.conflict !== null;

  function nudge(dx: number, dy: number): void {
    const ids = new Set(editorUi.selection());
    if (ids.size === 0 || editorUi.refusedAsLocked('Nodes cannot be moved')) return;
    const moves = [...graph.doc.nodes, ...(graph.doc.groups ?? [])]
      .filter((n) => ids.has(n.id))
      .map((n) => ({ id: n.id, position: { x: n.position.x + dx, y: n.position.y + dy } }));
    graph.apply({ type: 'moveNodes', moves }, { coalesce: 'nudge' });
  }

  /** Ungroups the selected groups and the groups of the selected nodes. */
  function ungroupSelection(): void {
    const ids = new Set(editorUi.selection().map((id) => findGroup(graph.doc, id)?.id ?? groupOfNode(graph.doc, id)?.id));
    for (const id of ids) if (id) editorUi.ungroup(id);
  }

  function onKeyDown(event: KeyboardEvent): void {
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === 's') {
      event.preventDefault();
      void library.save().then(() => {
        if (library.status === 'saved') ui.toast('Saved.', 'info', 1500);
      });
      return;
    }
    if (event.defaultPrevented || isField(event.target) || modalOpen()) return;
    if (event.key === 'Escape') {
      editorUi.closeMenus();
      void editorUi.handle?.clearSelection();
      return;
    }
    if (mod) {
      if (key === 'z' && !event.shiftKey) graph.undo();
      else if ((key === 'z' && event.shiftKey) || key === 'y') graph.redo();
      else if (key === 'a') void editorUi.selectAll();
      else if (key === 'd') void editorUi.duplicateNodes(editorUi.selection());
      else if (key === 'g' && !event.shiftKey) void editorUi.groupSelection();
      else if (key === 'g' && event.shiftKey) ungroupSelection();
      else return;
      event.preventDefault();
      return;
    }
    if (event.altKey) return;
    if (isButton(event.target) && (event.key === ' ' || event.key === 'Enter')) return;
    const step = event.shiftKey ? 50 : 10;
    switch (event.key) {
      case 'Delete':
      case 'Backspace':
        if (editorUi.deleteSelected() === 0) return;
        break;
      case 'a':
      case 'A':
      case ' ':
        editorUi.openAddMenu();
        break;
      case 'f':
      case 'F':
      case '.':
        void editorUi.zoomToFit();
        break;
      case '+':
      case '=':
        void editorUi.zoomBy(1.25);
        break;
      case '-':
      case '_':
        void editorUi.zoomBy(0.8);
        break;
      case '?':
        ui.helpOpen = true;
        break;
      case 'ArrowLeft':
        nudge(-step, 0);
        break;
      case 'ArrowRight':
        nudge(step, 0);
        break;
      case 'ArrowUp':
        nudge(0, -step);
        break;
      case 'ArrowDown':
        nudge(0, step);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  // copy, cut and paste go through the clipboard events: no permission prompt,
  // and the text is a graph that can be pasted into another tab or a file
  function onCopy(event: ClipboardEvent, cut = false): void {
    if (isField(event.target) || hasTextSelection() || modalOpen()) return;
    const text = cut ? editorUi.cutSelection() : editorUi.copySelection();
    if (!text) return;
    event.clipboardData?.setData('text/plain', text);
    event.preventDefault();
  }
  const onCut = (event: ClipboardEvent) => onCopy(event, true);
  // a pasted file, share link or whole graph opens as a new graph; copied nodes are pasted into this one
  function onPaste(event: ClipboardEvent): void {
    if (isField(event.target) || modalOpen()) return;
    event.preventDefault();
    if (share.takePaste(event)) return;
    void editorUi.paste(event.clipboardData?.getData('text/plain') ?? null);
  }

  onMounted(() => {
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKeyDown);
    document.removeEventListener('copy', onCopy);
    document.removeEventListener('cut', onCut);
    document.removeEventListener('paste', onPaste);
  });
}
