/**
 * Export to PyTorch: a self-contained, commented training script that builds
 * the graph's model (one nn.Module per encoder and decoder, the forward pass
 * in the graph's dataflow order), its loss, optimizer and data pipeline.
 *
 * Layouts follow the browser: features are flattened in height-width-channel
 * order and convolutions use TensorFlow's 'same' padding, so every weight has
 * the browser's shape up to a transpose (listed in `weights`).
 */
import { specRegistry } from '../../nodes';
import type { Activation } from '../../nodes/layers';
import type { GraphDoc } from '../core/schema';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { internalError } from '../share/graphFile';
import {
  betaExpression,
  capacityExpression,
  datasetLoader,
  distributionTitle,
  drawsDataset,
  header,
  scriptFileName,
  settings,
  stepComment,
  type CodeExportOptions,
  type CodeExportResult,
  type WeightLink,
} from './common';
import {
  activationTitle,
  describeForExport,
  type ConvLayer,
  type DecoderStep,
  type EncoderStep,
  type ExportModel,
  type ExportStep,
} from './describe';
import { pyFloat, pyNumber, size2 } from './python';
import { disentanglementReport, encodeMethod, scoresCodes, shapesPython } from './shapesPython';

function act(a: Activation, e: string): string {
  switch (a) {
    case 'relu':
      return `F.relu(${e})`;
    case 'leakyRelu':
      return `F.leaky_relu(${e}, 0.2)`;
    case 'elu':
      return `F.elu(${e})`;
    case 'tanh':
      return `torch.tanh(${e})`;
    case 'sigmoid':
      return `torch.sigmoid(${e})`;
    case 'softplus':
      return `F.softplus(${e})`;
    case 'linear':
      return e;
  }
}

const symmetric = (l: ConvLayer): boolean => l.padding.top === l.padding.bottom && l.padding.left === l.padding.right;
const padArg = (l: ConvLayer): string => (l.padding.top === l.padding.left ? `${l.padding.top}` : `(${l.padding.top}, ${l.padding.left})`);

function convLayerLine(l: ConvLayer): string {
  const pad = symmetric(l) && (l.padding.top > 0 || l.padding.left > 0) ? `, padding=${padArg(l)}` : '';
  return `self.${l.name} = nn.Conv2d(${l.inChannels}, ${l.filters}, ${l.kernel}, stride=2${pad})  # ${size2(l.inSize)} → ${size2(l.outSize)}`;
}

function convForward(l: ConvLayer, torchAct: (e: string) => string): string {
  const { left, right, top, bottom } = l.padding;
  const call = symmetric(l) ? `self.${l.name}(h)` : `self.${l.name}(F.pad(h, (${left}, ${right}, ${top}, ${bottom})))`;
  return `h = ${l.activated ? torchAct(call) : call}`;
}

/** How a stride-2 transposed conv gets TensorFlow's 'same' output window in PyTorch. */
function deconvPlan(l: ConvLayer): { extra: string; crop: boolean } {
  const full = [(l.inSize[0] - 1) * 2 + l.kernel, (l.inSize[1] - 1) * 2 + l.kernel];
  if ((full[0] as number) < l.outSize[0]) return { extra: `, output_padding=${l.outSize[0] - (full[0] as number)}`, crop: false };
  if (symmetric(l)) return { extra: l.padding.top > 0 || l.padding.left > 0 ? `, padding=${padArg(l)}` : '', crop: false };
  return { extra: '', crop: true };
}

function encoderSummary(s: EncoderStep): string {
  const parts: string[] = [];
  if (s.convs.length > 0) {
    const sizes = [
      `${size2([s.inputShape[0], s.inputShape[1]])}×${s.inputShape[2]}`,
      ...s.convs.map((c) => `${size2(c.outSize)}×${c.filters}`),
    ];
    parts.push(`stride-2 convs ${sizes.join(' → ')}`);
  }
  if (s.dense.length > 0) parts.push(`dense ${[s.flat, ...s.dense.map((d) => d.units)].join(' → ')}`);
  const heads = s.logVar ? `μ and log σ² (${s.latentDim} each)` : `the code μ (${s.latentDim})`;
  return `${parts.length > 0 ? `${parts.join(', ')}, then ` : ''}${heads}; ${activationTitle(s.params.activation)} activations`;
}

