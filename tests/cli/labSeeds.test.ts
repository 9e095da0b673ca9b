/** The lab's seed table: which seeds and β values a run compares, and refusals that name the flag. */
import { describe, expect, test } from 'vitest';
import { parseBetas, parseSeeds } from '../../src/cli/labSeeds';

describe('lab --seeds / --betas', () => {
  test('a range or a list of seeds', () => {
    expect(parseSeeds('10-13')).toEqual([10, 11, 12, 13]);
    expect(parseSeeds('3,5,8')).toEqual([3, 5, 8]);
    expect(parseSeeds('x')).toMatch(/--seeds must be a range like 10-19/);
    expect(parseSeeds('0-200')).toMatch(/at most 100 seeds/);
  });

  test('at least two β values', () => {
    expect(parseBetas('1,4')).toEqual([1, 4]);
    expect(parseBetas('4')).toMatch(/--betas must list at least two/);
    expect(parseBetas('1,-2')).toMatch(/--betas/);
  });
});
