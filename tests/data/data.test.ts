import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BatchSampler, staticBinarized } from '../../src/data/batches';
import { decodeDatasetAsset, encodeDatasetAsset, type DatasetData } from '../../src/data/format';
import { encodeIdx, parseIdx } from '../../src/data/idx';
import { fashionMnistAvailable, loadDatasetNode } from '../../src/data/loadNode';
import { datasetFromIdx, MNIST_TEST_COUNT, mnistFromDigitArrays } from '../../src/data/sources';
import { gzipSync } from 'fflate';

function tiny(): DatasetData {
  const img = (v: number) => new Uint8Array(4).fill(v);
  return {
    imageShape: [2, 2, 1],
    train: { images: Uint8Array.from([...img(0), ...img(128), ...img(255)]), labels: Uint8Array.from([0, 1, 2]), count: 3 },
    test: { images: Uint8Array.from([...img(64)]), labels: Uint8Array.from([3]), count: 1 },
  };
}

describe('dataset asset format', () => {
  test('round-trips', () => {
    const d = tiny();
    expect(decodeDatasetAsset(encodeDatasetAsset(d))).toEqual(d);
  });
  test('damaged files are refused with a reason', () => {
    expect(() => decodeDatasetAsset(Uint8Array.from([1, 2, 3]))).toThrow(/damaged \(not gzip\)/);
    expect(() => decodeDatasetAsset(gzipSync(new Uint8Array(40)))).toThrow(/bad magic/);
    // a valid header whose sizes promise more bytes than follow
    const header = new Uint8Array(28 + 3);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x53444e42, true);
    v.setUint32(4, 1, true);
    v.setUint32(8, 3, true);
    v.setUint32(12, 2, true);
    [16, 20, 24].forEach((o) => v.setUint32(o, 2, true));
    expect(() => decodeDatasetAsset(gzipSync(header))).toThrow(/sizes do not add up/);
  });
});

describe('IDX', () => {
  test('parses (raw and gzipped) and validates', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const idx = encodeIdx([2, 3, 4], data);
    expect(parseIdx(idx)).toEqual({ dims: [2, 3, 4], data });
    expect(parseIdx(gzipSync(idx))).toEqual({ dims: [2, 3, 4], data });
    expect(() => parseIdx(idx.subarray(0, idx.length - 1))).toThrow(/truncated/);
    const floats = idx.slice();
    floats[2] = 0x0d;
    expect(() => parseIdx(floats)).toThrow(/not supported/);
  });
  test('images and labels must agree', () => {
    const images = encodeIdx([2, 2, 2], new Uint8Array(8));
    const labels = encodeIdx([3], new Uint8Array(3));
    expect(() => datasetFromIdx({ trainImages: images, trainLabels: labels, testImages: images, testLabels: labels })).toThrow(
      /2 images but 3 labels/,
    );
  });
});

describe('embedded MNIST', () => {
  const mnist = loadDatasetNode('mnist');
  test('10,000 real digits, 9,000 / 1,000, fixed split, all classes on both sides', () => {
    expect(mnist.imageShape).toEqual([28, 28, 1]);
    expect(mnist.train.count).toBe(10_000 - MNIST_TEST_COUNT);
    expect(mnist.test.count).toBe(MNIST_TEST_COUNT);
    for (const set of [mnist.train, mnist.test]) {
      const classes = new Set(set.labels);
      expect(classes.size).toBe(10);
    }
    // real digits: mostly black background, some white strokes, the mean pixel of MNIST is about 0.13
    let sum = 0;
    for (const v of mnist.train.images) sum += v;
    expect(sum / mnist.train.images.length / 255).toBeGreaterThan(0.1);
    expect(sum / mnist.train.images.length / 255).toBeLessThan(0.16);
  });
  test('the split is a function of the source alone', () => {
    const digits = Array.from({ length: 10 }, (_, d) => Array.from({ length: 784 * 30 }, (_, i) => ((i + d) % 7) / 7));
    const a = mnistFromDigitArrays(digits);
    const b = mnistFromDigitArrays(digits);
    expect(a.test.labels).toEqual(b.test.labels);
    expect(a.train.count + a.test.count).toBe(300);
  });
  test('the asset built at install time is compact', () => {
    expect(existsSync('public/generated/mnist.bin.gz')).toBe(true);
  });
});

