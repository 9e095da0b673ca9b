/**
 * Disentanglement scores: how well each ground-truth factor of variation is
 * captured by one latent dimension, and only one. Pure functions on plain
 * arrays (latent means from an encoder, and the factor levels of the same
 * images), so they run in Node, in a worker, and in tests.
 *
 * - MIG, the mutual information gap (Chen et al. 2018): for each factor, the
 *   gap in mutual information between the two latents that know most about it,
 *   as a fraction of the factor's entropy. 1 = one latent holds the factor and
 *   no other latent knows it; 0 = two latents share it equally (or none has it).
 * - FactorVAE score (Kim & Mnih 2018): fix one factor, and the latent that
 *   varies least (after scaling each latent by its spread over the data) should
 *   be the one for that factor. The accuracy of a majority vote from latent to
 *   factor.
 * - β-VAE score (Higgins et al. 2017): fix one factor in pairs of images; the
 *   mean |z₁ − z₂| should be small in that factor's latent. The accuracy of a
 *   linear classifier that reads the factor off these differences.
 *
 * All sampling is seeded: the same inputs give the same scores.
 */
import { hashSeed, Rng } from '../core/random';

/** Latent codes (usually the encoder's means μ), row-major [count × dims]. */
export interface LatentCodes {
  values: Float32Array;
  count: number;
  dims: number;
}

/** Ground-truth factor levels of the same images, row-major [count × sizes.length]. */
export interface FactorLevels {
  values: Uint8Array;
  count: number;
  /** Number of levels of each factor. */
  sizes: ReadonlyArray<number>;
}

export function checkInputs(latents: LatentCodes, factors: FactorLevels): void {
  if (latents.values.length !== latents.count * latents.dims) {
    throw new Error(`latent array has ${latents.values.length} values, expected ${latents.count} × ${latents.dims}`);
  }
  const k = factors.sizes.length;
  if (factors.values.length !== factors.count * k) {
    throw new Error(`factor array has ${factors.values.length} values, expected ${factors.count} × ${k}`);
  }
  if (latents.count !== factors.count) throw new Error(`${latents.count} latent codes but ${factors.count} factor rows`);
  if (latents.count < 2) throw new Error('need at least 2 images to score disentanglement');
  if (latents.dims < 1) throw new Error('the code has no dimensions');
  for (let i = 0; i < factors.values.length; i++) {
    const f = i % k;
    if ((factors.values[i] as number) >= (factors.sizes[f] as number)) {
      throw new Error(`factor ${f} has level ${factors.values[i] as number} but only ${factors.sizes[f] as number} levels`);
    }
  }
}

// ---------------------------------------------------------------- MIG

export interface FactorGap {
  factor: number;
  /** (I(z_a; v) − I(z_b; v)) / H(v) for the two most informative latents a, b. */
  gap: number;
  /** H(v) in nats. */
  entropy: number;
  /** The most and second most informative latent dimensions. */
  best: number;
  second: number | undefined;
}

export interface MigResult {
  /** Mean gap over the factors that vary. */
  mig: number;
  perFactor: FactorGap[];
  /** I(z_j; v_k) in nats, [factor][latent]. */
  mutualInformation: number[][];
  bins: number;
}

/** Each latent cut into `bins` equal-width bins between its min and max (a constant latent falls in bin 0). */
export function discretizeLatents(latents: LatentCodes, bins: number): Uint16Array {
  const { values, count, dims } = latents;
  const out = new Uint16Array(count * dims);
  for (let j = 0; j < dims; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = values[i * dims + j] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const width = hi - lo;
    for (let i = 0; i < count; i++) {
      const v = values[i * dims + j] as number;
      const b = width > 0 && Number.isFinite(width) ? Math.floor(((v - lo) / width) * bins) : 0;
      out[i * dims + j] = Math.min(bins - 1, Math.max(0, b));
    }
  }
  return out;
}

/** Empirical entropy (nats) of each factor. */
export function factorEntropies(factors: FactorLevels): number[] {
  const k = factors.sizes.length;
  return factors.sizes.map((size, f) => {
    const counts = new Float64Array(size);
    for (let i = 0; i < factors.count; i++) counts[factors.values[i * k + f] as number]! += 1;
    return entropy(counts, factors.count);
  });
}

function entropy(counts: Float64Array, total: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h;
}