function decoderSummary(s: DecoderStep): string {
  const dense = `dense ${[s.latentDim, ...s.dense.map((d) => d.units)].join(' → ')}`;
  if (!s.start) return `${dense}, reshaped to ${s.output.join('×')}; returns the logits`;
  const sizes = [s.start.join('×'), ...s.deconvs.map((d) => `${size2(d.outSize)}×${d.filters}`)];
  return `${dense}, reshaped to ${s.start.join('×')}, stride-2 transposed convs ${sizes.join(' → ')}; returns the logits`;
}

function encoderClass(s: EncoderStep, torchAct: (e: string) => string): string[] {
  const L = [
    `class ${s.className}(nn.Module):`,
    `    """Encoder '${s.node.id}': ${encoderSummary(s)}."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
  ];
  if (s.convs.some((c) => !symmetric(c))) {
    L.push("        # TensorFlow's 'same' padding: when it is uneven, the extra row and column go at the bottom and right");
  }
  for (const c of s.convs) L.push(`        ${convLayerLine(c)}`);
  for (const d of s.dense) L.push(`        self.${d.name} = nn.Linear(${d.inputs}, ${d.units})`);
  L.push(`        self.mean = nn.Linear(${s.headInputs}, ${s.latentDim})`);
  if (s.logVar) L.push(`        self.log_var = nn.Linear(${s.headInputs}, ${s.latentDim})`);
  L.push('', '    def forward(self, x):', '        h = x');
  for (const c of s.convs) L.push(`        ${convForward(c, torchAct)}`);
  L.push('        h = flatten_hwc(h)');
  for (const d of s.dense) L.push(`        h = ${torchAct(`self.${d.name}(h)`)}`);
  L.push(s.logVar ? '        return self.mean(h), self.log_var(h)' : '        return self.mean(h)');
  return L;
}

function decoderClass(s: DecoderStep, torchAct: (e: string) => string): string[] {
  const L = [
    `class ${s.className}(nn.Module):`,
    `    """Decoder '${s.node.id}': ${decoderSummary(s)}."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
  ];
  for (const d of s.dense) L.push(`        self.${d.name} = nn.Linear(${d.inputs}, ${d.units})`);
  const plans = s.deconvs.map(deconvPlan);
  if (plans.some((p) => p.crop)) {
    L.push("        # an odd kernel makes TensorFlow's 'same' window uneven: the layers below keep it by cropping in forward()");
  }
  s.deconvs.forEach((d, i) => {
    L.push(
      `        self.${d.name} = nn.ConvTranspose2d(${d.inChannels}, ${d.filters}, ${d.kernel}, stride=2${plans[i]?.extra ?? ''})  # ${size2(d.inSize)} → ${size2(d.outSize)}`,
    );
  });
  L.push('', '    def forward(self, z):', '        h = z');
  for (const d of s.dense) L.push(`        h = ${d.activated ? torchAct(`self.${d.name}(h)`) : `self.${d.name}(h)`}`);
  if (!s.start) {
    L.push(`        return unflatten_hwc(h, ${s.output.join(', ')})  # logits`);
    return L;
  }
  L.push(`        h = unflatten_hwc(h, ${s.start.join(', ')})`);
  s.deconvs.forEach((d, i) => {
    const call = plans[i]?.crop
      ? `self.${d.name}(h)[:, :, ${d.padding.top}:${d.padding.top + d.outSize[0]}, ${d.padding.left}:${d.padding.left + d.outSize[1]}]`
      : `self.${d.name}(h)`;
    L.push(`        h = ${d.activated ? torchAct(call) : call}`);
  });
  L.push('        return h  # logits');
  return L;
}

function forwardStep(step: ExportStep): string[] {
  const c = (what: string) => stepComment(step, what, '        ');
  const I = '        ';
  switch (step.kind) {
    case 'Dataset':
      return [...c('a batch of images, pixels in 0..1'), `${I}${step.x} = x`];
    case 'Noise': {
      const p = step.params;
      if (p.kind === 'gaussian') {
        const noisy = `${step.input} + ${pyFloat(p.sigma)} * torch.randn_like(${step.input})`;
        return [
          ...c(`Gaussian noise x̃ = x + ${pyNumber(p.sigma)}·ε${p.clip ? ', clipped to 0..1' : ''}`),
          `${I}${step.output} = ${p.clip ? `(${noisy}).clamp(0.0, 1.0)` : noisy}`,
        ];
      }
      return [
        ...c(`masking noise: each pixel set to 0 with probability ${pyNumber(p.p)}`),
        `${I}${step.output} = ${step.input} * (torch.rand_like(${step.input}) >= ${pyFloat(p.p)}).float()`,
      ];
    }
    case 'Encoder':
      return [
        ...c(step.logVar ? 'q(z|x) = N(μ, σ²)' : 'the code μ (an autoencoder reads no log σ²)'),
        step.logVar
          ? `${I}${step.mean}, ${step.logVar} = self.${step.module}(${step.input})`
          : `${I}${step.mean} = self.${step.module}(${step.input})`,
      ];
    case 'Reparameterize':
      return [
        ...c('z = μ + exp(½·log σ²)·ε with ε ~ N(0, I); z = μ when not sampling'),
        `${I}${step.z} = reparameterize(${step.mean}, ${step.logVar}) if sample else ${step.mean}`,
      ];
    case 'Decoder':
      return [
        ...c(
          step.params.outputActivation === 'sigmoid'
            ? 'logits, and the mean image sigmoid(logits)'
            : 'logits; the mean image is the logits themselves (linear output)',
        ),
        `${I}${step.logits} = self.${step.module}(${step.z})`,
        `${I}${step.mean} = ${step.params.outputActivation === 'sigmoid' ? `torch.sigmoid(${step.logits})` : step.logits}`,
      ];
    case 'ReconstructionLoss': {
      const { x, logits, mean } = step;
      let perPixel: string;
      switch (step.distribution) {
        case 'bernoulli':
          perPixel = `F.binary_cross_entropy_with_logits(${logits}, ${x}, reduction="none")`;
          break;
        case 'mse':
          perPixel = `(${x} - ${mean}).square()`;
          break;
        case 'l1':
          perPixel = `(${x} - ${mean}).abs()`;
          break;
        case 'continuous-bernoulli':
          perPixel = `F.binary_cross_entropy_with_logits(${logits}, ${x}, reduction="none") - continuous_bernoulli_log_norm(${logits})`;
          break;
        case 'gaussian':
          perPixel = step.logSigma
            ? `0.5 * (${x} - ${mean}).square() / torch.exp(2 * self.${step.logSigma}) + self.${step.logSigma} + HALF_LOG_2PI`
            : `0.5 * (${x} - ${mean}).square() / ${pyFloat(step.sigma)} ** 2 + math.log(${pyFloat(step.sigma)}) + HALF_LOG_2PI`;
          break;
      }
      const what = `−log p(x|z), ${distributionTitle[step.distribution]}${step.distribution === 'gaussian' ? (step.logSigma ? ', σ learned' : `, σ = ${pyNumber(step.sigma)}`) : ''}`;
      return [...c(what), `${I}${step.loss} = sum_pixels_mean_batch(${perPixel})`];
    }
    case 'KL':
      return [
        ...c(
          `KL(q(z|x) ‖ N(0, I))${step.freeBits > 0 ? `, with free bits: no dimension counts for less than ${pyNumber(step.freeBits)} nats` : ''}`,
        ),
        `${I}${step.perDim} = kl_per_dimension(${step.mean}, ${step.logVar})`,
        `${I}${step.raw} = ${step.perDim}.sum()`,
        `${I}${step.out} = ${step.freeBits > 0 ? `${step.perDim}.clamp(min=${pyFloat(step.freeBits)}).sum()` : step.raw}`,
      ];
    case 'Beta': {
      const min = (a: string, b: string) => `min(${a}, ${b})`;
      const mod = (a: string, b: string) => `(${a} % ${b})`;
      const beta = betaExpression(step.params, min, mod);
      const cap = capacityExpression(step.params, min);
      return [
        ...c(`β·|KL − C|; ${beta.what}; ${cap.what}`),
        `${I}${step.beta} = ${beta.beta}`,
        `${I}${step.capacity} = ${cap.capacity}`,
        `${I}${step.out} = ${step.beta} * torch.abs(${step.input} - ${step.capacity})`,
      ];
    }
    case 'Loss':
      return [
        ...c('the objective, the sum of its terms (for a VAE: −ELBO = reconstruction + KL)'),
        `${I}${step.out} = ${step.terms.join(' + ')}`,
      ];
  }
}

function sumOr(vars: ReadonlyArray<string>, zero: string): string {
  return vars.length > 0 ? vars.join(' + ') : zero;
}

function modelClass(model: ExportModel): string[] {
  const L = [
    'class Model(nn.Module):',
    '    """The whole graph: every node\'s weights, and one pass through it in dataflow order."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
  ];
  for (const s of model.steps) {
    if (s.kind === 'Encoder' || s.kind === 'Decoder') L.push(`        self.${s.module} = ${s.className}()`);
    if (s.kind === 'ReconstructionLoss' && s.logSigma) {
      L.push(`        # ${s.node.type} '${s.node.id}' learns log σ of its Gaussian, starting from σ = ${pyNumber(s.sigma)}`);
      L.push(`        self.${s.logSigma} = nn.Parameter(torch.tensor(math.log(${pyFloat(s.sigma)})))`);
    }
  }
  if (model.steps.some((s) => s.kind === 'Encoder' || s.kind === 'Decoder')) L.push('        glorot_init(self)');
  const [h, w, ch] = model.dataset.imageShape;
  L.push(
    '',
    '    def forward(self, x, step, sample=True):',
    `        """Runs the graph on a batch x [B, ${ch}, ${h}, ${w}] at training step \`step\` (schedules depend on it).`,
    '',
    '        sample=True draws z = μ + σ·ε (training, and the test ELBO as in the browser); sample=False uses z = μ.',
    '        Returns the objective and the summed reconstruction and KL terms, per example.',
    '        """',
  );
  const zero = 'x.new_zeros(())';
  for (const s of model.steps) L.push(...forwardStep(s));
  L.push(
    '        return {',
    `            "objective": ${model.objective},`,
    `            "recon": ${sumOr(model.metrics.recon, zero)},`,
    `            "kl": ${sumOr(model.metrics.kl, zero)},`,
    '        }',
  );
  if (drawsDataset(model)) L.push(...encodeMethod(model));
  return L;
}

