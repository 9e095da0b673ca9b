/**
 * Export to Keras: a self-contained, commented training script. Each encoder
 * and decoder is a functional keras.Model built from Keras layers (the
 * browser's layouts are Keras' own: channels last, 'same' padding, Glorot
 * initialisation), the graph runs in dataflow order, and training is a
 * TensorFlow GradientTape loop, so every term of the loss stays visible.
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import type { GraphDoc } from '../core/schema';
import { internalError } from '../share/graphFile';
import { assemble, type ScriptParts } from './assemble';
import {
  datasetFields,
  drawsDataset,
  header,
  labelChoice,
  scriptFileName,
  settings,
  type CodeExportOptions,
  type CodeExportResult,
} from './common';
import { datasetReaderPython } from './datasetPython';
import { describeForExport, type ExportModel } from './describe';
import { helperLines } from './helpers';
import { disentanglementReport, encodeMethod, shapesPython } from './shapesPython';

function modelClass(model: ExportModel, parts: ScriptParts): string[] {
  const L = [
    'class Model:',
    '    """The whole graph: every node\'s network and weights, and one pass through it in dataflow order."""',
    '',
    '    def __init__(self):',
    ...parts.init.map((line) => `        ${line}`),
    '        self.trainable_variables = [',
    ...parts.tracked.map((t) => `            ${t},`),
    '        ]',
  ];
  const [h, w, ch] = model.dataset.imageShape;
  const labels = model.dataset.labels;
  L.push(
    '',
    `    def __call__(self, x, ${labels ? 'labels, ' : ''}step, sample=True):`,
    `        """Runs the graph on a batch x [B, ${h}, ${w}, ${ch}]${labels ? ' with its class labels [B]' : ''} at training step \`step\` (a float32 scalar; schedules depend on it).`,
    '',
    '        sample=True draws z = μ + σ·ε (training, and the test ELBO as in the browser); sample=False uses z = μ.',
    '        Returns the objective and the summed reconstruction and KL terms, per example.',
    '        """',
  );
  L.push(...parts.forward);
  const zero = 'tf.zeros(())';
  L.push(
    '        return {',
    `            "objective": ${model.objective},`,
    `            "recon": ${model.metrics.recon.length > 0 ? model.metrics.recon.join(' + ') : zero},`,
    `            "kl": ${model.metrics.kl.length > 0 ? model.metrics.kl.join(' + ') : zero},`,
    '        }',
  );
  if (drawsDataset(model)) L.push(...encodeMethod(parts.encode));
  return L;
}

/** `load_images`: from the dataset file exported beside the script, or (shapes) the images the script draws, with their factors. */
function loadImages(model: ExportModel): string[] {
  const draws = drawsDataset(model);
  const labels = model.dataset.labels;
  const read = draws
    ? [
        'def load_images(train):',
        '    """The train or test images as float32 [N, H, W, C] in 0..1, binarized as BINARIZE says, and their factor levels."""',
        '    pixels, factors = shapes_split(train)',
        '    images = np.frombuffer(pixels, dtype=np.uint8).reshape(-1, *IMAGE_SHAPE).astype("float32") / 255.0',
      ]
    : [
        ...datasetReaderPython('keras', labels),
        '',
        '',
        'def load_images(train, data_file):',
        `    """The train or test images as float32 [N, H, W, C] in 0..1, binarized as BINARIZE says${labels ? ', and their class labels [N]' : ''}."""`,
        `    train_pixels, test_pixels${labels ? ', train_labels, test_labels' : ''} = read_dataset(data_file)`,
        '    images = (train_pixels if train else test_pixels).astype("float32") / 255.0',
      ];
  return [
    ...read,
    '    if BINARIZE == "static" or (BINARIZE == "dynamic" and not train):',
    '        fixed = np.random.default_rng(STATIC_BINARIZATION_SEED + (0 if train else 1))',
    '        images = (fixed.random(images.shape, dtype=np.float32) < images).astype("float32")',
    draws ? '    return images, factors' : labels ? '    return images, (train_labels if train else test_labels)' : '    return images',
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

function dataAndTraining(model: ExportModel, parts: ScriptParts): string[] {
  const draws = drawsDataset(model);
  const scores = draws && parts.encode !== undefined;
  // a graph that reads the labels batches them with the images and hands them to the model
  const labels = model.dataset.labels;
  const lab = labelChoice(labels);
  return [
    ...loadImages(model),
    '',
    '',
    ...(labels
      ? [
          'def batches(images, labels, batch_size, rng=None):',
          '    """Mini-batches of images and their labels, in order or in a fresh random order each epoch when rng is given; the last one may be smaller."""',
          '    order = rng.permutation(len(images)) if rng is not None else np.arange(len(images))',
          '    for start in range(0, len(images), batch_size):',
          '        chosen = order[start:start + batch_size]',
          '        yield images[chosen], labels[chosen]',
        ]
      : [
          'def batches(images, batch_size, rng=None):',
          '    """Mini-batches in order, or in a fresh random order each epoch when rng is given; the last one may be smaller."""',
          '    order = rng.permutation(len(images)) if rng is not None else np.arange(len(images))',
          '    for start in range(0, len(images), batch_size):',
          '        yield images[order[start:start + batch_size]]',
        ]),
    '',
    '',
    `def train(model, train_images, ${lab('train_labels, ', '')}test_images, ${lab('test_labels, ', '')}epochs, max_steps):`,
    '    """Minimises the objective with the graph\'s optimizer, printing scores after each epoch."""',
    '    if OPTIMIZER == "adam":',
    '        optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=1e-7)',
    '    else:',
    '        optimizer = keras.optimizers.SGD(learning_rate=LEARNING_RATE)',
    '    variables = model.trainable_variables',
    '    optimizer.build(variables)',
    '',
    '    @tf.function',
    `    def train_step(x, ${lab('labels, ', '')}step):`,
    '        with tf.GradientTape() as tape:',
    `            terms = model(x, ${lab('labels, ', '')}step, sample=True)`,
    '        grads = tape.gradient(terms["objective"], variables)',
    '        optimizer.apply_gradients(zip(grads, variables))',
    '        return terms',
    '',
    '    @tf.function',
    `    def test_step(x, ${lab('labels, ', '')}step):`,
    `        return model(x, ${lab('labels, ', '')}step, sample=True)  # z is still sampled: an honest estimate of the ELBO`,
    '',
    '    def evaluate(step):',
    '        """Test scores per example: reconstruction −log p(x|z), KL, and ELBO = −(reconstruction + KL)."""',
    '        totals = np.zeros(2)',
    lab(
      '        for batch, batch_labels in batches(test_images, test_labels, TEST_BATCH_SIZE):',
      '        for batch in batches(test_images, TEST_BATCH_SIZE):',
    ),
    `            terms = test_step(tf.constant(batch), ${lab('tf.constant(batch_labels), ', '')}tf.constant(step, tf.float32))`,
    '            totals += np.array([float(terms["recon"]), float(terms["kl"])]) * len(batch)',
    '        recon, kl = totals / len(test_images)',
    '        return {"recon": recon, "kl": kl, "elbo": -(recon + kl)}',
    '',
    '    rng = np.random.default_rng(SEED)',
    '    step = 0',
    '    for epoch in range(1, epochs + 1):',
    '        totals = np.zeros(3)',
    '        count = 0',
    lab(
      '        for batch, batch_labels in batches(train_images, train_labels, BATCH_SIZE, rng):',
      '        for batch in batches(train_images, BATCH_SIZE, rng):',
    ),
    '            if max_steps is not None and step >= max_steps:',
    '                break',
    '            if BINARIZE == "dynamic":',
    '                batch = (rng.random(batch.shape, dtype=np.float32) < batch).astype("float32")  # a fresh 0/1 image every time',
    `            terms = train_step(tf.constant(batch), ${lab('tf.constant(batch_labels), ', '')}tf.constant(step, tf.float32))`,
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
    ...(draws
      ? []
      : [
          '    here = os.path.dirname(os.path.abspath(__file__))',
          '    parser.add_argument("--data", default=os.path.join(here, DATASET_FILE), help=f"the dataset file (default: {DATASET_FILE} beside this script)")',
        ]),
    '    return parser.parse_args()',
    '',
    '',
    'def main():',
    '    args = parse_args()',
    '    keras.utils.set_random_seed(SEED)',
    ...(draws
      ? ['    train_images, _ = load_images(True)', '    test_images, test_factors = load_images(False)']
      : [
          `    train_images${lab(', train_labels', '')} = load_images(True, args.data)`,
          `    test_images${lab(', test_labels', '')} = load_images(False, args.data)`,
        ]),
    '    model = Model()',
    '    print(f"{sum(int(np.prod(v.shape)) for v in model.trainable_variables):,} parameters")',
    `    train(model, train_images, ${lab('train_labels, ', '')}test_images, ${lab('test_labels, ', '')}args.epochs, args.max_steps)`,
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

/** The script, from the model and its nodes' code for Keras (assemble(model, 'keras'), asked once). */
export function writeKeras(model: ExportModel, parts: ScriptParts, options: CodeExportOptions = {}): string {
  const fileName = scriptFileName(model, options);
  const [h, w, c] = model.dataset.imageShape;
  const draws = drawsDataset(model);
  const lines = [
    ...header(model, 'keras', fileName, 'pip install tensorflow   # TensorFlow 2.11 or newer; Keras comes with it'),
    '',
    'import argparse',
    'import gzip',
    'import math',
    'import os',
    'import struct',
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
    ...helperLines('keras', parts.helpers),
    '',
    '',
    ...(draws ? [...shapesPython(), '', ''] : []),
    ...parts.networks.flatMap((b) => [...b, '', '']),
    ...modelClass(model, parts),
    '',
    '',
    ...dataAndTraining(model, parts),
  ];
  return `${lines.join('\n')}\n`;
}

/** A Keras training script for the graph, or errors naming the nodes it cannot express. Never throws. */
export function exportKeras(doc: GraphDoc, options: CodeExportOptions = {}, registry?: ReadonlyMap<string, AnyNodeDef>): CodeExportResult {
  const described = describeForExport(doc, registry ?? nodeRegistry);
  if (!described.ok) return described;
  try {
    const model = described.model;
    const parts = assemble(model, 'keras');
    return {
      ok: true,
      code: writeKeras(model, parts, options),
      fileName: scriptFileName(model, options),
      target: 'keras',
      totalParams: model.totalParams,
      weights: parts.weights,
      ...datasetFields(model),
    };
  } catch (e) {
    return { ok: false, errors: [internalError('writing the Keras script', e)] };
  }
}
