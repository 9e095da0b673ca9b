/**
 * Parts the PyTorch and Keras scripts share: the header that says what the
 * script is, the settings block, the per-node comments, and the numbers of
 * the β schedule.
 */
import { datasetInfo } from '../core/datasets';
import type { Diagnostic } from '../core/diagnostics';
import { formatCount } from '../core/shape';
import { SHAPES_COUNT, SHAPES_TEST_COUNT } from '../data/shapes';
import { graphFileStem } from '../share/graphFile';
import type { ExportModel } from './exportModel';
import { commentLines, pyFloat, pyNumber, pyString, sanitizeText } from './python';

import type { ExportTarget, WeightLink } from './nodeExport';

export type { ExportTarget, WeightLink };

import { datasetFileName, datasetSources } from './datasetSources';

export { datasetFileName, datasetSources, type DatasetSource } from './datasetSources';

/** The script draws the dataset itself, knows each image's factors and scores MIG after training. */
export const drawsDataset = (model: ExportModel): boolean => datasetSources[model.dataset.id].kind === 'generated';

export const exportTargets: ReadonlyArray<ExportTarget> = ['pytorch', 'keras'];

export const targetTitle: Record<ExportTarget, string> = { pytorch: 'PyTorch', keras: 'Keras' };

export type CodeExportResult =
  | {
      ok: true;
      code: string;
      fileName: string;
      target: ExportTarget;
      totalParams: number;
      weights: WeightLink[];
      /** The dataset file the script reads, to be saved beside it (none when the script draws its data). */
      datasetFile?: string;
      /** For the user's own dataset: its content hash (where the studio finds the file's bytes). */
      datasetHash?: string;
    }
  | { ok: false; errors: Diagnostic[] };

export interface CodeExportOptions {
  /** The script's file name, shown in its usage lines (letters, digits, . _ - only). */
  fileName?: string;
}

export function scriptFileName(model: ExportModel, options: CodeExportOptions): string {
  const wanted = options.fileName?.replace(/^.*[\\/]/, '');
  return wanted && /^[A-Za-z0-9._-]{1,100}$/.test(wanted) ? wanted : `${graphFileStem(model.doc)}.py`;
}

/** How the script's data relates to the browser's. */
function datasetNote(model: ExportModel): string {
  if (drawsDataset(model)) {
    return (
      `The data is the same: the script draws the ${SHAPES_COUNT.toLocaleString('en')} shapes images itself, pixel for pixel as ` +
      `the browser does, with the same split (${(SHAPES_COUNT - SHAPES_TEST_COUNT).toLocaleString('en')} train / ` +
      `${SHAPES_TEST_COUNT.toLocaleString('en')} test), so nothing is downloaded. After training it scores the codes μ of the ` +
      `test images with MIG, as the browser's disentanglement lab does.`
    );
  }
  const title = datasetInfo[model.dataset.id].title.replace(/ \(.*\)$/, '');
  return (
    `The data is the same: the browser's ${title} images, with its train/test split, read from ` +
    `${datasetFileName(model.dataset.id, model.dataset.imported) ?? 'the dataset file'}, which the studio exports beside this script; nothing is downloaded.`
  );
}

export function header(model: ExportModel, target: ExportTarget, fileName: string, install: string): string[] {
  const doc = model.doc;
  const lines = [
    '#!/usr/bin/env python3',
    `# Training script for a Bottleneck graph, written for ${targetTitle[target]}.`,
    '#',
    ...commentLines(`Graph: ${sanitizeText(doc.name)}`),
  ];
  if (doc.description) lines.push(...commentLines(doc.description).map((l) => l.replace(/^#/, '#  ')));
  lines.push(
    '#',
    ...commentLines(
      'It builds the same model as the graph: the same layers and sizes, activations and output activation, ' +
        'the same loss (summed over pixels, averaged over the batch), optimizer, learning rate, epochs, batch size, ' +
        'binarization and seed.',
    ),
    ...commentLines(
      `Weights and scores will differ from the browser run: the random numbers (initial weights, batch order, ` +
        `the ε of the reparameterization, noise, binarization) come from ${target === 'pytorch' ? "PyTorch's" : "TensorFlow's and NumPy's"} ` +
        `generators, not the browser's. ${datasetNote(model)}`,
    ),
    '#',
    `# Model: ${model.totalParams.toLocaleString('en')} trainable parameters (${formatCount(model.totalParams)}).`,
    '#',
    '# Run it:',
    `#   ${install}`,
    `#   python ${fileName}            # trains, printing train and test scores after each epoch${drawsDataset(model) ? ', then MIG' : ''}`,
    `#   python ${fileName} --help     # options: epochs, a step limit for a quick check, saving the weights`,
  );
  if (target === 'pytorch') {
    lines.push(`#   torchrun --nproc_per_node 4 ${fileName}   # the same training on 4 processes or GPUs (DistributedDataParallel)`);
  }
  return lines;
}

export function settings(model: ExportModel, imageShapeComment: string, imageShape: string): string[] {
  const t = model.training;
  return [
    `SEED = ${pyNumber(t.seed)}`,
    `EPOCHS = ${pyNumber(t.epochs)}`,
    `BATCH_SIZE = ${pyNumber(model.dataset.batchSize)}`,
    `LEARNING_RATE = ${pyFloat(t.learningRate)}`,
    `OPTIMIZER = ${pyString(t.optimizer)}  # "adam" or "sgd" (plain gradient descent, no momentum)`,
    `DATASET = ${pyString(model.dataset.id)}`,
    `# none: grey pixels in 0..1; static: each image drawn once as 0/1 pixels (pixel = 1 with probability`,
    `# its grey value); dynamic: training images drawn afresh every time they are seen (test images static)`,
    `BINARIZE = ${pyString(model.dataset.binarize)}`,
    `IMAGE_SHAPE = ${imageShape}  # ${imageShapeComment}`,
    `IMAGE_HWC = (${model.dataset.imageShape.join(', ')})  # height, width, channels, as the dataset file stores them`,
    ...(datasetFileName(model.dataset.id, model.dataset.imported)
      ? [`DATASET_FILE = ${pyString(datasetFileName(model.dataset.id, model.dataset.imported) ?? '')}  # exported beside this script`]
      : []),
    'TEST_BATCH_SIZE = 500',
    'STATIC_BINARIZATION_SEED = 24301  # the fixed binarization is part of the data, not of the run',
  ];
}

/** The dataset file a script reads, for the export result: its name, and the hash of the user's own dataset. */
export function datasetFields(model: ExportModel): { datasetFile?: string; datasetHash?: string } {
  const file = datasetFileName(model.dataset.id, model.dataset.imported);
  if (!file) return {};
  return { datasetFile: file, ...(model.dataset.imported ? { datasetHash: model.dataset.imported.hash } : {}) };
}

/** For scripts of graphs that read the labels (a conditional VAE): picks the text with labels or without. */
export function labelChoice(labels: boolean): (withLabels: string, without: string) => string {
  return (withLabels, without) => (labels ? withLabels : without);
}
