import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { compileProgram, type Program } from '../../src/compiler/program';
import { parseGraph } from '../../src/core/parse';
import { readExperimentPng } from '../../src/share/pngEmbed';
import type { GraphDoc } from '../../src/core/schema';
import { modelDownloads } from '../../src/runtime/worker/modelDownload';
import { buildDecoderModel, buildEncoderModel, loadExportedModel, serializeModel } from '../../src/runtime/worker/layersModel';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import vae from '../../graphs/vae.json';
import { unzipSync, strFromU8 } from 'fflate';

function vaeDoc(patch: (doc: GraphDoc) => void = () => {}): GraphDoc {
  const parsed = parseGraph(structuredClone(vae), specRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  patch(parsed.doc);
  return parsed.doc;
}

function setParams(doc: GraphDoc, id: string, params: Record<string, unknown>): void {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  node.params = { ...node.params, ...params };
}

function compile(doc: GraphDoc): Program {
  const r = compileProgram(doc, tf, { seed: 7 });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.program;
}

/** Moves every weight a little, so a layer that ignored its bias or kernel would show. */
async function perturb(program: Program): Promise<void> {
  const weights = await program.readWeights();
  for (const [name, w] of Object.entries(weights)) {
    w.values = w.values.map((v, i) => v + 0.05 * Math.sin(i * 0.37 + name.length));
  }
  program.writeWeights(weights);
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0] as number;
  d.dispose();
  return v;
}

beforeAll(async () => {
  await initNodeBackend('cpu');
});

const cases: Array<{ name: string; patch: (doc: GraphDoc) => void }> = [
  { name: 'MLP VAE (relu, sigmoid output)', patch: () => {} },
  {
    name: 'conv VAE (leaky ReLU, 2 conv layers)',
    patch: (doc) => {
      setParams(doc, 'encoder', { architecture: 'conv', filters: [8, 16], hidden: [32], activation: 'leakyRelu', latentDim: 6 });
      setParams(doc, 'decoder', { architecture: 'conv', filters: [16, 8], hidden: [32], activation: 'leakyRelu' });
    },
  },
  {
    name: 'MLP with two hidden layers, elu, linear output',
    patch: (doc) => {
      setParams(doc, 'encoder', { hidden: [64, 32], activation: 'elu', latentDim: 3 });
      setParams(doc, 'decoder', { hidden: [32, 64], activation: 'elu', outputActivation: 'linear' });
      setParams(doc, 'recon', { distribution: 'mse' });
    },
  },
];

describe('tfjs-layers export', () => {
  for (const c of cases) {
    test(`${c.name}: the exported decoder and encoder give what the program gives`, async () => {
      const program = compile(vaeDoc(c.patch));
      await perturb(program);
      const weights = await program.readWeights();
      const d = program.plan.generation?.latentDim ?? 0;
      const decoder = buildDecoderModel(tf, program.plan, weights);
      const encoder = buildEncoderModel(tf, program.plan, weights);
      expect(encoder).toBeDefined();
      const savedDecoder = await serializeModel(tf, decoder, 'weights.bin');
      const savedEncoder = await serializeModel(tf, encoder!, 'weights.bin');
      decoder.dispose();
      encoder?.dispose();
      const loadedDecoder = await loadExportedModel(tf, savedDecoder);
      const loadedEncoder = await loadExportedModel(tf, savedEncoder);

      const z = program.priorCodes(5, 'export-test');
      const expected = tf.tidy(() => program.decode(z));
      const got = loadedDecoder.predict(z);
      if (Array.isArray(got)) throw new Error('decoder has one output');
      expect(await maxDiff(got, expected)).toBeLessThan(1e-4);
      // the weights are not all zero: images differ between codes
      const spread = tf.tidy(() => tf.max(tf.abs(tf.sub(expected.slice(0, 1), expected.slice(1, 1)))));
      expect((await spread.data())[0]).toBeGreaterThan(1e-3);

      const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);
      const enc = tf.tidy(() => program.encode(x));
      const out = loadedEncoder.predict(x);
      const [mean, logVar] = Array.isArray(out) ? out : [out];
      expect(await maxDiff(mean!, enc.mean)).toBeLessThan(1e-4);
      expect(await maxDiff(logVar!, enc.logVar!)).toBeLessThan(1e-4);
      expect(mean!.shape).toEqual([4, d]);

      tf.dispose([z, expected, got, spread, x, enc.mean, enc.logVar!, out as tf.Tensor | tf.Tensor[]]);
      loadedDecoder.dispose();
      loadedEncoder.dispose();
      program.dispose();
    });
  }

  test('modelDownloads zips both models and the graph; PNGs carry the graph and the run', async () => {
    const doc = vaeDoc();
    const program = compile(doc);
    const n = 2;
    const preview = {
      step: 3,
      epoch: 0,
      imageShape: [28, 28, 1] as [number, number, number],
      inputs: { n, data: new Float32Array(n * 784).fill(0.5) },
      reconstructions: { n, data: new Float32Array(n * 784).fill(0.25) },
      labels: [0, 1],
      samples: { n: 4, data: new Float32Array(4 * 784).fill(1) },
      scatter: {
        n: 0,
        points: new Float32Array(0),
        labels: new Uint8Array(0),
        projection: 'raw' as const,
        explained: [0, 0] as [number, number],
      },
      traversal: null,
      interpolation: null,
      klPerDim: [],
      meanVariance: [],
      activeUnits: 0,
      numTensors: 0,
    };
    doc.training.seed = 7;
    const facts = { backend: 'cpu', steps: 3, final: { elbo: -200, recon: 180, kl: 20, activeUnits: 5 } };
    const files = await modelDownloads(tf, program, doc, preview, facts);
    expect(files.map((f) => f.name)).toEqual(['vae-mlp-bernoulli-step3.zip', 'samples.png', 'reconstructions.png']);
    const zip = unzipSync(files[0]!.bytes);
    expect(Object.keys(zip).sort()).toEqual(
      [
        'README.txt',
        'decoder/model.json',
        'decoder/weights.bin',
        'encoder/model.json',
        'encoder/weights.bin',
        'graph.json',
        'reconstructions.png',
        'samples.png',
      ].sort(),
    );
    const decoderJson = JSON.parse(strFromU8(zip['decoder/model.json']!));
    expect(decoderJson.format).toBe('layers-model');
    expect(decoderJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    // 20·400 + 400 + 400·784 + 784 floats
    expect(zip['decoder/weights.bin']!.byteLength).toBe((20 * 400 + 400 + 400 * 784 + 784) * 4);
    const images: string[] = [];
    for (const png of files.slice(1)) {
      const read = readExperimentPng(png.bytes);
      if (!read.ok) throw new Error(read.errors.map((e) => e.message).join('; '));
      expect(read.doc.name).toBe(doc.name);
      expect(read.run?.seed).toBe(7);
      expect(read.run?.dataset).toBe('mnist');
      expect(read.run?.backend).toBe('cpu');
      expect(read.run?.metrics?.elbo).toBe(-200);
      images.push(read.run?.image ?? '');
    }
    expect(images).toEqual(['samples', 'reconstructions']);
    program.dispose();
  });
});