/** I(z_j; v_k) in nats between each discretised latent and each factor, [factor][latent]. */
export function mutualInformationMatrix(binned: Uint16Array, bins: number, dims: number, factors: FactorLevels): number[][] {
  const k = factors.sizes.length;
  const n = factors.count;
  const out: number[][] = [];
  for (let f = 0; f < k; f++) {
    const levels = factors.sizes[f] as number;
    const row: number[] = [];
    for (let j = 0; j < dims; j++) {
      const joint = new Float64Array(bins * levels);
      const pz = new Float64Array(bins);
      const pv = new Float64Array(levels);
      for (let i = 0; i < n; i++) {
        const b = binned[i * dims + j] as number;
        const v = factors.values[i * k + f] as number;
        joint[b * levels + v]! += 1;
        pz[b]! += 1;
        pv[v]! += 1;
      }
      let mi = 0;
      for (let b = 0; b < bins; b++) {
        for (let v = 0; v < levels; v++) {
          const c = joint[b * levels + v] as number;
          if (c > 0) mi += (c / n) * Math.log((c * n) / ((pz[b] as number) * (pv[v] as number)));
        }
      }
      row.push(Math.max(0, mi));
    }
    out.push(row);
  }
  return out;
}

/**
 * MIG (Chen et al. 2018), estimated as in the disentanglement_lib reference:
 * latents discretised into `bins` equal-width bins (default 20), mutual
 * information with each discrete factor, the gap between the top two latents
 * normalised by the factor's entropy, averaged over the factors that vary.
 */
export function mutualInformationGap(latents: LatentCodes, factors: FactorLevels, options: { bins?: number } = {}): MigResult {
  checkInputs(latents, factors);
  const bins = options.bins ?? 20;
  const binned = discretizeLatents(latents, bins);
  const mi = mutualInformationMatrix(binned, bins, latents.dims, factors);
  const entropies = factorEntropies(factors);
  const perFactor: FactorGap[] = [];
  entropies.forEach((h, f) => {
    if (h <= 0) return; // a factor that never changes has nothing to disentangle
    const row = mi[f] as number[];
    const order = row.map((_, j) => j).sort((a, b) => (row[b] as number) - (row[a] as number));
    const best = order[0] as number;
    const second = order[1];
    const gap = ((row[best] as number) - (second === undefined ? 0 : (row[second] as number))) / h;
    perFactor.push({ factor: f, gap, entropy: h, best, second });
  });
  const mig = perFactor.length > 0 ? perFactor.reduce((s, g) => s + g.gap, 0) / perFactor.length : 0;
  return { mig, perFactor, mutualInformation: mi, bins };
}

// ---------------------------------------------------------------- sampling helpers

/** groups[k][v] = indices of the images whose factor k has level v. */
export function groupByFactor(factors: FactorLevels): Uint32Array[][] {
  const k = factors.sizes.length;
  return factors.sizes.map((size, f) => {
    const counts = new Uint32Array(size);
    for (let i = 0; i < factors.count; i++) counts[factors.values[i * k + f] as number]! += 1;
    const groups = Array.from(counts, (c) => new Uint32Array(c));
    const fill = new Uint32Array(size);
    for (let i = 0; i < factors.count; i++) {
      const v = factors.values[i * k + f] as number;
      (groups[v] as Uint32Array)[fill[v]!++] = i;
    }
    return groups;
  });
}

/** Factors with more than one level present in the data (only those can be fixed and told apart). */
export function varyingFactors(groups: Uint32Array[][]): number[] {
  return groups.flatMap((g, f) => (g.filter((members) => members.length > 0).length > 1 ? [f] : []));
}

/** Draws the images of one "fixed factor" batch: factor f at the level of a random image, the rest random. */
function sampleWithFixedFactor(rng: Rng, factors: FactorLevels, groups: Uint32Array[][], f: number, size: number, out: Uint32Array): void {
  const k = factors.sizes.length;
  const anchor = rng.int(factors.count);
  const members = (groups[f] as Uint32Array[])[factors.values[anchor * k + f] as number] as Uint32Array;
  for (let l = 0; l < size; l++) out[l] = members[rng.int(members.length)] as number;
}

// ---------------------------------------------------------------- FactorVAE score

