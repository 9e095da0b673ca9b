/** Where to put a new node so it does not land on top of another one. */
import type { Position } from '../core/changes';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlaps(a: Rect, b: Rect, gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/**
 * The free spot nearest to `desired` (searched ring by ring on a `step` grid)
 * for a node of `size`. Falls back to `desired` if the area is crowded.
 */
export function findFreeSpot(
  rects: ReadonlyArray<Rect>,
  desired: Position,
  size: { width: number; height: number },
  options: { gap?: number; step?: number; rings?: number } = {},
): Position {
  const { gap = 24, step = 40, rings = 30 } = options;
  const fits = (p: Position) => !rects.some((r) => overlaps({ ...p, ...size }, r, gap));
  if (fits(desired)) return desired;
  for (let ring = 1; ring <= rings; ring++) {
    const candidates: Position[] = [];
    for (let i = -ring; i <= ring; i++) {
      candidates.push({ x: desired.x + i * step, y: desired.y + ring * step });
      candidates.push({ x: desired.x + i * step, y: desired.y - ring * step });
      candidates.push({ x: desired.x + ring * step, y: desired.y + i * step });
      candidates.push({ x: desired.x - ring * step, y: desired.y + i * step });
    }
    const free = candidates.filter(fits);
    if (free.length > 0) {
      free.sort((a, b) => Math.hypot(a.x - desired.x, a.y - desired.y) - Math.hypot(b.x - desired.x, b.y - desired.y));
      return free[0] as Position;
    }
  }
  return desired;
}

/** The top-left corner of the box around some positions. */
export function topLeft(positions: ReadonlyArray<Position>): Position {
  if (positions.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...positions.map((p) => p.x)), y: Math.min(...positions.map((p) => p.y)) };
}

export interface PlacedRect extends Rect {
  id: string;
}

/**
 * Moves nodes down, just enough that none overlaps another, keeping the
 * layout's columns and order (top to bottom, left to right). Used when a graph
 * is opened whose positions were made for smaller nodes. Returns only the
 * nodes that moved.
 */
export function spreadOut(rects: ReadonlyArray<PlacedRect>, gap = 24): Array<{ id: string; position: Position }> {
  const order = [...rects].sort((a, b) => a.y - b.y || a.x - b.x);
  const placed: PlacedRect[] = [];
  const moved: Array<{ id: string; position: Position }> = [];
  for (const r of order) {
    const cur = { ...r };
    for (let guard = 0; guard < rects.length + 1; guard++) {
      const hit = placed.find((p) => overlaps(cur, p, gap - 1));
      if (!hit) break;
      cur.y = hit.y + hit.height + gap;
    }
    placed.push(cur);
    if (cur.y !== r.y) moved.push({ id: r.id, position: { x: cur.x, y: cur.y } });
  }
  return moved;
}
