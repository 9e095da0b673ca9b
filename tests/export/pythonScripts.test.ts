/**
 * Exported training scripts, checked without torch or keras: every graph in
 * graphs/ and every variant, for both targets, compiles with
 * `python3 -m py_compile`; importing a script runs nothing but imports,
 * constant settings and definitions; every name it uses is defined; the
 * settings, layers and loss match the graph; a conditional VAE batches the
 * labels and appends their one-hot class where the browser does; user text
 * cannot become code; graphs the scripts cannot express give errors naming
 * the node. Shapes
 * graphs draw their data and score MIG (tests/export/shapesPython.test.ts
 * checks that code against the browser's).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nodeRegistry, Noise, specRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import { compileGraph } from '../../src/compiler/plan';
import { datasetOf } from '../../src/core/graphQueries';
import type { GraphDoc } from '../../src/core/schema';
import { exportCode, exportTargets, type ExportTarget } from '../../src/export/code';
import { samePadding } from '../../nodes/layerExport';
import { projectRoot } from '../../src/data/loadNode';
import { run } from './pythonEnv';
import { baseCvae, baseVae, graphVariants, savedGraphs, shapesVariants } from './variants';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bottleneck-export-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function exported(doc: GraphDoc, target: ExportTarget): string {
  const r = exportCode(doc, target);
  if (!r.ok) throw new Error(`${doc.name} (${target}): ${r.errors.map((e) => e.message).join('; ')}`);
  return r.code;
}

interface Checked {
  problems: string[];
  ast?: string;
}

function checkScripts(files: string[], dump = false): Record<string, Checked> {
  const r = run('python3', [join(projectRoot, 'tests/export/checkScripts.py'), ...(dump ? ['--dump'] : []), ...files]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, Checked>;
}

/** Graphs on the faces dataset (drawn here; the export writes the images into the file beside the script). */
const onFaces = (doc: GraphDoc): boolean => datasetOf(doc.nodes, specRegistry)?.dataset === 'faces';

// iwae.json trains the IWAE bound, which the scripts refuse by name (tested below)
const cases = (): Array<{ name: string; doc: GraphDoc }> => [
  ...savedGraphs()
    .filter((g) => g.name !== 'iwae')
    .map((g) => ({ name: `graph-${g.name}`, doc: g.doc })),
  ...graphVariants(),
  ...shapesVariants(),
];

