import { describe, expect, test } from 'vitest';
import {
  copyName,
  decideIncoming,
  decideSave,
  zLibraryMessage,
  type LibraryMessage,
  type OpenGraphState,
} from '../../src/storage/revisions';

describe('decideSave', () => {
  test.each<[number, number | undefined, ReturnType<typeof decideSave>]>([
    [0, undefined, { kind: 'write', revision: 1 }],
    [3, 3, { kind: 'write', revision: 4 }],
    [3, undefined, { kind: 'write', revision: 4 }],
    [3, 4, { kind: 'conflict', theirs: 4 }],
    [0, 1, { kind: 'conflict', theirs: 1 }],
  ])('base %s, stored %s', (base, stored, expected) => {
    expect(decideSave(base, stored)).toEqual(expected);
  });

  test('two tabs from the same revision: the second one is stopped', () => {
    let stored: number | undefined = 5;
    const a = decideSave(5, stored);
    expect(a.kind).toBe('write');
    if (a.kind === 'write') stored = a.revision;
    expect(decideSave(5, stored)).toEqual({ kind: 'conflict', theirs: 6 });
  });
});

describe('decideIncoming', () => {
  const open: OpenGraphState = { tab: 'me', id: 'g1', baseRevision: 4, dirty: false };
  test.each<[string, Partial<OpenGraphState>, LibraryMessage, ReturnType<typeof decideIncoming>]>([
    ['our own save', {}, { kind: 'saved', id: 'g1', revision: 5, tab: 'me' }, 'ignore'],
    ['another graph', {}, { kind: 'saved', id: 'g2', revision: 9, tab: 'other' }, 'refresh'],
    ['an older revision', {}, { kind: 'saved', id: 'g1', revision: 4, tab: 'other' }, 'ignore'],
    ['newer, nothing unsaved here', {}, { kind: 'saved', id: 'g1', revision: 5, tab: 'other' }, 'reload'],
    ['newer, unsaved edits here', { dirty: true }, { kind: 'saved', id: 'g1', revision: 5, tab: 'other' }, 'conflict'],
    ['deleted elsewhere', {}, { kind: 'deleted', id: 'g1', tab: 'other' }, 'orphaned'],
    ['another graph deleted', {}, { kind: 'deleted', id: 'g3', tab: 'other' }, 'refresh'],
  ])('%s', (_name, patch, message, expected) => {
    expect(decideIncoming({ ...open, ...patch }, message)).toBe(expected);
  });

  test('messages from other tabs are validated', () => {
    expect(zLibraryMessage.safeParse({ kind: 'saved', id: 'g', revision: 1, tab: 't' }).success).toBe(true);
    expect(zLibraryMessage.safeParse({ kind: 'saved', id: 'g', revision: -1, tab: 't' }).success).toBe(false);
    expect(zLibraryMessage.safeParse({ kind: 'wipe' }).success).toBe(false);
  });
});

describe('copyName', () => {
  test.each([
    ['VAE', [], 'VAE (copy)'],
    ['VAE', ['VAE (copy)'], 'VAE (copy 2)'],
    ['VAE (copy)', ['VAE (copy)'], 'VAE (copy 2)'],
    ['VAE (copy 2)', ['VAE (copy)', 'VAE (copy 2)'], 'VAE (copy 3)'],
  ])('%s with %j → %s', (name, taken, expected) => {
    expect(copyName(name, taken)).toBe(expected);
  });
});
