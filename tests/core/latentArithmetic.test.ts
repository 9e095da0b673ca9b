// Latent arithmetic, pure: parsing a vector spec, the two groups, their mean codes, the difference and z + α·v.
import { describe, expect, test } from 'vitest';
import {
  applyVector,
  attributeVector,
  firstMembers,
  groupMean,
  groupsOf,
  parseVectorSpec,
  type ImageAttributes,
} from '../../src/core/latentArithmetic';

const attributes: ImageAttributes = {
  labels: [7, 1, 7, 3, 1],
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  factors: {
    names: ['glasses', 'smile'],
    sizes: [2, 3],
    values: [
      ['no', 'yes'],
      ['frown', 'straight', 'smile'],
    ],
    levels: [1, 0, 0, 2, 1, 1, 0, 0, 0, 2],
  },
};

describe('latent arithmetic', () => {
  test.each([
    ['label=7-1', { by: 'label', to: 7, from: 1 }],
    ['glasses', { by: 'factor', factor: 'glasses' }],
    ['factor=glasses', { by: 'factor', factor: 'glasses' }],
    ['factor=smile:2-0', { by: 'factor', factor: 'smile', to: 2, from: 0 }],
    ['picked=3,8,12-0,5', { by: 'picked', to: [3, 8, 12], from: [0, 5] }],
  ])('reads %s', (text, spec) => {
    expect(parseVectorSpec(text)).toEqual({ ok: true, value: spec });
  });

  test.each([
    ['label=7', /expects label=A-B/],
    ['label=3-3', /must differ/],
    ['factor=smile:1-1', /must differ/],
    ['7-1', /expects label=A-B/],
  ])('refuses %s, naming the flag', (text, message) => {
    const r = parseVectorSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
    if (!r.ok) expect(r.message).toMatch(/--vector/);
  });

  test('groups images by label or by factor level (last level minus first by default)', () => {
    const byLabel = groupsOf({ by: 'label', to: 7, from: 1 }, attributes);
    expect(byLabel.ok && [0, 1, 2, 3, 4].filter(byLabel.value.to)).toEqual([0, 2]);
    expect(byLabel.ok && [0, 1, 2, 3, 4].filter(byLabel.value.from)).toEqual([1, 4]);
    const glasses = groupsOf({ by: 'factor', factor: 'glasses' }, attributes);
    expect(glasses.ok && [0, 1, 2, 3, 4].filter(glasses.value.to)).toEqual([0, 2]);
    expect(glasses.ok && glasses.value.toName).toBe('glasses = yes');
    const smile = groupsOf({ by: 'factor', factor: 'smile', to: 2, from: 0 }, attributes);
    expect(smile.ok && [0, 1, 2, 3, 4].filter(smile.value.to)).toEqual([1, 4]);
    expect(groupsOf({ by: 'factor', factor: 'hat' }, attributes)).toMatchObject({
      ok: false,
      message: /no factor 'hat' \(factors: glasses, smile\)/,
    });
    expect(groupsOf({ by: 'label', to: 12, from: 1 }, attributes)).toMatchObject({ ok: false, message: /label 12 does not exist/ });
    // hand-picked: any images, as long as both groups have some, exist, and do not overlap
    const picked = groupsOf({ by: 'picked', to: [3], from: [0, 4] }, attributes);
    expect(picked.ok && [0, 1, 2, 3, 4].filter(picked.value.to)).toEqual([3]);
    expect(picked.ok && [0, 1, 2, 3, 4].filter(picked.value.from)).toEqual([0, 4]);
    expect(picked.ok && [picked.value.toName, picked.value.fromName]).toEqual(['group A (1 picked image)', 'group B (2 picked images)']);
    expect(groupsOf({ by: 'picked', to: [], from: [1] }, attributes)).toMatchObject({ ok: false, message: /at least one image for each/ });
    expect(groupsOf({ by: 'picked', to: [9], from: [1] }, attributes)).toMatchObject({
      ok: false,
      message: /no test image 9 \(the test set has 5\)/,
    });
    expect(groupsOf({ by: 'picked', to: [2, 1], from: [1] }, attributes)).toMatchObject({
      ok: false,
      message: /test image 1 is in both groups/,
    });
    expect(groupsOf({ by: 'factor', factor: 'glasses' }, { labels: [], classNames: [] })).toMatchObject({
      ok: false,
      message: /no known factors/,
    });
  });

  test('the vector is the difference of the group means; z + α·v along the row', () => {
    // 2-D codes of five images
    const codes = Float32Array.from([1, 2, 3, 4, 10, 0, -1, -1, 5, 6]);
    expect([...groupMean(codes, 2, (i) => i === 0 || i === 2).mean]).toEqual([5.5, 1]);
    const groups = groupsOf({ by: 'label', to: 7, from: 1 }, attributes);
    if (!groups.ok) throw new Error(groups.message);
    const v = attributeVector(codes, 2, groups.value);
    if (!v.ok) throw new Error(v.message);
    // mean of 7s (images 0, 2) = (5.5, 1); of 1s (images 1, 4) = (4, 5)
    expect([...v.value.vector]).toEqual([1.5, -4]);
    expect(v.value.norm).toBeCloseTo(Math.hypot(1.5, 4), 6);
    expect([v.value.toCount, v.value.fromCount]).toEqual([2, 2]);
    expect([...applyVector([3, 4], v.value.vector, [-1, 0, 2])]).toEqual([1.5, 8, 3, 4, 6, -4]);
    expect(() => applyVector([1, 2, 3], v.value.vector, [1])).toThrow(/3 dimensions, the vector 2/);
    const empty = attributeVector(codes, 2, { ...groups.value, to: () => false });
    expect(empty).toMatchObject({ ok: false, message: /no images with label 7/ });
    expect(firstMembers(5, groups.value.from, 1)).toEqual([1]);
  });
});

describe('npm run latent options', () => {
  test('are checked by a schema, and errors name the flag', async () => {
    const { parseLatentArgs } = await import('../../src/cli/latentArgs');
    const ok = parseLatentArgs(['graphs/vae.json', '--vector', 'glasses', '--alphas', '-1,0,2', '--dataset', 'faces']);
    expect(ok).toMatchObject({ ok: true, args: { vector: { text: 'glasses' }, alphas: [-1, 0, 2], dataset: 'faces', rows: 8 } });
    expect(parseLatentArgs(['graphs/vae.json'])).toMatchObject({ ok: false, message: /--vector is required/ });
    expect(parseLatentArgs(['g.json', '--vector', 'label=7-1', '--alphas', '1,x'])).toMatchObject({
      ok: false,
      message: /--alphas expects/,
    });
    expect(parseLatentArgs(['g.json', '--vector', 'label=7-1', '--dataset', 'cifar'])).toMatchObject({
      ok: false,
      message: /--dataset must be one of/,
    });
    expect(parseLatentArgs(['g.json', '--vector', 'label=7-1', '--rows', '0'])).toMatchObject({
      ok: false,
      message: /--rows must be at least 1/,
    });
  });
});
