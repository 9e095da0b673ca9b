/**
 * Importance weights log w = log p(x|z) + log p(z) − log q(z|x) for k draws of z
 * per image, from the graph's roles (posterior, sampler, generator, likelihood):
 * shared by the IWAE objective and the importance-weighted estimate of log p(x).
 */
import type { AnyNodeDef, Tensor, TF } from '../../nodes/defineNode';
import { roleOf } from '../core/graphQueries';
import type { PortRef } from '../core/schema';
import type { BuiltModel, RunOptions } from './model';
import { refKey } from './model';
import type { Plan } from './plan';

/** Where the weights are read from in a compiled graph. */
export interface ImportancePath {
  /** Feed keys of the images and labels. */
  imagesKey: string;
  labelsKey: string;
  /** Where a drawn z is fed (the sampler's output, read by the generator). */
  codeKey: string;
  mean: PortRef;
  logVar: PortRef;
  likelihoodId: string;
  likelihoodValue: PortRef;
  /** Nats to add to the likelihood's value per image so that it is a normalised −log p(x|z). */
  normalizerPerImage: number;
  latentDim: number;
}

/** The path, or why the graph has none (a sentence). */
export function importancePath(plan: Plan, registry: ReadonlyMap<string, AnyNodeDef>): ImportancePath | string {
  const gen = plan.generation;
  if (!gen) return 'it has no generator feeding a likelihood';
  if (!gen.reparameterizeId || !gen.mean || !gen.logVar) return 'it does not sample z from a posterior q(z|x) (an autoencoder)';
  const codeSource = plan.nodes.find((n) => n.id === gen.decoderZ.node)?.inputs[gen.decoderZ.port]?.[0];
  if (!codeSource) return 'its generator reads no code';
  for (const node of plan.nodes) {
    const role = roleOf(registry, node, 'likelihood');
    const xHat = role ? node.inputs[role.reconstruction]?.[0] : undefined;
    if (!role || !xHat || refKey(xHat) !== refKey(gen.xHat)) continue;
    const [h, w, c] = plan.imageShape;
    return {
      imagesKey: refKey(gen.datasetX),
      labelsKey: `${plan.dataset.nodeId}.${plan.dataset.labels}`,
      codeKey: refKey(codeSource),
      mean: gen.mean,
      logVar: gen.logVar,
      likelihoodId: node.id,
      likelihoodValue: { node: node.id, port: role.value },
      normalizerPerImage: role.normalizer(node.params) * h * w * c,
      latentDim: gen.latentDim,
    };
  }
  return "no likelihood reads its generator's images";
}

/** Each row repeated k times in place: [B, …] → [B·k, …] (the k copies of an image side by side). */
export function repeatRows(tf: TF, t: Tensor, k: number): Tensor {
  const [b, ...rest] = t.shape;
  const tiled = tf.tile(tf.expandDims(t, 1), [1, k, ...rest.map(() => 1)]);
  return tf.reshape(tiled, [(b as number) * k, ...rest]);
}

export interface WeightsInput {
  /** [B, H, W, C] images and their [B] labels. */
  x: Tensor;
  labels: Tensor;
  /** q(z|x) of each image: [B, d]. */
  mean: Tensor;
  logVar: Tensor;
  /** Standard normal noise [B·k, d]: z = μ + σ·ε. */
  eps: Tensor;
  k: number;
  run: Omit<RunOptions, 'feeds'>;
}

/** log w of each draw, [B, k] (nats). Call inside tf.tidy (or tf.variableGrads: the weights' gradients flow). */
export function logImportanceWeights(tf: TF, model: BuiltModel, path: ImportancePath, input: WeightsInput): Tensor {
  const { k, eps } = input;
  const b = input.x.shape[0] as number;
  const meanK = repeatRows(tf, input.mean, k);
  const logVarK = repeatRows(tf, input.logVar, k);
  const z = tf.add(meanK, tf.mul(tf.exp(tf.mul(logVarK, 0.5)), eps));
  const ev = model.evaluate({
    ...input.run,
    feeds: new Map([
      [path.imagesKey, repeatRows(tf, input.x, k)],
      [path.labelsKey, repeatRows(tf, input.labels, k)],
      [path.codeKey, z],
    ]),
  });
  ev.get(path.likelihoodValue);
  const perDraw = ev.metrics.get('reconPerExample')?.find((r) => r.nodeId === path.likelihoodId)?.value;
  if (!perDraw) throw new Error(`likelihood '${path.likelihoodId}' reported no per-image value`);
  const logLikelihood = tf.neg(tf.add(perDraw, path.normalizerPerImage));
  // log p(z) − log q(z|x) = −½ Σ (z² − ε² − log σ²); the 2π terms cancel
  const priorOverPosterior = tf.mul(tf.sum(tf.sub(tf.sub(tf.square(z), tf.square(eps)), logVarK), 1), -0.5);
  return tf.reshape(tf.add(logLikelihood, priorOverPosterior), [b, k]);
}

/** log (1/k Σ_i w_i) per row of [B, k] log-weights: the importance-weighted bound of each image. */
export function logMeanExp(tf: TF, logWeights: Tensor): Tensor {
  const k = logWeights.shape[1] as number;
  return tf.sub(tf.logSumExp(logWeights, 1), Math.log(k));
}
