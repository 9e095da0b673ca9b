/**
 * The exported PyTorch model computes what the browser computes. With torch
 * installed, each deterministic variant's browser weights are copied into the
 * script's Model and one forward pass (z = μ; the conditional VAEs also read
 * the batch's class labels) must give the same objective, reconstruction and
 * KL as the tfjs program, and the same parameter count, and, given the
 * browser's ε, the same importance-weighted estimate of log p(x);
 * and every script trains a few steps end to end on the studio's dataset file
 * beside it (nothing downloaded), also under torchrun with 2 processes
 * (DistributedDataParallel, gloo; the VAE and the conditional VAE); shapes scripts draw their own data and print MIG.
 * Without torch these tests are skipped (py_compile and the static checks in
 * pythonScripts.test.ts, and the shapes and MIG code in shapesPython.test.ts,
 * still run).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as tfType from '@tensorflow/tfjs';
import { nodeRegistry } from '../../nodes';
import { importancePath, logImportanceWeights, logMeanExp } from '../../src/compiler/importance';
import { compileProgram, type Program } from '../../src/compiler/program';
import { loadDatasetNode, projectRoot } from '../../src/data/loadNode';
import { Rng } from '../../src/core/random';
import { exportPyTorch } from '../../src/export/pytorch';
import { initNodeBackend } from '../../src/runtime/worker/nodeBackend';
import { pythonWith, run, writeDatasetFile } from './pythonEnv';
import { baseCvae, baseVae, graphVariants, savedGraphs, shapesVariants } from './variants';

type TF = typeof tfType;

const python = pythonWith(['torch', 'numpy']);
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bottleneck-torch-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 + 2e-5 * Math.abs(b);

/** Draws per image for the log-likelihood comparison (z = μ + σ·ε with the browser's ε). */
const IW_DRAWS = 7;

/** The browser's IW estimate of log p(x) on the images with seeded ε, and that ε, or undefined for a graph with none. */
function importanceOnBrowser(tf: TF, program: Program, x: Float32Array, labels: number[], n: number) {
  const path = importancePath(program.plan, nodeRegistry);
  if (typeof path === 'string') return undefined;
  const latent = path.latentDim;
  const eps = new Rng(7).fillNormal(new Float32Array(n * IW_DRAWS * latent));
  const estimate = tf.tidy(() => {
    const images = tf.tensor4d(x, [n, 28, 28, 1]);
    const classes = tf.tensor1d(labels, 'int32');
    const feeds = new Map<string, tfType.Tensor>([
      [path.imagesKey, images],
      [path.labelsKey, classes],
    ]);
    const ev = program.model.evaluate({ mode: 'infer', step: 0, noiseKey: 'iw:encode', feeds });
    const logWeights = logImportanceWeights(tf, program.model, path, {
      x: images,
      labels: classes,
      mean: ev.get(path.mean) as tfType.Tensor,
      logVar: ev.get(path.logVar) as tfType.Tensor,
      eps: tf.tensor2d(eps, [n * IW_DRAWS, latent]),
      k: IW_DRAWS,
      run: { mode: 'test', step: 0, noiseKey: 'iw' },
    });
    return tf.mean(logMeanExp(tf, logWeights)).dataSync()[0] as number;
  });
  return { eps, latent, estimate };
}

interface ParityResult {
  iw?: number;
  count: number;
  objective: number;
  recon: number;
  kl: number;
  error?: string;
}

interface TrainResult {
  status: number;
  stdout: string;
  error?: string;
}

