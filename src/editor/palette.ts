/** The node catalogue as the palette and the add menu show it. */
import { nodeDefs } from '../../nodes';
import type { AnyNodeSpec, NodeCategory } from '../core/nodeSpec';
import { visibleControls } from '../core/params';
import { NODE_WIDTH } from './reteNodes';

/** Drag-and-drop payload type for a node dragged from the palette. */
export const PALETTE_MIME = 'application/x-bottleneck-node';

export const categoryTitles: Record<NodeCategory, string> = {
  data: 'Data',
  model: 'Model',
  loss: 'Loss',
};

const categoryOrder: NodeCategory[] = ['data', 'model', 'loss'];

export const nodeSpecs: ReadonlyArray<AnyNodeSpec> = nodeDefs;

export interface PaletteGroup {
  category: NodeCategory;
  title: string;
  specs: AnyNodeSpec[];
}

export function groupByCategory(specs: ReadonlyArray<AnyNodeSpec>): PaletteGroup[] {
  return categoryOrder
    .map((category) => ({ category, title: categoryTitles[category], specs: specs.filter((s) => s.category === category) }))
    .filter((g) => g.specs.length > 0);
}

/** Node kinds matching a search: every word must appear; title matches first. */
export function searchSpecs(specs: ReadonlyArray<AnyNodeSpec>, query: string): AnyNodeSpec[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...specs];
  const scored = specs
    .map((s) => {
      const title = `${s.title} ${s.type}`.toLowerCase();
      const all = `${title} ${s.summary} ${s.category}`.toLowerCase();
      if (!words.every((w) => all.includes(w))) return null;
      const score = words.reduce((n, w) => n + (title.startsWith(w) ? 4 : title.includes(w) ? 2 : 0), 0);
      return { s, score };
    })
    .filter((x): x is { s: AnyNodeSpec; score: number } => x !== null);
  return scored.sort((a, b) => b.score - a.score).map((x) => x.s);
}

/**
 * About how big a new node of this kind will be on the canvas (before it is
 * drawn and measured), so it can be placed where it covers nothing.
 */
export function estimateNodeSize(spec: AnyNodeSpec): { width: number; height: number } {
  const rows = Math.max(Object.keys(spec.inputs).length, Object.keys(spec.outputs).length, 1);
  const controls = visibleControls(spec, spec.params.parse({})).length;
  // a new node's unconnected inputs are listed on it, one line each, until they are wired
  const unwired = Object.values(spec.inputs).filter((p) => !p.optional).length;
  return { width: NODE_WIDTH, height: 118 + rows * 29 + controls * 31 + (unwired > 0 ? 10 + unwired * 21 : 0) };
}
