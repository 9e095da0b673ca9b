/** View arithmetic for the canvas: fitting a graph without shrinking its text, and bringing nodes out from under a card. */

/** A rectangle: in canvas units for nodes, in screen pixels (relative to the canvas) for viewports. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The canvas transform: screen = canvas × k + (x, y). */
export interface Transform {
  x: number;
  y: number;
  k: number;
}

/** Screen margin kept around a fitted graph. */
const MARGIN = 24;

export function boundingBox(boxes: ReadonlyArray<Box>): Box | null {
  if (boxes.length === 0) return null;
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Places `box` (canvas units, at zoom k) in `area` (screen): centred on each axis where it fits, else from its start. */
function placeIn(box: Box, area: Box, k: number): Transform {
  const w = box.width * k;
  const h = box.height * k;
  const x = w <= area.width - 2 * MARGIN ? area.x + (area.width - w) / 2 : area.x + MARGIN;
  const y = h <= area.height - 2 * MARGIN ? area.y + (area.height - h) / 2 : area.y + MARGIN;
  return { x: x - box.x * k, y: y - box.y * k, k };
}

/** The zoom at which `box` fills `area` with margins. */
function fillZoom(box: Box, area: Box): number {
  const kx = (area.width - 2 * MARGIN) / Math.max(1, box.width);
  const ky = (area.height - 2 * MARGIN) / Math.max(1, box.height);
  return Math.max(0.01, Math.min(kx, ky));
}

/**
 * The view that shows `box` in a viewport of `width`×`height` as large as it
 * fits, but never above 100 % (unless `minK` asks for more) and never below
 * `minK`, the zoom at which node text is still readable. A graph too big for
 * that is shown from its start (left, where the data comes in), to be panned.
 */
export function fitTransform(box: Box, viewport: { width: number; height: number }, minK: number): Transform {
  const area = { x: 0, y: 0, ...viewport };
  const k = Math.max(minK, Math.min(fillZoom(box, area), Math.max(1, minK)));
  return placeIn(box, area, k);
}

function contains(outer: Box, inner: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

function onScreen(box: Box, t: Transform): Box {
  return { x: box.x * t.k + t.x, y: box.y * t.k + t.y, width: box.width * t.k, height: box.height * t.k };
}

/**
 * The free parts of the viewport beside a card that covers part of it: the
 * strip left of it, the strip below it, and the strip right of it.
 */
export function freeAreas(viewport: { width: number; height: number }, card: Box | null): Box[] {
  const all = { x: 0, y: 0, ...viewport };
  if (!card) return [all];
  const gap = 8;
  const areas: Box[] = [
    { x: 0, y: 0, width: card.x - gap, height: viewport.height },
    { x: 0, y: card.y + card.height + gap, width: viewport.width, height: viewport.height - card.y - card.height - gap },
    { x: card.x + card.width + gap, y: 0, width: viewport.width - card.x - card.width - gap, height: viewport.height },
    { x: 0, y: 0, width: viewport.width, height: card.y - gap },
  ];
  return areas.filter((a) => a.width > 2 * MARGIN && a.height > 2 * MARGIN);
}

/**
 * The view that keeps `box` (the nodes a lesson step is about) in sight and
 * out from under `card`: unchanged if it already is; else panned into the
 * free area where it fits at the highest zoom (the current one when it fits
 * there; zoomed out only as far as nodes far apart need).
 */
export function revealTransform(box: Box, current: Transform, viewport: { width: number; height: number }, card: Box | null): Transform {
  const areas = freeAreas(viewport, card);
  if (areas.some((a) => contains(a, onScreen(box, current)))) return current;
  let best: Transform | null = null;
  for (const area of areas) {
    // at the current zoom if the nodes fit there, else zoomed out just enough
    const k = Math.min(current.k, fillZoom(box, area));
    if (!best || k > best.k + 1e-9) best = placeIn(box, area, k);
  }
  return best ?? current;
}
