/** A graph on the user's own images exports with their dataset file beside the script, checked by hash, and the script trains on it. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeIO, runExportCli, type CliIO } from '../../src/cli/export';
import type { GraphDoc } from '../../src/core/schema';
import { packImportedDataset } from '../../src/data/importedAsset';
import { loadDatasetNode } from '../../src/data/loadNode';
import { serializeGraph } from '../../src/share/graphFile';
import { pythonWith, run } from '../export/pythonEnv';
import { baseVae } from '../export/variants';
import { bytesId } from '../helpers';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bottleneck-export-imported-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIO = { ...nodeIO, stdout: () => undefined, stderr: (t) => void (stderr += t) };
  return { code: await runExportCli(args, io), stderr };
}

describe('exporting a graph on your own images', () => {
  test('the dataset file given with --data is written beside the script, and only if it is the graph’s', async () => {
    const mnist = loadDatasetNode('mnist');
    const take = (set: typeof mnist.train, count: number) => ({
      images: set.images.slice(0, count * 784),
      labels: set.labels.slice(0, count),
      count,
    });
    const data = { imageShape: [28, 28, 1] as [number, number, number], train: take(mnist.train, 512), test: take(mnist.test, 100) };
    const { asset, ref } = await packImportedDataset(data, 'My Digits', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const assetPath = join(dir, 'given.bin.gz');
    writeFileSync(assetPath, asset);
    const vae = baseVae();
    const doc: GraphDoc = {
      ...vae,
      nodes: vae.nodes.map((n) => (n.type === 'Dataset' ? { ...n, params: { ...n.params, dataset: 'imported', imported: ref } } : n)),
    };
    const graphPath = join(dir, 'mine.json');
    writeFileSync(graphPath, serializeGraph(doc));
    const out = join(dir, 'mine.py');

    const without = await cli([graphPath, '--out', out]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('give their dataset file with --data');
    const wrong = join(dir, 'wrong.bin.gz');
    writeFileSync(wrong, readFileSync('public/generated/mnist.bin.gz'));
    expect((await cli([graphPath, '--out', out, '--data', wrong])).stderr).toContain('is not the dataset this graph names');

    const ok = await cli([graphPath, '--out', out, '--data', assetPath]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('DATASET_FILE = "my-digits.bin.gz"');
    expect(bytesId(readFileSync(join(dir, 'my-digits.bin.gz')))).toBe(bytesId(asset));

    // the script reads that file (format version 2: name and classes after the pixels) and trains
    const python = pythonWith(['torch']);
    if (!python) return;
    const r = run(python, [out, '--max-steps', '2', '--device', 'cpu'], 240_000);
    expect(r.status, r.stderr.slice(-1500)).toBe(0);
    expect(r.stdout).toMatch(/epoch 1\/\d+ {2}step 2 {2}train: loss [\d.]+/);
  }, 300_000);
});
