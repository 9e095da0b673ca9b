/**
 * Export to Keras: a self-contained, commented training script. Each encoder
 * and decoder is a functional keras.Model built from Keras layers (the
 * browser's layouts are Keras' own: channels last, 'same' padding, Glorot
 * initialisation), the graph runs in dataflow order, and training is a
 * TensorFlow GradientTape loop, so every term of the loss stays visible.
 */
import { specRegistry } from '../../nodes';
import type { Activation } from '../../nodes/layers';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc } from '../core/schema';
import { internalError } from '../share/graphFile';
import {
  betaExpression,
  capacityExpression,
  datasetLoader,
  distributionTitle,
  drawsDataset,
  header,
  scriptFileName,
  settings,
  stepComment,
  type CodeExportOptions,
  type CodeExportResult,
  type WeightLink,
} from './common';
import { activationTitle, describeForExport, type DecoderStep, type EncoderStep, type ExportModel, type ExportStep } from './describe';
import { pyFloat, pyNumber, pyString, size2 } from './python';
import { disentanglementReport, encodeMethod, scoresCodes, shapesPython } from './shapesPython';

/** The `activation=` argument of a Keras layer ('' for linear). */
function activationArg(a: Activation): string {
  switch (a) {
    case 'linear':
      return '';
    case 'leakyRelu':
      return ', activation=leaky_relu';
    default:
      return `, activation=${pyString(a)}`;
  }
}

function encoderBuilder(s: EncoderStep, builder: string): string[] {
  const act = activationArg(s.params.activation);
  const [h, w, c] = s.inputShape;
  const heads = s.logVar ? `μ and log σ² (${s.latentDim} each)` : `the code μ (${s.latentDim})`;
  const L = [
    `def ${builder}():`,
    `    """Encoder '${s.node.id}': ${s.convs.length > 0 ? 'stride-2 convs, ' : ''}${s.dense.length > 0 ? 'dense layers, ' : ''}then ${heads}; ${activationTitle(s.params.activation)} activations."""`,
    `    x = keras.Input(shape=(${h}, ${w}, ${c}))`,
    '    h = x',
  ];
  for (const l of s.convs) {
    L.push(
      `    h = layers.Conv2D(${l.filters}, ${l.kernel}, strides=2, padding="same"${act}, name=${pyString(l.name)})(h)  # ${size2(l.inSize)} → ${size2(l.outSize)}`,
    );
  }
  L.push(`    h = layers.Flatten()(h)  # ${s.flat} features`);
  for (const d of s.dense) L.push(`    h = layers.Dense(${d.units}${act}, name=${pyString(d.name)})(h)`);
  L.push(`    mean = layers.Dense(${s.latentDim}, name="mean")(h)`);
  if (s.logVar) {
    L.push(`    log_var = layers.Dense(${s.latentDim}, name="log_var")(h)`);
    L.push(`    return keras.Model(x, [mean, log_var], name=${pyString(s.module)})`);
  } else {
    L.push(`    return keras.Model(x, mean, name=${pyString(s.module)})`);
  }
  return L;
}

function decoderBuilder(s: DecoderStep, builder: string): string[] {
  const act = activationArg(s.params.activation);
  const L = [
    `def ${builder}():`,
    `    """Decoder '${s.node.id}': dense layers${s.start ? ', then stride-2 transposed convs' : ''} up to a ${s.output.join('×')} image; returns the logits."""`,
    `    z = keras.Input(shape=(${s.latentDim},))`,
    '    h = z',
  ];
  for (const d of s.dense) L.push(`    h = layers.Dense(${d.units}${d.activated ? act : ''}, name=${pyString(d.name)})(h)`);
  if (!s.start) {
    L.push(`    logits = layers.Reshape((${s.output.join(', ')}))(h)`);
  } else {
    L.push(`    h = layers.Reshape((${s.start.join(', ')}))(h)`);
    s.deconvs.forEach((d, i) => {
      const target = i === s.deconvs.length - 1 ? 'logits' : 'h';
      L.push(
        `    ${target} = layers.Conv2DTranspose(${d.filters}, ${d.kernel}, strides=2, padding="same"${d.activated ? act : ''}, name=${pyString(d.name)})(h)  # ${size2(d.inSize)} → ${size2(d.outSize)}`,
      );
    });
  }
  L.push(`    return keras.Model(z, logits, name=${pyString(s.module)})`);
  return L;
}

