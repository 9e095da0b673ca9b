import { describe, expect, test } from 'vitest';
import { applyChange, emptyGraph } from '../../src/core/changes';
import { emptyHistory, recordEdit, redoEdit, undoEdit, type History } from '../../src/core/history';
import type { GraphDoc } from '../../src/core/schema';

const named = (name: string): GraphDoc => applyChange(emptyGraph(), { type: 'rename', name });

describe('snapshot history', () => {
  test('undo and redo walk through the snapshots', () => {
    const [a, b, c] = [named('a'), named('b'), named('c')];
    let h = recordEdit(emptyHistory, a, { now: 0 });
    h = recordEdit(h, b, { now: 10_000 });
    let u = undoEdit(h, c);
    expect(u?.doc).toBe(b);
    u = undoEdit(u!.history, u!.doc);
    expect(u?.doc).toBe(a);
    expect(undoEdit(u!.history, u!.doc)).toBeNull();
    const r = redoEdit(u!.history, u!.doc);
    expect(r?.doc).toBe(b);
    expect(redoEdit(r!.history, r!.doc)?.doc).toBe(c);
  });

  test('a new edit clears the redo list', () => {
    const h = recordEdit(emptyHistory, named('a'), { now: 0 });
    const u = undoEdit(h, named('b'))!;
    expect(u.history.future.length).toBe(1);
    expect(recordEdit(u.history, u.doc, { now: 1 }).future).toEqual([]);
  });

  test.each<[string, { key1?: string; key2?: string; dt: number }, number]>([
    ['same key within the window: one step', { key1: 'k', key2: 'k', dt: 500 }, 1],
    ['same key after the window: two steps', { key1: 'k', key2: 'k', dt: 5000 }, 2],
    ['different keys: two steps', { key1: 'k', key2: 'j', dt: 10 }, 2],
    ['no key: two steps', { dt: 10 }, 2],
  ])('%s', (_name, { key1, key2, dt }, steps) => {
    let h: History = emptyHistory;
    h = recordEdit(h, named('a'), { now: 1000, ...(key1 ? { coalesce: key1 } : {}) });
    h = recordEdit(h, named('b'), { now: 1000 + dt, ...(key2 ? { coalesce: key2 } : {}) });
    expect(h.past.length).toBe(steps);
  });

  test('an undo ends coalescing', () => {
    let h = recordEdit(emptyHistory, named('a'), { now: 0, coalesce: 'k' });
    h = undoEdit(h, named('b'))!.history;
    h = recordEdit(h, named('a'), { now: 1, coalesce: 'k' });
    expect(h.past.length).toBe(1);
  });

  test('the history keeps at most `limit` steps', () => {
    let h: History = emptyHistory;
    for (let i = 0; i < 20; i++) h = recordEdit(h, named(`n${i}`), { now: i * 10_000, limit: 5 });
    expect(h.past.length).toBe(5);
    expect(h.past[0]?.name).toBe('n15');
  });
});
