/**
 * The anatomy of one training step for one example: the same forward pass the
 * step runs (its batch, its noise key, the weights before its update), read at
 * every stage of x → encoder → μ, σ → z = μ + σ·ε → decoder → x̂ → loss.
 *
 * Noise in a program is a pure function of (seed, noise key, node, stream), so
 * evaluating the step's graph again with the step's noise key draws exactly
 * the ε the step itself draws: what the dashboard shows is what trains.
 */
import { isReconstruction, type PortValue, type Tensor } from '../../../nodes/defineNode';
import { sumReports, type Program } from '../../compiler/program';
import type { BatchArrays } from '../../data/batches';
import type { Anatomy } from '../protocol';
import { toBatch, trainNoiseKey } from './trainer';

export interface AnatomyAt {
  step: number;
  epoch: number;
  batchIndex: number;
  /** Position of the example in the batch (taken modulo the batch's size). */
  slot: number;
  live?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Row `slot` of a [B, …] tensor as a flat copy. */
const row = async (t: Tensor, slot: number): Promise<Float32Array> => {
  const width = t.size / (t.shape[0] as number);
  const all = (await t.data()) as Float32Array;
  return all.slice(slot * width, (slot + 1) * width);
};

const tensorOf = (v: PortValue, what: string): Tensor => {
  if (isReconstruction(v)) throw new Error(`${what} is a reconstruction, not a tensor`);
  return v;
};

/**
 * Follows example `slot` of a training batch through the step's forward pass.
 * Leaves no tensors behind.
 */
export async function traceExample(program: Program, arrays: BatchArrays, at: AnatomyAt): Promise<Anatomy> {
  const { tf, plan } = program;
  const gen = plan.generation;
  if (!gen) throw new Error('this graph has no decoder feeding a reconstruction loss, so there is no x̂ to follow');
  const zSource = plan.nodes.find((n) => n.id === gen.decoderZ.node)?.inputs[gen.decoderZ.port]?.[0];
  if (!zSource) throw new Error('the decoder has no z input');
  const slot = at.slot % arrays.size;

  const kept = tf.tidy(() => {
    const batch = toBatch(tf, arrays, plan.imageShape);
    const ev = program.evaluateBatch(batch, {
      mode: 'train',
      step: at.step,
      noiseKey: trainNoiseKey(at.step),
      ...(at.live ? { live: at.live } : {}),
    });
    const objective = ev.objective();
    const xHat = ev.get(gen.xHat);
    if (!isReconstruction(xHat)) throw new Error('the decoder did not return an image');
    const first = (name: 'recon' | 'kl' | 'beta' | 'reconPerExample' | 'eps'): Tensor | undefined => ev.metrics.get(name)?.[0]?.value;
    const kept: Record<string, Tensor | undefined> = {
      input: gen.encoderInput ? tensorOf(ev.get(gen.encoderInput), 'encoder input') : batch.x,
      target: batch.x,
      reconstruction: xHat.mean,
      mean: gen.mean ? tensorOf(ev.get(gen.mean), 'μ') : undefined,
      logVar: gen.logVar ? tensorOf(ev.get(gen.logVar), 'log σ²') : undefined,
      z: tensorOf(ev.get(zSource), 'z'),
      eps: first('eps'),
      reconPerExample: first('reconPerExample'),
      beta: first('beta'),
      batch: tf.stack([sumReports(tf, ev.metrics.get('recon')), sumReports(tf, ev.metrics.get('kl')), objective]),
    };
    for (const t of Object.values(kept)) if (t) tf.keep(t);
    return kept;
  });

  try {
    const need = (name: string): Tensor => {
      const t = kept[name];
      if (!t) throw new Error(`the forward pass gave no ${name}`);
      return t;
    };
    const z = Array.from(await row(need('z'), slot));
    const mean = kept.mean ? Array.from(await row(kept.mean, slot)) : z;
    const logVar = kept.logVar ? await row(kept.logVar, slot) : undefined;
    const variational = plan.variational && kept.eps !== undefined;
    const sigma = variational && logVar ? Array.from(logVar, (v) => Math.exp(0.5 * v)) : null;
    const eps = variational && kept.eps ? Array.from(await row(kept.eps, slot)) : null;
    const perExample = kept.reconPerExample ? await row(kept.reconPerExample, slot) : undefined;
    const [batchRecon, batchKl, batchObjective] = Array.from(await need('batch').data());
    // KL(N(μ, σ²) ‖ N(0, I)) of this example: ½ Σ (μ² + σ² − log σ² − 1)
    const kl =
      plan.roles.kl.length > 0 && logVar
        ? 0.5 * mean.reduce((acc, m, j) => acc + m * m + Math.exp(logVar[j] as number) - (logVar[j] as number) - 1, 0)
        : null;
    const beta = kept.beta ? ((await kept.beta.data())[0] as number) : plan.roles.kl.length > 0 ? 1 : 0;
    const [h, w, c] = plan.imageShape as [number, number, number];
    return {
      step: at.step,
      epoch: at.epoch,
      batchIndex: at.batchIndex,
      slot,
      batchSize: arrays.size,
      datasetIndex: arrays.indices[slot] as number,
      label: arrays.labels[slot] as number,
      imageShape: [h, w, c],
      input: await row(need('input'), slot),
      target: await row(need('target'), slot),
      reconstruction: await row(need('reconstruction'), slot),
      mean,
      sigma,
      eps,
      z,
      recon: perExample ? (perExample[0] as number) : (batchRecon as number),
      kl,
      beta,
      batch: { recon: batchRecon as number, kl: batchKl as number, objective: batchObjective as number },
    };
  } finally {
    for (const t of Object.values(kept)) t?.dispose();
  }
}
