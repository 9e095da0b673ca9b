/**
 * The canvas as the rest of the UI sees it: the Rete handle (kept out of deep
 * reactivity), the open menus, and the commands that need both the canvas
 * (selection, view) and the document (add, delete, copy, paste).
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import { specRegistry } from '../../nodes';
import { extractFragment, offsetFragment, type GraphFragment, type Position } from '../core/changes';
import { findGroup, memberIds, shownAs } from '../core/groups';
import { fragmentToText, textToFragment } from '../editor/clipboard';
import type { EditorHandle } from '../editor/editorHandle';
import { estimateNodeSize } from '../editor/palette';
import { findFreeSpot, topLeft, type Rect } from '../editor/placement';
import { looseWire, portForWire, wireConnection, type LooseWire } from '../editor/wireDrop';
import { LOCKED_REASON, useGraphStore } from './graphStore';
import { useUiStore } from './uiStore';

export interface MenuAnchor {
  /** Where the menu appears (client coordinates). */
  clientX: number;
  clientY: number;
  /** Where a node added from it goes (canvas coordinates). */
  at: Position;
  /** Opened by dropping a wire on the canvas: only nodes that can end it are offered, and the new node is wired in. */
  wire?: LooseWire;
}

export interface NodeMenuState {
  clientX: number;
  clientY: number;
  nodeId: string;
}

