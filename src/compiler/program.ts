/**
 * The training program derived from a graph: the loss terms for a batch, and
 * the functions every view needs — encode, decode, reconstruct, sample. They
 * all run the same built nodes, so the decoder's weights are shared by
 * reconstruction, prior samples, traversals and interpolation.
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef, PortValue, Tensor, TF } from '../../nodes/defineNode';
import { isReconstruction } from '../../nodes/defineNode';
import type { Diagnostic } from '../core/diagnostics';
import { Rng, hashSeed } from '../core/random';
import type { GraphDoc } from '../core/schema';
import { importancePath, logImportanceWeights, logMeanExp } from './importance';
import { buildModel, refKey, type BuiltModel, type Evaluation, type RunOptions } from './model';
import { compileGraph, type Plan } from './plan';

export interface Batch {
  /** [B, H, W, C] in 0..1 */
  x: Tensor;
  /** [B] int32 */
  labels: Tensor;
}

export interface LossTerms {
  /** What training minimises: the sum of the Loss's terms (−ELBO), or −(IWAE bound) with importance samples. */
  objective: Tensor;
  /** Sum of the reconstruction terms (−log p(x|z)), per example. */
  recon: Tensor;
  /** Sum of the KL terms (unweighted), per example; 0 for an autoencoder. */
  kl: Tensor;
  /** The weighted KL as it enters the objective (β·|KL − C|, or KL without a β node). */
  betaKl: Tensor;
  /** KL per latent dimension [d] (first KL node), or undefined. */
  klPerDim: Tensor | undefined;
  /** Current β of the first β node (1 without one). */
  beta: Tensor;
  /** μ of q(z|x) for the batch [B, d] (main encoder), if there is one. */
  mean: Tensor | undefined;
  /** The live values the nodes read in this pass (what a changed β really did). */
  liveRead: Record<string, Record<string, number>>;
}

export type StepOptions = Omit<RunOptions, 'feeds'>;

export interface Program {
  plan: Plan;
  model: BuiltModel;
  tf: TF;
  seed: number;
  /** The forward pass and its loss terms. Call inside tf.tidy / tf.variableGrads. */
  losses(batch: Batch, options: StepOptions): LossTerms;
  /** The forward pass on a batch, every port readable (what `losses` sums). Call inside tf.tidy. */
  evaluateBatch(batch: Batch, options: StepOptions): Evaluation;
  /**
   * μ (and log σ²) of q(z|x), deterministic. Undefined without an encoder. A conditioned model
   * (plan.generation.encoderConditioned or decoderClasses) needs the images' class labels [N] too.
   */
  encode(x: Tensor, labels?: Tensor): { mean: Tensor; logVar: Tensor | undefined };
  /** Mean image for each code z [N, d]; a conditioned decoder draws each code as the class in `labels` [N]. */
  decode(z: Tensor, labels?: Tensor): Tensor;
  /** What the encoder saw (x, or x̃ after noise) and the decoder's mean image. */
  reconstruct(x: Tensor, noiseKey?: string, labels?: Tensor): { input: Tensor; output: Tensor };
  /** N codes from the prior N(0, I), seeded. */
  priorCodes(n: number, key: string): Tensor;
  /**
   * The classes N prior codes are drawn as when the decoder is conditioned, decode(z, onehot(c)):
   * `classOf(i)` for row i (default: 0, 1, … K−1, 0, 1, …); undefined when the decoder reads no class.
   */
  priorLabels(n: number, classOf?: (i: number) => number): Tensor | undefined;
  /** Copies of every weight, by `nodeId/name` (for saving, moving to another backend, forks). */
  readWeights(): Promise<WeightMap>;
  /** Sets weights from a map (every weight of the model must be present with the same shape). */
  writeWeights(weights: WeightMap): void;
  dispose(): void;
}

export type WeightMap = Record<string, { shape: number[]; values: Float32Array }>;

export type CompileProgramResult = { ok: true; program: Program } | { ok: false; diagnostics: Diagnostic[] };

