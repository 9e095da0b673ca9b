/**
 * The Python that exported scripts for shapes graphs carry draws the very
 * same dataset as the browser, byte for byte (both splits, pixels and factor
 * levels), and its MIG gives the browser's numbers. Runs the block from the
 * exported scripts with plain python3 (standard library only: no numpy,
 * torch or keras needed).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Rng } from '../../src/core/random';
import { projectRoot } from '../../src/data/loadNode';
import { generateShapesDataset, SHAPES_TEST_COUNT, shapesFactorSizes } from '../../src/data/shapes';
import { exportCode, exportTargets } from '../../src/export/code';
import { shapesPython } from '../../src/export/shapesPython';
import { mutualInformationGap, type FactorLevels, type LatentCodes, type MigResult } from '../../src/metrics/disentanglement';
import { run } from './pythonEnv';
import { savedGraphs } from './variants';

interface SplitDigest {
  count: number;
  pixels: string;
  factors: string;
}

interface PythonMig {
  mig: number;
  per_factor: Array<{ factor: number; gap: number; entropy: number; best: number; second: number | null }>;
  mutual_information: number[][];
}

interface ParityOutput {
  test: SplitDigest;
  train: SplitDigest;
  seconds: number;
  mig: PythonMig[];
}

interface MigCase {
  latents: LatentCodes;
  factors: FactorLevels;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bottleneck-shapes-py-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Codes built from factor levels: each listed factor scaled into one dimension, plus Gaussian noise. */
function codesFrom(
  factors: FactorLevels,
  rng: Rng,
  columns: ReadonlyArray<ReadonlyArray<[factor: number, weight: number]>>,
  noise: number,
): LatentCodes {
  const k = factors.sizes.length;
  const dims = columns.length;
  const values = new Float32Array(factors.count * dims);
  for (let i = 0; i < factors.count; i++) {
    columns.forEach((terms, j) => {
      const signal = terms.reduce((s, [f, w]) => s + w * (factors.values[i * k + f] as number), 0);
      values[i * dims + j] = signal + noise * rng.normal();
    });
  }
  return { values, count: factors.count, dims };
}

function randomFactors(rng: Rng, count: number, sizes: number[]): FactorLevels {
  const values = new Uint8Array(count * sizes.length);
  for (let i = 0; i < count; i++) sizes.forEach((s, f) => (values[i * sizes.length + f] = rng.int(s)));
  return { values, count, sizes };
}

function migCases(): MigCase[] {
  const rng = new Rng(7);
  // three factors and one that never changes (MIG skips it); a pure, a weak, a mixed, a constant and a noise dimension
  const synthetic = randomFactors(rng, 400, [3, 5, 4, 1]);
  const mixed = codesFrom(
    synthetic,
    rng,
    [
      [[0, 1]],
      [[1, 0.5]],
      [
        [0, 0.7],
        [2, 1],
      ],
      [],
      [],
    ],
    0.3,
  );
  for (let i = 0; i < mixed.count; i++) mixed.values[i * mixed.dims + 3] = 0.25;
  // two identical dimensions: the tie goes to the lower index, and the gap is 0
  const tied = randomFactors(rng, 200, [4, 2]);
  const twins = codesFrom(tied, rng, [[[0, 1]], [[0, 1]], [[1, 1]]], 0);
  // a single dimension: no runner-up
  const single = codesFrom(tied, rng, [[[1, 2]]], 0.1);
  // the real test split's factors, with codes that hold x and y and a blend of the rest
  const data = generateShapesDataset();
  const n = 600;
  const shapes: FactorLevels = {
    values: data.factors?.test.subarray(0, n * 5) ?? new Uint8Array(),
    count: n,
    sizes: [...shapesFactorSizes],
  };
  const codes = codesFrom(
    shapes,
    rng,
    [
      [[3, 0.2]],
      [[4, 0.2]],
      [
        [1, 0.3],
        [2, 0.1],
      ],
      [[0, 1]],
      [],
      [[1, 0.5]],
    ],
    0.05,
  );
  return [
    { latents: mixed, factors: synthetic },
    { latents: twins, factors: tied },
    { latents: single, factors: tied },
    { latents: codes, factors: shapes },
  ];
}