export interface FactorVaeResult {
  /** Majority-vote accuracy on the votes it was fit to. */
  trainAccuracy: number;
  /** Accuracy on fresh votes (the score usually reported). */
  evalAccuracy: number;
  /** Latent dims kept (variance over the data ≥ minVariance); collapsed ones are pruned. */
  activeDims: number[];
  /** The factor each latent dim votes for (−1 for pruned or unused dims). */
  factorOfDim: number[];
  /** votes[dim][factor] from the training votes. */
  votes: number[][];
}

export interface FactorVaeOptions {
  seed?: number;
  /** Votes to fit the majority classifier (default 10,000) and to score it (default 5,000). */
  trainVotes?: number;
  evalVotes?: number;
  /** Images per vote (default 64). */
  batchSize?: number;
  /** Latents whose variance over the data is below this are pruned (default 0.01: collapsed VAE units). */
  minVariance?: number;
}

/**
 * FactorVAE score (Kim & Mnih 2018). Each latent is divided by its standard
 * deviation over the data. A vote: fix one factor, draw a batch of images, and
 * find the latent with the least variance over the batch — it should be that
 * factor's latent. A majority-vote classifier maps each latent to a factor; the
 * score is its accuracy on fresh votes.
 */
export function factorVaeScore(latents: LatentCodes, factors: FactorLevels, options: FactorVaeOptions = {}): FactorVaeResult {
  checkInputs(latents, factors);
  const { values, count, dims } = latents;
  const k = factors.sizes.length;
  const batchSize = Math.max(2, options.batchSize ?? 64);
  const minVariance = options.minVariance ?? 0.01;
  const variance = columnVariances(values, count, dims);
  const activeDims = variance.flatMap((v, j) => (v >= minVariance && Number.isFinite(v) ? [j] : []));
  const groups = groupByFactor(factors);
  const varying = varyingFactors(groups);
  const empty = (): number[][] => Array.from({ length: dims }, () => new Array<number>(k).fill(0));
  if (activeDims.length === 0 || varying.length === 0) {
    return { trainAccuracy: 0, evalAccuracy: 0, activeDims, factorOfDim: new Array<number>(dims).fill(-1), votes: empty() };
  }
  const rng = new Rng(hashSeed(options.seed ?? 0, 'factor-vae'));
  const batch = new Uint32Array(batchSize);
  const castVotes = (n: number): number[][] => {
    const votes = empty();
    for (let t = 0; t < n; t++) {
      const f = varying[rng.int(varying.length)] as number;
      sampleWithFixedFactor(rng, factors, groups, f, batchSize, batch);
      let bestDim = activeDims[0] as number;
      let bestVar = Infinity;
      for (const j of activeDims) {
        const v = batchVariance(values, dims, j, batch) / (variance[j] as number);
        if (v < bestVar) {
          bestVar = v;
          bestDim = j;
        }
      }
      (votes[bestDim] as number[])[f]! += 1;
    }
    return votes;
  };
  const trainVotes = castVotes(options.trainVotes ?? 10_000);
  const evalVotes = castVotes(options.evalVotes ?? 5_000);
  const factorOfDim = trainVotes.map((row) => (row.some((c) => c > 0) ? argmax(row) : -1));
  const accuracy = (votes: number[][]) => {
    let right = 0;
    let total = 0;
    votes.forEach((row, j) => {
      const f = factorOfDim[j] as number;
      for (const c of row) total += c;
      if (f >= 0) right += row[f] as number;
    });
    return total > 0 ? right / total : 0;
  };
  return { trainAccuracy: accuracy(trainVotes), evalAccuracy: accuracy(evalVotes), activeDims, factorOfDim, votes: trainVotes };
}

function columnVariances(values: Float32Array, count: number, dims: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < dims; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < count; i++) {
      const v = values[i * dims + j] as number;
      s += v;
      s2 += v * v;
    }
    const m = s / count;
    out.push(Math.max(0, s2 / count - m * m) * (count / Math.max(1, count - 1)));
  }
  return out;
}

/** Unbiased variance of latent j over the images in `batch`. */
function batchVariance(values: Float32Array, dims: number, j: number, batch: Uint32Array): number {
  let s = 0;
  for (const i of batch) s += values[i * dims + j] as number;
  const m = s / batch.length;
  let s2 = 0;
  for (const i of batch) {
    const d = (values[i * dims + j] as number) - m;
    s2 += d * d;
  }
  return s2 / (batch.length - 1);
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}

// ---------------------------------------------------------------- β-VAE score