function forwardStep(step: ExportStep): string[] {
  const c = (what: string) => stepComment(step, what, '        ');
  const I = '        ';
  switch (step.kind) {
    case 'Dataset':
      return [...c('a batch of images, pixels in 0..1'), `${I}${step.x} = x`];
    case 'Noise': {
      const p = step.params;
      if (p.kind === 'gaussian') {
        const noisy = `${step.input} + ${pyFloat(p.sigma)} * tf.random.normal(tf.shape(${step.input}))`;
        return [
          ...c(`Gaussian noise x̃ = x + ${pyNumber(p.sigma)}·ε${p.clip ? ', clipped to 0..1' : ''}`),
          `${I}${step.output} = ${p.clip ? `tf.clip_by_value(${noisy}, 0.0, 1.0)` : noisy}`,
        ];
      }
      return [
        ...c(`masking noise: each pixel set to 0 with probability ${pyNumber(p.p)}`),
        `${I}${step.output} = ${step.input} * tf.cast(tf.random.uniform(tf.shape(${step.input})) >= ${pyFloat(p.p)}, ${step.input}.dtype)`,
      ];
    }
    case 'Encoder':
      return [
        ...c(step.logVar ? 'q(z|x) = N(μ, σ²)' : 'the code μ (an autoencoder reads no log σ²)'),
        step.logVar
          ? `${I}${step.mean}, ${step.logVar} = self.${step.module}(${step.input})`
          : `${I}${step.mean} = self.${step.module}(${step.input})`,
      ];
    case 'Reparameterize':
      return [
        ...c('z = μ + exp(½·log σ²)·ε with ε ~ N(0, I); z = μ when not sampling'),
        `${I}${step.z} = reparameterize(${step.mean}, ${step.logVar}) if sample else ${step.mean}`,
      ];
    case 'Decoder':
      return [
        ...c(
          step.params.outputActivation === 'sigmoid'
            ? 'logits, and the mean image sigmoid(logits)'
            : 'logits; the mean image is the logits themselves (linear output)',
        ),
        `${I}${step.logits} = self.${step.module}(${step.z})`,
        `${I}${step.mean} = ${step.params.outputActivation === 'sigmoid' ? `tf.sigmoid(${step.logits})` : step.logits}`,
      ];
    case 'ReconstructionLoss': {
      const { x, logits, mean } = step;
      let perPixel: string;
      switch (step.distribution) {
        case 'bernoulli':
          perPixel = `tf.nn.sigmoid_cross_entropy_with_logits(labels=${x}, logits=${logits})`;
          break;
        case 'mse':
          perPixel = `tf.square(${x} - ${mean})`;
          break;
        case 'l1':
          perPixel = `tf.abs(${x} - ${mean})`;
          break;
        case 'continuous-bernoulli':
          perPixel = `tf.nn.sigmoid_cross_entropy_with_logits(labels=${x}, logits=${logits}) - continuous_bernoulli_log_norm(${logits})`;
          break;
        case 'gaussian':
          perPixel = step.logSigma
            ? `0.5 * tf.square(${x} - ${mean}) / tf.exp(2.0 * self.${step.logSigma}) + self.${step.logSigma} + HALF_LOG_2PI`
            : `0.5 * tf.square(${x} - ${mean}) / ${pyFloat(step.sigma)} ** 2 + math.log(${pyFloat(step.sigma)}) + HALF_LOG_2PI`;
          break;
      }
      const what = `−log p(x|z), ${distributionTitle[step.distribution]}${step.distribution === 'gaussian' ? (step.logSigma ? ', σ learned' : `, σ = ${pyNumber(step.sigma)}`) : ''}`;
      return [...c(what), `${I}${step.loss} = sum_pixels_mean_batch(${perPixel})`];
    }
    case 'KL':
      return [
        ...c(
          `KL(q(z|x) ‖ N(0, I))${step.freeBits > 0 ? `, with free bits: no dimension counts for less than ${pyNumber(step.freeBits)} nats` : ''}`,
        ),
        `${I}${step.perDim} = kl_per_dimension(${step.mean}, ${step.logVar})`,
        `${I}${step.raw} = tf.reduce_sum(${step.perDim})`,
        `${I}${step.out} = ${step.freeBits > 0 ? `tf.reduce_sum(tf.maximum(${step.perDim}, ${pyFloat(step.freeBits)}))` : step.raw}`,
      ];
    case 'Beta': {
      const min = (a: string, b: string) => `tf.minimum(${a}, ${b})`;
      const mod = (a: string, b: string) => `tf.math.floormod(${a}, ${b})`;
      const beta = betaExpression(step.params, min, mod);
      const cap = capacityExpression(step.params, min);
      return [
        ...c(`β·|KL − C|; ${beta.what}; ${cap.what}`),
        `${I}${step.beta} = ${beta.beta}`,
        `${I}${step.capacity} = ${cap.capacity}`,
        `${I}${step.out} = ${step.beta} * tf.abs(${step.input} - ${step.capacity})`,
      ];
    }
    case 'Loss':
      return [
        ...c('the objective, the sum of its terms (for a VAE: −ELBO = reconstruction + KL)'),
        `${I}${step.out} = ${step.terms.join(' + ')}`,
      ];
  }
}