export const useEditorStore = defineStore('editor', () => {
  const graph = useGraphStore();
  const ui = useUiStore();
  const handle = shallowRef<EditorHandle | null>(null);
  const addMenu = ref<MenuAnchor | null>(null);
  const nodeMenu = ref<NodeMenuState | null>(null);
  /** A node to highlight briefly (after focusing it from the status bar). */
  const flashNodeId = ref<string | null>(null);
  /** A node whose note editor should open. */
  const editNoteId = ref<string | null>(null);
  /** A node whose label editor (or a group whose name editor) should open. */
  const editLabelId = ref<string | null>(null);
  /** Counts the canvas's layout changes (nodes drawn, moved, resized): group frames follow it. */
  const layoutTick = ref(0);
  /** The last copied nodes, for when the system clipboard is not available. */
  let clipboard: GraphFragment | null = null;
  let pasteCount = 0;
  /** The pointer's last position over the canvas (not reactive: it changes constantly). */
  let pointer: { clientX: number; clientY: number } | null = null;

  /** In a locked graph: says why nothing changes, and returns true. */
  function refusedAsLocked(what: string): boolean {
    if (!graph.locked) return false;
    ui.toast(`${what}: ${LOCKED_REASON}.`, 'info', 3500);
    return true;
  }

  function attach(h: EditorHandle): void {
    handle.value = markRaw(h);
  }

  function detach(): void {
    handle.value = null;
  }

  function trackPointer(clientX: number, clientY: number): void {
    pointer = { clientX, clientY };
  }

  function forgetPointer(): void {
    pointer = null;
  }

  /** A menu anchor at the pointer if it is over the canvas, else in the middle of the canvas. */
  function anchorHere(): MenuAnchor | null {
    const h = handle.value;
    if (!h) return null;
    const rect = h.container.getBoundingClientRect();
    const p = pointer ?? { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 3 };
    return { ...p, at: h.toCanvas(p.clientX, p.clientY) };
  }

  function openAddMenu(anchor?: MenuAnchor): void {
    nodeMenu.value = null;
    if (refusedAsLocked('Nodes cannot be added')) return;
    addMenu.value = anchor ?? anchorHere();
  }

  /** A new wire dropped on empty canvas: the add menu, at the drop (the pointer), for the nodes that can end it. */
  function openAddMenuForWire(end: { node: string; port: string; side: 'input' | 'output' }): void {
    const wire = looseWire(graph.doc, specRegistry, end);
    const anchor = anchorHere();
    if (!anchor || !wire || refusedAsLocked('Nodes cannot be added')) return;
    nodeMenu.value = null;
    addMenu.value = { ...anchor, wire };
  }

  /** Adds a node where a wire was dropped and connects the wire to it. */
  async function addNodeOnWire(type: string, anchor: MenuAnchor & { wire: LooseWire }): Promise<string | null> {
    const spec = specRegistry.get(type);
    const port = spec ? portForWire(spec, anchor.wire) : null;
    if (!spec || !port) return null;
    const size = estimateNodeSize(spec);
    // the new node's port sits at the drop: its left edge for an input, its right edge for an output
    const x = anchor.wire.side === 'output' ? anchor.at.x - 8 : anchor.at.x - size.width + 8;
    const id = await addNode(type, { x, y: anchor.at.y - 60 });
    if (!id) return null;
    const { from, to } = wireConnection(anchor.wire, id, port);
    const decision = graph.connect(from, to);
    if (!decision.ok) ui.toast(`Added, but not connected: ${decision.reason}.`, 'warning');
    await handle.value?.sync(graph.doc);
    return id;
  }

  function closeMenus(): void {
    addMenu.value = null;
    nodeMenu.value = null;
  }

  /** Where nodes are: as drawn, and (estimated) for nodes added to the document but not drawn yet. */
  function occupied(h: EditorHandle): Rect[] {
    const drawn = h.nodeRects();
    const known = new Set(drawn.map((r) => r.id));
    const pending = graph.doc.nodes.flatMap((n) => {
      const spec = specRegistry.get(n.type);
      return known.has(n.id) || !spec ? [] : [{ ...n.position, ...estimateNodeSize(spec) }];
    });
    return [...drawn, ...pending];
  }

  /** Adds a node at `at`, or near the middle of the view without covering another node. */
  async function addNode(type: string, at?: Position): Promise<string | null> {
    if (refusedAsLocked('Nodes cannot be added')) return null;
    const h = handle.value;
    let position = at;
    const spec = specRegistry.get(type);
    if (!position && h && spec) {
      const size = estimateNodeSize(spec);
      const c = h.viewCenter();
      position = findFreeSpot(occupied(h), { x: c.x - size.width / 2, y: c.y - size.height / 2 }, size);
    }
    const id = graph.addNode(type, position ?? { x: 0, y: 0 });
    if (id && h) {
      await h.sync(graph.doc);
      await h.select([id]);
    }
    return id;
  }

  function selection(): string[] {
    return handle.value?.selectedIds() ?? [];
  }

  function deleteSelected(): number {
    const ids = selection();
    if (ids.length > 0 && refusedAsLocked('Nodes cannot be deleted')) return ids.length;
    // a collapsed group's node takes only the group away: its nodes stay
    const groups = ids.filter((id) => findGroup(graph.doc, id));
    if (ids.length > 0) graph.apply({ type: 'removeNodes', ids });
    if (groups.length > 0) ui.toast('The group is gone; its nodes are kept (Ctrl+Z brings the group back).', 'info');
    return ids.length;
  }

  function deleteNodes(ids: ReadonlyArray<string>): void {
    if (refusedAsLocked('Nodes cannot be deleted')) return;
    graph.apply({ type: 'removeNodes', ids });
  }

  /** The selected nodes as graph JSON text (null when nothing is selected). */
  function copySelection(): string | null {
    const ids = selection();
    if (ids.length === 0) return null;
    clipboard = extractFragment(graph.doc, ids);
    pasteCount = 0;
    return fragmentToText(clipboard);
  }

  function cutSelection(): string | null {
    if (selection().length > 0 && refusedAsLocked('Nodes cannot be cut')) return null;
    const text = copySelection();
    if (text) deleteSelected();
    return text;
  }

  /**
   * Pastes graph JSON text (from the system clipboard) or, without text, the
   * last copied nodes. New ids; placed at the pointer or next to the originals.
   */
  async function paste(text: string | null): Promise<string[]> {
    if (refusedAsLocked('Nothing can be pasted into this graph')) return [];
    let fragment = clipboard;
    if (text !== null && text.trim() !== '') {
      const pasted = textToFragment(text, specRegistry);
      if (!pasted.ok) {
        ui.toast(`Nothing pasted: ${pasted.reason}.`, 'warning');
        return [];
      }
      if (!clipboard || fragmentToText(clipboard) !== fragmentToText(pasted.fragment)) {
        clipboard = pasted.fragment;
        pasteCount = 0;
      }
      fragment = pasted.fragment;
    }
    if (!fragment || fragment.nodes.length === 0) {
      ui.toast('Nothing to paste: select nodes and copy them first (Ctrl+C).', 'info');
      return [];
    }
    pasteCount++;
    const h = handle.value;
    const origin = topLeft(fragment.nodes.map((n) => n.position));
    const anchor = pointer && h ? h.toCanvas(pointer.clientX, pointer.clientY) : null;
    const target = anchor
      ? { x: anchor.x + (pasteCount - 1) * 30, y: anchor.y + (pasteCount - 1) * 30 }
      : { x: origin.x + pasteCount * 40, y: origin.y + pasteCount * 40 };
    const ids = graph.insertFragment(offsetFragment(fragment, target.x - origin.x, target.y - origin.y));
    if (h && ids.length > 0) {
      await h.sync(graph.doc);
      await h.select(ids);
    }
    return ids;
  }

  async function duplicateNodes(ids: ReadonlyArray<string>): Promise<void> {
    if (ids.length === 0 || refusedAsLocked('Nodes cannot be duplicated')) return;
    const fragment = extractFragment(graph.doc, ids);
    const newIds = graph.insertFragment(offsetFragment(fragment, 40, 40));
    const h = handle.value;
    if (h && newIds.length > 0) {
      await h.sync(graph.doc);
      await h.select(newIds);
    }
  }

  async function selectAll(): Promise<void> {
    await handle.value?.select(graph.doc.nodes.map((n) => n.id));
  }

  async function focusNode(nodeId: string): Promise<void> {
    // a node hidden in a collapsed group is shown by its group
    const id = shownAs(graph.doc, nodeId);
    await handle.value?.focusNode(id);
    flashNodeId.value = id;
    setTimeout(() => {
      if (flashNodeId.value === id) flashNodeId.value = null;
    }, 1600);
  }

  // ---- groups ----

  /** Collapses the selected nodes (and the nodes of selected groups) into one named group. */
  async function groupSelection(ids: ReadonlyArray<string> = selection()): Promise<string | null> {
    if (refusedAsLocked('Nodes cannot be grouped')) return null;
    const members = memberIds(graph.doc, ids).filter((id) => graph.doc.nodes.some((n) => n.id === id));
    if (members.length === 0) {
      ui.toast('Select the nodes to group first (Ctrl+click adds to the selection).', 'info');
      return null;
    }
    const titles = members.map((id) => {
      const node = graph.doc.nodes.find((n) => n.id === id);
      return node?.label ?? (node ? (specRegistry.get(node.type)?.title ?? id) : id);
    });
    const name = members.length <= 3 ? titles.join(' + ') : `${members.length} nodes`;
    const group = { id: 'group', name: name.slice(0, 60), members, collapsed: true, position: { x: 0, y: 0 } };
    if (!graph.apply({ type: 'group', group })) return null;
    const id = graph.doc.groups?.find((g) => g.members.includes(members[0] ?? ''))?.id ?? null;
    const h = handle.value;
    if (h && id) {
      await h.sync(graph.doc);
      await h.select([id]);
    }
    return id;
  }

  async function setGroupCollapsed(groupId: string, collapsed: boolean): Promise<void> {
    const group = findGroup(graph.doc, groupId);
    if (!group || !graph.apply({ type: 'setGroupCollapsed', groupId, collapsed })) return;
    const h = handle.value;
    if (!h) return;
    await h.sync(graph.doc);
    await h.select(collapsed ? [groupId] : group.members);
    // what was opened (or closed) is brought into view, the frame's title bar included
    await h.revealNodes(collapsed ? [groupId] : group.members, { above: collapsed ? 0 : 44 });
  }

  function ungroup(groupId: string): void {
    if (!refusedAsLocked('Groups cannot be changed')) graph.apply({ type: 'ungroup', groupId });
  }

  function renameGroup(groupId: string, name: string): void {
    if (!refusedAsLocked('Groups cannot be renamed')) graph.apply({ type: 'renameGroup', groupId, name });
  }

  /** Deletes a group together with its nodes (deleting the group node alone keeps them). */
  function deleteGroupWithNodes(groupId: string): void {
    const group = findGroup(graph.doc, groupId);
    if (group && !refusedAsLocked('Nodes cannot be deleted')) graph.apply({ type: 'removeNodes', ids: [groupId, ...group.members] });
  }

  async function zoomToFit(): Promise<void> {
    await handle.value?.zoomToFit();
  }

  async function zoomBy(factor: number): Promise<void> {
    await handle.value?.zoomBy(factor);
  }

  const arranging = ref(false);
  async function arrange(): Promise<void> {
    const h = handle.value;
    if (!h || arranging.value || refusedAsLocked('The layout cannot be changed')) return;
    arranging.value = true;
    try {
      await h.arrange();
    } catch (e) {
      ui.toast(`Auto-arrange failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      arranging.value = false;
    }
  }

  return {
    handle,
    addMenu,
    nodeMenu,
    flashNodeId,
    editNoteId,
    editLabelId,
    layoutTick,
    arranging,
    attach,
    detach,
    trackPointer,
    forgetPointer,
    openAddMenu,
    openAddMenuForWire,
    addNodeOnWire,
    closeMenus,
    addNode,
    selection,
    deleteSelected,
    deleteNodes,
    copySelection,
    cutSelection,
    paste,
    duplicateNodes,
    selectAll,
    focusNode,
    groupSelection,
    setGroupCollapsed,
    ungroup,
    renameGroup,
    deleteGroupWithNodes,
    zoomToFit,
    zoomBy,
    arrange,
    refusedAsLocked,
  };
});
