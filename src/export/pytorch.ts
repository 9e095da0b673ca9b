/**
 * Export to PyTorch: a self-contained, commented training script that builds
 * the graph's model (one nn.Module per encoder and decoder, the forward pass
 * in the graph's dataflow order), its loss, optimizer and data pipeline.
 *
 * Layouts follow the browser: features are flattened in height-width-channel
 * order and convolutions use TensorFlow's 'same' padding, so every weight has
 * the browser's shape up to a transpose (listed in `weights`).
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import type { GraphDoc } from '../core/schema';
import { internalError } from '../share/graphFile';
import { assemble, type ScriptParts } from './assemble';
import {
  datasetFields,
  drawsDataset,
  header,
  labelChoice,
  scriptFileName,
  settings,
  type CodeExportOptions,
  type CodeExportResult,
} from './common';
import { datasetReaderPython } from './datasetPython';
import { distributedLines } from './distributedPython';
import { describeForExport, type ExportModel } from './describe';
import { helperLines } from './helpers';
import {
  importanceArgument,
  importanceFunction,
  importanceReport,
  importanceReturn,
  importanceTerms,
  type ImportanceTerms,
} from './importancePython';
import { disentanglementReport, encodeMethod, shapesPython } from './shapesPython';

function sumOr(vars: ReadonlyArray<string>, zero: string): string {
  return vars.length > 0 ? vars.join(' + ') : zero;
}

function modelClass(model: ExportModel, parts: ScriptParts, terms: ImportanceTerms | undefined): string[] {
  const L = [
    'class Model(nn.Module):',
    '    """The whole graph: every node\'s weights, and one pass through it in dataflow order."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...parts.init.map((line) => `        ${line}`),
  ];
  if (parts.networks.length > 0) L.push('        glorot_init(self)');
  const [h, w, ch] = model.dataset.imageShape;
  const labels = model.dataset.labels;
  L.push(
    '',
    `    def forward(self, x, ${labels ? 'labels, ' : ''}step, sample=True):`,
    `        """Runs the graph on a batch x [B, ${ch}, ${h}, ${w}]${labels ? ' with its class labels [B]' : ''} at training step \`step\` (schedules depend on it).`,
    '',
    '        sample=True draws z = μ + σ·ε (training, and the test ELBO as in the browser); sample=False uses z = μ.',
    '        Returns the objective and the summed reconstruction and KL terms, per example.',
    '        """',
  );
  const zero = 'x.new_zeros(())';
  L.push(...parts.forward);
  L.push(
    '        return {',
    `            "objective": ${model.objective},`,
    `            "recon": ${sumOr(model.metrics.recon, zero)},`,
    `            "kl": ${sumOr(model.metrics.kl, zero)},`,
    ...(terms ? [importanceReturn(terms)] : []),
    '        }',
  );
  if (drawsDataset(model)) L.push(...encodeMethod(parts.encode));
  return L;
}

/** `load_images`: from the dataset file exported beside the script, or (shapes) the images the script draws, with their factors. */
function loadImages(model: ExportModel): string[] {
  const draws = drawsDataset(model);
  const labels = model.dataset.labels;
  const read = draws
    ? [
        'def load_images(train):',
        '    """The train or test images as floats [N, C, H, W] in 0..1, binarized as BINARIZE says, and their factor levels."""',
        '    pixels, factors = shapes_split(train)',
        '    images = torch.frombuffer(pixels, dtype=torch.uint8).reshape(-1, *IMAGE_SHAPE).float().div(255)',
      ]
    : [
        ...datasetReaderPython('pytorch', labels),
        '',
        '',
        'def load_images(train, data_file):',
        `    """The train or test images as floats [N, C, H, W] in 0..1, binarized as BINARIZE says${labels ? ', and their class labels [N]' : ''}."""`,
        `    train_pixels, test_pixels${labels ? ', train_labels, test_labels' : ''} = read_dataset(data_file)`,
        '    pixels = (train_pixels if train else test_pixels).permute(0, 3, 1, 2)',
        '    # a fresh tensor with plain [N, C, H, W] strides (a permuted view can reach convolutions with odd ones)',
        '    images = torch.empty(pixels.shape, dtype=torch.float32).copy_(pixels).div_(255)',
      ];
  return [
    ...read,
    '    if BINARIZE == "static" or (BINARIZE == "dynamic" and not train):',
    '        fixed = torch.Generator().manual_seed(STATIC_BINARIZATION_SEED + (0 if train else 1))',
    '        images = (torch.rand(images.shape, generator=fixed) < images).float()',
    draws ? '    return images, factors' : labels ? '    return images, (train_labels if train else test_labels)' : '    return images',
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

function dataAndTraining(model: ExportModel, parts: ScriptParts, iw: boolean): string[] {
  const draws = drawsDataset(model);
  const scores = draws && parts.encode !== undefined;
  // a graph that reads the labels batches them with the images and hands them to the model
  const labels = model.dataset.labels;
  const lab = labelChoice(labels);
  return [
    ...loadImages(model),
    '',
    '',
    ...(labels
      ? [
          'def batches(images, labels, batch_size, shuffle, generator=None):',
          '    """Mini-batches of images and their labels, in order or in a fresh random order each epoch; the last one may be smaller."""',
          '    order = torch.randperm(len(images), generator=generator) if shuffle else torch.arange(len(images))',
          '    for start in range(0, len(images), batch_size):',
          '        chosen = order[start:start + batch_size]',
          '        yield images[chosen], labels[chosen]',
        ]
      : [
          'def batches(images, batch_size, shuffle, generator=None):',
          '    """Mini-batches in order, or in a fresh random order each epoch; the last one may be smaller."""',
          '    order = torch.randperm(len(images), generator=generator) if shuffle else torch.arange(len(images))',
          '    for start in range(0, len(images), batch_size):',
          '        yield images[order[start:start + batch_size]]',
        ]),
    '',
    '',
    lab('def evaluate(model, images, labels, step, device):', 'def evaluate(model, images, step, device):'),
    '    """Test scores per example: reconstruction −log p(x|z), KL, and ELBO = −(reconstruction + KL)."""',
    '    model.eval()',
    '    totals = torch.zeros(2, device=device)',
    '    with torch.no_grad():',
    lab(
      '        for batch, batch_labels in batches(images, labels, TEST_BATCH_SIZE, shuffle=False):',
      '        for batch in batches(images, TEST_BATCH_SIZE, shuffle=False):',
    ),
    `            terms = model(batch.to(device), ${lab('batch_labels.to(device), ', '')}step)  # z is still sampled: an honest estimate of the ELBO`,
    '            totals += torch.stack([terms["recon"], terms["kl"]]) * len(batch)',
    '    recon, kl = (totals / len(images)).tolist()',
    '    return {"recon": recon, "kl": kl, "elbo": -(recon + kl)}',
    '',
    '',
    ...distributedLines(),
    `def train(model, train_images, ${lab('train_labels, ', '')}test_images, ${lab('test_labels, ', '')}epochs, max_steps, device, rank=0, world=1):`,
    '    """Minimises the objective with the graph\'s optimizer, printing scores after each epoch (process 0 prints)."""',
    '    plain = model.module if world > 1 else model',
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
    lab(
      '        for batch, batch_labels in batches(train_images, train_labels, BATCH_SIZE, shuffle=True, generator=order):',
      '        for batch in batches(train_images, BATCH_SIZE, shuffle=True, generator=order):',
    ),
    '            if max_steps is not None and step >= max_steps:',
    '                break',
    '            if len(batch) < world:',
    '                continue  # a last batch too small to give every process an image',
    '            batch = shard(batch, rank, world).to(device)',
    ...(labels ? ['            batch_labels = shard(batch_labels, rank, world).to(device)'] : []),
    '            if BINARIZE == "dynamic":',
    '                batch = torch.bernoulli(batch)  # a fresh 0/1 image every time one is seen',
    `            terms = model(batch, ${lab('batch_labels, ', '')}step)`,
    '            optimizer.zero_grad()',
    '            terms["objective"].backward()',
    '            optimizer.step()',
    '            step += 1',
    '            totals += torch.stack([terms["objective"], terms["recon"], terms["kl"]]).detach()',
    '            count += 1',
    '        if count == 0:',
    '            break',
    '        if world > 1:',
    "            dist.all_reduce(totals)  # the processes' means, averaged",
    '            totals /= world',
    '        objective, recon, kl = (totals / count).tolist()',
    '        if not math.isfinite(objective):',
    '            raise SystemExit(f"training diverged in epoch {epoch}: the loss became {objective}; try a lower learning rate")',
    '        if rank != 0:',
    '            continue',
    `        test = evaluate(plain, test_images, ${lab('test_labels, ', '')}step, device)`,
    '        print(',
    '            f"epoch {epoch}/{epochs}  step {step}  train: loss {objective:.2f} (recon {recon:.2f}, KL {kl:.2f})  "',
    "            f\"test: recon {test['recon']:.2f}, KL {test['kl']:.2f}, ELBO {test['elbo']:.2f}\"",
    '        )',
    '    return step',
    '',
    '',
    ...(scores ? disentanglementLines() : []),
    ...(iw ? importanceFunction(labels) : []),
    'def pick_device(name, local_rank=0):',
    '    if name != "auto":',
    '        return torch.device(name)',
    '    if torch.cuda.is_available():',
    '        return torch.device("cuda", local_rank % torch.cuda.device_count())',
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
      : [
          '    here = os.path.dirname(os.path.abspath(__file__))',
          '    parser.add_argument("--data", default=os.path.join(here, DATASET_FILE), help=f"the dataset file (default: {DATASET_FILE} beside this script)")',
        ]),
    '    parser.add_argument("--device", default="auto", help="cpu, cuda, mps, or auto (the fastest available)")',
    '    parser.add_argument("--save", default=None, help="save the trained weights (a state_dict) to this file")',
    ...(iw ? [importanceArgument] : []),
    '    return parser.parse_args()',
    '',
    '',
    'def main():',
    '    args = parse_args()',
    '    rank, world, local_rank = join_processes()',
    '    torch.manual_seed(SEED)',
    '    device = pick_device(args.device, local_rank)',
    ...(draws
      ? ['    train_images, _ = load_images(True)', '    test_images, test_factors = load_images(False)']
      : [
          `    train_images${lab(', train_labels', '')} = load_images(True, args.data)`,
          `    test_images${lab(', test_labels', '')} = load_images(False, args.data)`,
        ]),
    '    model = Model().to(device)',
    '    if rank == 0:',
    '        where = f"{world} processes ({dist.get_backend()})" if world > 1 else str(device)',
    '        print(f"{sum(p.numel() for p in model.parameters()):,} parameters, training on {where}")',
    '    if world > 1:',
    '        # the same weights everywhere (taken from process 0); gradients averaged at every step',
    '        model = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)',
    '        torch.manual_seed(SEED + rank)  # each process its own ε and noise',
    `    step = train(model, train_images, ${lab('train_labels, ', '')}test_images, ${lab('test_labels, ', '')}args.epochs, args.max_steps, device, rank, world)`,
    '    plain = model.module if world > 1 else model',
    ...(scores ? ['    if rank == 0:', '        report_disentanglement(plain, test_images, test_factors, device)'] : []),
    ...(iw ? importanceReport(labels) : []),
    '    if args.save and rank == 0:',
    '        torch.save(plain.state_dict(), args.save)',
    '        print(f"weights saved to {args.save}")',
    '    if world > 1:',
    '        # every process waits for process 0 (its test scores, the saved weights) before the group closes:',
    '        # one that left first could hang in closing it',
    '        dist.barrier()',
    '        dist.destroy_process_group()',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
  ];
}

/** The script, from the model and its nodes' code for PyTorch (assemble(model, 'pytorch'), asked once). */
export function writePyTorch(model: ExportModel, parts: ScriptParts, options: CodeExportOptions = {}): string {
  const fileName = scriptFileName(model, options);
  const [h, w, c] = model.dataset.imageShape;
  const draws = drawsDataset(model);
  const terms = importanceTerms(model);
  const lines = [
    ...header(model, 'pytorch', fileName, 'pip install torch'),
    '',
    'import argparse',
    'import gzip',
    'import math',
    'import os',
    'import struct',
    '',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    ...settings(model, `channels, height, width (the browser's ${h}×${w}×${c}, channels last)`, `(${c}, ${h}, ${w})`),
    '',
    '',
    ...helperLines('pytorch', parts.helpers),
    '',
    '',
    ...(draws ? [...shapesPython(), '', ''] : []),
    ...parts.networks.flatMap((cls) => [...cls, '', '']),
    ...modelClass(model, parts, terms),
    '',
    '',
    ...dataAndTraining(model, parts, terms !== undefined),
  ];
  return `${lines.join('\n')}\n`;
}

/** A PyTorch training script for the graph, or errors naming the nodes it cannot express. Never throws. */
export function exportPyTorch(
  doc: GraphDoc,
  options: CodeExportOptions = {},
  registry?: ReadonlyMap<string, AnyNodeDef>,
): CodeExportResult {
  const described = describeForExport(doc, registry ?? nodeRegistry);
  if (!described.ok) return described;
  try {
    const model = described.model;
    const parts = assemble(model, 'pytorch');
    return {
      ok: true,
      code: writePyTorch(model, parts, options),
      fileName: scriptFileName(model, options),
      target: 'pytorch',
      totalParams: model.totalParams,
      weights: parts.weights,
      ...datasetFields(model),
    };
  } catch (e) {
    return { ok: false, errors: [internalError('writing the PyTorch script', e)] };
  }
}
