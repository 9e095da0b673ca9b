/** What the graph needs to know about each dataset: its id, title and image shape. */
export const datasetIds = ['mnist', 'fashion-mnist'] as const;
export type DatasetId = (typeof datasetIds)[number];

export interface DatasetInfo {
  id: DatasetId;
  title: string;
  /** [height, width, channels] */
  imageShape: readonly [number, number, number];
  classNames: ReadonlyArray<string>;
  summary: string;
}

export const datasetInfo: Record<DatasetId, DatasetInfo> = {
  mnist: {
    id: 'mnist',
    title: 'MNIST digits (embedded, 10,000)',
    imageShape: [28, 28, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    summary: 'Handwritten digits, 28×28 grey. 9,000 train / 1,000 test, split fixed.',
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    title: 'Fashion-MNIST (70,000)',
    imageShape: [28, 28, 1],
    classNames: ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'],
    summary: 'Clothing, 28×28 grey. 60,000 train / 10,000 test (needs the dataset-fashion-mnist files).',
  },
};