function helpers(model: ExportModel): string[] {
  const kinds = new Set(model.steps.map((s) => s.kind));
  const dists = new Set(model.steps.flatMap((s) => (s.kind === 'ReconstructionLoss' ? [s.distribution] : [])));
  const out: string[][] = [];
  if (dists.has('gaussian')) out.push(['HALF_LOG_2PI = 0.9189385332046727  # ½ log 2π']);
  if (dists.has('continuous-bernoulli')) out.push(['LOG_2 = 0.6931471805599453']);
  if (kinds.has('Encoder')) {
    out.push([
      'def flatten_hwc(h):',
      '    """Flattens [B, C, H, W] in height-width-channel order, as the browser (channels last) does."""',
      '    return h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)',
    ]);
  }
  if (kinds.has('Decoder')) {
    out.push([
      'def unflatten_hwc(h, height, width, channels):',
      '    """The inverse of flatten_hwc: [B, H·W·C] → [B, C, H, W]."""',
      '    return h.reshape(-1, height, width, channels).permute(0, 3, 1, 2)',
    ]);
  }
  if (kinds.has('Encoder') || kinds.has('Decoder')) {
    out.push([
      'def glorot_init(module):',
      '    """Glorot-uniform weights and zero biases: the browser\'s (and Keras\') initialisation."""',
      '    for m in module.modules():',
      '        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):',
      '            nn.init.xavier_uniform_(m.weight)',
      '            nn.init.zeros_(m.bias)',
    ]);
  }
  out.push([
    'def sum_pixels_mean_batch(per_pixel):',
    '    """Sums a per-pixel loss over each image, then averages over the batch."""',
    '    return per_pixel.flatten(1).sum(1).mean()',
  ]);
  if (kinds.has('Reparameterize')) {
    out.push([
      'def reparameterize(mean, log_var):',
      '    """z = μ + exp(½·log σ²)·ε, ε ~ N(0, I): the randomness is in ε, so gradients flow through μ and σ."""',
      '    return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)',
    ]);
  }
  if (kinds.has('KL')) {
    out.push([
      'def kl_per_dimension(mean, log_var):',
      '    """KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − log σ² − 1) per latent dimension, averaged over the batch."""',
      '    return (0.5 * (mean.square() + log_var.exp() - log_var - 1)).mean(0)',
    ]);
  }
  if (dists.has('continuous-bernoulli')) {
    out.push([
      'def continuous_bernoulli_log_norm(logits):',
      '    """log C(λ) of the continuous Bernoulli, λ = sigmoid(l): C = l / tanh(l/2), which tends to 2 as l → 0."""',
      '    eps = 1e-2',
      '    a = logits.abs()',
      '    near = a < eps',
      '    safe = torch.where(near, torch.full_like(a, eps), a)',
      '    exact = torch.log(safe) - torch.log(torch.tanh(0.5 * safe))',
      '    taylor = LOG_2 + logits.square() / 12',
      '    return torch.where(near, taylor, exact)',
    ]);
  }
  return out.flatMap((block, i) => (i === 0 ? block : ['', '', ...block]));
}

