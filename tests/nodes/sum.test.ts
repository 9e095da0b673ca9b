/**
 * A node kind added in one file (nodes/sum.ts) and one registry line: the
 * editor lists it, the analyser and compiler take it, it trains exactly like
 * the graph without it, and both exporters write it.
 */
import type * as tfType from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { pythonWith } from '../../src/cli/python';
import { compileProgram } from '../../src/compiler/program';
import { analyzeGraph } from '../../src/core/analyze';
import type { GraphDoc } from '../../src/core/schema';
import { loadDatasetNode } from '../../src/data/loadNode';
import { groupByCategory, nodeSpecs } from '../../src/editor/palette';
import { exportCode, exportTargets } from '../../src/export/code';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { train } from '../../src/runtime/worker/trainer';
import { loadGraph, smallVae } from '../helpers';

let tf: typeof tfType;
beforeAll(async () => {
  tf = await initNodeBackend('wasm');
});

/** The small VAE with its two terms added by a Sum before the Loss. */
function withSum(doc: GraphDoc): GraphDoc {
  const toLoss = doc.edges.filter((e) => e.to.node === 'loss');
  return {
    ...doc,
    nodes: [...doc.nodes, { id: 'elbo', type: 'Sum', version: 1, params: {}, position: { x: 0, y: 0 } }],
    edges: [
      ...doc.edges.filter((e) => e.to.node !== 'loss'),
      ...toLoss.map((e) => ({ ...e, id: `${e.id}-sum`, to: { node: 'elbo', port: 'terms' } })),
      { id: 'elbo-loss', from: { node: 'elbo', port: 'sum' }, to: { node: 'loss', port: 'terms' } },
    ],
  };
}

async function losses(doc: GraphDoc): Promise<number[]> {
  const compiled = compileProgram(doc, tf);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
  const out: number[] = [];
  await train(compiled.program, {
    data: loadDatasetNode('mnist'),
    epochs: 1,
    trainLimit: 32 * 4,
    testLimit: 32,
    reportEvery: 1,
    onEvent: (e) => e.type === 'progress' && out.push(e.train.objective),
  });
  compiled.program.dispose();
  return out;
}

describe('a node kind that is one file: Sum', () => {
  test('the palette lists it with the loss nodes', () => {
    const loss = groupByCategory(nodeSpecs).find((g) => g.category === 'loss');
    expect(loss?.specs.map((s) => s.type)).toContain('Sum');
  });

  test('the graph analyses and trains exactly as without it (same seed, same losses)', async () => {
    const doc = withSum(smallVae());
    expect(analyzeGraph(doc, specRegistry).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [plain, summed] = [await losses(smallVae()), await losses(doc)];
    expect(summed.length).toBe(4);
    summed.forEach((v, i) => expect(v).toBeCloseTo(plain[i] as number, 3));
  });

  test('both exporters write it, and the scripts compile', () => {
    const python = pythonWith([]);
    const dir = mkdtempSync(join(tmpdir(), 'bottleneck-sum-'));
    try {
      for (const target of exportTargets) {
        const r = exportCode(withSum(loadGraph('vae')), target);
        if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
        expect(r.code).toMatch(
          /# Sum 'elbo': the sum of its terms\n\s+elbo_sum = recon_loss \+ kl_term\n\s+# .*\n(\s+# .*\n)*\s+objective = elbo_sum\n/,
        );
        if (!python) continue;
        const file = join(dir, `${target}.py`);
        writeFileSync(file, r.code);
        const compiled = spawnSync(python, ['-m', 'py_compile', file], { encoding: 'utf8' });
        expect(compiled.status, compiled.stderr).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
