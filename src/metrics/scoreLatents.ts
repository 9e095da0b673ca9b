/** MIG, FactorVAE and β-VAE scores of the same codes, together (see disentanglement.ts and betaVaeScore.ts). */
import { betaVaeScore, type BetaVaeOptions, type BetaVaeResult } from './betaVaeScore';
import {
  factorVaeScore,
  mutualInformationGap,
  type FactorLevels,
  type FactorVaeOptions,
  type FactorVaeResult,
  type LatentCodes,
  type MigResult,
} from './disentanglement';

export interface DisentanglementScores {
  mig: MigResult;
  factorVae: FactorVaeResult;
  /** Absent when turned off. */
  betaVae: BetaVaeResult | undefined;
}

export interface DisentanglementOptions {
  seed?: number;
  bins?: number;
  factorVae?: Omit<FactorVaeOptions, 'seed'>;
  betaVae?: Omit<BetaVaeOptions, 'seed'> | false;
}

/** MIG, FactorVAE score and (unless turned off) β-VAE score of the same codes. */
export function scoreLatents(latents: LatentCodes, factors: FactorLevels, options: DisentanglementOptions = {}): DisentanglementScores {
  const seed = options.seed ?? 0;
  return {
    mig: mutualInformationGap(latents, factors, options.bins !== undefined ? { bins: options.bins } : {}),
    factorVae: factorVaeScore(latents, factors, { ...options.factorVae, seed }),
    betaVae: options.betaVae === false ? undefined : betaVaeScore(latents, factors, { ...options.betaVae, seed }),
  };
}
