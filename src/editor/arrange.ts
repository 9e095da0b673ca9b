/**
 * Auto-arrange with ELK (layered, left to right). Loaded on first use only:
 * elkjs is large, so it lives in its own chunk.
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import { AutoArrangePlugin, type Preset } from 'rete-auto-arrange-plugin';
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
}
