// Your own pictures on the command line: `train --data` (folder, zip, dataset file) and `dataset` convert with the shared builder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { importForCli, importOptionsArg } from '../../src/cli/datasetArgs';
import { runTraining } from '../../src/cli/trainRun';
import { decodePng, readPngText } from '../../src/core/png';
import { projectRoot } from '../../src/data/loadNode';
import { graphsDir } from '../helpers';
import { classFiles, writeFolder, writeZip } from '../data/pictureFixtures';

const out = mkdtempSync(join(tmpdir(), 'bottleneck-dataset-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const flags = (argv: string[]) => parseArgs(argv, { values: ['size', 'channels', 'fit'] });

describe('train --data and the dataset command', () => {
  test('the flags are checked, naming the flag', () => {
    expect(importOptionsArg(flags([]))).toEqual({ size: 28, channels: 1, fit: 'crop' });
    expect(importOptionsArg(flags(['--size', '64', '--channels', '3', '--fit', 'fit']))).toEqual({ size: 64, channels: 3, fit: 'fit' });
    expect(() => importOptionsArg(flags(['--size', '30']))).toThrow(/--size must be 28, 32 or 64, got '30'/);
    expect(() => importOptionsArg(flags(['--channels', '2']))).toThrow(/--channels must be 1 or 3/);
    expect(() => importOptionsArg(flags(['--fit', 'stretch']))).toThrow(/--fit must be crop or fit/);
  });

  test('trains the conv VAE a few steps on a zip of RGB pictures, writing colour PNGs', async () => {
    const lines: string[] = [];
    const imported = await importForCli(writeZip(classFiles(40)), { size: 32, channels: 3, fit: 'crop' }, (l) => lines.push(l));
    expect(lines[1]).toMatch(/120 pictures: 108 train \/ 12 test; classes: cats 40, dogs 40, owls 40/);
    const r = await runTraining({
      graphPath: join(graphsDir, 'conv-vae-colour.json'),
      outDir: out,
      epochs: 1,
      backend: 'wasm',
      batchSize: 32,
      maxSteps: 3,
      imported,
    });
    expect(r.info.status).toBe('finished');
    expect(r.info.steps).toBe(3);
    expect(Number.isFinite(r.info.final?.elbo)).toBe(true);
    const params = r.doc.nodes.find((n) => n.id === 'data')?.params;
    expect(params).toMatchObject({ dataset: 'imported', imported: { name: 'pets', hash: imported.ref.hash, channels: 3 } });
    const png = readFileSync(join(out, 'reconstructions.png'));
    expect(decodePng(png).channels).toBe(4);
    expect(readPngText(png)['bottleneck:graph']).toContain(imported.ref.hash);
  });

  test('a graph that names an imported dataset asks for it by name and hash when it is not given', async () => {
    const imported = await importForCli(writeFolder(classFiles(3)), { size: 28, channels: 1, fit: 'crop' }, () => {});
    const first = await runTraining({
      graphPath: join(graphsDir, 'vae.json'),
      outDir: out,
      epochs: 1,
      backend: 'wasm',
      maxSteps: 1,
      imported,
    });
    expect(first.info.status).toBe('finished');
    await expect(runTraining({ graphPath: join(out, 'graph.json'), epochs: 1, backend: 'wasm', maxSteps: 1 })).rejects.toThrow(
      new RegExp(`uses your dataset '${imported.ref.name}' \\(hash ${imported.ref.hash.slice(0, 12)}…\\).*import it`),
    );
    await expect(importForCli(join(out, 'nothing-here'), { size: 28, channels: 1, fit: 'crop' }, () => {})).rejects.toThrow(
      /does not exist/,
    );
  });

  test('npm run dataset writes a file that train --data reads back with the same hash', () => {
    const folder = writeFolder(classFiles(4));
    const file = join(out, 'pets.bin.gz');
    const run = (args: string[]) => spawnSync('npx', ['tsx', ...args], { cwd: projectRoot, encoding: 'utf8' });
    const made = run(['src/cli/dataset.ts', folder, '--out', file, '--size', '32']);
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    const hash = /sha256 ([0-9a-f]{64})/.exec(made.stdout)?.[1];
    expect(hash).toBeDefined();
    const empty = run(['src/cli/dataset.ts', writeFolder({ 'a.txt': new Uint8Array(1) }), '--out', join(out, 'x.bin.gz')]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/no pictures found/);
    return importForCli(file, { size: 28, channels: 1, fit: 'crop' }, () => {}).then((back) => {
      expect(back.ref.hash).toBe(hash);
      expect(back.data.imageShape).toEqual([32, 32, 1]);
    });
  });
});
