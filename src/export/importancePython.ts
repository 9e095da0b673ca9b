/**
 * The PyTorch script's importance-weighted estimate of log p(x) (`--iw-samples K`),
 * for graphs that sample z from a posterior q(z|x): the same estimator as the
 * browser's and the CLI's (src/metrics/logLikelihood.ts), so the two can be
 * compared on the same data.
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import { importancePath } from '../compiler/importance';
import { refKey } from '../compiler/model';
import { labelChoice } from './common';
import type { ExportModel } from './exportModel';
import { pyFloat } from './python';

/** Python expressions for one pass's importance terms, each per row. */
export interface ImportanceTerms {
  logPxGivenZ: string;
  z: string;
  mean: string;
  logVar: string;
}

/** The forward pass's variables the weights are read from, or undefined (an autoencoder; no likelihood of the generator). */
export function importanceTerms(model: ExportModel, registry: ReadonlyMap<string, AnyNodeDef> = nodeRegistry): ImportanceTerms | undefined {
  const path = importancePath(model.plan, registry);
  if (typeof path === 'string') return undefined;
  const [code, mean, logVar, perImage] = [
    model.variables.get(path.codeKey),
    model.variables.get(refKey(path.mean)),
    model.variables.get(refKey(path.logVar)),
    model.variables.get(`${refKey(path.likelihoodValue)}#perImage`),
  ];
  if (!code || !mean || !logVar || !perImage) return undefined;
  const normalizer = path.normalizerPerImage === 0 ? '' : ` - ${pyFloat(path.normalizerPerImage)}`;
  return { logPxGivenZ: `-${perImage}${normalizer}`, z: code, mean, logVar };
}

/** The entry of the forward pass's result that carries the terms. */
export function importanceReturn(terms: ImportanceTerms): string {
  return `            "importance": (${terms.logPxGivenZ}, ${terms.z}, ${terms.mean}, ${terms.logVar}),`;
}

/** `importance_weighted_log_px`: K draws per image, in passes of at most IW_ROWS rows. */
export function importanceFunction(labels: boolean): string[] {
  const lab = labelChoice(labels);
  return [
    'IW_ROWS = 2000  # rows (image × draw) per pass: memory stays bounded whatever K is',
    'LOG_2PI = 1.8378770664093453',
    '',
    '',
    `def importance_weighted_log_px(model, images, ${lab('labels, ', '')}k, step, device):`,
    '    """The IW-k estimate of log p(x) (Burda et al.), averaged over the images: per image',
    '    log (1/k Σ p(x|zₖ)·p(z)/q(zₖ|x)) with k draws zₖ ~ q(z|x). It is a one-sample ELBO at k = 1 and rises',
    '    towards log p(x) as k grows. The browser and `npm run train -- --iw-samples K` compute the same."""',
    '    model.eval()',
    '    total = 0.0',
    '    per_pass = max(1, IW_ROWS // k)  # images in one pass when their k draws fit',
    '    with torch.no_grad():',
    '        for first in range(0, len(images), per_pass):',
    '            group = images[first:first + per_pass].to(device)',
    ...(labels ? ['            group_labels = labels[first:first + per_pass].to(device)'] : []),
    '            log_w = torch.empty(len(group), k, device=device)',
    '            for start in range(0, k, IW_ROWS):',
    '                n = min(IW_ROWS, k - start)',
    '                rows = group.repeat_interleave(n, 0)',
    `                terms = model(rows, ${lab('group_labels.repeat_interleave(n, 0), ', '')}step)`,
    '                log_px_z, z, mean, log_var = terms["importance"]',
    '                log_pz = -0.5 * (z.square() + LOG_2PI).sum(1)',
    '                log_qz = -0.5 * ((z - mean).square() / log_var.exp() + log_var + LOG_2PI).sum(1)',
    '                log_w[:, start:start + n] = (log_px_z + log_pz - log_qz).reshape(len(group), n)',
    '            total += (torch.logsumexp(log_w, 1) - math.log(k)).sum().item()',
    '    return total / len(images)',
    '',
    '',
  ];
}

export const importanceArgument =
  '    parser.add_argument("--iw-samples", type=int, default=0, help="after training, estimate log p(x) on the test images with K importance samples each (e.g. 5000)")';

/** After training (process 0): the estimate beside the test ELBO on the same images. */
export function importanceReport(labels: boolean): string[] {
  const lab = labelChoice(labels);
  return [
    '    if args.iw_samples > 0 and rank == 0:',
    `        test = evaluate(plain, test_images, ${lab('test_labels, ', '')}step, device)`,
    `        estimate = importance_weighted_log_px(plain, test_images, ${lab('test_labels, ', '')}args.iw_samples, step, device)`,
    '        print(f"test ELBO {test[\'elbo\']:.2f} nats; IW-{args.iw_samples} estimate of log p(x) {estimate:.2f} nats ({len(test_images):,} test images)")',
  ];
}