describe('exported Python scripts', () => {
  test('a saved graph on faces reads the faces, drawn here, from the file beside the script', () => {
    const faces = savedGraphs().filter((g) => onFaces(g.doc));
    expect(faces.map((g) => g.name)).toContain('vae-faces');
    for (const g of faces)
      for (const target of exportTargets) {
        const r = exportCode(g.doc, target);
        expect(r.ok, `${g.name} (${target})`).toBe(true);
        if (r.ok) expect(r.datasetFile).toBe('faces.bin.gz');
      }
  });

  test('every saved graph and variant compiles, runs nothing at import, and uses only names it defines', () => {
    const files: string[] = [];
    for (const c of cases()) {
      for (const target of exportTargets) {
        const file = join(dir, `${c.name}-${target}.py`);
        writeFileSync(file, exported(c.doc, target));
        files.push(file);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(2 * 35);
    expect(files.some((f) => f.includes('graph-beta-vae-shapes-'))).toBe(true);
    const compiled = run('python3', ['-m', 'py_compile', ...files]);
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    const checked = checkScripts(files);
    for (const f of files) expect(checked[f]?.problems, f).toEqual([]);
  });

  test('a graph that trains the IWAE bound is refused, naming the Loss and what to change', () => {
    const iwae = savedGraphs().find((g) => g.name === 'iwae')?.doc as GraphDoc;
    for (const target of exportTargets) {
      const r = exportCode(iwae, target);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.errors.map((e) => e.message).join('; ')).toMatch(
          /'loss'.*IWAE bound with 5 importance samples.*set importance samples to 1/,
        );
    }
  });

  test('a graph on a dataset drawn in code here (the coloured shapes) reads it from the file written beside the script', () => {
    const colour = savedGraphs().find((g) => g.name === 'conv-vae-colour')?.doc as GraphDoc;
    for (const target of exportTargets) {
      const r = exportCode(colour, target);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.datasetFile).toBe('shapes-colour.bin.gz');
        expect(r.code).toContain('\nIMAGE_HWC = (32, 32, 3)');
      }
    }
  });

  test('a conditional VAE feeds the labels: one-hot c appended to the flat image and to z, labels batched with the images', () => {
    const cvae = baseCvae();
    const torch = exported(cvae, 'pytorch');
    for (const line of [
      'nn.Linear(794, 400)',
      'self.mean = nn.Linear(400, 2)',
      'nn.Linear(12, 400)',
      '    def forward(self, x, c):',
      '        h = torch.cat([flatten_hwc(h), c], 1)  # the one-hot class appended',
      '    def forward(self, z, c):',
      '        h = torch.cat([z, c], 1)  # the one-hot class appended',
      '    def forward(self, x, labels, step, sample=True):',
      '        data_label = labels',
      '        condition_c = F.one_hot(data_label.long(), 10).float()',
      '        encoder_mean, encoder_log_var = self.encoder(data_x, condition_c)',
      '        decoder_logits = self.decoder(reparam_z, condition_c)',
      '    labels = torch.frombuffer(buffer, dtype=torch.uint8)[28:28 + count].long()  # a copy',
      '    train_pixels, test_pixels, train_labels, test_labels = read_dataset(data_file)',
      '        yield images[chosen], labels[chosen]',
      '            terms = model(batch.to(device), batch_labels.to(device), step)',
      // under torchrun each process takes the same slice of the images and of their labels
      '            batch_labels = shard(batch_labels, rank, world).to(device)',
      '            terms = model(batch, batch_labels, step)',
      '    train_images, train_labels = load_images(True, args.data)',
    ])
      expect(torch).toContain(line);
    const keras = exported(cvae, 'keras');
    for (const line of [
      '    c = keras.Input(shape=(10,))  # the one-hot class',
      '    h = layers.Concatenate()([h, c])  # the one-hot class appended',
      '    return keras.Model([x, c], [mean, log_var], name="encoder")',
      '    h = layers.Concatenate()([z, c])  # the one-hot class appended',
      '    return keras.Model([z, c], logits, name="decoder")',
      '    def __call__(self, x, labels, step, sample=True):',
      '        condition_c = tf.one_hot(tf.cast(data_label, tf.int32), 10)',
      '        encoder_mean, encoder_log_var = self.encoder([data_x, condition_c])',
      '        decoder_logits = self.decoder([reparam_z, condition_c])',
      '    labels = np.frombuffer(raw, dtype=np.uint8)[28:28 + count].astype("int32")',
      '            terms = train_step(tf.constant(batch), tf.constant(batch_labels), tf.constant(step, tf.float32))',
      '            terms = test_step(tf.constant(batch), tf.constant(batch_labels), tf.constant(step, tf.float32))',
    ])
      expect(keras).toContain(line);
    for (const code of [torch, keras]) expect(code).toContain('639,188 trainable parameters');
    // graphs that do not read the labels neither load nor pass them
    for (const target of exportTargets) {
      const plain = exported(baseVae(), target);
      expect(plain).toMatch(/def (forward|__call__)\(self, x, step, sample=True\)/);
      expect(plain).not.toMatch(/train_labels|batch_labels|one_hot|Concatenate|torch\.cat/);
    }
    // the encoder's c may be left out: only the decoder then takes it
    const decoderOnly = exported(graphVariants().find((v) => v.name === 'cvae-decoder-only')?.doc as GraphDoc, 'pytorch');
    expect(decoderOnly).toContain('        encoder_mean, encoder_log_var = self.encoder(data_x)\n');
    expect(decoderOnly).toContain('        decoder_logits = self.decoder(reparam_z, condition_c)\n');
  });

  test('a graph that reads the labels of the shapes the script draws itself is refused, naming the Dataset', () => {
    const cvae = baseCvae();
    const doc: GraphDoc = {
      ...cvae,
      nodes: cvae.nodes.map((n) => (n.id === 'data' ? { ...n, params: { ...n.params, dataset: 'shapes' } } : n)),
    };
    expect(compileGraph(doc, specRegistry).ok).toBe(true);
    for (const target of exportTargets) {
      const r = exportCode(doc, target);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.errors[0]?.nodeId).toBe('data');
        expect(r.errors[0]?.message).toMatch(/node 'data': a graph that reads the labels of the shapes dataset .* cannot be exported yet/);
      }
    }
  });

  test('the settings block and header carry the graph', () => {
    const vae = baseVae();
    const doc: GraphDoc = {
      ...vae,
      nodes: vae.nodes.map((n) => (n.type === 'Dataset' ? { ...n, params: { ...n.params, binarize: 'dynamic', batchSize: 64 } } : n)),
      training: { epochs: 7, optimizer: 'sgd', learningRate: 0.005, seed: 1234 },
    };
    for (const target of exportTargets) {
      const code = exported(doc, target);
      expect(code).toContain('# Graph: VAE (MLP, Bernoulli)');
      expect(code).toMatch(/Weights and scores will differ from the browser\s+(#\s+)?run/);
      expect(code).toContain('\nSEED = 1234\n');
      expect(code).toContain('\nEPOCHS = 7\n');
      expect(code).toContain('\nBATCH_SIZE = 64\n');
      expect(code).toContain('\nLEARNING_RATE = 0.005\n');
      expect(code).toContain('\nOPTIMIZER = "sgd"');
      expect(code).toContain('\nDATASET = "mnist"');
      expect(code).toContain('\nBINARIZE = "dynamic"\n');
      expect(code).toContain('652,824 trainable parameters');
    }
    // the data is the browser's own, from the dataset file exported beside the script: nothing is downloaded
    for (const target of exportTargets) {
      const code = exported(doc, target);
      expect(code).toContain('\nDATASET_FILE = "mnist.bin.gz"');
      expect(code).toContain('    train_pixels, test_pixels = read_dataset(data_file)');
      expect(code).not.toMatch(/torchvision|load_data|download=True/);
    }
    expect(exported(doc, 'pytorch')).toContain('#   torchrun --nproc_per_node 4 ');
    const fashion = graphVariants().find((v) => v.name === 'fashion')?.doc as GraphDoc;
    expect(exported(fashion, 'pytorch')).toContain('\nDATASET_FILE = "fashion-mnist.bin.gz"');
    expect(exported(fashion, 'keras')).toContain('\nDATASET_FILE = "fashion-mnist.bin.gz"');
  });

  test('the layers have the graph sizes, kernels and TensorFlow-style same padding', () => {
    const byName = new Map(graphVariants().map((v) => [v.name, v.doc]));
    const doc = (name: string) => byName.get(name) as GraphDoc;
    const mlpTorch = exported(doc('bernoulli'), 'pytorch');
    for (const line of [
      'nn.Linear(784, 400)',
      'self.mean = nn.Linear(400, 20)',
      'self.log_var = nn.Linear(400, 20)',
      'nn.Linear(20, 400)',
      'nn.Linear(400, 784)',
    ]) {
      expect(mlpTorch).toContain(line);
    }
    const k4 = exported(doc('conv-k4'), 'pytorch');
    expect(k4).toContain('self.conv0 = nn.Conv2d(1, 32, 4, stride=2, padding=1)  # 28×28 → 14×14');
    expect(k4).toContain('self.deconv1 = nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1)  # 14×14 → 28×28');
    const k3 = exported(doc('conv-k3'), 'pytorch');
    expect(k3).toContain('self.conv0(F.pad(h, (0, 1, 0, 1)))');
    expect(k3).toContain('self.deconv0(h)[:, :, 0:14, 0:14]');
    const k1 = exported(doc('conv-k1'), 'pytorch');
    expect(k1).toContain('nn.ConvTranspose2d(64, 32, 1, stride=2, output_padding=1)');
    const three = exported(doc('conv-three-layers'), 'pytorch');
    expect(three).toContain('self.conv2(F.pad(h, (1, 2, 1, 2)))');
    expect(three).toContain('nn.Linear(512, 128)');
    const keras = exported(doc('conv-k3'), 'keras');
    expect(keras).toContain('layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="conv0")(h)  # 28×28 → 14×14');
    expect(keras).toContain('layers.Conv2DTranspose(1, 3, strides=2, padding="same", name="deconv1")(h)  # 14×14 → 28×28');
    expect(exported(doc('activations'), 'keras')).toContain('activation=leaky_relu');
    expect(exported(doc('activations'), 'pytorch')).toContain('F.leaky_relu(self.dense0(h), 0.2)');
    // TensorFlow's rule: total padding (out − 1)·s + k − in, the odd one at the end
    expect(samePadding(28, 4)).toEqual([1, 1]);
    expect(samePadding(7, 4)).toEqual([1, 2]);
    expect(samePadding(28, 3)).toEqual([0, 1]);
    expect(samePadding(28, 1)).toEqual([0, 0]);
  });

  test('each loss term is written as the browser computes it', () => {
    const byName = new Map(graphVariants().map((v) => [v.name, v.doc]));
    const code = (name: string, target: ExportTarget) => exported(byName.get(name) as GraphDoc, target);
    expect(code('bernoulli', 'pytorch')).toContain(
      'recon_per_image = sum_pixels(F.binary_cross_entropy_with_logits(decoder_logits, data_x, reduction="none"))\n        recon_loss = recon_per_image.mean()',
    );
    expect(code('bernoulli', 'pytorch')).toContain('"importance": (-recon_per_image, reparam_z, encoder_mean, encoder_log_var),');
    expect(code('mse', 'pytorch')).toContain('"importance": (-recon_per_image - 448.7');
    expect(code('bernoulli', 'keras')).toContain(
      'sum_pixels_mean_batch(tf.nn.sigmoid_cross_entropy_with_logits(labels=data_x, logits=decoder_logits))',
    );
    expect(code('mse', 'pytorch')).toContain('recon_per_image = sum_pixels((data_x - decoder_mean).square())');
    expect(code('l1', 'keras')).toContain('sum_pixels_mean_batch(tf.abs(data_x - decoder_mean))');
    expect(code('gaussian-fixed', 'pytorch')).toContain('/ 0.2 ** 2 + math.log(0.2) + HALF_LOG_2PI');
    expect(code('gaussian-learned', 'pytorch')).toContain('self.recon_log_sigma = nn.Parameter(torch.tensor(math.log(0.3)))');
    expect(code('gaussian-learned', 'keras')).toContain('self.recon_log_sigma = scalar_variable(math.log(0.3), "recon_log_sigma")');
    expect(code('continuous-bernoulli', 'keras')).toContain('- continuous_bernoulli_log_norm(decoder_logits)');
    expect(code('free-bits', 'pytorch')).toContain('kl_term = kl_per_dim.clamp(min=0.5).sum()');
    expect(code('free-bits', 'keras')).toContain('kl_term = tf.reduce_sum(tf.maximum(kl_per_dim, 0.5))');
    expect(code('beta-warmup', 'pytorch')).toContain('beta_beta = 2.0 * min(1.0, step / 1000.0)');
    expect(code('beta-cyclical', 'keras')).toContain('beta_beta = 3.0 * tf.minimum(1.0, tf.math.floormod(step, 400.0) / 400.0 / 0.25)');
    expect(code('beta-capacity', 'pytorch')).toContain('beta_capacity = 25.0 * min(1.0, step / 5000.0)');
    expect(code('beta-capacity', 'pytorch')).toContain('beta_loss = beta_beta * torch.abs(kl_term - beta_capacity)');
    expect(code('noise-masking', 'pytorch')).toContain('noise_x = data_x * (torch.rand_like(data_x) >= 0.25).float()');
    expect(code('noise-gaussian', 'keras')).toContain('noise_x = data_x + 0.4 * tf.random.normal(tf.shape(data_x))');
    const ae = code('autoencoder', 'pytorch');
    expect(ae).toContain('decoder_logits = self.decoder(encoder_mean)');
    expect(ae).not.toContain('log_var');
    expect(ae).toContain('"kl": x.new_zeros(())');
    expect(ae).not.toMatch(/importance|--iw-samples/);
    expect(code('bernoulli', 'pytorch')).toContain('reparam_z = reparameterize(encoder_mean, encoder_log_var) if sample else encoder_mean');
    expect(code('bernoulli', 'pytorch')).toContain('torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=1e-7)');
  });

  test('graph names, labels and notes stay in comments and cannot become code', () => {
    const vae = baseVae();
    const evil = '"""\nimport os; os.system("rm -rf /")\r\u2028\u2029\u000bprint(1)\u0000 -*- coding: latin-1 -*- \uD800';
    const hostile: GraphDoc = {
      ...vae,
      name: `-*- coding: latin-1 -*- ${evil}`,
      description: evil,
      nodes: vae.nodes.map((n) => ({ ...n, label: evil.slice(0, 80), note: evil })),
    };
    const plain: GraphDoc = { ...vae, name: 'plain', description: 'plain', nodes: vae.nodes.map((n) => ({ ...n, note: 'plain' })) };
    for (const target of exportTargets) {
      const a = join(dir, `hostile-${target}.py`);
      const b = join(dir, `plain-${target}.py`);
      const code = exported(hostile, target);
      writeFileSync(a, code);
      writeFileSync(b, exported(plain, target));
      expect(code.split('\n').slice(0, 2).join('\n')).not.toContain('coding');
      // eslint-disable-next-line no-control-regex
      expect(code).not.toMatch(/[\r\u2028\u2029\u000b\u0000]/);
      for (const line of code.split('\n')) if (line.includes('os.system')) expect(line.trimStart().startsWith('#')).toBe(true);
      const checked = checkScripts([a, b], true);
      expect(checked[a]?.problems).toEqual([]);
      expect(checked[a]?.ast).toBe(checked[b]?.ast);
    }
  });

  test('graphs that cannot be exported give an error naming the node, never code', () => {
    // a node kind the scripts do not know, in an otherwise valid graph
    const { exporter: _noExport, ...noise } = Noise as unknown as AnyNodeDef;
    const blur: AnyNodeDef = { ...noise, type: 'Blur', title: 'Blur' };
    const registry = new Map([...nodeRegistry, ['Blur', blur]]);
    const vae = baseVae();
    const doc: GraphDoc = {
      ...vae,
      nodes: [
        ...vae.nodes,
        { id: 'blur1', type: 'Blur', version: 1, params: { kind: 'gaussian', sigma: 0.1, p: 0.3, clip: true }, position: { x: 0, y: 0 } },
      ],
      edges: [
        ...vae.edges.filter((e) => !(e.from.node === 'data' && e.to.node === 'encoder')),
        { id: 'b1', from: { node: 'data', port: 'x' }, to: { node: 'blur1', port: 'x' } },
        { id: 'b2', from: { node: 'blur1', port: 'x' }, to: { node: 'encoder', port: 'x' } },
      ],
    };
    expect(compileGraph(doc, registry).ok).toBe(true);
    for (const target of exportTargets) {
      const r = exportCode(doc, target, {}, registry);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors[0]?.nodeId).toBe('blur1');
      expect(r.errors[0]?.message).toMatch(/node 'blur1' \(Blur\): Blur nodes cannot be exported/);
    }
    // a graph with wiring errors gives the compiler's diagnostics
    const broken: GraphDoc = { ...vae, edges: vae.edges.filter((e) => e.to.node !== 'decoder') };
    const r = exportCode(broken, 'pytorch');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.some((e) => e.nodeId === 'decoder' && /not connected/.test(e.message))).toBe(true);
  });

  test('the exported parameter count is the graph parameter count, and every weight is linked', () => {
    for (const c of cases()) {
      const compiled = compileGraph(c.doc, specRegistry);
      if (!compiled.ok) throw new Error(c.name);
      for (const target of exportTargets) {
        const r = exportCode(c.doc, target);
        if (!r.ok) throw new Error(c.name);
        expect(r.totalParams, `${c.name} ${target}`).toBe(compiled.plan.totalParams);
        const names = r.weights.map((w) => w.browser);
        expect(new Set(names).size).toBe(names.length);
        expect(new Set(r.weights.map((w) => w.python)).size).toBe(names.length);
      }
    }
  });

  test('a shapes graph draws its data, names no download, and scores the test codes with MIG after training', () => {
    const byName = new Map([...savedGraphs(), ...shapesVariants()].map((g) => [g.name, g.doc]));
    const doc = (name: string) => byName.get(name) as GraphDoc;
    for (const target of exportTargets) {
      const code = exported(doc('beta-vae-shapes'), target);
      expect(code).toContain('\nDATASET = "shapes"');
      const headerText = code.replace(/\n#\s*/g, ' ');
      expect(headerText).toContain('the script draws the 46,080 shapes images itself, pixel for pixel as the browser does');
      expect(headerText).toContain('(41,472 train / 4,608 test)');
      expect(code).toContain('    pixels, factors = shapes_split(train)');
      expect(code).toContain('    test_images, test_factors = load_images(False)');
      expect(code).toMatch(/report_disentanglement\((model|plain), test_images, test_factors(, device)?\)\n/);
      expect(code).toContain('        return self.encoder(x)[0]');
      expect(code).not.toMatch(/torchvision|load_data|data_dir|DATASET_FILE|download=True/);
      // the same model as for MNIST: the layers and loss come from the graph, not the dataset
      expect(code).toContain('beta_loss');
      expect(exported(doc('shapes-conv-autoencoder'), target)).toContain('        return self.encoder(x)\n');
      const awkward = exported(doc('shapes-awkward-ids'), target);
      // the decoder 'encode' does not hide Model.encode, the encoder 'Sfc32' not the random number generator
      expect(awkward).toContain('        self.encode_2 = ');
      expect(awkward).toContain('        return self.sfc32(x)[0]');
      expect(awkward).toContain('\nclass Sfc32:');
    }
    expect(exported(doc('shapes-awkward-ids'), 'pytorch')).toContain('\nclass Sfc32_2(nn.Module):');
    expect(exported(doc('beta-vae-shapes'), 'pytorch')).toContain('#   pip install torch\n');
    expect(exported(doc('beta-vae-shapes'), 'pytorch')).toContain('torch.frombuffer(pixels, dtype=torch.uint8).reshape(-1, *IMAGE_SHAPE)');
    expect(exported(doc('beta-vae-shapes'), 'keras')).toContain('np.frombuffer(pixels, dtype=np.uint8).reshape(-1, *IMAGE_SHAPE)');
    // MNIST scripts carry none of it
    const mnist = exported(baseVae(), 'pytorch');
    expect(mnist).not.toMatch(/shapes_split|report_disentanglement|def encode/);
  });
});
