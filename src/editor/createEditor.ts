/**
 * Builds the Rete canvas: editor, area, connection flow, Vue rendering with
 * our own node/socket/control/connection components, minimap, selection.
 *
 * The canvas never edits the document. User gestures are handed to the
 * callbacks as intents (connect these ports, these nodes moved, this wire was
 * pulled off); the store applies them as changes and `sync` brings the canvas
 * in line with the new document.
 */
import type { Pinia } from 'pinia';
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget } from 'rete-connection-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { Presets, VuePlugin } from 'rete-vue-plugin';
import { createApp, markRaw } from 'vue';
import { specRegistry } from '../../nodes';
import GraphConnection from '../components/editor/GraphConnection.vue';
import GraphNode from '../components/editor/GraphNode.vue';
import GroupNode from '../components/editor/GroupNode.vue';
import NodeSocket from '../components/editor/NodeSocket.vue';
import ParamControlView from '../components/editor/ParamControlView.vue';
import type { Position } from '../core/changes';
import type { PortRef } from '../core/schema';
import type { View } from '../storage/session';
import { docToModel } from './model';
import { GraphConnectionView, GraphNodeView, type AreaExtra, type Schemes } from './reteNodes';
import type { EditorHandle, NodeRect } from './editorHandle';
import { createSyncer, type NodePositions } from './sync';
import { boundingBox, fitTransform, revealTransform, type Box, type Transform } from './viewFit';

export type { EditorHandle, NodeRect } from './editorHandle';

import type * as ArrangeExports from './arrange';

type ArrangeModule = typeof ArrangeExports;

export type MenuTarget = { kind: 'canvas' } | { kind: 'node'; id: string } | { kind: 'connection'; id: string };

/** One end of a wire being drawn: the port it started from. */
export interface WireEnd {
  node: string;
  port: string;
  side: 'input' | 'output';
}

export interface EditorCallbacks {
  connect(from: PortRef, to: PortRef): void;
  disconnect(connectionId: string): void;
  moved(moves: ReadonlyMap<string, Position>): void;
  contextMenu(event: MouseEvent, target: MenuTarget): void;
  viewChanged(view: View): void;
  /** Nodes were drawn, moved or removed (group frames follow them). */
  layoutChanged(): void;
  /** A locked graph: nodes cannot be dragged and wires cannot be drawn or pulled off (panning and zooming still work). */
  isLocked(): boolean;
  /** A new wire was dropped on empty canvas (not one pulled off an input), at the pointer: offer nodes to end it. */
  wireDropped(from: WireEnd): void;
  /** The smallest on-screen size (CSS px) node text may shrink to when the view fits the graph. */
  readableTextPx(): number;
}

