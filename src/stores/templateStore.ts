/**
 * "Insert template": adds a prepared fragment in free space near the middle
 * of the view and wires it into the selected nodes where the kinds fit, as
 * one undo step.
 */
import { defineStore } from 'pinia';
import { specRegistry } from '../../nodes';
import { applyChange, offsetFragment, placeFragment, type GraphChange } from '../core/changes';
import { shownAs } from '../core/groups';
import { estimateNodeSize } from '../editor/palette';
import { findFreeSpot, topLeft } from '../editor/placement';
import { templateById, templateWiring } from '../editor/templates';
import { useEditorStore } from './editorStore';
import { useGraphStore } from './graphStore';
import { useUiStore } from './uiStore';

export const useTemplateStore = defineStore('templates', () => {
  const graph = useGraphStore();
  const editorUi = useEditorStore();
  const ui = useUiStore();

  /** Inserts a template; returns the ids of the new nodes (empty when nothing was inserted). */
  async function insertTemplate(id: string): Promise<string[]> {
    const template = templateById(id);
    if (!template || editorUi.refusedAsLocked('Templates cannot be inserted')) return [];
    const h = editorUi.handle;
    const { fragment } = template;
    const origin = topLeft(fragment.nodes.map((n) => n.position));
    // the box the template takes (its nodes at their estimated sizes)
    const boxes = fragment.nodes.map((n) => {
      const spec = specRegistry.get(n.type);
      const size = spec ? estimateNodeSize(spec) : { width: 240, height: 200 };
      return { right: n.position.x - origin.x + size.width, bottom: n.position.y - origin.y + size.height };
    });
    const size = { width: Math.max(...boxes.map((b) => b.right)), height: Math.max(...boxes.map((b) => b.bottom)) };
    const center = h?.viewCenter() ?? { x: 0, y: 0 };
    const spot = findFreeSpot(h?.nodeRects() ?? [], { x: center.x - size.width / 2, y: center.y - size.height / 2 }, size);
    const placed = placeFragment(graph.doc, offsetFragment(fragment, Math.round(spot.x - origin.x), Math.round(spot.y - origin.y)));
    const add: GraphChange = { type: 'addFragment', fragment: placed };
    const newIds = placed.nodes.map((n) => n.id);
    const selected = editorUi.selection();
    const wires = templateWiring(applyChange(graph.doc, add), specRegistry, newIds, selected);
    if (!graph.apply({ type: 'batch', changes: [add, ...wires] })) return [];
    ui.toast(
      wires.length > 0
        ? `Inserted “${template.title}”, wired to the selection (${wires.length} wire${wires.length === 1 ? '' : 's'}; Ctrl+Z takes it out).`
        : `Inserted “${template.title}” (select nodes first to have it wired to them).`,
      'info',
    );
    if (h) {
      await h.sync(graph.doc);
      await h.select([...new Set(newIds.map((n) => shownAs(graph.doc, n)))]);
    }
    return newIds;
  }

  return { insertTemplate };
});
