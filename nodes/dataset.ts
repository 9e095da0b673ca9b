/** The Dataset node: which images (MNIST, Fashion-MNIST, shapes, the user's own), their binarization and the batch size. */
import { z } from 'zod';
import { binarizeModes, datasetFacts, datasetIds, datasetInfo, zImportedDatasetRef } from '../src/core/datasets';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode } from './defineNode';

const zParams = z.strictObject({
  dataset: z.enum(datasetIds).default('mnist'),
  binarize: z.enum(binarizeModes).default('none'),
  batchSize: z.number().int().min(1).max(4096).default(128),
  /** The user's dataset, by name and content hash (with `dataset: 'imported'`). */
  imported: zImportedDatasetRef.optional(),
});
export type DatasetParams = z.infer<typeof zParams>;

interface DatasetStep extends ExportStep {
  x: string;
  /** Present when something reads the labels (the scripts then pass the batch's labels to the model). */
  label: string | undefined;
}

const datasetExporter: NodeExporter<DatasetParams, DatasetStep> = {
  describe: (ctx) => ({
    node: ctx.ref,
    paramCount: 0,
    x: ctx.output('x', 'x'),
    label: ctx.node.usedOutputs.includes('label') ? ctx.output('label', 'label') : undefined,
  }),
  code: (s) => ({
    forward: s.label
      ? [
          ...forwardComment(s.node, 'a batch of images, pixels in 0..1, and their class labels'),
          `${I}${s.x} = x`,
          `${I}${s.label} = labels`,
        ]
      : [...forwardComment(s.node, 'a batch of images, pixels in 0..1'), `${I}${s.x} = x`],
  }),
};

export const Dataset = defineNode<DatasetParams>({
  type: 'Dataset',
  version: 1,
  title: 'Dataset',
  category: 'data',
  summary: 'Batches of images x (and their labels) for training and testing.',
  docs:
    'Feeds the model one mini-batch at a time: x has shape [B×H×W×C] with pixels in 0..1. ' +
    'Binarization turns grey pixels into 0/1 so a Bernoulli likelihood is exact: "static" samples each ' +
    'image once with a fixed seed, "dynamic" draws a fresh 0/1 image every time it is seen (a regulariser). ' +
    'The test set is always binarized statically, so test scores are comparable.',
  params: zParams,
  controls: [
    {
      key: 'dataset',
      label: 'dataset',
      kind: 'select',
      listsImportedDatasets: true,
      // imported datasets are listed by the editor from this browser's store (see listsImportedDatasets)
      options: datasetIds
        .filter((id) => id !== 'imported')
        .map((id) => ({
          value: id,
          label: datasetInfo[id].title,
          ...(datasetInfo[id].asset ? { asset: datasetInfo[id].asset } : {}),
        })),
    },
    {
      key: 'binarize',
      label: 'binarize',
      kind: 'select',
      options: [
        { value: 'none', label: 'none (grey)' },
        { value: 'static', label: 'static (fixed 0/1)' },
        { value: 'dynamic', label: 'dynamic (resampled)' },
      ],
    },
    { key: 'batchSize', label: 'batch size', kind: 'number', min: 1, max: 4096, integer: true },
  ],
  inputs: {},
  outputs: {
    x: { kind: 'image', label: 'x', doc: 'a batch of images, pixels in 0..1' },
    label: { kind: 'labels', label: 'label', doc: 'the class of each image (for colouring plots)' },
  },
  maxPerGraph: 1,
  exporter: datasetExporter,
  roles: {
    dataSource: {
      images: 'x',
      labels: 'label',
      dataset: (p) => p.dataset,
      imported: (p) => (p.dataset === 'imported' ? p.imported : undefined),
      batchSize: (p) => p.batchSize,
      binarize: (p) => p.binarize,
      withSettings: (p, settings) => {
        const next = { ...p, ...settings };
        // a built-in dataset drops the reference to an imported one
        if (next.dataset !== 'imported') delete next.imported;
        return next;
      },
    },
  },
  infer({ params }) {
    const [h, w, c] = datasetFacts(params.dataset, params.imported).imageShape;
    const issues =
      params.dataset === 'imported' && !params.imported
        ? [{ severity: 'error' as const, field: 'dataset', message: 'no imported dataset chosen: import one (Graphs ▾ → Datasets…)' }]
        : [];
    return { outputs: { x: [null, h, w, c], label: [null] }, paramCount: 0, issues };
  },
  build() {
    return {
      apply: (_inputs, run) => ({ x: run.feed('x'), label: run.feed('label') }),
    };
  },
});
