import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { UsageError, parseArgs } from '../../src/cli/args';
import { formatDuration, progressLine } from '../../src/cli/progress';
import { applyOverrides, runTraining } from '../../src/cli/trainRun';
import { parseGraphText } from '../../src/core/parse';
import { decodePng, readPngText } from '../../src/core/png';
import { graphsDir, loadGraph } from '../helpers';

const out = mkdtempSync(join(tmpdir(), 'bottleneck-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('train CLI', () => {
  test('trains a graph, writes metrics and PNG grids that carry their graph', async () => {
    const events: string[] = [];
    const r = await runTraining({
      graphPath: join(graphsDir, 'vae.json'),
      outDir: out,
      epochs: 1,
      backend: 'wasm',
      batchSize: 50,
      trainLimit: 500,
      testLimit: 200,
      onEvent: (e) => events.push(e.type),
    });
    expect(r.info.status).toBe('finished');
    expect(r.info.steps).toBe(10);
    expect(events).toContain('epochEnded');
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { final: { elbo: number }; history: unknown[] };
    expect(metrics.final.elbo).toBeLessThan(0);
    expect(metrics.history.length).toBe(1);
    for (const name of ['reconstructions.png', 'samples.png', 'traversals.png']) {
      const bytes = readFileSync(join(out, name));
      const img = decodePng(bytes);
      expect(img.width).toBeGreaterThan(100);
      const text = readPngText(bytes);
      const graph = parseGraphText(text['bottleneck:graph'] ?? '', specRegistry);
      expect(graph.ok).toBe(true);
      if (graph.ok) expect(graph.doc.name).toBe(loadGraph('vae').name);
      expect(JSON.parse(text['bottleneck:run'] ?? '{}')).toMatchObject({ seed: 1, dataset: 'mnist', steps: 10 });
    }
  });

  test('--iw-samples adds the IW-k estimate of log p(x) next to the test ELBO, and refuses an autoencoder', async () => {
    const r = await runTraining({
      graphPath: join(graphsDir, 'vae.json'),
      epochs: 1,
      backend: 'wasm',
      batchSize: 50,
      trainLimit: 300,
      testLimit: 40,
      iwSamples: 50,
    });
    const ll = r.info.logLikelihood;
    expect(ll).toMatchObject({ samples: 50, images: 40 });
    expect(ll?.estimate).toBeGreaterThan(ll?.elbo ?? Infinity);
    expect(Math.abs((ll?.elbo ?? 0) - (r.info.final?.elbo ?? Infinity))).toBeLessThan(5);
    await expect(runTraining({ graphPath: join(graphsDir, 'ae.json'), epochs: 1, backend: 'wasm', iwSamples: 10 })).rejects.toThrow(
      /--iw-samples: log p\(x\) cannot be estimated: it does not sample z/,
    );
  });

  test('overrides are validated by the node schema and name the node', () => {
    const doc = loadGraph('vae');
    expect(applyOverrides(doc, { recon: { distribution: 'mse' } }).nodes.find((n) => n.id === 'recon')?.params.distribution).toBe('mse');
    expect(() => applyOverrides(doc, { recon: { distribution: 'poisson' } })).toThrow(/node 'recon' \(ReconstructionLoss\): distribution/);
    expect(() => applyOverrides(doc, { nope: { x: 1 } })).toThrow(/there is no node 'nope'/);
  });

  test('argument errors are clear', () => {
    expect(() => parseArgs(['--epochs'], { values: ['epochs'] })).toThrow(UsageError);
    expect(() => parseArgs(['--what'], { values: [] })).toThrow(/unknown option --what/);
    expect(parseArgs(['g.json', '--epochs=3'], { values: ['epochs'] }).values.get('epochs')).toBe('3');
  });

  test('the command line reports a broken graph by node and field, with exit code 1', () => {
    const bad = join(out, 'bad.json');
    const doc = JSON.parse(readFileSync(join(graphsDir, 'vae.json'), 'utf8')) as {
      nodes: Array<{ id: string; params: Record<string, unknown> }>;
    };
    const enc = doc.nodes.find((n) => n.id === 'encoder');
    if (enc) enc.params.latentDim = 0;
    writeFileSync(bad, JSON.stringify(doc));
    const r = spawnSync('npx', ['tsx', 'src/cli/train.ts', bad], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/node 'encoder' \(Encoder\): param 'latentDim' must be ≥ 1, got 0/);
  });

  test('a model too big for the machine is refused before anything is allocated: exit 1, the node and param named, no stack', () => {
    const huge = join(out, 'huge.json');
    const doc = JSON.parse(readFileSync(join(graphsDir, 'vae.json'), 'utf8')) as {
      nodes: Array<{ id: string; params: Record<string, unknown> }>;
    };
    for (const n of doc.nodes) if (n.id === 'encoder' || n.id === 'decoder') n.params.hidden = new Array(8).fill(4096);
    writeFileSync(huge, JSON.stringify(doc));
    const started = Date.now();
    const r = spawnSync('npx', ['tsx', 'src/cli/train.ts', huge, '--max-steps', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Too big to train here: about [\d.]+ GB/m);
    expect(r.stderr).toMatch(/node '(encoder|decoder)' \((Encoder|Decoder)\) takes \d+% of it: shrink its hidden units/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // the budget given on the command line is the one the message names
    const small = spawnSync('npx', ['tsx', 'src/cli/train.ts', huge, '--memory-budget', '64'], { encoding: 'utf8' });
    expect(small.stderr).toMatch(/over the memory budget \(64\.0 MB\)/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  test('progress formatting', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(progressLine({ epoch: 1, epochs: 2, step: 5, totalSteps: 10, samplesPerSecond: 100, text: 'x' }, 10)).toMatch(
      /^█████░░░░░ {2}50% epoch 1\/2 step 5\/10 100 img\/s x$/,
    );
  });
});
