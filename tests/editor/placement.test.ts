import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { extractFragment } from '../../src/core/changes';
import { fragmentToText, textToFragment } from '../../src/editor/clipboard';
import { findFreeSpot, topLeft, type Rect } from '../../src/editor/placement';
import { galleryGraph } from '../../src/graphs';

const size = { width: 260, height: 180 };

describe('findFreeSpot', () => {
  test('an empty canvas takes the desired spot', () => {
    expect(findFreeSpot([], { x: 10, y: 20 }, size)).toEqual({ x: 10, y: 20 });
  });

  test('never lands on an existing node', () => {
    const rects: Rect[] = [];
    for (let i = 0; i < 12; i++) {
      const p = findFreeSpot(rects, { x: 0, y: 0 }, size);
      for (const r of rects) {
        const apart = p.x >= r.x + r.width || r.x >= p.x + size.width || p.y >= r.y + r.height || r.y >= p.y + size.height;
        expect(apart).toBe(true);
      }
      rects.push({ ...p, ...size });
    }
  });

  test('stays close to where it was asked', () => {
    const p = findFreeSpot([{ x: 0, y: 0, ...size }], { x: 0, y: 0 }, size);
    expect(Math.hypot(p.x, p.y)).toBeLessThan(400);
  });

  test('topLeft', () => {
    expect(
      topLeft([
        { x: 5, y: 9 },
        { x: -3, y: 12 },
      ]),
    ).toEqual({ x: -3, y: 9 });
    expect(topLeft([])).toEqual({ x: 0, y: 0 });
  });
});

describe('clipboard text', () => {
  test('copied nodes round-trip through the graph JSON text', () => {
    const fragment = extractFragment(galleryGraph('vae'), ['encoder', 'reparam']);
    const text = fragmentToText(fragment);
    expect(JSON.parse(text)).toMatchObject({ format: 'bottleneck-graph', name: '2 copied nodes' });
    const back = textToFragment(text, specRegistry);
    expect(back).toEqual({ ok: true, fragment });
  });

  test('a whole graph file can be pasted', () => {
    const r = textToFragment(JSON.stringify(galleryGraph('vae')), specRegistry);
    expect(r.ok && r.fragment.nodes.length).toBe(7);
  });

  test.each([
    ['', 'the clipboard is empty'],
    ['hello', 'the clipboard does not hold a Bottleneck graph: this is not valid JSON'],
    ['{"format":"other"}', 'the clipboard does not hold a Bottleneck graph: this is not a Bottleneck graph'],
  ])('%j is refused with a reason', (text, reason) => {
    const r = textToFragment(text, specRegistry);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.startsWith(reason)).toBe(true);
  });
});

describe('palette search', async () => {
  const { groupByCategory, nodeSpecs, searchSpecs } = await import('../../src/editor/palette');
  test('groups every node kind under data, model, loss', () => {
    const groups = groupByCategory(nodeSpecs);
    expect(groups.map((g) => g.category)).toEqual(['data', 'model', 'loss']);
    expect(groups.flatMap((g) => g.specs).length).toBe(nodeSpecs.length);
  });
  test.each([
    ['enc', 'Encoder'],
    ['decoder', 'Decoder'],
    ['kl', 'KL'],
    ['recon', 'ReconstructionLoss'],
    ['beta', 'Beta'],
    ['reparam', 'Reparameterize'],
    ['loss', 'Loss'],
  ])('"%s" finds %s first', (q, type) => {
    expect(searchSpecs(nodeSpecs, q)[0]?.type).toBe(type);
  });
  test('no match gives nothing; empty query gives all', () => {
    expect(searchSpecs(nodeSpecs, 'transformer')).toEqual([]);
    expect(searchSpecs(nodeSpecs, '  ').length).toBe(nodeSpecs.length);
  });
});

describe('spreadOut', async () => {
  const { spreadOut } = await import('../../src/editor/placement');
  const box = (id: string, x: number, y: number, height = 100) => ({ id, x, y, width: 200, height });

  test('nodes that do not overlap stay put', () => {
    expect(spreadOut([box('a', 0, 0), box('b', 300, 0), box('c', 0, 200)])).toEqual([]);
  });

  test('a node under a taller one moves just below it', () => {
    expect(spreadOut([box('dec', 880, 60, 276), box('kl', 880, 300)])).toEqual([{ id: 'kl', position: { x: 880, y: 360 } }]);
  });

  test('moves cascade down a column and never leave overlaps', () => {
    const rects = [box('a', 0, 0, 300), box('b', 50, 100), box('c', 0, 150), box('d', 400, 0)];
    const moved = new Map(spreadOut(rects).map((m) => [m.id, m.position]));
    const final = rects.map((r) => ({ ...r, ...(moved.get(r.id) ?? {}) }));
    for (const a of final)
      for (const b of final) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart).toBe(true);
      }
    expect(moved.has('d')).toBe(false);
  });
});

describe('estimateNodeSize', async () => {
  const { estimateNodeSize, nodeSpecs } = await import('../../src/editor/palette');
  test('grows with ports and visible controls', () => {
    const size = (type: string) => estimateNodeSize(nodeSpecs.find((s) => s.type === type)!).height;
    expect(size('Encoder')).toBeGreaterThan(size('Reparameterize'));
    expect(size('Loss')).toBeLessThan(size('Dataset'));
  });
});