export async function createEditor(container: HTMLElement, pinia: Pinia, callbacks: EditorCallbacks): Promise<EditorHandle> {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  // each node is its own small Vue app; they share the app's stores
  const render = new VuePlugin<Schemes, AreaExtra>({ setup: (context) => createApp(context).use(pinia) });
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });

  render.addPreset(
    Presets.classic.setup({
      customize: {
        // a collapsed group is drawn by its own component
        node: (context) => (context.payload.model.group ? GroupNode : GraphNode),
        socket: () => NodeSocket,
        control: () => ParamControlView,
        connection: () => GraphConnection,
      },
    }),
  );
  render.addPreset(Presets.minimap.setup({ size: 130 }));

  connection.addPreset(
    () =>
      new ClassicFlow({
        // the flow only reports the wire; the store decides (and explains a refusal)
        makeConnection(from, to) {
          const ends = getSourceTarget(from, to);
          if (!ends) return undefined;
          const [source, target] = ends;
          if (!source || !target) return undefined;
          callbacks.connect({ node: source.nodeId, port: source.key }, { node: target.nodeId, port: target.key });
          return true;
        },
      }),
  );

  // a locked graph: picking a socket starts nothing (no new wire, no wire pulled off an input)
  connection.addPipe((context) => (context.type === 'connectionpick' && callbacks.isLocked() ? undefined : context));

  // a wire dropped on empty canvas: the add menu offers the nodes that can end it (not when
  // the wire was pulled off an input: that is a removal)
  let pulledOff = false;
  connection.addPipe((context) => {
    if (context.type === 'connectionpick') pulledOff = false;
    if (context.type === 'connectiondrop') {
      const { initial, socket, created } = context.data;
      if (!socket && !created && !pulledOff && !callbacks.isLocked()) {
        callbacks.wireDropped({ node: initial.nodeId, port: initial.key, side: initial.side });
      }
    }
    return context;
  });

  editor.use(area);
  // the frames of expanded groups: a layer under the nodes that pans and zooms with them
  const frameLayer = document.createElement('div');
  frameLayer.className = 'group-frames';
  Object.assign(frameLayer.style, { position: 'absolute', left: '0', top: '0' });
  area.area.content.holder.prepend(frameLayer);
  area.use(connection);
  area.use(render);
  area.use(minimap);

  const selector = AreaExtensions.selector();
  const selectable = AreaExtensions.selectableNodes(area, selector, { accumulating: AreaExtensions.accumulateOnCtrl() });
  // z-index ordering: moving the element itself (simpleNodesOrder) would swallow clicks on a node
  AreaExtensions.zIndexNodesOrder(area);
  AreaExtensions.restrictor(area, { scaling: () => ({ min: 0.15, max: 2.5 }) });

  const positions: NodePositions = {
    get: (id) => area.nodeViews.get(id)?.position,
    set: (id, p) => area.translate(id, p),
  };
  const syncer = createSyncer(editor, positions);

  // nodes dragged by the user: collected while dragging, committed as one change on release
  const pendingMoves = new Map<string, Position>();
  function flushMoves(): void {
    if (pendingMoves.size === 0) return;
    const moves = new Map(pendingMoves);
    pendingMoves.clear();
    callbacks.moved(moves);
  }

  editor.addPipe((context) => {
    if (context.type === 'connectioncreate' && !syncer.isSyncing()) return undefined;
    if (context.type === 'connectionremoved' && !syncer.isSyncing()) {
      pulledOff = true;
      callbacks.disconnect(context.data.id);
    }
    if (context.type === 'noderemoved') void selector.remove({ id: context.data.id, label: 'node' });
    return context;
  });

  let viewTimer: ReturnType<typeof setTimeout> | undefined;
  area.addPipe((context) => {
    switch (context.type) {
      case 'nodetranslate':
        // the canvas itself still places nodes while it follows the document
        if (callbacks.isLocked() && !syncer.isSyncing()) return undefined;
        break;
      case 'nodetranslated':
        if (!syncer.isSyncing()) pendingMoves.set(context.data.id, { ...context.data.position });
        callbacks.layoutChanged();
        break;
      case 'nodedragged':
        flushMoves();
        break;
      case 'contextmenu': {
        const { event, context: target } = context.data;
        event.preventDefault();
        event.stopPropagation();
        if (target === 'root') callbacks.contextMenu(event, { kind: 'canvas' });
        else if (target instanceof GraphNodeView) callbacks.contextMenu(event, { kind: 'node', id: target.id });
        else if (target instanceof GraphConnectionView) callbacks.contextMenu(event, { kind: 'connection', id: target.id });
        return undefined;
      }
      case 'zoomed':
      case 'translated':
        clearTimeout(viewTimer);
        viewTimer = setTimeout(() => callbacks.viewChanged(getView()), 250);
        break;
    }
    return context;
  });

  function getView(): View {
    const { x, y, k } = area.area.transform;
    return { x, y, k };
  }

  async function setView(view: View): Promise<void> {
    await area.area.zoom(view.k, 0, 0);
    await area.area.translate(view.x, view.y);
  }

  /** The smallest font size (canvas px) of any text drawn on a node. */
  function smallestNodeTextPx(): number {
    let smallest = Infinity;
    for (const view of area.nodeViews.values()) {
      const walker = document.createTreeWalker(view.element, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const el = text.parentElement;
        if (!el || !text.textContent?.trim() || el.getClientRects().length === 0) continue;
        smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
      }
    }
    return Number.isFinite(smallest) && smallest > 0 ? smallest : 12;
  }

  /** The lowest zoom at which every line on every node is still readable. */
  const readableZoom = () => Math.min(2.5, (callbacks.readableTextPx() / smallestNodeTextPx()) * 1.002);

  function nodeBoxes(ids?: ReadonlyArray<string>): Box[] {
    return nodeRects().filter((r) => !ids || ids.includes(r.id));
  }

  const viewport = () => ({ width: container.clientWidth, height: container.clientHeight });

  function toCanvas(clientX: number, clientY: number): Position {
    const rect = container.getBoundingClientRect();
    const { x, y, k } = area.area.transform;
    return { x: (clientX - rect.left - x) / k, y: (clientY - rect.top - y) / k };
  }

  function nodeRects(): NodeRect[] {
    return editor.getNodes().map((n) => {
      const view = area.nodeViews.get(n.id);
      const p = view?.position ?? { x: 0, y: 0 };
      // the drawn size where the node is drawn already (its own measurement may lag a frame)
      const drawn = view?.element.firstElementChild;
      const width = drawn instanceof HTMLElement && drawn.offsetWidth > 0 ? drawn.offsetWidth : n.width;
      const height = drawn instanceof HTMLElement && drawn.offsetHeight > 0 ? drawn.offsetHeight : n.height;
      return { id: n.id, x: p.x, y: p.y, width, height };
    });
  }

  /** Fits the graph on screen, but never below the zoom where its text stays readable (it is panned from its start instead). */
  async function zoomToFit(): Promise<void> {
    const box = boundingBox(nodeBoxes());
    if (!box) {
      await setView({ x: container.clientWidth / 2 - 130, y: container.clientHeight / 3, k: Math.max(1, readableZoom()) });
      return;
    }
    await setView(fitTransform(box, viewport(), readableZoom()));
  }

  /** Brings some nodes into view (and `above` canvas px over them: a group frame's title bar). */
  async function revealNodes(ids: ReadonlyArray<string>, options: { above?: number } = {}): Promise<void> {
    const nodes = boundingBox(nodeBoxes(ids));
    if (!nodes) return;
    const above = options.above ?? 0;
    const box = { ...nodes, y: nodes.y - above, height: nodes.height + above };
    // nothing floats over the canvas (panels and the lesson card sit beside it), so all of it is free
    const current: Transform = getView();
    const next = revealTransform(box, current, viewport(), null);
    if (next !== current) await setView(next);
  }

  function viewCenterAt(t: { x: number; y: number; k: number }): Position {
    return { x: (container.clientWidth / 2 - t.x) / t.k, y: (container.clientHeight / 2 - t.y) / t.k };
  }

  async function centerOn(p: Position): Promise<void> {
    const { k } = area.area.transform;
    await area.area.translate(container.clientWidth / 2 - p.x * k, container.clientHeight / 2 - p.y * k);
  }

  let arrangeModule: Promise<ArrangeModule> | null = null;

  const handle: EditorHandle = {
    container,
    frameLayer,
    async sync(doc) {
      await syncer.sync(docToModel(doc, specRegistry));
      callbacks.layoutChanged();
    },
    zoomToFit,
    revealNodes,
    readableZoom,
    async zoomBy(factor) {
      const { k } = area.area.transform;
      const c = viewCenterAt(area.area.transform);
      await area.area.zoom(Math.min(2.5, Math.max(0.15, k * factor)), 0, 0);
      await centerOn(c);
    },
    getView,
    setView,
    toCanvas,
    viewCenter: () => viewCenterAt(area.area.transform),
    nodeRects,
    selectedIds: () =>
      editor
        .getNodes()
        .filter((n) => n.selected)
        .map((n) => n.id),
    async select(ids) {
      await selector.unselectAll();
      for (const id of ids) await selectable.select(id, true);
    },
    async clearSelection() {
      await selector.unselectAll();
    },
    async focusNode(id) {
      const node = editor.getNode(id);
      const p = area.nodeViews.get(id)?.position;
      if (!node || !p) return;
      const readable = readableZoom();
      if (area.area.transform.k < readable) await area.area.zoom(readable, 0, 0);
      await centerOn({ x: p.x + node.width / 2, y: p.y + node.height / 2 });
      await handle.select([id]);
    },
    async arrange() {
      arrangeModule ??= import('./arrange');
      const { arrangeNodes } = await arrangeModule;
      await arrangeNodes(editor, area);
      flushMoves();
      await zoomToFit();
    },
    destroy() {
      clearTimeout(viewTimer);
      area.destroy();
    },
  };
  return markRaw(handle);
}