function modelClass(model: ExportModel, builders: Map<string, string>): string[] {
  const L = [
    'class Model:',
    '    """The whole graph: every node\'s network and weights, and one pass through it in dataflow order."""',
    '',
    '    def __init__(self):',
  ];
  const tracked: string[] = [];
  for (const s of model.steps) {
    if (s.kind === 'Encoder' || s.kind === 'Decoder') {
      L.push(`        self.${s.module} = ${builders.get(s.module) ?? ''}()`);
      tracked.push(`*self.${s.module}.trainable_variables`);
    }
    if (s.kind === 'ReconstructionLoss' && s.logSigma) {
      L.push(`        # ${s.node.type} '${s.node.id}' learns log σ of its Gaussian, starting from σ = ${pyNumber(s.sigma)}`);
      L.push(`        self.${s.logSigma} = scalar_variable(math.log(${pyFloat(s.sigma)}), ${pyString(s.logSigma)})`);
      tracked.push(`self.${s.logSigma}`);
    }
  }
  L.push('        self.trainable_variables = [', ...tracked.map((t) => `            ${t},`), '        ]');
  const [h, w, ch] = model.dataset.imageShape;
  L.push(
    '',
    '    def __call__(self, x, step, sample=True):',
    `        """Runs the graph on a batch x [B, ${h}, ${w}, ${ch}] at training step \`step\` (a float32 scalar; schedules depend on it).`,
    '',
    '        sample=True draws z = μ + σ·ε (training, and the test ELBO as in the browser); sample=False uses z = μ.',
    '        Returns the objective and the summed reconstruction and KL terms, per example.',
    '        """',
  );
  for (const s of model.steps) L.push(...forwardStep(s));
  const zero = 'tf.zeros(())';
  L.push(
    '        return {',
    `            "objective": ${model.objective},`,
    `            "recon": ${model.metrics.recon.length > 0 ? model.metrics.recon.join(' + ') : zero},`,
    `            "kl": ${model.metrics.kl.length > 0 ? model.metrics.kl.join(' + ') : zero},`,
    '        }',
  );
  if (drawsDataset(model)) L.push(...encodeMethod(model));
  return L;
}

