import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { specRegistry } from '../../nodes';
import type { TF } from '../../nodes/defineNode';
import { parseLabArgs } from '../../src/cli/labArgs';
import { compileProgram } from '../../src/compiler/program';
import { analyzeGraph } from '../../src/core/analyze';
import { decodePng, readPngText } from '../../src/core/png';
import { parseGraphText } from '../../src/core/parse';
import type { GraphDoc } from '../../src/core/schema';
import { loadShapesDataset } from '../../src/data/shapes';
import { encodeDataset, scoreProgram } from '../../src/metrics/encodeLatents';
import { betasOf, LAB_PNG_SCORES_KEY, runLab, withBeta } from '../../src/cli/labRun';
import { readExperimentPng } from '../../src/share/pngEmbed';
import { dimsByKl, traversalValues, traverseLatents } from '../../src/metrics/traversal';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';

function loadGraph(): GraphDoc {
  const parsed = parseGraphText(readFileSync('graphs/beta-vae-shapes.json', 'utf8'), specRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.doc;
}

/** The gallery graph, shrunk so it trains in a moment. */
function tinyGraph(): GraphDoc {
  const doc = loadGraph();
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.type === 'Encoder') return { ...n, params: { ...n.params, hidden: [32], latentDim: 4 } };
      if (n.type === 'Decoder') return { ...n, params: { ...n.params, hidden: [32] } };
      return n;
    }),
  };
}

const data = loadShapesDataset();
let tf: TF;
beforeAll(async () => {
  tf = await initNodeBackend('wasm');
});

describe('beta-vae-shapes graph', () => {
  it('parses, analyses cleanly and has a note on every node', () => {
    const doc = loadGraph();
    const analysis = analyzeGraph(doc, specRegistry);
    expect(analysis.ok).toBe(true);
    expect(analysis.diagnostics).toEqual([]);
    expect(doc.nodes.every((n) => (n.note ?? '').length > 40)).toBe(true);
    expect(betasOf(doc)).toEqual([4]);
    expect(doc.nodes.find((n) => n.type === 'Dataset')?.params.dataset).toBe('shapes');
  });

  it('withBeta sets β on the β nodes only, and refuses graphs without one', () => {
    const doc = loadGraph();
    const one = withBeta(doc, 1);
    expect(betasOf(one)).toEqual([1]);
    expect(betasOf(doc)).toEqual([4]);
    expect(one.nodes.filter((n) => n.type !== 'Beta')).toEqual(doc.nodes.filter((n) => n.type !== 'Beta'));
    const noBeta = { ...doc, nodes: doc.nodes.filter((n) => n.type !== 'Beta') };
    expect(() => withBeta(noBeta, 1)).toThrow(/no β node/);
    expect(() => withBeta(doc, -1)).toThrow(/β must be/);
  });
});

describe('lab command line', () => {
  it('reads the graph, flags and defaults', () => {
    const r = parseLabArgs(['graphs/beta-vae-shapes.json', '--epochs', '3', '--beta=1', '--out', 'runs/x', '--train-limit', '5000']);
    expect(r).toEqual({
      ok: true,
      args: {
        graph: 'graphs/beta-vae-shapes.json',
        epochs: 3,
        beta: 1,
        out: 'runs/x',
        backend: 'wasm',
        trainLimit: 5000,
        steps: 9,
        betas: '1,4',
      },
    });
    expect(parseLabArgs(['--help'])).toEqual({ ok: 'help' });
  });

  it('names the bad flag', () => {
    const bad = (argv: string[]) => {
      const r = parseLabArgs(argv);
      return r.ok === false ? r.message : '';
    };
    expect(bad(['g.json', '--epochs', 'many'])).toMatch(/--epochs must be a number/);
    expect(bad(['g.json', '--epochs', '0'])).toMatch(/--epochs must be at least 1/);
    expect(bad(['g.json', '--beta', '-2'])).toMatch(/--beta must be ≥ 0/);
    expect(bad(['g.json', '--backend', 'cuda'])).toMatch(/--backend must be one of cpu, wasm, webgpu/);
    expect(bad(['g.json', '--colour', 'red'])).toMatch(/unknown option --colour/);
    expect(bad(['g.json', '--seed'])).toMatch(/--seed needs a value/);
    expect(bad([])).toMatch(/graph file/);
    expect(bad(['a.json', 'b.json'])).toMatch(/one graph file at a time/);
  });
});

