/**
 * Auto-arrange: ELK's layered layout (left to right) and our own layered
 * layout are both scored by the crossings of the wires as drawn, and the
 * better one is kept. Loaded on first use only: elkjs is large, so it lives
 * in its own chunk.
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import { AutoArrangePlugin, type Preset } from 'rete-auto-arrange-plugin';
import { layeredLayout, scoreLayout, type LayoutNode } from './layered';
import type { AreaExtra, Schemes } from './reteNodes';

const SOCKET = 16;

/** Where each port sits on our node component, measured from the DOM. */
function measuredPorts(area: AreaPlugin<Schemes, AreaExtra>): Preset {
  return () => ({
    port({ nodeId, side, key, index, width }) {
      const view = area.nodeViews.get(nodeId);
      const el = view?.element.querySelector<HTMLElement>(`[data-testid="socket-${nodeId}-${key}-${side === 'input' ? 'in' : 'out'}"]`);
      const k = area.area.transform.k;
      let y = 40 + index * 28;
      if (view && el) {
        const top = view.element.getBoundingClientRect().top;
        const r = el.getBoundingClientRect();
        y = (r.top + r.height / 2 - top) / k - SOCKET / 2;
      }
      return side === 'input'
        ? { x: 0, y, width: SOCKET, height: SOCKET, side: 'WEST' }
        : { x: width - SOCKET, y, width: SOCKET, height: SOCKET, side: 'EAST' };
    },
  });
}

/** Each node's size and socket offsets, measured on the canvas (in canvas units). */
function measureNodes(editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>): LayoutNode[] {
  const k = area.area.transform.k;
  return editor.getNodes().map((node) => {
    const view = area.nodeViews.get(node.id);
    const top = view?.element.getBoundingClientRect().top ?? 0;
    const offsets = (keys: string[], side: 'in' | 'out') =>
      Object.fromEntries(
        keys.flatMap((key) => {
          const el = view?.element.querySelector<HTMLElement>(`[data-testid="socket-${node.id}-${key}-${side}"]`);
          if (!el) return [];
          const r = el.getBoundingClientRect();
          return [[key, (r.top + r.height / 2 - top) / k]];
        }),
      );
    return {
      id: node.id,
      width: node.width,
      height: node.height,
      inputs: offsets(Object.keys(node.inputs), 'in'),
      outputs: offsets(Object.keys(node.outputs), 'out'),
    };
  });
}

function wires(editor: NodeEditor<Schemes>) {
  return editor
    .getConnections()
    .map((c) => ({ from: { node: c.source, port: c.sourceOutput }, to: { node: c.target, port: c.targetInput } }));
}

function currentPositions(editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>) {
  return new Map(editor.getNodes().map((n) => [n.id, { ...(area.nodeViews.get(n.id)?.position ?? { x: 0, y: 0 }) }]));
}

const plugins = new WeakMap<AreaPlugin<Schemes, AreaExtra>, AutoArrangePlugin<Schemes>>();

export async function arrangeNodes(editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>): Promise<void> {
  let plugin = plugins.get(area);
  if (!plugin) {
    plugin = new AutoArrangePlugin<Schemes>();
    plugin.addPreset(measuredPorts(area));
    area.use(plugin);
    plugins.set(area, plugin);
  }
  if (editor.getNodes().length === 0) return;
  await plugin.layout({
    options: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '48',
      'elk.layered.spacing.nodeNodeBetweenLayers': '96',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
  });
  const nodes = measureNodes(editor, area);
  const edges = wires(editor);
  const elk = scoreLayout(nodes, edges, currentPositions(editor, area));
  const own = layeredLayout(nodes, edges, { layerGap: 96, nodeGap: 48 });
  const ownScore = scoreLayout(nodes, edges, own.positions);
  // ELK's layout stays only when its wires are better (ELK stacks unwired nodes in one column; ours makes a grid)
  const elkBetter = elk.crossings < ownScore.crossings || (elk.crossings === ownScore.crossings && elk.travel < ownScore.travel);
  if (!elkBetter) {
    for (const [id, p] of own.positions) await area.translate(id, p);
  }
}
