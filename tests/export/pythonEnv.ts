/** Python for the export tests (src/cli/python.ts), and writing data where torchvision looks for it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSet } from '../../src/data/format';

export { pythonWith, run } from '../../src/cli/python';

function idx(magic: number, dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

/** Writes the sets as uncompressed IDX files in torchvision's `<root>/<folder>/raw` layout (MNIST, FashionMNIST). */
export function writeTorchvisionData(
  root: string,
  folder: 'MNIST' | 'FashionMNIST',
  train: ImageSet,
  test: ImageSet,
  [h, w]: [number, number],
): void {
  const raw = join(root, folder, 'raw');
  mkdirSync(raw, { recursive: true });
  const write = (prefix: string, set: ImageSet) => {
    writeFileSync(join(raw, `${prefix}-images-idx3-ubyte`), idx(0x803, [set.count, h, w], set.images));
    writeFileSync(join(raw, `${prefix}-labels-idx1-ubyte`), idx(0x801, [set.count], set.labels));
  };
  write('train', train);
  write('t10k', test);
}
