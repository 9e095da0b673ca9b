/**
 * Graphs for the export tests: every file in graphs/, and variants of the VAE
 * that cover each loss distribution, conv encoders and decoders with every
 * kernel size, activations, β schedules and capacity, free bits, noise, and
 * the plain autoencoder; the conditional VAE (graphs/cvae.json: the one-hot
 * class into both networks, or the decoder alone, after convolutions or
 * straight into the heads); and variants of the shapes β-VAE, whose scripts
 * draw their dataset and score MIG.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { parseGraph } from '../../src/core/parse';
import type { GraphDoc, GraphNode } from '../../src/core/schema';
import { projectRoot } from '../../src/data/loadNode';

export const graphsDir = join(projectRoot, 'graphs');

export function savedGraphs(): Array<{ name: string; doc: GraphDoc; text: string }> {
  return readdirSync(graphsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(graphsDir, f), 'utf8');
      const parsed = parseGraph(JSON.parse(text), specRegistry);
      if (!parsed.ok) throw new Error(`graphs/${f}: ${parsed.errors.map((e) => e.message).join('; ')}`);
      return { name: f.replace(/\.json$/, ''), doc: parsed.doc, text };
    });
}

function savedGraph(name: string): GraphDoc {
  const g = savedGraphs().find((s) => s.name === name);
  if (!g) throw new Error(`graphs/${name}.json is missing`);
  return structuredClone(g.doc);
}

export const baseVae = (): GraphDoc => savedGraph('vae');

/** graphs/cvae.json: the Dataset's label, one-hot, into the encoder and the decoder. */
export const baseCvae = (): GraphDoc => savedGraph('cvae');

function setParams(doc: GraphDoc, id: string, params: Record<string, unknown>): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) };
}

function addNode(doc: GraphDoc, node: Omit<GraphNode, 'version' | 'position'>): GraphDoc {
  return { ...doc, nodes: [...doc.nodes, { ...node, version: 1, position: { x: 0, y: 0 } }] };
}

/** Replaces edges for which `drop` is true and adds `add`. */
function rewire(doc: GraphDoc, drop: (e: GraphDoc['edges'][number]) => boolean, add: Array<[string, string, string, string]>): GraphDoc {
  const edges = doc.edges.filter((e) => !drop(e));
  add.forEach(([fn, fp, tn, tp], i) => edges.push({ id: `v${i}-${fn}-${tn}`, from: { node: fn, port: fp }, to: { node: tn, port: tp } }));
  return { ...doc, edges };
}

function conv(doc: GraphDoc, kernelSize: number, encoderFilters: number[] = [32, 64], decoderFilters: number[] = [64, 32]): GraphDoc {
  const d = setParams(doc, 'encoder', { architecture: 'conv', filters: encoderFilters, kernelSize, hidden: [128], latentDim: 8 });
  return setParams(d, 'decoder', { architecture: 'conv', filters: decoderFilters, kernelSize, hidden: [128] });
}

function withBeta(doc: GraphDoc, params: Record<string, unknown>): GraphDoc {
  const d = addNode(doc, {
    id: 'beta',
    type: 'Beta',
    params: {
      beta: 4,
      capacity: 0,
      capacitySteps: 0,
      schedule: 'constant',
      warmupSteps: 1000,
      cycleSteps: 2000,
      rampFraction: 0.5,
      ...params,
    },
  });
  return rewire(d, (e) => e.from.node === 'kl' && e.to.node === 'loss', [
    ['kl', 'kl', 'beta', 'kl'],
    ['beta', 'loss', 'loss', 'terms'],
  ]);
}

function withNoise(doc: GraphDoc, params: Record<string, unknown>): GraphDoc {
  const d = addNode(doc, { id: 'noise', type: 'Noise', params: { kind: 'gaussian', sigma: 0.3, p: 0.3, clip: true, ...params } });
  return rewire(d, (e) => e.from.node === 'data' && e.to.node === 'encoder', [
    ['data', 'x', 'noise', 'x'],
    ['noise', 'x', 'encoder', 'x'],
  ]);
}

function autoencoder(doc: GraphDoc): GraphDoc {
  const d = { ...doc, nodes: doc.nodes.filter((n) => n.id !== 'reparam' && n.id !== 'kl') };
  return rewire(d, (e) => ['reparam', 'kl'].includes(e.from.node) || ['reparam', 'kl'].includes(e.to.node), [
    ['encoder', 'mean', 'decoder', 'z'],
  ]);
}

/** Renames nodes (and their connections). */
function renameIds(doc: GraphDoc, names: Record<string, string>): GraphDoc {
  const r = (id: string) => names[id] ?? id;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, id: r(n.id) })),
    edges: doc.edges.map((e) => ({ ...e, from: { ...e.from, node: r(e.from.node) }, to: { ...e.to, node: r(e.to.node) } })),
  };
}

export interface Variant {
  name: string;
  doc: GraphDoc;
  /** The graph has no randomness in infer mode, so a forward pass can be compared number for number. */
  deterministic: boolean;
}

