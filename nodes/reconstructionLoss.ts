/** The Reconstruction loss node: −log p(x|z) under the chosen likelihood (Bernoulli, Gaussian, …). */
import { z } from 'zod';
import { NodeIssueError } from '../src/core/diagnostics';
import { formatShape, shapesEqual } from '../src/core/shape';
import { wasmBce, wasmBceGradient, wasmBceRuns } from '../src/ops/wasmBce';
import type { HelperName } from '../src/export/helpers';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter, type WeightLink } from '../src/export/nodeExport';
import { pyFloat, pyNumber, pyString } from '../src/export/python';
import { defineNode, reconstructionInput, tensorInput, type Tensor, type TF } from './defineNode';

export const reconstructionDistributions = ['bernoulli', 'mse', 'gaussian', 'l1', 'continuous-bernoulli'] as const;
export type ReconstructionDistribution = (typeof reconstructionDistributions)[number];

const zParams = z.strictObject({
  distribution: z.enum(reconstructionDistributions).default('bernoulli'),
  sigma: z.number().min(1e-3).max(100).default(0.1),
  learnSigma: z.boolean().default(false),
});
export type ReconstructionLossParams = z.infer<typeof zParams>;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * What turns each likelihood's value into a normalised −log p(x|z), per pixel:
 * MSE is a Gaussian with σ² = ½ less ½·log π, L1 a Laplace with scale 1 less
 * log 2; the others are normalised already (Bernoulli over 0/1 pixels).
 */
const normalizerPerPixel: Record<ReconstructionDistribution, number> = {
  bernoulli: 0,
  mse: 0.5 * Math.log(Math.PI),
  gaussian: 0,
  l1: Math.log(2),
  'continuous-bernoulli': 0,
};

/**
 * Binary cross-entropy computed from logits, stable for large |logits|:
 * max(l, 0) − l·x + log(1 + e^−|l|), the last term as −log σ(|l|) (a sigmoid
 * and a log run several times faster than softplus on wasm). Its gradient is
 * the textbook σ(l) − x, given directly rather than traced through five ops;
 * the targets' gradient (−l) only when they depend on weights.
 */
export function bceWithLogits(tf: TF, logits: Tensor, x: Tensor, targetGradient = false): Tensor {
  // on wasm, one kernel each way (src/ops/wasmBce.ts)
  const value = (l: Tensor, target: Tensor) =>
    wasmBceRuns(tf, l, target) ? wasmBce(tf, l, target) : tf.sub(tf.sub(tf.relu(l), tf.mul(l, target)), tf.log(tf.sigmoid(tf.abs(l))));
  const logitsGradient = (dy: Tensor, l: Tensor, target: Tensor) =>
    wasmBceRuns(tf, l, target) && wasmBceRuns(tf, dy, target)
      ? wasmBceGradient(tf, dy, l, target)
      : tf.mul(dy, tf.sub(tf.sigmoid(l), target));
  if (targetGradient) {
    const op = tf.customGrad((...args) => {
      const [l, target, save] = args as [Tensor, Tensor, (t: Tensor[]) => void];
      save([l, target]);
      return {
        value: value(l, target),
        gradFunc: (dy: Tensor, [ls, ts]: Tensor[]) => [logitsGradient(dy, ls as Tensor, ts as Tensor), tf.mul(dy, tf.neg(ls as Tensor))],
      };
    });
    return op(logits, x);
  }
  const op = tf.customGrad((...args) => {
    const [l, save] = args as [Tensor, (t: Tensor[]) => void];
    save([l, x]);
    return { value: value(l, x), gradFunc: (dy: Tensor, [ls, ts]: Tensor[]) => logitsGradient(dy, ls as Tensor, ts as Tensor) };
  });
  return op(logits);
}

/**
 * log C(λ) of the continuous Bernoulli with λ = sigmoid(l): C = l / tanh(l/2),
 * which tends to 2 as l → 0 (a Taylor expansion is used there).
 */