function helpers(model: ExportModel): string[] {
  const kinds = new Set(model.steps.map((s) => s.kind));
  const dists = new Set(model.steps.flatMap((s) => (s.kind === 'ReconstructionLoss' ? [s.distribution] : [])));
  const leaky = model.steps.some((s) => (s.kind === 'Encoder' || s.kind === 'Decoder') && s.params.activation === 'leakyRelu');
  const learned = model.steps.some((s) => s.kind === 'ReconstructionLoss' && s.logSigma);
  const out: string[][] = [];
  if (dists.has('gaussian')) out.push(['HALF_LOG_2PI = 0.9189385332046727  # ½ log 2π']);
  if (dists.has('continuous-bernoulli')) out.push(['LOG_2 = 0.6931471805599453']);
  if (leaky) {
    out.push([
      'def leaky_relu(x):',
      '    """Leaky ReLU with slope 0.2 below zero, as in the browser."""',
      '    return tf.nn.leaky_relu(x, alpha=0.2)',
    ]);
  }
  if (learned) {
    out.push([
      'def scalar_variable(value, name):',
      '    """A trainable scalar weight (Keras 3 tracks keras.Variable; Keras 2 a tf.Variable)."""',
      '    if hasattr(keras, "Variable"):',
      '        return keras.Variable(value, dtype="float32", name=name)',
      '    return tf.Variable(value, dtype=tf.float32, name=name)',
    ]);
  }
  out.push([
    'def sum_pixels_mean_batch(per_pixel):',
    '    """Sums a per-pixel loss over each image, then averages over the batch."""',
    '    return tf.reduce_mean(tf.reduce_sum(per_pixel, axis=[1, 2, 3]))',
  ]);
  if (kinds.has('Reparameterize')) {
    out.push([
      'def reparameterize(mean, log_var):',
      '    """z = μ + exp(½·log σ²)·ε, ε ~ N(0, I): the randomness is in ε, so gradients flow through μ and σ."""',
      '    return mean + tf.exp(0.5 * log_var) * tf.random.normal(tf.shape(mean))',
    ]);
  }
  if (kinds.has('KL')) {
    out.push([
      'def kl_per_dimension(mean, log_var):',
      '    """KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − log σ² − 1) per latent dimension, averaged over the batch."""',
      '    return tf.reduce_mean(0.5 * (tf.square(mean) + tf.exp(log_var) - log_var - 1.0), axis=0)',
    ]);
  }
  if (dists.has('continuous-bernoulli')) {
    out.push([
      'def continuous_bernoulli_log_norm(logits):',
      '    """log C(λ) of the continuous Bernoulli, λ = sigmoid(l): C = l / tanh(l/2), which tends to 2 as l → 0."""',
      '    eps = 1e-2',
      '    a = tf.abs(logits)',
      '    near = a < eps',
      '    safe = tf.where(near, tf.ones_like(a) * eps, a)',
      '    exact = tf.math.log(safe) - tf.math.log(tf.tanh(0.5 * safe))',
      '    taylor = LOG_2 + tf.square(logits) / 12.0',
      '    return tf.where(near, taylor, exact)',
    ]);
  }
  return out.flatMap((block, i) => (i === 0 ? block : ['', '', ...block]));
}

/** `load_images`: Keras' download, or (shapes) the images the script draws, with their factors. */
function loadImages(model: ExportModel): string[] {
  const source = datasetLoader(model.dataset.id, 'keras');
  const read = source
    ? [
        'def load_images(train):',
        '    """The train or test images as float32 [N, H, W, C] in 0..1, binarized as BINARIZE says (downloaded on first use)."""',
        `    (train_images, _), (test_images, _) = ${source}.load_data()`,
        '    images = (train_images if train else test_images).reshape(-1, *IMAGE_SHAPE).astype("float32") / 255.0',
      ]
    : [
        'def load_images(train):',
        '    """The train or test images as float32 [N, H, W, C] in 0..1, binarized as BINARIZE says, and their factor levels."""',
        '    pixels, factors = shapes_split(train)',
        '    images = np.frombuffer(pixels, dtype=np.uint8).reshape(-1, *IMAGE_SHAPE).astype("float32") / 255.0',
      ];
  return [
    ...read,
    '    if BINARIZE == "static" or (BINARIZE == "dynamic" and not train):',
    '        fixed = np.random.default_rng(STATIC_BINARIZATION_SEED + (0 if train else 1))',
    '        images = (fixed.random(images.shape, dtype=np.float32) < images).astype("float32")',
    source ? '    return images' : '    return images, factors',
  ];
}

/** `report_disentanglement` for Keras: μ of the test images, batch by batch, then MIG. */
function disentanglementLines(): string[] {
  return [
    ...disentanglementReport('model, images, factors', [
      'codes = np.concatenate([model.encode(tf.constant(batch)).numpy() for batch in batches(images, TEST_BATCH_SIZE)])',
      'codes = codes.tolist()',
    ]),
    '',
    '',
  ];
}