/** `load_images`: torchvision's download, or (shapes) the images the script draws, with their factors. */
function loadImages(model: ExportModel): string[] {
  const loader = datasetLoader(model.dataset.id, 'pytorch');
  const read = loader
    ? [
        'def load_images(train, data_dir):',
        '    """The train or test images as floats [N, C, H, W] in 0..1, binarized as BINARIZE says."""',
        `    source = ${loader}(data_dir, train=train, download=True)`,
        '    images = source.data.reshape(len(source.data), *IMAGE_SHAPE).float().div(255)',
      ]
    : [
        'def load_images(train):',
        '    """The train or test images as floats [N, C, H, W] in 0..1, binarized as BINARIZE says, and their factor levels."""',
        '    pixels, factors = shapes_split(train)',
        '    images = torch.frombuffer(pixels, dtype=torch.uint8).reshape(-1, *IMAGE_SHAPE).float().div(255)',
      ];
  return [
    ...read,
    '    if BINARIZE == "static" or (BINARIZE == "dynamic" and not train):',
    '        fixed = torch.Generator().manual_seed(STATIC_BINARIZATION_SEED + (0 if train else 1))',
    '        images = (torch.rand(images.shape, generator=fixed) < images).float()',
    loader ? '    return images' : '    return images, factors',
  ];
}

