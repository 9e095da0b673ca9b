/**
 * The disentanglement scores of encoded images against their known factors
 * (MIG, FactorVAE, β-VAE), with each factor's details, for the lab's reports
 * and the dashboard.
 */
import type { EncodedImages } from './encodeLatents';
import { scoreLatents } from './scoreLatents';

export interface FactorReport {
  factor: string;
  /** MIG gap of this factor. */
  gap: number;
  /** Entropy of the factor (nats). */
  entropy: number;
  /** Latent dim with the most information about the factor, and the runner-up. */
  bestDim: number;
  secondDim: number | null;
  /** I(z_j; factor) / H(factor) for every latent dim j. */
  normalizedMutualInformation: number[];
}

export interface LabScores {
  split: 'test';
  images: number;
  mig: number;
  factorVae: number;
  betaVae: number;
  perFactor: FactorReport[];
  factorVaeDetails: { trainAccuracy: number; evalAccuracy: number; activeDims: number[]; factorOfDim: Array<string | null> };
  betaVaeDetails: { trainAccuracy: number; evalAccuracy: number };
}

/** MIG, FactorVAE and β-VAE scores of encoded images, with each factor's details (for reports and the dashboard). */
export function labScores(encoded: EncodedImages, names: ReadonlyArray<string>, seed: number): LabScores {
  if (!encoded.factors) throw new Error('the test split has no factor table');
  const s = scoreLatents(encoded.means, encoded.factors, { seed });
  const betaVae = s.betaVae ?? { trainAccuracy: 0, evalAccuracy: 0 };
  return {
    split: 'test',
    images: encoded.means.count,
    mig: s.mig.mig,
    factorVae: s.factorVae.evalAccuracy,
    betaVae: betaVae.evalAccuracy,
    perFactor: s.mig.perFactor.map((g) => ({
      factor: names[g.factor] ?? String(g.factor),
      gap: g.gap,
      entropy: g.entropy,
      bestDim: g.best,
      secondDim: g.second ?? null,
      normalizedMutualInformation: (s.mig.mutualInformation[g.factor] ?? []).map((mi) => mi / g.entropy),
    })),
    factorVaeDetails: {
      trainAccuracy: s.factorVae.trainAccuracy,
      evalAccuracy: s.factorVae.evalAccuracy,
      activeDims: s.factorVae.activeDims,
      factorOfDim: s.factorVae.factorOfDim.map((f) => (f >= 0 ? (names[f] ?? String(f)) : null)),
    },
    betaVaeDetails: betaVae,
  };
}
