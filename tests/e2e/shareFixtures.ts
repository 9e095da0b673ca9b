/** Fixtures of the sharing tests: a preview as the worker sends it, an experiment to restore, documents compared without positions. */
import { zGraphDoc, type GraphDoc } from '../../src/core/schema';
import type { Preview } from '../../src/runtime/protocol';
import { baseVae } from '../export/variants';

export function withoutPositions(value: unknown): unknown {
  const doc = zGraphDoc.parse(value);
  return { ...doc, nodes: doc.nodes.map(({ position: _position, ...rest }) => rest) };
}

/** A preview as the training worker sends it, with a recognisable 28×28 ramp as every sample. */
export function fakePreview(): Preview {
  const images = (n: number) => ({ n, data: Float32Array.from({ length: n * 784 }, (_, i) => (i % 784) / 784) });
  return {
    step: 700,
    epoch: 5,
    imageShape: [28, 28, 1],
    inputs: images(4),
    reconstructions: images(4),
    labels: [0, 1, 2, 3],
    samples: images(10),
    scatter: { n: 0, points: new Float32Array(0), labels: new Uint8Array(0), projection: 'pca', explained: [0, 0] },
    traversal: null,
    interpolation: null,
    klPerDim: [],
    meanVariance: [],
    activeUnits: 0,
    numTensors: 0,
  };
}

/** The VAE with another name, seed and data settings: a run that differs from the gallery graph in every restored field. */
export function experiment(): GraphDoc {
  const vae = baseVae();
  return {
    ...vae,
    name: 'From a picture',
    nodes: vae.nodes.map((n) => (n.type === 'Dataset' ? { ...n, params: { ...n.params, batchSize: 32, binarize: 'static' } } : n)),
    training: { ...vae.training, seed: 31, epochs: 3, learningRate: 0.002 },
  };
}
