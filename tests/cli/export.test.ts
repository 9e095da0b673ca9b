/** `npm run export`: from graph files, PNGs and links to Python scripts, with clear failures. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportUsage, nodeIO, runExportCli, type CliIO } from '../../src/cli/export';
import { projectRoot } from '../../src/data/loadNode';
import { serializeGraph } from '../../src/share/graphFile';
import { createShareLink } from '../../src/share/link';
import { embedExperiment } from '../../src/share/pngEmbed';
import { run } from '../export/pythonEnv';
import { baseVae } from '../export/variants';
import { bytesId } from '../helpers';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bottleneck-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { ...nodeIO, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await runExportCli(args, io);
  return { code, stdout, stderr };
}

const vaePath = join(projectRoot, 'graphs', 'vae.json');

describe('npm run export', () => {
  test('--help explains the command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(exportUsage);
    expect(r.stdout).toContain('--to TARGET');
  });

  test('writes a script that compiles, for each target', async () => {
    for (const target of ['pytorch', 'keras']) {
      const out = join(dir, `vae-${target}.py`);
      const r = await cli([vaePath, '--to', target, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/wrote .*: a (PyTorch|Keras) training script for "VAE \(MLP, Bernoulli\)" \(652,824 parameters\)/);
      expect(readFileSync(out, 'utf8')).toContain(`python vae-${target}.py`);
      expect(run('python3', ['-m', 'py_compile', out]).status).toBe(0);
    }
  });

  test('prints to stdout without --out, and reads PNGs and links too', async () => {
    const vae = baseVae();
    const plain = await cli([vaePath]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('import torch');
    const png = embedExperiment({ width: 1, height: 1, channels: 1, pixels: Uint8Array.of(9) }, { ...vae, name: 'from a picture' });
    if (!png.ok) throw new Error('no png');
    const pngPath = join(dir, 'samples.png');
    writeFileSync(pngPath, png.bytes);
    const fromPng = await cli([pngPath, '--to', 'keras']);
    expect(fromPng.code, fromPng.stderr).toBe(0);
    expect(fromPng.stdout).toContain('# Graph: from a picture');
    const link = createShareLink({ ...vae, name: 'from a link' }, 'https://example.org/');
    if (!link.ok) throw new Error('no link');
    const fromLink = await cli([link.url]);
    expect(fromLink.code, fromLink.stderr).toBe(0);
    expect(fromLink.stdout).toContain('# Graph: from a link');
  });

  test('fails clearly: missing files, bad targets, broken graphs', async () => {
    expect((await cli([])).code).toBe(2);
    const missing = await cli([join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
    const target = await cli([vaePath, '--to', 'jax']);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--to must be pytorch or keras, not 'jax'/);
    const unknown = await cli([vaePath, '--frobnicate']);
    expect(unknown.code).toBe(2);
    const vae = baseVae();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, serializeGraph(vae).replace('"batchSize": 128', '"batchSize": -4'));
    const badParse = await cli([bad]);
    expect(badParse.code).toBe(1);
    expect(badParse.stderr).toMatch(/node 'data' \(Dataset\): param 'batchSize' must be ≥ 1/);
    const unwired = join(dir, 'unwired.json');
    writeFileSync(unwired, serializeGraph({ ...vae, edges: vae.edges.filter((e) => e.to.node !== 'kl') }));
    const r = await cli([unwired, '--out', join(dir, 'unwired.py')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be exported to PyTorch:\nerror: node 'kl'/);
    expect(existsSync(join(dir, 'unwired.py'))).toBe(false);
  });

  test('runs as a command', async () => {
    const out = join(dir, 'cmd.py');
    const r = run(join(projectRoot, 'node_modules', '.bin', 'tsx'), [
      join(projectRoot, 'src/cli/export.ts'),
      vaePath,
      '--to',
      'keras',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('DATASET_FILE = "mnist.bin.gz"');
    // the dataset the script reads is written beside it: the app's own file
    expect(bytesId(readFileSync(join(dirname(out), 'mnist.bin.gz')))).toBe(bytesId(readFileSync('public/generated/mnist.bin.gz')));
  });
});