describe('batches', () => {
  const mnist = loadDatasetNode('mnist');
  test('seeded shuffling: same seed same order, new epoch new order, every image once per epoch', () => {
    const s1 = new BatchSampler(mnist, { split: 'train', batchSize: 100, binarize: 'none', seed: 1, limit: 1000 });
    const s2 = new BatchSampler(mnist, { split: 'train', batchSize: 100, binarize: 'none', seed: 1, limit: 1000 });
    expect(s1.batch(0, 3).indices).toEqual(s2.batch(0, 3).indices);
    expect(s1.batch(1, 3).indices).not.toEqual(s1.batch(0, 3).indices);
    const seen = new Set<number>();
    for (let i = 0; i < s1.batchesPerEpoch; i++) for (const k of s1.batch(2, i).indices) seen.add(k);
    expect(seen.size).toBe(1000);
  });
  test('pixels are 0..1 floats with labels', () => {
    const s = new BatchSampler(mnist, { split: 'test', batchSize: 10, binarize: 'none', seed: 1 });
    const b = s.batch(0, 0);
    expect(b.x.length).toBe(10 * 784);
    expect(Math.max(...b.x)).toBeLessThanOrEqual(1);
    expect(Array.from(b.labels)).toEqual(Array.from(mnist.test.labels.subarray(0, 10)));
  });
  test('static binarization is fixed; dynamic resamples for training but not for testing', () => {
    const st = new BatchSampler(mnist, { split: 'train', batchSize: 5, binarize: 'static', seed: 1 });
    const a = st.images([0, 1]).x;
    expect(new Set(a)).toEqual(new Set([0, 1]));
    expect(st.images([0, 1]).x).toEqual(a);
    expect(staticBinarized(mnist.train)).toBe(staticBinarized(mnist.train));
    const dyn = new BatchSampler(mnist, { split: 'train', batchSize: 5, binarize: 'dynamic', seed: 1 });
    const d0 = dyn.batch(0, 0);
    const d1 = dyn.batch(1, dyn.batchesPerEpoch - 1);
    // same image drawn in two epochs: different 0/1 samples (grey pixels are coin flips)
    const idx = d0.indices[0] as number;
    const pos = Array.from(d1.indices).indexOf(idx);
    if (pos >= 0) expect(d1.x.subarray(pos * 784, (pos + 1) * 784)).not.toEqual(d0.x.subarray(0, 784));
    const again = dyn.batch(0, 0);
    expect(again.x).toEqual(d0.x); // reproducible
    const testSet = new BatchSampler(mnist, { split: 'test', batchSize: 5, binarize: 'dynamic', seed: 1 });
    expect(testSet.batch(0, 0).x).toEqual(testSet.batch(3, 0).x);
    // a binarized pixel is 1 with probability ≈ its grey value
    const grey = new BatchSampler(mnist, { split: 'train', batchSize: 9000, binarize: 'none', seed: 1 }).batch(0, 0).x;
    const bin = new BatchSampler(mnist, { split: 'train', batchSize: 9000, binarize: 'dynamic', seed: 1 }).batch(0, 0).x;
    const mean = (xs: Float32Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(bin)).toBeCloseTo(mean(grey), 2);
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  test.runIf(fashionMnistAvailable())('loads 60,000 / 10,000 images with 10 classes', () => {
    const f = loadDatasetNode('fashion-mnist');
    expect(f.train.count).toBe(60_000);
    expect(f.test.count).toBe(10_000);
    expect(f.imageShape).toEqual([28, 28, 1]);
    expect(new Set(f.test.labels).size).toBe(10);
  });
});