export function continuousBernoulliLogNorm(tf: TF, logits: Tensor): Tensor {
  // The branch mask comes from a comparison, which has no gradient in tfjs, so
  // the gradient is given explicitly: d/dl log C = 1/l − 1/sinh(l) (≈ l/6 near 0).
  const eps = 1e-2;
  const logNorm = tf.customGrad((...args) => {
    const [l, save] = args;
    if (!l || typeof l === 'function' || typeof save !== 'function') throw new Error('customGrad called without a tensor');
    save([l]);
    const abs = tf.abs(l);
    const near = tf.less(abs, eps);
    const safe = tf.where(near, tf.fill(l.shape, eps), abs);
    const exact = tf.sub(tf.log(safe), tf.log(tf.tanh(tf.mul(safe, 0.5))));
    const taylor = tf.add(Math.log(2), tf.div(tf.square(l), 12));
    return {
      value: tf.where(near, taylor, exact),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const x = saved[0] as Tensor;
        const nearG = tf.less(tf.abs(x), eps);
        const safeX = tf.where(nearG, tf.fill(x.shape, eps), x);
        const exactG = tf.sub(tf.reciprocal(safeX), tf.reciprocal(tf.sinh(safeX)));
        return tf.mul(dy, tf.where(nearG, tf.div(x, 6), exactG));
      },
    };
  });
  return logNorm(logits);
}

/** Sum over every axis but the batch: one loss per example [B]. */
function sumPixels(tf: TF, perPixel: Tensor): Tensor {
  const axes = Array.from({ length: perPixel.rank - 1 }, (_, i) => i + 1);
  return tf.sum(perPixel, axes);
}

/** The likelihood's name in the scripts' comments. */
const distributionTitle: Record<ReconstructionDistribution, string> = {
  bernoulli: 'Bernoulli: cross-entropy on the logits',
  mse: 'MSE: squared error of the mean image',
  gaussian: 'Gaussian: ½((x − x̂)/σ)² + log σ + ½ log 2π',
  l1: 'L1: absolute error of the mean image',
  'continuous-bernoulli': 'continuous Bernoulli: cross-entropy on the logits minus log C(λ)',
};

interface ReconstructionStep extends ExportStep {
  distribution: ReconstructionDistribution;
  sigma: number;
  /** Attribute of the learned log σ, when σ is learned. */
  logSigma: string | undefined;
  x: string;
  logits: string;
  mean: string;
  loss: string;
  /** −log p(x|z) of each image (up to the likelihood's constant): the importance weights read it. */
  perImage: string;
}

/** −log p(x|z) per pixel, as Python (PyTorch or TensorFlow). */
function perPixelLoss(s: ReconstructionStep, torch: boolean): string {
  const { x, logits, mean } = s;
  const bce = torch
    ? `F.binary_cross_entropy_with_logits(${logits}, ${x}, reduction="none")`
    : `tf.nn.sigmoid_cross_entropy_with_logits(labels=${x}, logits=${logits})`;
  const square = torch ? `(${x} - ${mean}).square()` : `tf.square(${x} - ${mean})`;
  switch (s.distribution) {
    case 'bernoulli':
      return bce;
    case 'mse':
      return square;
    case 'l1':
      return torch ? `(${x} - ${mean}).abs()` : `tf.abs(${x} - ${mean})`;
    case 'continuous-bernoulli':
      return `${bce} - continuous_bernoulli_log_norm(${logits})`;
    case 'gaussian':
      if (s.logSigma)
        return `0.5 * ${square} / ${torch ? 'torch.exp(2' : 'tf.exp(2.0'} * self.${s.logSigma}) + self.${s.logSigma} + HALF_LOG_2PI`;
      return `0.5 * ${square} / ${pyFloat(s.sigma)} ** 2 + math.log(${pyFloat(s.sigma)}) + HALF_LOG_2PI`;
  }
}

