/**
 * The table beside compared runs (live or from the history): final test
 * metrics and the sharpness meter, one column per run. Pure; the components
 * only draw the rows.
 */
import { specRegistry } from '../../../nodes';
import { nodesWithRole } from '../../core/graphQueries';
import type { GraphDoc } from '../../core/schema';
import type { SharpnessReading } from '../protocol';

export interface RunColumn {
  final: { elbo: number; recon: number; kl: number; activeUnits: number } | null | undefined;
  sharpness: SharpnessReading | null | undefined;
  steps: number;
  status: string;
}

export interface TableRow {
  key: string;
  label: string;
  values: string[];
  /** Column of the best value, where "best" means something across runs (sharper). */
  best: number | undefined;
}

const fmt = (v: number | undefined, digits: number): string => (v === undefined ? '—' : Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The column of the highest value as shown (to `digits`); a single value or a tie marks nothing. */
function bestOf(values: ReadonlyArray<number | undefined>, digits: number): number | undefined {
  const shown = values.map((v) => (v !== undefined && Number.isFinite(v) ? Number(v.toFixed(digits)) : undefined));
  const finite = shown.filter((v): v is number => v !== undefined);
  if (finite.length < 2) return undefined;
  const best = Math.max(...finite);
  return finite.filter((v) => v === best).length === 1 ? shown.indexOf(best) : undefined;
}

/** Rows of final metrics and sharpness for runs side by side. */
export function summaryRows(columns: ReadonlyArray<RunColumn>): TableRow[] {
  const metric = (key: string, label: string, pick: (c: RunColumn) => number | undefined, digits: number, compare = false): TableRow => {
    const raw = columns.map(pick);
    return { key, label, values: raw.map((v) => fmt(v, digits)), best: compare ? bestOf(raw, digits) : undefined };
  };
  return [
    metric('elbo', 'test ELBO (nats)', (c) => c.final?.elbo, 2),
    metric('recon', 'reconstruction −log p(x|z)', (c) => c.final?.recon, 2),
    metric('kl', 'KL (rate, nats)', (c) => c.final?.kl, 2),
    metric('active', 'active units', (c) => c.final?.activeUnits, 0),
    metric('sharpRecon', 'sharpness of reconstructions (Laplacian, ×data)', (c) => c.sharpness?.reconstructions.laplacianVariance, 3, true),
    metric('sharpReconGrad', 'sharpness of reconstructions (gradient, ×data)', (c) => c.sharpness?.reconstructions.gradientEnergy, 3, true),
    metric('sharpSamples', 'sharpness of samples (Laplacian, ×data)', (c) => c.sharpness?.samples.laplacianVariance, 3, true),
    metric('sharpSamplesGrad', 'sharpness of samples (gradient, ×data)', (c) => c.sharpness?.samples.gradientEnergy, 3, true),
    { key: 'steps', label: 'steps', values: columns.map((c) => String(c.steps)), best: undefined },
    { key: 'status', label: 'status', values: columns.map((c) => c.status), best: undefined },
  ];
}

/** "bernoulli", "gaussian σ=0.1", … per reconstruction loss of a graph. */
function likelihoodsOf(doc: GraphDoc): string {
  return nodesWithRole(doc.nodes, specRegistry, 'likelihood')
    .map(({ node: n, role }) => {
      const d = String(n.params[role.choiceParam] ?? 'bernoulli');
      return d === 'gaussian' ? `${d} σ=${String(n.params.sigma)}${n.params.learnSigma ? ' learned' : ''}` : d;
    })
    .join(',');
}

/**
 * Whether the graphs score reconstructions with different likelihoods: then
 * their reconstruction terms (and ELBOs) are on different scales — MSE drops
 * the Gaussian's constants — and the pictures and sharpness are what compare.
 */
export function likelihoodsDiffer(docs: ReadonlyArray<GraphDoc>): boolean {
  return new Set(docs.map(likelihoodsOf)).size > 1;
}
