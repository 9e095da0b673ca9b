/** Loads datasets in Node (CLI, tests, benchmarks). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetId } from '../core/datasets';
import { decodeDatasetAsset, type DatasetData } from './format';
import { generatedDataset } from './generated';
import { datasetFromIdx, FASHION_MNIST_DIR, fashionMnistFiles } from './sources';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built dataset assets; BOTTLENECK_ASSETS points elsewhere (the self-contained GPU benchmark bundle). */
export const generatedDir = process.env.BOTTLENECK_ASSETS ?? join(projectRoot, 'public', 'generated');

const cache = new Map<DatasetId, DatasetData>();

export function fashionMnistAvailable(dir = FASHION_MNIST_DIR): boolean {
  return Object.values(fashionMnistFiles).every((f) => existsSync(join(dir, f)));
}

export function loadDatasetNode(id: DatasetId): DatasetData {
  const hit = cache.get(id);
  if (hit) return hit;
  let data: DatasetData;
  const asset = join(generatedDir, `${id}.bin.gz`);
  const draw = generatedDataset(id);
  if (id === 'imported') {
    throw new Error('an imported dataset is not a file of this install: give its folder, zip or .bin.gz with --data');
  } else if (draw) {
    data = draw();
  } else if (existsSync(asset)) {
    data = decodeDatasetAsset(readFileSync(asset));
  } else if (id === 'fashion-mnist' && fashionMnistAvailable()) {
    const read = (f: string) => readFileSync(join(FASHION_MNIST_DIR, f));
    data = datasetFromIdx({
      trainImages: read(fashionMnistFiles.trainImages),
      trainLabels: read(fashionMnistFiles.trainLabels),
      testImages: read(fashionMnistFiles.testImages),
      testLabels: read(fashionMnistFiles.testLabels),
    });
  } else if (id === 'fashion-mnist') {
    throw new Error(`Fashion-MNIST is not installed: install Debian's dataset-fashion-mnist (files in ${FASHION_MNIST_DIR})`);
  } else {
    throw new Error(`the ${id} dataset asset is missing (${asset}); run \`npm run assets\``);
  }
  cache.set(id, data);
  return data;
}