const rows = <T extends ArrayLike<number>>(values: T, width: number): number[][] =>
  Array.from({ length: values.length / width }, (_, i) => Array.from({ length: width }, (_, j) => values[i * width + j] as number));

function expectSameMig(py: PythonMig | undefined, ts: MigResult, what: string): void {
  expect(py, what).toBeDefined();
  if (!py) return;
  expect(Math.abs(py.mig - ts.mig), `${what}: MIG ${py.mig} vs ${ts.mig}`).toBeLessThanOrEqual(1e-9);
  expect(
    py.per_factor.map((g) => [g.factor, g.best, g.second]),
    what,
  ).toEqual(ts.perFactor.map((g) => [g.factor, g.best, g.second ?? null]));
  py.per_factor.forEach((g, i) => {
    expect(Math.abs(g.gap - (ts.perFactor[i]?.gap ?? NaN)), `${what}: gap of factor ${g.factor}`).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(g.entropy - (ts.perFactor[i]?.entropy ?? NaN)), `${what}: entropy of factor ${g.factor}`).toBeLessThanOrEqual(1e-9);
  });
  const flatPy = py.mutual_information.flat();
  const flatTs = ts.mutualInformation.flat();
  expect(flatPy.length).toBe(flatTs.length);
  flatPy.forEach((v, i) => expect(Math.abs(v - (flatTs[i] as number)), `${what}: I(z; v) #${i}`).toBeLessThanOrEqual(1e-9));
}

describe('the shapes and MIG code in exported scripts', () => {
  test('both scripts carry the same block, and it draws the browser dataset byte for byte and scores MIG as the browser does', () => {
    const graph = savedGraphs().find((g) => g.doc.nodes.some((n) => n.type === 'Dataset' && n.params.dataset === 'shapes'));
    if (!graph) throw new Error('graphs/ has no shapes graph');
    const block = shapesPython().join('\n');
    for (const target of exportTargets) {
      const r = exportCode(graph.doc, target);
      if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
      expect(r.code).toContain(`\n${block}\n`);
    }
    const blockFile = join(dir, 'shapes_block.py');
    writeFileSync(blockFile, `import math\n\n\n${block}\n`);
    const cases = migCases();
    const input = join(dir, 'input.json');
    writeFileSync(
      input,
      JSON.stringify({
        mig: cases.map((c) => ({
          codes: rows(c.latents.values, c.latents.dims),
          factors: rows(c.factors.values, c.factors.sizes.length),
          sizes: c.factors.sizes,
        })),
      }),
    );
    const r = run('python3', [join(projectRoot, 'tests/export/shapesParity.py'), blockFile, input]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as ParityOutput;

    const data = generateShapesDataset();
    const factors = data.factors;
    if (!factors) throw new Error('the shapes dataset has no factors');
    expect(out.test).toEqual({ count: SHAPES_TEST_COUNT, pixels: sha256(data.test.images), factors: sha256(factors.test) });
    expect(out.train).toEqual({ count: data.train.count, pixels: sha256(data.train.images), factors: sha256(factors.train) });
    expect(out.seconds).toBeGreaterThan(0);

    expect(out.mig).toHaveLength(cases.length);
    cases.forEach((c, i) => expectSameMig(out.mig[i], mutualInformationGap(c.latents, c.factors), `case ${i}`));
    // the cases are not degenerate: the shapes codes score well, the twins score 0 on the factor they share
    expect(out.mig[3]?.mig).toBeGreaterThan(0.3);
    expect(out.mig[1]?.per_factor[0]?.gap).toBe(0);
  });
});