const reconstructionExporter: NodeExporter<ReconstructionLossParams, ReconstructionStep> = {
  describe(ctx) {
    const { params } = ctx;
    const learned = params.distribution === 'gaussian' && params.learnSigma;
    const x = ctx.input('x');
    const logits = ctx.input('xHat', 'logits');
    const mean = ctx.input('xHat', 'mean');
    const loss = ctx.output('loss', 'loss');
    const perImage = ctx.output('loss', 'per_image', 'perImage');
    ctx.metric('recon', loss);
    const logSigma = learned ? ctx.claim(`${ctx.stem}_log_sigma`) : undefined;
    return {
      node: ctx.ref,
      paramCount: learned ? 1 : 0,
      distribution: params.distribution,
      sigma: params.sigma,
      logSigma,
      x,
      logits,
      mean,
      loss,
      perImage,
    };
  },
  code(s, { target }) {
    const torch = target === 'pytorch';
    const sigmaNote = s.distribution === 'gaussian' ? (s.logSigma ? ', σ learned' : `, σ = ${pyNumber(s.sigma)}`) : '';
    const helpers: HelperName[] = [];
    if (s.distribution === 'gaussian') helpers.push('HALF_LOG_2PI');
    if (s.distribution === 'continuous-bernoulli') helpers.push('LOG_2', 'continuous_bernoulli_log_norm');
    // PyTorch keeps each image's sum (the log-likelihood estimate reads it); Keras sums and averages in one go
    helpers.push(torch ? 'sum_pixels' : 'sum_pixels_mean_batch');
    const forward = [
      ...forwardComment(s.node, `−log p(x|z), ${distributionTitle[s.distribution]}${sigmaNote}`),
      ...(torch
        ? [`${I}${s.perImage} = sum_pixels(${perPixelLoss(s, torch)})`, `${I}${s.loss} = ${s.perImage}.mean()`]
        : [`${I}${s.loss} = sum_pixels_mean_batch(${perPixelLoss(s, torch)})`]),
    ];
    if (!s.logSigma) return { forward, helpers };
    const learns = `# ${s.node.type} '${s.node.id}' learns log σ of its Gaussian, starting from σ = ${pyNumber(s.sigma)}`;
    const weights: WeightLink[] = [{ browser: `${s.node.id}/logSigma`, python: s.logSigma, layout: torch ? 'scalar' : 'same' }];
    if (torch)
      return {
        forward,
        helpers,
        weights,
        init: [learns, `self.${s.logSigma} = nn.Parameter(torch.tensor(math.log(${pyFloat(s.sigma)})))`],
      };
    return {
      forward,
      helpers: [...helpers, 'scalar_variable'],
      weights,
      init: [learns, `self.${s.logSigma} = scalar_variable(math.log(${pyFloat(s.sigma)}), ${pyString(s.logSigma)})`],
      tracked: [`self.${s.logSigma}`],
    };
  },
};

