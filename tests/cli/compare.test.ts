/**
 * The headline lesson, measured: the same VAE trained with the same seed, the
 * same batches and the same initial weights, once with a Bernoulli likelihood
 * and once with MSE. MSE is minimised by the mean of what the decoder is unsure
 * about, and its weak pull against the KL lets the code carry less detail — so
 * its reconstructions come out blurrier: a lower variance of the Laplacian and
 * lower gradient energy relative to the real digits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runComparison } from '../../src/cli/compareRun';
import { readExperimentPng } from '../../src/share/pngEmbed';
import { graphsDir } from '../helpers';

const out = mkdtempSync(join(tmpdir(), 'bottleneck-compare-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('MSE reconstructions are blurrier than Bernoulli ones (same seed, data and initial weights)', async () => {
  const r = await runComparison({
    graphPath: join(graphsDir, 'vae.json'),
    variants: [[], ['loss=mse']],
    epochs: 2,
    backend: 'wasm',
    testLimit: 500,
    outDir: out,
  });
  const [bernoulli, mse] = r.runs;
  if (!bernoulli || !mse) throw new Error('two runs expected');
  const b = bernoulli.sharpness.reconstructions;
  const m = mse.sharpness.reconstructions;
  console.log(
    `relative sharpness of reconstructions after ${bernoulli.steps} steps — Bernoulli: Laplacian variance ${b.laplacianVariance.toFixed(3)}, ` +
      `gradient energy ${b.gradientEnergy.toFixed(3)}; MSE: ${m.laplacianVariance.toFixed(3)}, ${m.gradientEnergy.toFixed(3)}`,
  );
  expect(bernoulli.steps).toBe(mse.steps);
  expect(b.laplacianVariance).toBeGreaterThan(1.2 * m.laplacianVariance);
  expect(b.gradientEnergy).toBeGreaterThan(1.2 * m.gradientEnergy);
  // both are blurrier than the data itself
  expect(b.laplacianVariance).toBeLessThan(1);
  // sharpness was tracked during training, not only at the end
  expect(bernoulli.sharpnessHistory.length).toBeGreaterThan(3);
  const summary = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as { runs: Array<{ label: string }> };
  expect(summary.runs.map((x) => x.label)).toEqual(['original', 'loss = mse']);
  // every picture drops back onto the canvas: the side-by-side one opens the original graph
  for (const file of ['comparison.png', 'original/reconstructions.png', 'loss-mse/samples.png']) {
    const dropped = readExperimentPng(readFileSync(join(out, file)));
    expect(dropped.ok, file).toBe(true);
  }
  const side = readExperimentPng(readFileSync(join(out, 'comparison.png')));
  if (side.ok) expect(side.doc.name).toBe(JSON.parse(readFileSync(join(graphsDir, 'vae.json'), 'utf8')).name);
}, 600_000);

test('a β sweep draws the rate–distortion curve: more β, less KL, more distortion', async () => {
  const r = await runComparison({
    graphPath: join(graphsDir, 'vae.json'),
    variants: [['beta=0.5'], ['beta=2'], ['beta=8']],
    epochs: 1,
    backend: 'wasm',
    trainLimit: 3000,
    testLimit: 300,
    previewImages: 16,
    outDir: join(out, 'sweep'),
  });
  const kl = r.runs.map((x) => x.final?.kl ?? NaN);
  const recon = r.runs.map((x) => x.final?.recon ?? NaN);
  console.log(
    `β 0.5 / 2 / 8 → KL ${kl.map((v) => v.toFixed(1)).join(' / ')}, reconstruction ${recon.map((v) => v.toFixed(1)).join(' / ')}`,
  );
  expect(kl[0]).toBeGreaterThan(kl[1] as number);
  expect(kl[1]).toBeGreaterThan(kl[2] as number);
  expect(recon[0]).toBeLessThan(recon[2] as number);
  expect(readFileSync(join(out, 'sweep', 'rate-distortion.svg'), 'utf8')).toMatch(/^<svg/);
}, 600_000);