export function graphVariants(): Variant[] {
  const vae = baseVae();
  const cvae = baseCvae();
  const v = (name: string, doc: GraphDoc, deterministic = true): Variant => ({
    name,
    doc: { ...doc, name: `VAE variant: ${name}` },
    deterministic,
  });
  return [
    v('bernoulli', vae),
    v('mse', setParams(vae, 'recon', { distribution: 'mse' })),
    v('mse-linear-output', setParams(setParams(vae, 'recon', { distribution: 'mse' }), 'decoder', { outputActivation: 'linear' })),
    v('gaussian-fixed', setParams(vae, 'recon', { distribution: 'gaussian', sigma: 0.2 })),
    v('gaussian-learned', setParams(vae, 'recon', { distribution: 'gaussian', sigma: 0.3, learnSigma: true })),
    v('l1', setParams(vae, 'recon', { distribution: 'l1' })),
    v('continuous-bernoulli', setParams(vae, 'recon', { distribution: 'continuous-bernoulli' })),
    v('conv-k4', conv(vae, 4)),
    v('conv-k3', conv(vae, 3)),
    v('conv-k5', conv(vae, 5)),
    v('conv-k1', conv(vae, 1)),
    v('conv-three-layers', conv(vae, 4, [16, 32, 32], [32, 16])),
    v(
      'activations',
      setParams(setParams(vae, 'encoder', { activation: 'leakyRelu', hidden: [64, 32] }), 'decoder', {
        activation: 'elu',
        hidden: [32, 64],
      }),
    ),
    v('tanh-softplus', setParams(setParams(conv(vae, 4), 'encoder', { activation: 'tanh' }), 'decoder', { activation: 'softplus' })),
    v('sigmoid-linear', setParams(setParams(vae, 'encoder', { activation: 'sigmoid' }), 'decoder', { activation: 'linear' })),
    v('free-bits', setParams(vae, 'kl', { freeBits: 0.5 })),
    v('beta-constant', withBeta(vae, { beta: 4 })),
    v('beta-warmup', withBeta(vae, { beta: 2, schedule: 'warmup', warmupSteps: 1000 })),
    v('beta-cyclical', withBeta(vae, { beta: 3, schedule: 'cyclical', cycleSteps: 400, rampFraction: 0.25 })),
    v('beta-capacity', withBeta(vae, { beta: 10, capacity: 25, capacitySteps: 5000 })),
    v('autoencoder', autoencoder(vae)),
    v('noise-identity', withNoise(vae, { kind: 'gaussian', sigma: 0, clip: true })),
    v('noise-gaussian', withNoise(autoencoder(vae), { kind: 'gaussian', sigma: 0.4, clip: false }), false),
    v('noise-masking', withNoise(autoencoder(vae), { kind: 'masking', p: 0.25 }), false),
    v('static-binarized', setParams(vae, 'data', { binarize: 'static' })),
    v('dynamic-binarized-sgd', {
      ...setParams(vae, 'data', { binarize: 'dynamic', batchSize: 64 }),
      training: { epochs: 3, optimizer: 'sgd', learningRate: 0.01, seed: 42 },
    }),
    v('fashion', setParams(vae, 'data', { dataset: 'fashion-mnist' })),
    // ids that are Python keywords or names the scripts and torch / Keras use themselves
    v(
      'awkward-ids',
      renameIds(withBeta(setParams(vae, 'recon', { distribution: 'gaussian', learnSigma: true }), { schedule: 'warmup' }), {
        data: 'x',
        encoder: 'train',
        reparam: 'class',
        decoder: 'forward',
        recon: 'Model',
        kl: 'self',
        beta: 'trainable_variables',
        loss: 'step',
      }),
    ),
    v('ids-with-dashes', renameIds(conv(vae, 4), { encoder: 'enc-1', decoder: 'enc_1', recon: 'enc-1-mean', kl: 'Kl' })),
    v('cvae', cvae),
    v('cvae-conv-k3', conv(cvae, 3)),
    v(
      'cvae-decoder-only',
      rewire(cvae, (e) => e.from.node === 'condition' && e.to.node === 'encoder', []),
    ),
    // c straight into the heads after the convolutions, and with z straight into the output layer
    v('cvae-no-hidden', setParams(setParams(conv(cvae, 4), 'encoder', { hidden: [] }), 'decoder', { architecture: 'mlp', hidden: [] })),
    v('cvae-fashion-mse', setParams(setParams(cvae, 'data', { dataset: 'fashion-mnist' }), 'recon', { distribution: 'mse' })),
  ];
}

/** Variants of graphs/beta-vae-shapes.json (kept apart: their scripts draw the data instead of loading MNIST). */
export function shapesVariants(): Variant[] {
  const shapes = savedGraphs().find((g) => g.name === 'beta-vae-shapes');
  if (!shapes) throw new Error('graphs/beta-vae-shapes.json is missing');
  const doc = structuredClone(shapes.doc);
  const v = (name: string, d: GraphDoc): Variant => ({ name, doc: { ...d, name: `Shapes variant: ${name}` }, deterministic: true });
  const ae = autoencoder({
    ...doc,
    nodes: doc.nodes.filter((n) => n.id !== 'beta'),
    edges: doc.edges.filter((e) => e.from.node !== 'beta' && e.to.node !== 'beta'),
  });
  return [
    v('shapes-conv-autoencoder', conv(ae, 4)),
    v('shapes-static-noise', withNoise(setParams(doc, 'data', { binarize: 'static' }), { kind: 'masking', p: 0.2 })),
    // ids that take the names of the drawing and scoring code
    v(
      'shapes-awkward-ids',
      renameIds(doc, {
        data: 'shapes_split',
        encoder: 'Sfc32',
        reparam: 'entropy',
        decoder: 'encode',
        recon: 'factors',
        kl: 'codes',
        beta: 'MIG_BINS',
        loss: 'report_disentanglement',
      }),
    ),
  ];
}