export const ReconstructionLoss = defineNode<ReconstructionLossParams>({
  type: 'ReconstructionLoss',
  version: 1,
  title: 'Reconstruction loss',
  category: 'loss',
  summary: 'How badly x̂ explains x: −log p(x|z), summed over pixels.',
  docs:
    'The first half of the ELBO: the expected log-likelihood of the data under the decoder. The choice ' +
    'of distribution is a modelling choice with visible consequences. MSE (a Gaussian with fixed σ, ' +
    'without constants) is minimised by the average of all plausible images, so uncertain regions come ' +
    'out as a grey blur. Bernoulli (cross-entropy on logits) fits 0/1 pixels and usually draws crisper ' +
    'strokes. Gaussian with a learned σ balances itself against the KL; L1 prefers the median; the ' +
    'continuous Bernoulli is the proper likelihood for grey pixels in 0..1. Summed over pixels and ' +
    'averaged over the batch.',
  params: zParams,
  controls: [
    {
      key: 'distribution',
      label: 'likelihood',
      kind: 'select',
      options: [
        { value: 'bernoulli', label: 'Bernoulli (BCE on logits)' },
        { value: 'mse', label: 'MSE (squared error)' },
        { value: 'gaussian', label: 'Gaussian (σ)' },
        { value: 'l1', label: 'L1 (absolute error)' },
        { value: 'continuous-bernoulli', label: 'continuous Bernoulli' },
      ],
    },
    { key: 'sigma', label: 'σ', kind: 'number', min: 1e-3, max: 100, step: 0.01, showIf: (p) => p.distribution === 'gaussian' },
    { key: 'learnSigma', label: 'learn σ', kind: 'toggle', showIf: (p) => p.distribution === 'gaussian' },
  ],
  inputs: {
    x: { kind: 'image', label: 'x', doc: 'the target images (clean)' },
    xHat: { kind: 'reconstruction', label: 'x̂', doc: "the decoder's reconstruction" },
  },
  outputs: { loss: { kind: 'scalar', label: '−log p(x|z)', doc: 'reconstruction loss per example (nats)' } },
  roles: {
    likelihood: {
      target: 'x',
      reconstruction: 'xHat',
      value: 'loss',
      choiceParam: 'distribution',
      normalizer: (p) => normalizerPerPixel[p.distribution],
    },
  },
  exporter: reconstructionExporter,
  hints({ params, source }) {
    // a likelihood on logits reads probabilities: a linear decoder output shows raw numbers in the pictures
    const decoder = source('xHat');
    const onLogits = params.distribution === 'bernoulli' || params.distribution === 'continuous-bernoulli';
    if (!onLogits || decoder?.params.outputActivation !== 'linear') return [];
    return [
      {
        field: 'distribution',
        code: 'activation',
        message: `reads the decoder's logits, but decoder '${decoder.id}' shows linear outputs; set its output to sigmoid so pictures show probabilities`,
        severity: 'warning',
      },
    ];
  },
  expectInput(port, { inputShape }) {
    return port === 'xHat' ? inputShape('x') : undefined;
  },
  infer({ params, inputs }) {
    const { x, xHat } = inputs;
    if (!x) throw new NodeIssueError('x', 'needs the target images x');
    if (!xHat) throw new NodeIssueError('xHat', 'needs a reconstruction x̂ from a decoder');
    if (!shapesEqual(x, xHat)) {
      throw new NodeIssueError('xHat', `x̂ is ${formatShape(xHat)} but x is ${formatShape(x)}; they must match`);
    }
    const learned = params.distribution === 'gaussian' && params.learnSigma;
    return { outputs: { loss: [] }, paramCount: learned ? 1 : 0 };
  },
  build(ctx) {
    const { tf, params, nodeId } = ctx;
    const learned = params.distribution === 'gaussian' && params.learnSigma;
    const logSigma = learned ? ctx.variable('logSigma', [], { constant: Math.log(params.sigma) }) : null;
    const targetGradient = ctx.inputNeedsGradient('x');
    return {
      apply(inputs, run) {
        const x = tensorInput(inputs, 'x', nodeId);
        const { logits, mean } = reconstructionInput(inputs, 'xHat', nodeId);
        let perPixel: Tensor;
        switch (params.distribution) {
          case 'mse':
            perPixel = tf.squaredDifference(x, mean);
            break;
          case 'l1':
            perPixel = tf.abs(tf.sub(x, mean));
            break;
          case 'bernoulli':
            perPixel = bceWithLogits(tf, logits, x, targetGradient);
            break;
          case 'continuous-bernoulli':
            perPixel = tf.sub(bceWithLogits(tf, logits, x, targetGradient), continuousBernoulliLogNorm(tf, logits));
            break;
          case 'gaussian': {
            const ls = logSigma ?? tf.scalar(Math.log(params.sigma));
            const scaled = tf.div(tf.squaredDifference(x, mean), tf.exp(tf.mul(ls, 2)));
            perPixel = tf.add(tf.add(tf.mul(scaled, 0.5), ls), HALF_LOG_2PI);
            run.report('sigma', tf.exp(ls));
            break;
          }
        }
        const perExample = sumPixels(tf, perPixel);
        const loss = tf.mean(perExample);
        run.report('recon', loss);
        run.report('reconPerExample', perExample);
        return { loss };
      },
    };
  },
});