describe('encoding and scoring a program', () => {
  it('encodes a split in batches without leaking tensors, matching one big batch', async () => {
    const compiled = compileProgram(tinyGraph(), tf, { seed: 3 });
    if (!compiled.ok) throw new Error('does not compile');
    const program = compiled.program;
    try {
      const before = tf.memory().numTensors;
      const small = await encodeDataset(program, data, { limit: 300, batchSize: 64 });
      const big = await encodeDataset(program, data, { limit: 300, batchSize: 300 });
      expect(tf.memory().numTensors).toBe(before);
      expect(small.means.count).toBe(300);
      expect(small.means.dims).toBe(4);
      for (let i = 0; i < small.means.values.length; i++) expect(small.means.values[i]).toBeCloseTo(big.means.values[i] as number, 4);
      expect(small.logVars?.length).toBe(1200);
      expect(small.factors?.values).toEqual(data.factors?.test.subarray(0, 300 * 5));
      expect(Array.from(small.labels)).toEqual(Array.from(data.test.labels.subarray(0, 300)));
      const train = await encodeDataset(program, data, { split: 'train', limit: 10 });
      expect(train.factors?.values).toEqual(data.factors?.train.subarray(0, 50));

      const scores = await scoreProgram(program, data, {
        limit: 500,
        seed: 1,
        factorVae: { trainVotes: 200, evalVotes: 200 },
        betaVae: false,
      });
      expect(scores.count).toBe(500);
      expect(scores.factorNames).toEqual(['shape', 'scale', 'rotation', 'x', 'y']);
      expect(scores.mig.mig).toBeGreaterThanOrEqual(0);
      expect(scores.mig.mig).toBeLessThanOrEqual(1);
      expect(tf.memory().numTensors).toBe(before);
      await expect(scoreProgram(program, { ...data, factors: undefined })).rejects.toThrow(/no known factors/);
    } finally {
      program.dispose();
    }
  });

  it('draws traversals: one row per dimension, the chosen dimension swept', async () => {
    expect(traversalValues(5)).toEqual([-3, -1.5, 0, 1.5, 3]);
    expect(dimsByKl([0.1, 3, 0, 1.5])).toEqual([1, 3, 0, 2]);
    const compiled = compileProgram(tinyGraph(), tf, { seed: 3 });
    if (!compiled.ok) throw new Error('does not compile');
    const program = compiled.program;
    try {
      const before = tf.memory().numTensors;
      const batch = await traverseLatents(program, new Float32Array(4), [2, 0], [-3, 0, 3]);
      expect(tf.memory().numTensors).toBe(before);
      expect(batch).toMatchObject({ n: 6, h: 32, w: 32, c: 1 });
      const image = (i: number) => batch.data.subarray(i * 1024, (i + 1) * 1024);
      // the middle column decodes the starting code itself in both rows
      expect(Array.from(image(1))).toEqual(Array.from(image(4)));
      expect(Array.from(image(0))).not.toEqual(Array.from(image(2)));
      await expect(traverseLatents(program, new Float32Array(3), [0], [0])).rejects.toThrow(/3 values, the latent has 4/);
      await expect(traverseLatents(program, new Float32Array(4), [7], [0])).rejects.toThrow(/dimension 7 does not exist/);
    } finally {
      program.dispose();
    }
  });
});

describe('runLab', () => {
  it('trains, scores and returns traversal PNGs that carry the graph and the scores', async () => {
    const before = tf.memory().numTensors;
    const events: string[] = [];
    const doc = withBeta(tinyGraph(), 2);
    const { report, images } = await runLab(doc, data, tf, {
      epochs: 1,
      seed: 5,
      trainLimit: 640,
      testLimit: 200,
      evalLimit: 600,
      traversalSteps: 5,
      onEvent: (e) => events.push(e.type),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(events[0]).toBe('started');
    expect(events).toContain('epochEnded');
    expect(events.slice(-2)).toEqual(['scoring', 'scored']);
    expect(report).toMatchObject({ beta: [2], seed: 5, epochs: 1, steps: 10, status: 'finished', backend: 'wasm' });
    expect(report.scores.images).toBe(600);
    expect(report.scores.perFactor.map((f) => f.factor)).toEqual(['shape', 'scale', 'rotation', 'x', 'y']);
    expect(report.scores.mig).toBeGreaterThanOrEqual(0);
    expect(report.scores.factorVae).toBeGreaterThan(0);
    expect(report.scores.betaVae).toBeGreaterThan(0);
    expect([...report.dimsByKl].sort()).toEqual([0, 1, 2, 3]);
    // one picture per shape, starting from the first test image of that shape
    expect(images.map((i) => i.file).sort()).toEqual(['traversal-ellipse.png', 'traversal-heart.png', 'traversal-square.png']);
    expect(report.traversals.map((t) => t.file)).toEqual(images.map((i) => i.file));
    const first = images[0];
    if (!first) throw new Error('no image');
    const png = decodePng(first.png);
    // 5 columns × 4 rows of 64×64 tiles (32 px at scale 2) with 2 px gaps
    expect(png.width).toBe(5 * 64 + 6 * 2);
    expect(png.height).toBe(4 * 64 + 5 * 2);
    const text = readPngText(first.png);
    // the importer reads the graph back (the PNG drops onto the canvas)
    const dropped = readExperimentPng(first.png);
    if (!dropped.ok) throw new Error(dropped.errors.map((e) => e.message).join('; '));
    expect(dropped.doc.nodes.map((n) => [n.id, n.type, n.params])).toEqual(doc.nodes.map((n) => [n.id, n.type, n.params]));
    expect(dropped.doc.edges).toEqual(doc.edges);
    expect(JSON.parse(text[LAB_PNG_SCORES_KEY] ?? '{}')).toMatchObject({ rows: report.dimsByKl, scores: { mig: report.scores.mig } });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('refuses a dataset without factors', async () => {
    await expect(runLab(tinyGraph(), { ...data, factors: undefined }, tf, { epochs: 1 })).rejects.toThrow(/without known factors/);
  });
});
