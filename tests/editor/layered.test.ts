/** The layered layout: every saved graph drawn left to right with at most 2 crossed wires. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { layeredLayout, scoreLayout, type LayoutEdge, type LayoutNode } from '../../src/editor/layered';
import { specRegistry } from '../../nodes';

interface SavedGraph {
  nodes: Array<{ id: string; type: string; position: { x: number; y: number } }>;
  edges: LayoutEdge[];
}

/** Node sizes and socket offsets as the canvas draws them: a 40 px header, then one 29 px row per port. */
function layoutNodes(doc: SavedGraph): LayoutNode[] {
  return doc.nodes.map((n) => {
    const spec = specRegistry.get(n.type);
    const ports = (keys: string[]) => Object.fromEntries(keys.map((k, i) => [k, 54 + i * 29]));
    const inputs = Object.keys(spec?.inputs ?? {});
    const outputs = Object.keys(spec?.outputs ?? {});
    return {
      id: n.id,
      width: 249,
      height: 120 + Math.max(inputs.length, outputs.length) * 29 + 90,
      inputs: ports(inputs),
      outputs: ports(outputs),
    };
  });
}

const graphs = readdirSync('graphs').filter((f) => f.endsWith('.json'));

describe('layeredLayout', () => {
  test.each(graphs)('%s: left to right by data flow, at most 2 crossings', (file) => {
    const doc = JSON.parse(readFileSync(`graphs/${file}`, 'utf8')) as SavedGraph;
    const nodes = layoutNodes(doc);
    const layout = layeredLayout(nodes, doc.edges);
    expect(layout.positions.size).toBe(doc.nodes.length);
    expect(layout.crossings).toBeLessThanOrEqual(2);
    expect(scoreLayout(nodes, doc.edges, layout.positions).crossings).toBe(layout.crossings);
    // every wire runs left to right
    for (const e of doc.edges) expect(layout.positions.get(e.from.node)?.x ?? 0).toBeLessThan(layout.positions.get(e.to.node)?.x ?? 0);
    // no two nodes overlap
    const boxes = nodes.map((n) => ({ ...n, ...(layout.positions.get(n.id) ?? { x: 0, y: 0 }) }));
    for (const a of boxes) {
      for (const b of boxes) {
        if (a.id >= b.id) continue;
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${a.id} and ${b.id}`).toBe(false);
      }
    }
  });

  test('nodes without wires form a grid, not one long column', () => {
    const nodes = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, width: 249, height: 200, inputs: {}, outputs: {} }));
    const { positions } = layeredLayout(nodes, []);
    const xs = new Set([...positions.values()].map((p) => p.x));
    const ys = new Set([...positions.values()].map((p) => p.y));
    expect(xs.size).toBeGreaterThanOrEqual(2);
    expect(ys.size).toBeGreaterThanOrEqual(2);
    expect(xs.size * ys.size).toBeGreaterThanOrEqual(6);
  });

  test('a crossing that an order can undo is undone', () => {
    const node = (id: string, inputs: string[], outputs: string[]): LayoutNode => ({
      id,
      width: 100,
      height: 100,
      inputs: Object.fromEntries(inputs.map((k, i) => [k, 30 + i * 30])),
      outputs: Object.fromEntries(outputs.map((k, i) => [k, 30 + i * 30])),
    });
    const nodes = [node('s', [], ['a', 'b']), node('lower', ['x'], []), node('upper', ['x'], [])];
    const edges = [
      { from: { node: 's', port: 'a' }, to: { node: 'upper', port: 'x' } },
      { from: { node: 's', port: 'b' }, to: { node: 'lower', port: 'x' } },
    ];
    const layout = layeredLayout(nodes, edges);
    expect(layout.crossings).toBe(0);
    expect(layout.positions.get('upper')?.y ?? 0).toBeLessThan(layout.positions.get('lower')?.y ?? 0);
  });
});