function runManifest(manifest: {
  parity?: Array<{ script: string; input: string }>;
  train?: Array<{ script: string; args: string[] }>;
}): Record<string, unknown> {
  const file = join(dir, `manifest-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  const r = run(python as string, [join(projectRoot, 'tests/export/pytorchParity.py'), file], 600_000);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** A TCP port nothing listens on now, for torchrun's rendezvous. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!python)('exported PyTorch scripts match the browser', () => {
  test('a forward pass with the browser weights gives the browser loss terms', async () => {
    const tf = await initNodeBackend('cpu');
    const data = loadDatasetNode('mnist');
    const n = 6;
    const px = 28 * 28;
    const x = new Float32Array(n * px);
    for (let i = 0; i < n * px; i++) x[i] = (data.test.images[i] as number) / 255;
    // the images' own classes (the conditional VAEs read them; the other graphs ignore them)
    const labels = Array.from(data.test.labels.subarray(0, n));
    expect(new Set(labels).size).toBeGreaterThan(2);
    const step = 777;
    const variants = graphVariants().filter((v) => v.deterministic);
    expect(variants.length).toBeGreaterThan(15);
    expect(variants.filter((v) => v.name.startsWith('cvae')).length).toBeGreaterThanOrEqual(4);
    const expected = new Map<string, { objective: number; recon: number; kl: number; count: number; iw?: number }>();
    const jobs: Array<{ script: string; input: string }> = [];
    for (const variant of variants) {
      const compiled = compileProgram(variant.doc, tf, { seed: 5 });
      if (!compiled.ok) throw new Error(`${variant.name}: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
      const program = compiled.program;
      // perturb every weight (biases start at 0) so each one shows in the result
      const weights = await program.readWeights();
      const rng = new Rng(99);
      for (const w of Object.values(weights))
        for (let i = 0; i < w.values.length; i++) w.values[i] = (w.values[i] as number) + 0.05 * rng.normal();
      program.writeWeights(weights);
      const terms = tf.tidy(() => {
        const t = program.losses(
          { x: tf.tensor4d(x, [n, 28, 28, 1]), labels: tf.tensor1d(labels, 'int32') },
          { mode: 'infer', step, noiseKey: 'parity' },
        );
        return { objective: t.objective.dataSync()[0] as number, recon: t.recon.dataSync()[0] as number, kl: t.kl.dataSync()[0] as number };
      });
      const iw = importanceOnBrowser(tf, program, x, labels, n);
      const exported = exportPyTorch(variant.doc);
      if (!exported.ok) throw new Error(`${variant.name}: ${exported.errors.map((e) => e.message).join('; ')}`);
      const values = Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, { shape: w.shape, values: Array.from(w.values) }]));
      const script = join(dir, `${variant.name}.py`);
      const input = join(dir, `${variant.name}.json`);
      writeFileSync(script, exported.code);
      const noise = iw ? { eps: Array.from(iw.eps), latent: iw.latent, k: IW_DRAWS } : {};
      writeFileSync(
        input,
        JSON.stringify({ weights: exported.weights, values, x: Array.from(x), labels, shape: [n, 28, 28, 1], step, ...noise }),
      );
      jobs.push({ script, input });
      expected.set(script, { ...terms, count: program.plan.totalParams, ...(iw ? { iw: iw.estimate } : {}) });
      expect(exported.totalParams).toBe(program.plan.totalParams);
      program.dispose();
    }
    const results = runManifest({ parity: jobs });
    let withEstimate = 0;
    for (const [script, want] of expected) {
      const got = results[script] as ParityResult | undefined;
      expect(got?.error, script).toBeUndefined();
      expect(got?.count, `${script}: parameter count`).toBe(want.count);
      for (const key of ['objective', 'recon', 'kl'] as const) {
        const value = got?.[key] as number;
        expect(close(value, want[key]), `${script}: ${key} ${value} vs browser ${want[key]}`).toBe(true);
      }
      if (want.iw !== undefined) {
        withEstimate++;
        expect(close(got?.iw as number, want.iw), `${script}: IW-${IW_DRAWS} ${got?.iw} vs browser ${want.iw}`).toBe(true);
      } else expect(got?.iw, script).toBeUndefined();
    }
    // the VAEs, CVAEs and likelihood variants carry the estimate; autoencoders have none
    expect(withEstimate).toBeGreaterThan(10);
  });

  test('every variant trains a few steps end to end and prints its scores', () => {
    const mnist = loadDatasetNode('mnist');
    // a small copy of the data as the dataset files the scripts find beside themselves
    const small = (set: typeof mnist.train, count: number) => ({
      images: set.images.subarray(0, count * 784),
      labels: set.labels.subarray(0, count),
      count,
    });
    writeDatasetFile(join(dir, 'mnist.bin.gz'), small(mnist.train, 600), small(mnist.test, 200), [28, 28, 1]);
    writeDatasetFile(join(dir, 'fashion-mnist.bin.gz'), small(mnist.train, 600), small(mnist.test, 200), [28, 28, 1]);
    const jobs: Array<{ script: string; args: string[] }> = [];
    for (const variant of graphVariants()) {
      const exported = exportPyTorch(variant.doc);
      if (!exported.ok) throw new Error(`${variant.name}: ${exported.errors.map((e) => e.message).join('; ')}`);
      const script = join(dir, `${variant.name}-train.py`);
      writeFileSync(script, exported.code);
      // the VAEs also estimate log p(x) with 3 draws per test image after training
      const iw = exported.code.includes('--iw-samples') ? ['--iw-samples', '3'] : [];
      jobs.push({ script, args: ['--max-steps', '3', '--device', 'cpu', '--save', join(dir, `${variant.name}.pt`), ...iw] });
    }
    expect(jobs.filter((j) => j.args.includes('--iw-samples')).length).toBeGreaterThan(10);
    const results = runManifest({ train: jobs });
    for (const job of jobs) {
      const r = results[job.script] as TrainResult | undefined;
      expect(r?.status, `${job.script}: ${r?.error ?? ''}`).toBe(0);
      expect(r?.stdout).toMatch(
        /epoch 1\/\d+ {2}step 3 {2}train: loss [\d.-]+ \(recon [\d.-]+, KL [\d.-]+\) {2}test: recon [\d.-]+, KL [\d.-]+, ELBO [\d.-]+/,
      );
      expect(r?.stdout).toContain('weights saved to');
      if (job.args.includes('--iw-samples'))
        expect(r?.stdout).toMatch(/\ntest ELBO -?[\d.]+ nats; IW-3 estimate of log p\(x\) -?[\d.]+ nats \(200 test images\)/);
    }
  });

  test('a shapes script draws its data, trains a few steps and prints the MIG of the test codes', () => {
    const shapes = [...savedGraphs().filter((g) => g.name === 'beta-vae-shapes'), ...shapesVariants()];
    expect(shapes.length).toBeGreaterThan(1);
    const jobs = shapes.map((g) => {
      const exported = exportPyTorch(g.doc);
      if (!exported.ok) throw new Error(`${g.name}: ${exported.errors.map((e) => e.message).join('; ')}`);
      const script = join(dir, `${g.name}-train.py`);
      writeFileSync(script, exported.code);
      return { script, args: ['--max-steps', '3', '--device', 'cpu'] };
    });
    const results = runManifest({ train: jobs });
    for (const job of jobs) {
      const r = results[job.script] as TrainResult | undefined;
      expect(r?.status, `${job.script}: ${r?.error ?? ''}`).toBe(0);
      expect(r?.stdout).toMatch(/epoch 1\/\d+ {2}step 3 {2}train: loss [\d.-]+/);
      expect(r?.stdout).toMatch(/\nMIG [01]\.\d{3} on the 4,608 test images/);
      for (const factor of ['shape', 'scale', 'rotation', 'x', 'y'])
        expect(r?.stdout).toMatch(new RegExp(`\\n  ${factor} +gap [\\d.]+ {2}best z\\d`));
    }
  });

  test.each([
    { name: 'vae', doc: baseVae, params: '652,824' },
    // the labels are batched and sharded with the images
    { name: 'cvae', doc: baseCvae, params: '639,188' },
  ])(
    'the $name script runs unchanged under torchrun: 2 processes (gloo), DistributedDataParallel',
    async ({ name, doc, params }) => {
      const mnist = loadDatasetNode('mnist');
      const ddpDir = join(dir, `ddp-${name}`);
      mkdirSync(ddpDir, { recursive: true });
      const small = (set: typeof mnist.train, count: number) => ({
        images: set.images.subarray(0, count * 784),
        labels: set.labels.subarray(0, count),
        count,
      });
      writeDatasetFile(join(ddpDir, 'mnist.bin.gz'), small(mnist.train, 1024), small(mnist.test, 200), [28, 28, 1]);
      const exported = exportPyTorch(doc());
      if (!exported.ok) throw new Error(exported.errors.map((e) => e.message).join('; '));
      const script = join(ddpDir, `${name}.py`);
      writeFileSync(script, exported.code);
      const weights = join(ddpDir, `${name}.pt`);
      // torchrun's own launcher; `--redirects 1 --tee 1` because Debian's torch 1.13 on Python 3.11 cannot parse
      // the default (no redirect) — the script itself needs nothing special. The rendezvous is on 127.0.0.1 and
      // gloo on loopback: `--standalone` hands the workers this machine's hostname, and on a machine whose hostname
      // does not resolve (no DNS) they wait for it until torch's 15-minute timeout
      const port = await freePort();
      const r = run(
        python as string,
        [
          '-m',
          'torch.distributed.run',
          '--nnodes',
          '1',
          '--node_rank',
          '0',
          '--master_addr',
          '127.0.0.1',
          '--master_port',
          String(port),
          '--redirects',
          '1',
          '--tee',
          '1',
          '--nproc_per_node',
          '2',
          script,
          '--epochs',
          '2',
          '--device',
          'cpu',
          '--save',
          weights,
        ],
        // 8 s alone; a loaded 2-core machine running the browser tests beside it needs longer
        240_000,
        { ...process.env, GLOO_SOCKET_IFNAME: 'lo' },
      );
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout).toContain(`${params} parameters, training on 2 processes (gloo)`);
      // only process 0 prints the epoch scores, once per epoch
      // only process 0 prints: each epoch once (8 global batches of 128 per epoch), the saved weights once
      expect(r.stdout.match(/epoch 1\/2 {2}step 8 {2}train: loss [\d.]+/g)?.length).toBe(1);
      expect(r.stdout.match(/epoch 2\/2 {2}step 16 {2}train: loss [\d.]+ .* ELBO -[\d.]+/g)?.length).toBe(1);
      expect(r.stdout.match(/weights saved to/g)?.length).toBe(1);
    },
    260_000,
  );
});
