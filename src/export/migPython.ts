/** MIG in Python for the exported shapes scripts, computed as src/metrics/disentanglement.ts computes it, and its report. */
import type { ScriptParts } from './assemble';
import { pythonLines as lines } from './python';

/** MIG in Python, as src/metrics/disentanglement.ts computes it. */
export function migPython(): string[] {
  return lines(`
# ---------------------------------------------------------------- disentanglement: MIG
#
# MIG, the mutual information gap (Chen et al. 2018), as Bottleneck's disentanglement lab computes
# it: for each true factor, how much more one latent dimension knows about it than the runner-up,
# as a share of what there is to know (the factor's entropy). 1 = one dimension holds the factor
# and no other knows it; 0 = two dimensions share it equally, or none has it.

MIG_BINS = 20  # each latent dimension is cut into this many equal-width bins (as in disentanglement_lib)


def bin_codes(codes, bins):
    """Each latent dimension of the codes (a list of rows) cut into \`bins\` equal-width bins between its
    smallest and largest value: a list of rows of bin numbers. A dimension that never changes is all bin 0."""
    dims = len(codes[0])
    binned = [[0] * dims for _ in codes]
    for j in range(dims):
        column = [row[j] for row in codes]
        lo, hi = math.inf, -math.inf
        for v in column:
            if v < lo:
                lo = v
            if v > hi:
                hi = v
        width = hi - lo
        if not (width > 0 and math.isfinite(width)):
            continue
        for i, v in enumerate(column):
            position = (v - lo) / width * bins
            if position == position:  # a NaN code (a diverged model) stays in bin 0, as in the browser
                binned[i][j] = min(bins - 1, max(0, math.floor(position)))
    return binned


def entropy(counts, total):
    """H = −Σ p log p in nats, for a histogram of \`total\` samples."""
    h = 0.0
    for c in counts:
        if c > 0:
            h -= c / total * math.log(c / total)
    return h


def mutual_information(binned, j, factors, k, bins, levels):
    """I(z_j; v_k) in nats between binned latent j and factor k (which has \`levels\` levels)."""
    n = len(factors)
    joint = [[0] * levels for _ in range(bins)]
    pz = [0] * bins
    pv = [0] * levels
    for row, factor_row in zip(binned, factors):
        b = row[j]
        v = factor_row[k]
        joint[b][v] += 1
        pz[b] += 1
        pv[v] += 1
    mi = 0.0
    for b in range(bins):
        for v in range(levels):
            c = joint[b][v]
            if c > 0:
                mi += c / n * math.log(c * n / (pz[b] * pv[v]))
    return max(0.0, mi)


def mutual_information_gap(codes, factors, factor_sizes, bins=MIG_BINS):
    """MIG of latent codes (one row of numbers per image, usually the encoder's μ) against the true factor
    levels of the same images (one row of levels per image; factor k has factor_sizes[k] levels).

    Returns {"mig", "per_factor": [{"factor", "gap", "entropy", "best", "second"}], "mutual_information"}:
    the mean gap over the factors that vary, each factor's gap with its most and second most informative
    latent dimension, and I(z_j; v_k) in nats as [factor][latent].
    """
    if len(codes) < 2 or len(codes) != len(factors):
        raise ValueError(f"MIG needs at least 2 codes and one row of factors per code ({len(codes)} codes, {len(factors)} factor rows)")
    dims = len(codes[0])
    binned = bin_codes(codes, bins)
    information = [
        [mutual_information(binned, j, factors, k, bins, levels) for j in range(dims)]
        for k, levels in enumerate(factor_sizes)
    ]
    per_factor = []
    for k, levels in enumerate(factor_sizes):
        counts = [0] * levels
        for factor_row in factors:
            counts[factor_row[k]] += 1
        h = entropy(counts, len(factors))
        if h <= 0:
            continue  # a factor that never changes has nothing to disentangle
        row = information[k]
        order = sorted(range(dims), key=lambda j: -row[j])  # most informative first; ties keep the lower index
        best = order[0]
        second = order[1] if dims > 1 else None
        gap = (row[best] - (row[second] if second is not None else 0.0)) / h
        per_factor.append({"factor": k, "gap": gap, "entropy": h, "best": best, "second": second})
    mig = sum(g["gap"] for g in per_factor) / len(per_factor) if per_factor else 0.0
    return {"mig": mig, "per_factor": per_factor, "mutual_information": information}`);
}

/** Python's `print` of a MIG result, indented for a function body: the score and each factor's gap and latent. */
export function migReportLines(indent: string): string[] {
  return [
    `${indent}result = mutual_information_gap(codes, factors, SHAPES_FACTOR_SIZES)`,
    `${indent}print(f"MIG {result['mig']:.3f} on the {len(codes):,} test images (1 = each factor in one latent dimension of its own)")`,
    `${indent}for g in result["per_factor"]:`,
    `${indent}    runner_up = f", runner-up z{g['second']}" if g["second"] is not None else ""`,
    `${indent}    print(f"  {SHAPES_FACTOR_NAMES[g['factor']]:<9} gap {g['gap']:.3f}  best z{g['best']}{runner_up}")`,
    `${indent}return result`,
  ];
}

/**
 * The Model's `encode` method: the codes μ of a batch of images, read from the encoder that feeds the
 * decoder (the one the browser's disentanglement lab reads). Empty when the graph has no such encoder.
 */
export function encodeMethod(encode: ScriptParts['encode']): string[] {
  if (!encode) return [];
  return [
    '',
    '    def encode(self, x):',
    `        """The codes μ of a batch of images, from Encoder '${encode.nodeId}': what MIG scores."""`,
    `        return ${encode.expression}`,
  ];
}

/**
 * `report_disentanglement`: encodes the test images (in batches, with the framework code given, which
 * must leave a list of rows in `codes`) and prints their MIG against the images' true factors.
 */
export function disentanglementReport(parameters: string, encodeCodes: ReadonlyArray<string>): string[] {
  return [
    `def report_disentanglement(${parameters}):`,
    '    """Prints the MIG of the codes μ of the images against their true factors, as the browser scores them."""',
    ...encodeCodes.map((l) => `    ${l}`),
    ...migReportLines('    '),
  ];
}
