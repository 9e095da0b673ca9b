/** Finding Python interpreters for the export tests, and writing data where torchvision looks for it. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSet } from '../../src/data/format';

export function run(cmd: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** The first of `python3`, `/usr/bin/python3` that can import every module named, or undefined. */
export function pythonWith(modules: string[]): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = run(python, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], 60_000);
    if (r.status === 0) return python;
  }
  return undefined;
}

function idx(magic: number, dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

/** Writes the sets as uncompressed IDX files in torchvision's `<root>/<folder>/raw` layout (MNIST, FashionMNIST). */
export function writeTorchvisionData(root: string, folder: 'MNIST' | 'FashionMNIST', train: ImageSet, test: ImageSet, [h, w]: [number, number]): void {
  const raw = join(root, folder, 'raw');
  mkdirSync(raw, { recursive: true });
  const write = (prefix: string, set: ImageSet) => {
    writeFileSync(join(raw, `${prefix}-images-idx3-ubyte`), idx(0x803, [set.count, h, w], set.images));
    writeFileSync(join(raw, `${prefix}-labels-idx1-ubyte`), idx(0x801, [set.count], set.labels));
  };
  write('train', train);
  write('t10k', test);
}
