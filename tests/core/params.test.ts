import { describe, expect, test } from 'vitest';
import { nodeRegistry } from '../../nodes';
import { checkParam, fieldMatches, formatIntList, parseIntList, parseNumber, visibleControls } from '../../src/core/params';
import type { AnyNodeSpec } from '../../src/core/nodeSpec';

function spec(type: string): AnyNodeSpec {
  const s = nodeRegistry.get(type);
  if (!s) throw new Error(type);
  return s;
}

const encoderParams = { architecture: 'mlp', filters: [32, 64], kernelSize: 4, hidden: [400], activation: 'relu', latentDim: 20 };

describe('checkParam', () => {
  test.each([
    ['latentDim', 2, true],
    ['latentDim', 0, false],
    ['latentDim', 2.5, false],
    ['latentDim', 513, false],
    ['hidden', [512, 256], true],
    ['hidden', [0], false],
    ['architecture', 'conv', true],
    ['architecture', 'transformer', false],
    ['nonsense', 1, false],
  ])('Encoder %s = %j → ok %s', (key, value, ok) => {
    const r = checkParam(spec('Encoder'), encoderParams, key, value);
    expect(r.ok).toBe(ok);
  });

  test('the refusal names the control and the value', () => {
    const r = checkParam(spec('Encoder'), encoderParams, 'latentDim', 0);
    expect(r).toEqual({ ok: false, message: 'latent dim must be ≥ 1, got 0' });
  });

  test('an unknown setting is named', () => {
    const r = checkParam(spec('KL'), { freeBits: 0 }, 'beta', 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("no setting 'beta'");
  });

  test('a problem in another field does not block this one', () => {
    const r = checkParam(spec('Encoder'), { ...encoderParams, hidden: [-1] }, 'latentDim', 3);
    expect(r.ok).toBe(true);
  });
});

describe('typed values', () => {
  test.each([
    ['0.5', {}, 0.5],
    [' 1e-3 ', {}, 0.001],
    ['12', { integer: true }, 12],
  ])('parseNumber(%j) = %s', (text, control, value) => {
    expect(parseNumber(text, control)).toEqual({ ok: true, value });
  });

  test.each([
    ['', 'enter a number'],
    ['abc', "'abc' is not a number"],
    ['1.5', 'must be a whole number, got 1.5'],
  ])('parseNumber(%j) refuses: %s', (text, message) => {
    expect(parseNumber(text, { integer: true })).toEqual({ ok: false, message });
  });

  const list = { min: 1, max: 4096, maxItems: 3 };
  test.each([
    ['512, 256', [512, 256]],
    ['512 256', [512, 256]],
    ['', []],
    ['400', [400]],
  ])('parseIntList(%j) = %j', (text, value) => {
    expect(parseIntList(text, list)).toEqual({ ok: true, value });
  });

  test.each([
    ['1, 2, 3, 4', 'at most 3 numbers, got 4'],
    ['12, x', "'x' is not a whole number"],
    ['0', '0 is outside 1..4096'],
    ['2.5', "'2.5' is not a whole number"],
  ])('parseIntList(%j) refuses: %s', (text, message) => {
    expect(parseIntList(text, list)).toEqual({ ok: false, message });
  });

  test('formatIntList', () => {
    expect(formatIntList([512, 256])).toBe('512, 256');
    expect(formatIntList('x')).toBe('');
  });
});

describe('controls and fields', () => {
  test('showIf hides conv settings on an MLP encoder', () => {
    const keys = (p: Record<string, unknown>) => visibleControls(spec('Encoder'), p).map((c) => c.key);
    expect(keys(encoderParams)).toEqual(['architecture', 'hidden', 'activation', 'latentDim']);
    expect(keys({ ...encoderParams, architecture: 'conv' })).toEqual([
      'architecture',
      'filters',
      'kernelSize',
      'hidden',
      'activation',
      'latentDim',
    ]);
  });

  test.each([
    ['hidden', 'hidden', true],
    ['hidden[1]', 'hidden', true],
    ['hiddenX', 'hidden', false],
    [undefined, 'hidden', false],
  ])('fieldMatches(%s, %s) = %s', (field, key, ok) => {
    expect(fieldMatches(field, key)).toBe(ok);
  });
});