function dataAndTraining(model: ExportModel): string[] {
  const draws = drawsDataset(model);
  const scores = draws && scoresCodes(model);
  return [
    ...loadImages(model),
    '',
    '',
    'def batches(images, batch_size, rng=None):',
    '    """Mini-batches in order, or in a fresh random order each epoch when rng is given; the last one may be smaller."""',
    '    order = rng.permutation(len(images)) if rng is not None else np.arange(len(images))',
    '    for start in range(0, len(images), batch_size):',
    '        yield images[order[start:start + batch_size]]',
    '',
    '',
    'def train(model, train_images, test_images, epochs, max_steps):',
    '    """Minimises the objective with the graph\'s optimizer, printing scores after each epoch."""',
    '    if OPTIMIZER == "adam":',
    '        optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=1e-7)',
    '    else:',
    '        optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)',
    '    variables = model.trainable_variables',
    '    optimizer.build(variables)',
    '',
    '    @tf.function',
    '    def train_step(x, step):',
    '        with tf.GradientTape() as tape:',
    '            terms = model(x, step, sample=True)',
    '        grads = tape.gradient(terms["objective"], variables)',
    '        optimizer.apply_gradients(zip(grads, variables))',
    '        return terms',
    '',
    '    @tf.function',
    '    def test_step(x, step):',
    '        return model(x, step, sample=True)  # z is still sampled: an honest estimate of the ELBO',
    '',
    '    def evaluate(step):',
    '        """Test scores per example: reconstruction −log p(x|z), KL, and ELBO = −(reconstruction + KL)."""',
    '        totals = np.zeros(2)',
    '        for batch in batches(test_images, TEST_BATCH_SIZE):',
    '            terms = test_step(tf.constant(batch), tf.constant(step, tf.float32))',
    '            totals += np.array([float(terms["recon"]), float(terms["kl"])]) * len(batch)',
    '        recon, kl = totals / len(test_images)',
    '        return {"recon": recon, "kl": kl, "elbo": -(recon + kl)}',
    '',
    '    rng = np.random.default_rng(SEED)',
    '    step = 0',
    '    for epoch in range(1, epochs + 1):',
    '        totals = np.zeros(3)',
    '        count = 0',
    '        for batch in batches(train_images, BATCH_SIZE, rng):',
    '            if max_steps is not None and step >= max_steps:',
    '                break',
    '            if BINARIZE == "dynamic":',
    '                batch = (rng.random(batch.shape, dtype=np.float32) < batch).astype("float32")  # a fresh 0/1 image every time',
    '            terms = train_step(tf.constant(batch), tf.constant(step, tf.float32))',
    '            step += 1',
    '            totals += np.array([float(terms["objective"]), float(terms["recon"]), float(terms["kl"])])',
    '            count += 1',
    '        if count == 0:',
    '            break',
    '        objective, recon, kl = totals / count',
    '        if not math.isfinite(objective):',
    '            raise SystemExit(f"training diverged in epoch {epoch}: the loss became {objective}; try a lower learning rate")',
    '        test = evaluate(step)',
    '        print(',
    '            f"epoch {epoch}/{epochs}  step {step}  train: loss {objective:.2f} (recon {recon:.2f}, KL {kl:.2f})  "',
    "            f\"test: recon {test['recon']:.2f}, KL {test['kl']:.2f}, ELBO {test['elbo']:.2f}\"",
    '        )',
    '    return step',
    '',
    '',
    ...(scores ? disentanglementLines() : []),
    'def parse_args():',
    '    parser = argparse.ArgumentParser(description="Trains the model of a Bottleneck graph with Keras (TensorFlow backend).")',
    '    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train (default: the graph\'s)")',
    '    parser.add_argument("--max-steps", type=int, default=None, help="stop after this many training steps (a quick check)")',
    '    parser.add_argument("--save", default=None, help="save the trained weights to this .npz file")',
    '    return parser.parse_args()',
    '',
    '',
    'def main():',
    '    args = parse_args()',
    '    keras.utils.set_random_seed(SEED)',
    ...(draws
      ? ['    train_images, _ = load_images(True)', '    test_images, test_factors = load_images(False)']
      : ['    train_images = load_images(True)', '    test_images = load_images(False)']),
    '    model = Model()',
    '    print(f"{sum(int(np.prod(v.shape)) for v in model.trainable_variables):,} parameters")',
    '    train(model, train_images, test_images, args.epochs, args.max_steps)',
    ...(scores ? ['    report_disentanglement(model, test_images, test_factors)'] : []),
    '    if args.save:',
    '        weights = {f"{i:03d}_{getattr(v, \'path\', v.name)}": v.numpy() for i, v in enumerate(model.trainable_variables)}',
    '        np.savez(args.save, **weights)',
    '        print(f"weights saved to {args.save}")',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
  ];
}

