/**
 * A layered, left-to-right layout that minimises the crossings of the wires as
 * the canvas draws them (curves between sockets), not of an abstract graph:
 * layers by data flow, every order of the nodes within each layer tried (or
 * barycentre sweeps for big graphs), two ways of placing them vertically, and
 * the drawing with the fewest crossings (then the straightest wires) kept.
 * Nodes with no wires are laid out in a grid below the flow.
 */
import type { Position } from '../core/changes';
import { countCrossings, flowLayers } from './flow';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Each input's socket centre: its distance from the node's top. */
  inputs: Readonly<Record<string, number>>;
  outputs: Readonly<Record<string, number>>;
}

export interface LayoutEdge {
  from: { node: string; port: string };
  to: { node: string; port: string };
}

export interface Layout {
  positions: Map<string, Position>;
  crossings: number;
}

export interface LayoutOptions {
  layerGap?: number;
  nodeGap?: number;
  /** More orders than this are not all tried (barycentre sweeps instead). */
  maxOrders?: number;
}

/** A wire as the canvas draws it: the cubic curve between two sockets, sampled as a polyline. */
export function wirePath(a: Position, b: Position, samples = 24): Position[] {
  const curvature = 0.3;
  const reach = Math.max(Math.abs(a.y - b.y) / 2, Math.abs(b.x - a.x)) * curvature;
  const c1 = { x: a.x + reach, y: a.y };
  const c2 = { x: b.x - reach, y: b.y };
  return Array.from({ length: samples + 1 }, (_, i) => {
    const t = i / samples;
    const u = 1 - t;
    return {
      x: u * u * u * a.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * b.x,
      y: u * u * u * a.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * b.y,
    };
  });
}

function socketEnds(
  nodes: ReadonlyMap<string, LayoutNode>,
  edge: LayoutEdge,
  at: ReadonlyMap<string, Position>,
): [Position, Position] | null {
  const from = nodes.get(edge.from.node);
  const to = nodes.get(edge.to.node);
  const p = at.get(edge.from.node);
  const q = at.get(edge.to.node);
  if (!from || !to || !p || !q) return null;
  return [
    { x: p.x + from.width, y: p.y + (from.outputs[edge.from.port] ?? from.height / 2) },
    { x: q.x, y: q.y + (to.inputs[edge.to.port] ?? to.height / 2) },
  ];
}

/** Crossings and total vertical travel of the wires drawn for these positions. */
export function scoreLayout(
  nodes: ReadonlyArray<LayoutNode>,
  edges: ReadonlyArray<LayoutEdge>,
  at: ReadonlyMap<string, Position>,
): { crossings: number; travel: number } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ends = edges.map((e) => socketEnds(byId, e, at)).filter((e): e is [Position, Position] => e !== null);
  return {
    crossings: countCrossings(ends.map(([a, b]) => wirePath(a, b))),
    travel: ends.reduce((sum, [a, b]) => sum + Math.abs(a.y - b.y), 0),
  };
}

function permutations<T>(items: ReadonlyArray<T>): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every combination of one order per layer (or null when there are more than `limit`). */
function allOrders(layers: ReadonlyArray<ReadonlyArray<string>>, limit: number): string[][][] | null {
  let combos: string[][][] = [[]];
  for (const layer of layers) {
    const perms = permutations(layer);
    if (combos.length * perms.length > limit) return null;
    combos = combos.flatMap((c) => perms.map((p) => [...c, p]));
  }
  return combos;
}

/** Barycentre sweeps: each node ordered by the mean position of its neighbours in the previous (then next) layer. */
function barycentreOrder(layers: ReadonlyArray<ReadonlyArray<string>>, edges: ReadonlyArray<LayoutEdge>): string[][] {
  const order = layers.map((l) => [...l]);
  const rank = new Map<string, number>();
  const remember = () => order.forEach((l) => l.forEach((id, i) => rank.set(id, i)));
  remember();
  const neighbours = (id: string, upstream: boolean) =>
    edges.filter((e) => (upstream ? e.to.node === id : e.from.node === id)).map((e) => rank.get(upstream ? e.from.node : e.to.node) ?? 0);
  for (let sweep = 0; sweep < 4; sweep++) {
    const upstream = sweep % 2 === 0;
    const indices = upstream
      ? order.map((_, i) => i).slice(1)
      : order
          .map((_, i) => i)
          .reverse()
          .slice(1);
    for (const li of indices) {
      const layer = order[li] ?? [];
      const key = (id: string) => {
        const n = neighbours(id, upstream);
        return n.length ? n.reduce((a, b) => a + b, 0) / n.length : (rank.get(id) ?? 0);
      };
      layer.sort((a, b) => key(a) - key(b));
      remember();
    }
  }
  return order;
}

