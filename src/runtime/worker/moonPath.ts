/** The moon interpolation of a trained program: encode a small and a full-size shape of the test split, decode the straight line between their codes, measure it. */
import type { Program } from '../../compiler/program';
import { BatchSampler } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { measurePath, moonPair, scaleLadder, type MoonPair, type PathMeasures } from '../../metrics/moonPath';
import { encodeMeans, interpolation } from './pictures';

export interface MoonPath {
  pair: MoonPair;
  /** The two test images, small first, [2 × px] in 0..1. */
  ends: Float32Array;
  /** The real shape at every scale between them, [scales × px]. */
  ladder: Float32Array;
  /** The decoded codes (1 − α)·μ_small + α·μ_large for `steps` evenly spaced α from 0 to 1, [steps × px]. */
  images: Float32Array;
  measures: PathMeasures;
}

/** Why this program and data have no moon path, or undefined when they do. */
export function moonProblem(program: Program, data: DatasetData): string | undefined {
  if (!program.plan.generation?.mean) return 'this graph has no encoder, so images have no codes to interpolate between';
  if (program.plan.dataset.id !== 'shapes' || !data.factors)
    return 'the moon interpolation needs the shapes dataset (set the Dataset node to shapes)';
  if (program.plan.generation.encoderConditioned || program.plan.generation.decoderClasses !== undefined)
    return 'the moon interpolation needs an encoder and a decoder that read no class label';
  return undefined;
}

/** Every tensor it makes is disposed before it returns. */
export async function moonPath(program: Program, data: DatasetData, steps: number): Promise<MoonPath> {
  const problem = moonProblem(program, data);
  if (problem) throw new Error(problem);
  const factors = data.factors;
  const pair = factors ? moonPair({ names: factors.names, levels: factors.test }) : undefined;
  if (!pair) throw new Error('the test split holds no small and full-size ellipse at the same rotation and position');
  const sampler = new BatchSampler(data, { split: 'test', batchSize: 1, binarize: program.plan.dataset.binarize, seed: program.seed });
  const ends = sampler.images([pair.small, pair.large]);
  const { values, d } = await encodeMeans(program, ends);
  const decoded = await interpolation(program, values.subarray(0, d), values.subarray(d, 2 * d), steps);
  const ladder = scaleLadder(pair);
  return { pair, ends: ends.x, ladder, images: decoded.data, measures: measurePath(decoded.data, steps, ladder) };
}