function weightLinks(model: ExportModel): WeightLink[] {
  const out: WeightLink[] = [];
  const pair = (browser: string, python: string, layout: WeightLink['layout']) => out.push({ browser, python, layout });
  for (const s of model.steps) {
    if (s.kind === 'Encoder') {
      for (const l of [...s.convs, ...s.dense]) {
        pair(`${s.node.id}/${l.name}/kernel`, `${s.module}/${l.name}/kernel`, 'same');
        pair(`${s.node.id}/${l.name}/bias`, `${s.module}/${l.name}/bias`, 'same');
      }
      for (const [b, p] of [['mean', 'mean'], ...(s.logVar ? [['logVar', 'log_var']] : [])]) {
        pair(`${s.node.id}/${b}/kernel`, `${s.module}/${p}/kernel`, 'same');
        pair(`${s.node.id}/${b}/bias`, `${s.module}/${p}/bias`, 'same');
      }
    } else if (s.kind === 'Decoder') {
      for (const l of [...s.dense, ...s.deconvs]) {
        pair(`${s.node.id}/${l.name}/kernel`, `${s.module}/${l.name}/kernel`, 'same');
        pair(`${s.node.id}/${l.name}/bias`, `${s.module}/${l.name}/bias`, 'same');
      }
    } else if (s.kind === 'ReconstructionLoss' && s.logSigma) {
      pair(`${s.node.id}/logSigma`, s.logSigma, 'same');
    }
  }
  return out;
}

export function writeKeras(model: ExportModel, options: CodeExportOptions = {}): string {
  const fileName = scriptFileName(model, options);
  const [h, w, c] = model.dataset.imageShape;
  const builders = new Map<string, string>();
  const blocks: string[][] = [];
  for (const s of model.steps) {
    if (s.kind !== 'Encoder' && s.kind !== 'Decoder') continue;
    const builder = model.names.claim(`build_${s.module}`);
    builders.set(s.module, builder);
    blocks.push(s.kind === 'Encoder' ? encoderBuilder(s, builder) : decoderBuilder(s, builder));
  }
  const loader = datasetLoader(model.dataset.id, 'keras');
  const lines = [
    ...header(
      model,
      'keras',
      fileName,
      loader ?? 'the script itself',
      'pip install tensorflow   # TensorFlow 2.11 or newer; Keras comes with it',
    ),
    '',
    'import argparse',
    'import math',
    'import os',
    '',
    'os.environ["KERAS_BACKEND"] = "tensorflow"  # the training loop below uses TensorFlow\'s GradientTape',
    '',
    'import keras  # noqa: E402',
    'import numpy as np  # noqa: E402',
    'import tensorflow as tf  # noqa: E402',
    'from keras import layers  # noqa: E402',
    '',
    ...settings(model, 'height, width, channels (channels last, as in the browser)', `(${h}, ${w}, ${c})`),
    '',
    '',
    ...helpers(model),
    '',
    '',
    ...(loader ? [] : [...shapesPython(), '', '']),
    ...blocks.flatMap((b) => [...b, '', '']),
    ...modelClass(model, builders),
    '',
    '',
    ...dataAndTraining(model),
  ];
  return `${lines.join('\n')}\n`;
}

/** A Keras training script for the graph, or errors naming the nodes it cannot express. Never throws. */
export function exportKeras(doc: GraphDoc, options: CodeExportOptions = {}, registry: NodeSpecRegistry = specRegistry): CodeExportResult {
  const described = describeForExport(doc, registry);
  if (!described.ok) return described;
  try {
    const model = described.model;
    return {
      ok: true,
      code: writeKeras(model, options),
      fileName: scriptFileName(model, options),
      target: 'keras',
      totalParams: model.totalParams,
      weights: weightLinks(model),
    };
  } catch (e) {
    return { ok: false, errors: [internalError('writing the Keras script', e)] };
  }
}