/** Stacks each layer's nodes, centred on one middle line. */
function placeCentred(order: string[][], byId: Map<string, LayoutNode>, xs: number[], gap: number): Map<string, Position> {
  const at = new Map<string, Position>();
  order.forEach((layer, li) => {
    const total = layer.reduce((h, id) => h + (byId.get(id)?.height ?? 0), 0) + gap * Math.max(0, layer.length - 1);
    let y = -total / 2;
    for (const id of layer) {
      at.set(id, { x: xs[li] ?? 0, y });
      y += (byId.get(id)?.height ?? 0) + gap;
    }
  });
  return at;
}

/** Places each layer so its nodes' sockets line up with the wires coming in from the left (no overlaps). */
function placeAligned(
  order: string[][],
  byId: Map<string, LayoutNode>,
  edges: ReadonlyArray<LayoutEdge>,
  xs: number[],
  gap: number,
): Map<string, Position> {
  const at = placeCentred(order.slice(0, 1), byId, xs, gap);
  order.slice(1).forEach((layer, offset) => {
    const li = offset + 1;
    let floor = -Infinity;
    for (const id of layer) {
      const node = byId.get(id);
      if (!node) continue;
      const wants = edges
        .filter((e) => e.to.node === id && at.has(e.from.node))
        .map((e) => {
          const src = byId.get(e.from.node);
          const p = at.get(e.from.node) ?? { x: 0, y: 0 };
          return p.y + (src?.outputs[e.from.port] ?? 0) - (node.inputs[e.to.port] ?? 0);
        });
      const want = wants.length ? wants.reduce((a, b) => a + b, 0) / wants.length : 0;
      const y = Math.max(want, floor);
      at.set(id, { x: xs[li] ?? 0, y });
      floor = y + node.height + gap;
    }
  });
  return at;
}

/** Nodes without wires, in a grid of about as many columns as rows, starting at `origin`. */
function placeGrid(
  ids: ReadonlyArray<string>,
  byId: Map<string, LayoutNode>,
  origin: Position,
  gap: number,
  columnGap: number,
): Map<string, Position> {
  const at = new Map<string, Position>();
  const columns = Math.max(1, Math.ceil(Math.sqrt(ids.length * 1.5)));
  const width = Math.max(0, ...ids.map((id) => byId.get(id)?.width ?? 0));
  let y = origin.y;
  for (let start = 0; start < ids.length; start += columns) {
    const row = ids.slice(start, start + columns);
    row.forEach((id, col) => at.set(id, { x: origin.x + col * (width + columnGap), y }));
    y += Math.max(...row.map((id) => byId.get(id)?.height ?? 0)) + gap;
  }
  return at;
}

export function layeredLayout(nodes: ReadonlyArray<LayoutNode>, edges: ReadonlyArray<LayoutEdge>, options: LayoutOptions = {}): Layout {
  const { layerGap = 96, nodeGap = 48, maxOrders = 4000 } = options;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const wired = new Set(edges.flatMap((e) => (byId.has(e.from.node) && byId.has(e.to.node) ? [e.from.node, e.to.node] : [])));
  const flowNodes = nodes.filter((n) => wired.has(n.id));
  const loose = nodes.filter((n) => !wired.has(n.id)).map((n) => n.id);
  const usable = edges.filter((e) => wired.has(e.from.node) && wired.has(e.to.node));

  const layerOf = flowLayers(
    flowNodes.map((n) => ({ id: n.id, position: { x: 0, y: 0 } })),
    usable,
  );
  const layerCount = Math.max(0, ...layerOf.values()) + (flowNodes.length ? 1 : 0);
  const layers: string[][] = Array.from({ length: layerCount }, () => []);
  for (const n of flowNodes) layers[layerOf.get(n.id) ?? 0]?.push(n.id);
  const xs: number[] = [];
  let x = 0;
  for (const layer of layers) {
    xs.push(x);
    x += Math.max(0, ...layer.map((id) => byId.get(id)?.width ?? 0)) + layerGap;
  }

  const orders = allOrders(layers, maxOrders) ?? [barycentreOrder(layers, usable)];
  let best: { at: Map<string, Position>; crossings: number; travel: number } | null = null;
  for (const order of orders) {
    for (const at of [placeAligned(order, byId, usable, xs, nodeGap), placeCentred(order, byId, xs, nodeGap)]) {
      const score = scoreLayout(flowNodes, usable, at);
      if (!best || score.crossings < best.crossings || (score.crossings === best.crossings && score.travel < best.travel - 1e-6)) {
        best = { at, ...score };
      }
    }
  }
  const positions = best?.at ?? new Map<string, Position>();
  const bottom = Math.max(0, ...[...positions].map(([id, p]) => p.y + (byId.get(id)?.height ?? 0)));
  const top = Math.min(0, ...[...positions.values()].map((p) => p.y));
  const gridAt = placeGrid(loose, byId, { x: 0, y: positions.size ? bottom + nodeGap * 2 : top }, nodeGap, layerGap / 2);
  for (const [id, p] of gridAt) positions.set(id, p);
  return { positions, crossings: best?.crossings ?? 0 };
}