export function compileProgram(
  doc: GraphDoc,
  tf: TF,
  options: { seed?: number; registry?: ReadonlyMap<string, AnyNodeDef> } = {},
): CompileProgramResult {
  const registry = options.registry ?? nodeRegistry;
  const compiled = compileGraph(doc, registry);
  if (!compiled.ok) return { ok: false, diagnostics: compiled.diagnostics };
  const seed = options.seed ?? doc.training.seed;
  try {
    return { ok: true, program: createProgram(compiled.plan, tf, registry, seed) };
  } catch (e) {
    return {
      ok: false,
      diagnostics: [
        { severity: 'error', code: 'build', message: `building the model failed: ${e instanceof Error ? e.message : String(e)}` },
      ],
    };
  }
}

/** The sum of a metric's reports (0 without any). */
export function sumReports(tf: TF, reports: ReadonlyArray<{ value: Tensor }> | undefined): Tensor {
  if (!reports || reports.length === 0) return tf.scalar(0);
  if (reports.length === 1) return (reports[0] as { value: Tensor }).value;
  // pairwise adds: addN of many inputs exceeds WebGPU's storage-buffer limit per shader
  return reports.map((r) => r.value).reduce((a, b) => tf.add(a, b));
}

export function createProgram(plan: Plan, tf: TF, registry: ReadonlyMap<string, AnyNodeDef>, seed: number): Program {
  const model = buildModel(plan, tf, registry, seed);
  const gen = plan.generation;
  const datasetNode = plan.dataset.nodeId;

  const feedsFor = (batch: Batch) =>
    new Map<string, PortValue>([
      [`${datasetNode}.${plan.dataset.images}`, batch.x],
      [`${datasetNode}.${plan.dataset.labels}`, batch.labels],
    ]);

  const evaluateBatch = (batch: Batch, options: StepOptions): Evaluation => model.evaluate({ ...options, feeds: feedsFor(batch) });

  /** The feeds with the class labels added, which a conditioned encoder or decoder (`reads`) cannot do without. */
  const withLabels = (feeds: Map<string, PortValue>, labels: Tensor | undefined, reads: boolean, what: string) => {
    if (!gen || !reads) return feeds;
    if (!labels) throw new Error(`this graph is conditioned on the class: ${what} needs a class label for each row`);
    return feeds.set(refKey(gen.labels), labels);
  };
  const conditioned = gen !== undefined && (gen.encoderConditioned || gen.decoderClasses !== undefined);

  const asTensor = (v: PortValue, what: string): Tensor => {
    if (isReconstruction(v)) throw new Error(`${what} is a reconstruction, not a tensor`);
    return v;
  };

  const k = plan.importanceSamples;
  const importance = k > 1 ? importancePath(plan, registry) : undefined;
  if (typeof importance === 'string') throw new Error(`the IWAE bound cannot be trained: ${importance}`);
  /** −(1/B) Σ log (1/k Σ w): the IWAE objective, its k draws of z seeded by the step and noise key. */
  const iwaeObjective = (batch: Batch, ev: Evaluation, options: StepOptions): Tensor => {
    if (!importance) throw new Error('this graph trains no IWAE bound');
    const b = batch.x.shape[0] as number;
    const d = importance.latentDim;
    const rng = new Rng(hashSeed(seed, 'iwae', options.noiseKey, options.step));
    const eps = tf.tensor2d(rng.fillNormal(new Float32Array(b * k * d)), [b * k, d]);
    const logWeights = logImportanceWeights(tf, model, importance, {
      x: batch.x,
      labels: batch.labels,
      mean: asTensor(ev.get(importance.mean), 'μ'),
      logVar: asTensor(ev.get(importance.logVar), 'log σ²'),
      eps,
      k,
      run: options,
    });
    return tf.neg(tf.mean(logMeanExp(tf, logWeights)));
  };

  return {
    plan,
    model,
    tf,
    seed,
    evaluateBatch,
    losses(batch, options) {
      const ev = evaluateBatch(batch, options);
      // the ELBO's terms are still computed under IWAE: the curves show reconstruction and KL
      const elboObjective = ev.objective();
      const objective = importance ? iwaeObjective(batch, ev, options) : elboObjective;
      const recon = sumReports(tf, ev.metrics.get('recon'));
      const kl = sumReports(tf, ev.metrics.get('kl'));
      const betaReports = ev.metrics.get('betaKl');
      // KL terms that reach the objective without a β node count with weight 1
      const betaKl = betaReports && betaReports.length > 0 ? sumReports(tf, betaReports) : kl;
      const betaValue = ev.metrics.get('beta')?.[0]?.value ?? tf.scalar(plan.roles.kl.length > 0 ? 1 : 0);
      return {
        objective,
        recon,
        kl,
        betaKl,
        klPerDim: ev.metrics.get('klPerDim')?.[0]?.value,
        beta: betaValue,
        mean: gen?.mean ? asTensor(ev.get(gen.mean), 'μ') : undefined,
        liveRead: ev.liveRead,
      };
    },
    encode(x, labels) {
      if (!gen?.mean) throw new Error('this graph has no encoder');
      const feeds = withLabels(new Map([[refKey(gen.datasetX), x]]), labels, gen.encoderConditioned, 'encoding');
      const ev = model.evaluate({ mode: 'infer', step: 0, noiseKey: 'encode', feeds });
      const mean = asTensor(ev.get(gen.mean), 'μ');
      const logVar = gen.logVar ? asTensor(ev.get(gen.logVar), 'log σ²') : undefined;
      return { mean, logVar };
    },
    decode(z, labels) {
      if (!gen) throw new Error('this graph has no decoder feeding a reconstruction loss');
      const zSource = plan.nodes.find((n) => n.id === gen.decoderZ.node)?.inputs[gen.decoderZ.port]?.[0];
      if (!zSource) throw new Error('the decoder has no z input');
      const feeds = withLabels(new Map([[refKey(zSource), z]]), labels, gen.decoderClasses !== undefined, 'decoding');
      const ev = model.evaluate({ mode: 'infer', step: 0, noiseKey: 'decode', feeds });
      const out = ev.get(gen.xHat);
      if (!isReconstruction(out)) throw new Error('the decoder did not return an image');
      return out.mean;
    },
    reconstruct(x, noiseKey = 'reconstruct', labels) {
      if (!gen) throw new Error('this graph has no decoder feeding a reconstruction loss');
      const feeds = withLabels(new Map([[refKey(gen.datasetX), x]]), labels, conditioned, 'reconstructing');
      const ev = model.evaluate({ mode: 'infer', step: 0, noiseKey, feeds });
      const out = ev.get(gen.xHat);
      if (!isReconstruction(out)) throw new Error('the decoder did not return an image');
      const input = gen.encoderInput ? asTensor(ev.get(gen.encoderInput), 'encoder input') : x;
      return { input, output: out.mean };
    },
    priorCodes(n, key) {
      const d = gen?.latentDim;
      if (!d) throw new Error('this graph has no latent code');
      return tf.tensor2d(new Rng(hashSeed(seed, 'prior', key)).fillNormal(new Float32Array(n * d)), [n, d]);
    },
    priorLabels(n, classOf) {
      const classes = gen?.decoderClasses;
      if (classes === undefined) return undefined;
      const pick = classOf ?? ((i: number) => i % classes);
      return tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => pick(i)),
        'int32',
      );
    },
    async readWeights() {
      const out: WeightMap = {};
      for (const [name, v] of model.namedVariables) {
        out[name] = { shape: [...v.shape], values: Float32Array.from(await v.data()) };
      }
      return out;
    },
    writeWeights(weights) {
      for (const [name, v] of model.namedVariables) {
        const w = weights[name];
        if (!w) throw new Error(`weight '${name}' is missing`);
        if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
          throw new Error(`weight '${name}' has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
        }
        if (w.values.length !== v.size) throw new Error(`weight '${name}' has ${w.values.length} values, expected ${v.size}`);
      }
      tf.tidy(() => {
        for (const [name, v] of model.namedVariables) {
          const w = weights[name] as WeightMap[string];
          v.assign(tf.tensor(w.values, w.shape));
        }
      });
    },
    dispose() {
      model.dispose();
    },
  };
}
