/** The Dataset node: which images (MNIST, Fashion-MNIST, shapes), their binarization and the batch size. */
import { z } from 'zod';
import { binarizeModes, datasetIds, datasetInfo } from '../src/core/datasets';
import { FORWARD_INDENT as I, forwardComment, type ExportStep, type NodeExporter } from '../src/export/nodeExport';
import { defineNode } from './defineNode';

const zParams = z.strictObject({
  dataset: z.enum(datasetIds).default('mnist'),
  binarize: z.enum(binarizeModes).default('none'),
  batchSize: z.number().int().min(1).max(4096).default(128),
});
export type DatasetParams = z.infer<typeof zParams>;

interface DatasetStep extends ExportStep {
  x: string;
}

const datasetExporter: NodeExporter<DatasetParams, DatasetStep> = {
  describe: (ctx) => ({ node: ctx.ref, paramCount: 0, x: ctx.output('x', 'x') }),
  code: (s) => ({ forward: [...forwardComment(s.node, 'a batch of images, pixels in 0..1'), `${I}${s.x} = x`] }),
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
      options: datasetIds.map((id) => ({
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
      batchSize: (p) => p.batchSize,
      binarize: (p) => p.binarize,
      withSettings: (p, settings) => ({ ...p, ...settings }),
    },
  },
  infer({ params }) {
    const [h, w, c] = datasetInfo[params.dataset].imageShape;
    return { outputs: { x: [null, h, w, c], label: [null] }, paramCount: 0 };
  },
  build() {
    return {
      apply: (_inputs, run) => ({ x: run.feed('x'), label: run.feed('label') }),
    };
  },
});
