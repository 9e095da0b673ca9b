/** The graph read as a flow from the data to the objective: layers, a reading order, and wire crossings. */
import type { Position } from '../core/changes';

export interface FlowNode {
  id: string;
  position: Position;
}

export interface FlowEdge {
  from: { node: string };
  to: { node: string };
}

/** Each node's layer: the length of the longest path of wires into it (wires that close a cycle are ignored). */
export function flowLayers(nodes: ReadonlyArray<FlowNode>, edges: ReadonlyArray<FlowEdge>): Map<string, number> {
  const known = new Set(nodes.map((n) => n.id));
  const into = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) if (known.has(e.from.node) && known.has(e.to.node)) into.get(e.to.node)?.push(e.from.node);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const done = layer.get(id);
    if (done !== undefined) return done;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(into.get(id) ?? []).map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const n of nodes) depth(n.id);
  return layer;
}

/** Node ids in reading order: by layer (left to right along the flow), then top to bottom. */
export function flowOrder(nodes: ReadonlyArray<FlowNode>, edges: ReadonlyArray<FlowEdge>): string[] {
  const layer = flowLayers(nodes, edges);
  return [...nodes]
    .sort((a, b) => (layer.get(a.id) ?? 0) - (layer.get(b.id) ?? 0) || a.position.y - b.position.y || a.position.x - b.position.x)
    .map((n) => n.id);
}

export interface Segment {
  a: Position;
  b: Position;
}

function orientation(p: Position, q: Position, r: Position): number {
  const v = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
  return Math.abs(v) < 1e-9 ? 0 : Math.sign(v);
}

/** True when two segments cross at a point inside both (wires that only share an end do not cross). */
export function segmentsCross(s: Segment, t: Segment): boolean {
  const same = (p: Position, q: Position) => Math.abs(p.x - q.x) < 0.5 && Math.abs(p.y - q.y) < 0.5;
  if (same(s.a, t.a) || same(s.a, t.b) || same(s.b, t.a) || same(s.b, t.b)) return false;
  const o1 = orientation(s.a, s.b, t.a);
  const o2 = orientation(s.a, s.b, t.b);
  const o3 = orientation(t.a, t.b, s.a);
  const o4 = orientation(t.a, t.b, s.b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/** True when two wires, each drawn as a polyline, cross somewhere (wires that only share a socket do not). */
export function wiresCross(a: ReadonlyArray<Position>, b: ReadonlyArray<Position>): boolean {
  for (let i = 1; i < a.length; i++) {
    for (let j = 1; j < b.length; j++) {
      if (segmentsCross({ a: a[i - 1] as Position, b: a[i] as Position }, { a: b[j - 1] as Position, b: b[j] as Position })) return true;
    }
  }
  return false;
}

/** How many pairs of wires cross (each wire a polyline along its drawn curve, or just its two ends). */
export function countCrossings(wires: ReadonlyArray<ReadonlyArray<Position>>): number {
  let n = 0;
  for (let i = 0; i < wires.length; i++) {
    for (let j = i + 1; j < wires.length; j++) if (wiresCross(wires[i] ?? [], wires[j] ?? [])) n++;
  }
  return n;
}