/** `report_disentanglement` for PyTorch: μ of the test images, batch by batch, then MIG. */
function disentanglementLines(): string[] {
  return [
    ...disentanglementReport('model, images, factors, device', [
      'model.eval()',
      'with torch.no_grad():',
      '    codes = torch.cat([model.encode(batch.to(device)).cpu() for batch in batches(images, TEST_BATCH_SIZE, shuffle=False)])',
      'codes = codes.tolist()',
    ]),
    '',
    '',
  ];
}

function dataAndTraining(model: ExportModel): string[] {
  const draws = drawsDataset(model);
  const scores = draws && scoresCodes(model);
  return [
    ...loadImages(model),
    '',
    '',
    'def batches(images, batch_size, shuffle, generator=None):',
    '    """Mini-batches in order, or in a fresh random order each epoch; the last one may be smaller."""',
    '    order = torch.randperm(len(images), generator=generator) if shuffle else torch.arange(len(images))',
    '    for start in range(0, len(images), batch_size):',
    '        yield images[order[start:start + batch_size]]',
    '',
    '',
    'def evaluate(model, images, step, device):',
    '    """Test scores per example: reconstruction −log p(x|z), KL, and ELBO = −(reconstruction + KL)."""',
    '    model.eval()',
    '    totals = torch.zeros(2, device=device)',
    '    with torch.no_grad():',
    '        for batch in batches(images, TEST_BATCH_SIZE, shuffle=False):',
    '            terms = model(batch.to(device), step)  # z is still sampled: an honest estimate of the ELBO',
    '            totals += torch.stack([terms["recon"], terms["kl"]]) * len(batch)',
    '    recon, kl = (totals / len(images)).tolist()',
    '    return {"recon": recon, "kl": kl, "elbo": -(recon + kl)}',
    '',
    '',
    'def train(model, train_images, test_images, epochs, max_steps, device):',
    '    """Minimises the objective with the graph\'s optimizer, printing scores after each epoch."""',
    '    if OPTIMIZER == "adam":',
    "        # ε = 1e-7 as in the browser (and Keras); PyTorch's default is 1e-8",
    '        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=1e-7)',
    '    else:',
    '        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)',
    '    order = torch.Generator().manual_seed(SEED)',
    '    step = 0',
    '    for epoch in range(1, epochs + 1):',
    '        model.train()',
    '        totals = torch.zeros(3, device=device)',
    '        count = 0',
    '        for batch in batches(train_images, BATCH_SIZE, shuffle=True, generator=order):',
    '            if max_steps is not None and step >= max_steps:',
    '                break',
    '            batch = batch.to(device)',
    '            if BINARIZE == "dynamic":',
    '                batch = torch.bernoulli(batch)  # a fresh 0/1 image every time one is seen',
    '            terms = model(batch, step)',
    '            optimizer.zero_grad()',
    '            terms["objective"].backward()',
    '            optimizer.step()',
    '            step += 1',
    '            totals += torch.stack([terms["objective"], terms["recon"], terms["kl"]]).detach()',
    '            count += 1',
    '        if count == 0:',
    '            break',
    '        objective, recon, kl = (totals / count).tolist()',
    '        if not math.isfinite(objective):',
    '            raise SystemExit(f"training diverged in epoch {epoch}: the loss became {objective}; try a lower learning rate")',
    '        test = evaluate(model, test_images, step, device)',
    '        print(',
    '            f"epoch {epoch}/{epochs}  step {step}  train: loss {objective:.2f} (recon {recon:.2f}, KL {kl:.2f})  "',
    "            f\"test: recon {test['recon']:.2f}, KL {test['kl']:.2f}, ELBO {test['elbo']:.2f}\"",
    '        )',
    '    return step',
    '',
    '',
    ...(scores ? disentanglementLines() : []),
    'def pick_device(name):',
    '    if name != "auto":',
    '        return torch.device(name)',
    '    if torch.cuda.is_available():',
    '        return torch.device("cuda")',
    '    if hasattr(torch.backends, "mps") and torch.backends.mps.is_available():',
    '        return torch.device("mps")',
    '    return torch.device("cpu")',
    '',
    '',
    'def parse_args():',
    '    parser = argparse.ArgumentParser(description="Trains the model of a Bottleneck graph with PyTorch.")',
    '    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train (default: the graph\'s)")',
    '    parser.add_argument("--max-steps", type=int, default=None, help="stop after this many training steps (a quick check)")',
    ...(draws
      ? []
      : ['    parser.add_argument("--data-dir", default="data", help="where torchvision keeps the dataset (downloaded on first use)")']),
    '    parser.add_argument("--device", default="auto", help="cpu, cuda, mps, or auto (the fastest available)")',
    '    parser.add_argument("--save", default=None, help="save the trained weights (a state_dict) to this file")',
    '    return parser.parse_args()',
    '',
    '',
    'def main():',
    '    args = parse_args()',
    '    torch.manual_seed(SEED)',
    '    device = pick_device(args.device)',
    ...(draws
      ? ['    train_images, _ = load_images(True)', '    test_images, test_factors = load_images(False)']
      : ['    train_images = load_images(True, args.data_dir)', '    test_images = load_images(False, args.data_dir)']),
    '    model = Model().to(device)',
    '    print(f"{sum(p.numel() for p in model.parameters()):,} parameters, training on {device}")',
    '    train(model, train_images, test_images, args.epochs, args.max_steps, device)',
    ...(scores ? ['    report_disentanglement(model, test_images, test_factors, device)'] : []),
    '    if args.save:',
    '        torch.save(model.state_dict(), args.save)',
    '        print(f"weights saved to {args.save}")',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
  ];
}

