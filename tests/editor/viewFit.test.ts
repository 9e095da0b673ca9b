/** Fitting a graph without shrinking its text, and keeping lesson nodes out from under the card. */
import { describe, expect, test } from 'vitest';
import { fitTransform, freeAreas, revealTransform, type Box, type Transform } from '../../src/editor/viewFit';

const onScreen = (b: Box, t: Transform): Box => ({ x: b.x * t.k + t.x, y: b.y * t.k + t.y, width: b.width * t.k, height: b.height * t.k });
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('fitTransform', () => {
  test('a small graph is centred at 100 %, not blown up', () => {
    const t = fitTransform({ x: 0, y: 0, width: 200, height: 100 }, { width: 1000, height: 600 }, 0.5);
    expect(t.k).toBe(1);
    expect(onScreen({ x: 0, y: 0, width: 200, height: 100 }, t)).toEqual({ x: 400, y: 250, width: 200, height: 100 });
  });

  test('a big graph is shrunk to fit while that keeps text readable', () => {
    const box = { x: 100, y: 50, width: 1600, height: 600 };
    const t = fitTransform(box, { width: 1000, height: 600 }, 0.5);
    expect(t.k).toBeCloseTo((1000 - 48) / 1600, 6);
    const s = onScreen(box, t);
    expect(s.x).toBeCloseTo(24, 6);
    expect(s.x + s.width).toBeCloseTo(976, 6);
  });

  test('never below the readable zoom: the graph is shown from its start, to be panned', () => {
    const box = { x: -300, y: 0, width: 1700, height: 500 };
    const t = fitTransform(box, { width: 1000, height: 600 }, 1);
    expect(t.k).toBe(1);
    const s = onScreen(box, t);
    expect(s.x).toBe(24);
    expect(s.y).toBe(50);
  });

  test('a readable zoom above 100 % (presenter mode) is honoured', () => {
    expect(fitTransform({ x: 0, y: 0, width: 100, height: 100 }, { width: 1000, height: 600 }, 1.4).k).toBe(1.4);
  });
});

describe('revealTransform', () => {
  const viewport = { width: 1000, height: 700 };
  const card = { x: 620, y: 12, width: 368, height: 420 };

  test('nodes already clear of the card: the view does not move', () => {
    const current = { x: 0, y: 0, k: 1 };
    expect(revealTransform({ x: 50, y: 50, width: 300, height: 200 }, current, viewport, card)).toBe(current);
  });

  test('nodes under the card are panned into a free area', () => {
    const box = { x: 600, y: 100, width: 500, height: 200 };
    const t = revealTransform(box, { x: 0, y: 0, k: 1 }, viewport, card);
    expect(t.k).toBe(1);
    const s = onScreen(box, t);
    expect(overlaps(s, card)).toBe(false);
    expect(s.x).toBeGreaterThanOrEqual(0);
    expect(s.y + s.height).toBeLessThanOrEqual(viewport.height);
  });

  test('nodes far apart: zoomed out just enough, in the free area that needs the least', () => {
    const box = { x: 0, y: 0, width: 1400, height: 250 };
    const t = revealTransform(box, { x: 0, y: 0, k: 1 }, viewport, card);
    // the strip below the card is the widest: 952 px for 1400 canvas px
    expect(t.k).toBeCloseTo(952 / 1400, 6);
    const s = onScreen(box, t);
    expect(overlaps(s, card)).toBe(false);
  });

  test('without a card, the whole viewport is free', () => {
    expect(freeAreas(viewport, null)).toEqual([{ x: 0, y: 0, ...viewport }]);
    expect(freeAreas(viewport, card).length).toBeGreaterThan(1);
  });
});