function weightLinks(model: ExportModel): WeightLink[] {
  const out: WeightLink[] = [];
  for (const s of model.steps) {
    if (s.kind === 'Encoder') {
      const id = s.node.id;
      for (const c of s.convs)
        out.push(
          { browser: `${id}/${c.name}/kernel`, python: `${s.module}.${c.name}.weight`, layout: 'conv' },
          { browser: `${id}/${c.name}/bias`, python: `${s.module}.${c.name}.bias`, layout: 'vector' },
        );
      for (const d of s.dense)
        out.push(
          { browser: `${id}/${d.name}/kernel`, python: `${s.module}.${d.name}.weight`, layout: 'dense' },
          { browser: `${id}/${d.name}/bias`, python: `${s.module}.${d.name}.bias`, layout: 'vector' },
        );
      out.push(
        { browser: `${id}/mean/kernel`, python: `${s.module}.mean.weight`, layout: 'dense' },
        { browser: `${id}/mean/bias`, python: `${s.module}.mean.bias`, layout: 'vector' },
      );
      if (s.logVar)
        out.push(
          { browser: `${id}/logVar/kernel`, python: `${s.module}.log_var.weight`, layout: 'dense' },
          { browser: `${id}/logVar/bias`, python: `${s.module}.log_var.bias`, layout: 'vector' },
        );
    } else if (s.kind === 'Decoder') {
      const id = s.node.id;
      for (const d of s.dense)
        out.push(
          { browser: `${id}/${d.name}/kernel`, python: `${s.module}.${d.name}.weight`, layout: 'dense' },
          { browser: `${id}/${d.name}/bias`, python: `${s.module}.${d.name}.bias`, layout: 'vector' },
        );
      for (const c of s.deconvs)
        out.push(
          { browser: `${id}/${c.name}/kernel`, python: `${s.module}.${c.name}.weight`, layout: 'deconv' },
          { browser: `${id}/${c.name}/bias`, python: `${s.module}.${c.name}.bias`, layout: 'vector' },
        );
    } else if (s.kind === 'ReconstructionLoss' && s.logSigma) {
      out.push({ browser: `${s.node.id}/logSigma`, python: s.logSigma, layout: 'scalar' });
    }
  }
  return out;
}

export function writePyTorch(model: ExportModel, options: CodeExportOptions = {}): string {
  const fileName = scriptFileName(model, options);
  const [h, w, c] = model.dataset.imageShape;
  const loader = datasetLoader(model.dataset.id, 'pytorch');
  const classes: string[][] = [];
  for (const s of model.steps) {
    if (s.kind === 'Encoder') classes.push(encoderClass(s, (e) => act(s.params.activation, e)));
    if (s.kind === 'Decoder') classes.push(decoderClass(s, (e) => act(s.params.activation, e)));
  }
  const lines = [
    ...header(
      model,
      'pytorch',
      fileName,
      loader ? `torchvision (${loader})` : 'the script itself',
      loader ? 'pip install torch torchvision' : 'pip install torch',
    ),
    '',
    'import argparse',
    'import math',
    '',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    ...(loader ? ['from torchvision import datasets'] : []),
    '',
    ...settings(model, `channels, height, width (the browser's ${h}×${w}×${c}, channels last)`, `(${c}, ${h}, ${w})`),
    '',
    '',
    ...helpers(model),
    '',
    '',
    ...(loader ? [] : [...shapesPython(), '', '']),
    ...classes.flatMap((cls) => [...cls, '', '']),
    ...modelClass(model),
    '',
    '',
    ...dataAndTraining(model),
  ];
  return `${lines.join('\n')}\n`;
}

/** A PyTorch training script for the graph, or errors naming the nodes it cannot express. Never throws. */
export function exportPyTorch(doc: GraphDoc, options: CodeExportOptions = {}, registry: NodeSpecRegistry = specRegistry): CodeExportResult {
  const described = describeForExport(doc, registry);
  if (!described.ok) return described;
  try {
    const model = described.model;
    return {
      ok: true,
      code: writePyTorch(model, options),
      fileName: scriptFileName(model, options),
      target: 'pytorch',
      totalParams: model.totalParams,
      weights: weightLinks(model),
    };
  } catch (e) {
    return { ok: false, errors: [internalError('writing the PyTorch script', e)] };
  }
}
