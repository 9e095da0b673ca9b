/**
 * The files a finished (or running) model exports: the encoder and decoder as
 * tfjs-layers models in one zip, and the sample / reconstruction pictures as
 * PNGs that carry the graph and the run in text chunks.
 */
import { strToU8, zipSync } from 'fflate';
import type { Program } from '../compiler/program';
import { imageGrid, type ImageBatch } from '../core/imageGrid';
import type { RasterImage } from '../core/png';
import type { GraphDoc } from '../core/schema';
import { describeRun, embedExperiment, type RunInfo, type RunSummary } from '../share/pngEmbed';
import { buildDecoderModel, buildEncoderModel, serializeModel, type TfModule } from './exportModel';
import type { ExportFile, Preview } from './protocol';

/** What the run did, for the README and the PNGs' run record. */
export type RunFacts = RunSummary & { steps: number; backend: string };

/** A PNG carrying the graph and the run (see src/share/pngEmbed.ts). */
function experimentPng(grid: RasterImage, doc: GraphDoc, facts: RunFacts, image: NonNullable<RunInfo['image']>): Uint8Array {
  const run: RunInfo = { ...describeRun(doc, { ...facts, createdAt: facts.createdAt ?? new Date() }), image };
  const png = embedExperiment(grid, doc, run);
  if (!png.ok) throw new Error(png.errors.map((e) => e.message).join('; '));
  return png.bytes;
}

function batch(preview: Preview, data: Float32Array, n: number): ImageBatch {
  const [h, w, c] = preview.imageShape;
  return { data, n, h, w, c };
}

/** Samples from the prior as a PNG grid (10 per row, 3× scale). */
export function encodeSamplesPng(preview: Preview, doc: GraphDoc, facts: RunFacts): Uint8Array {
  const grid = imageGrid(batch(preview, preview.samples.data, preview.samples.n), { columns: 10, scale: 3, gap: 3 });
  return experimentPng(grid, doc, facts, 'samples');
}

/** Inputs (top row) above their reconstructions (bottom row) as a PNG. */
export function encodeReconstructionsPng(preview: Preview, doc: GraphDoc, facts: RunFacts): Uint8Array {
  const n = preview.inputs.n;
  const both = new Float32Array(preview.inputs.data.length + preview.reconstructions.data.length);
  both.set(preview.inputs.data, 0);
  both.set(preview.reconstructions.data, preview.inputs.data.length);
  const grid = imageGrid(batch(preview, both, n * 2), { columns: n, scale: 3, gap: 3 });
  return experimentPng(grid, doc, facts, 'reconstructions');
}

const readme = (doc: GraphDoc, facts: RunFacts, hasEncoder: boolean): string =>
  [
    `${doc.name} — trained with Bottleneck`,
    '',
    `dataset ${describeRun(doc, facts).dataset}, seed ${doc.training.seed}, ${facts.steps} steps on ${facts.backend}`,
    facts.final
      ? `test ELBO ${facts.final.elbo.toFixed(2)} nats (reconstruction ${facts.final.recon.toFixed(2)}, KL ${facts.final.kl.toFixed(2)})`
      : '',
    '',
    'TensorFlow.js layers models:',
    hasEncoder ? '  encoder/model.json  image [H, W, C] in 0..1 → μ (and log σ²) of q(z|x)' : '',
    '  decoder/model.json  z [d] → image [H, W, C] (pixel means)',
    '',
    "Load with tf.loadLayersModel('decoder/model.json').",
    'graph.json is the graph that was trained; open it in Bottleneck.',
    '',
  ]
    .filter((l, i, all) => l !== '' || all[i - 1] !== '')
    .join('\n');

/** Builds every export file from the live program and the latest preview. */
export async function exportRun(
  tf: TfModule,
  program: Program,
  doc: GraphDoc,
  preview: Preview | undefined,
  facts: RunFacts,
): Promise<ExportFile[]> {
  const weights = await program.readWeights();
  const decoder = buildDecoderModel(tf, program.plan, weights);
  const encoder = buildEncoderModel(tf, program.plan, weights);
  const zipped: Record<string, Uint8Array> = {};
  try {
    const d = await serializeModel(tf, decoder, 'weights.bin');
    zipped['decoder/model.json'] = strToU8(d.json);
    zipped['decoder/weights.bin'] = d.weights;
    if (encoder) {
      const e = await serializeModel(tf, encoder, 'weights.bin');
      zipped['encoder/model.json'] = strToU8(e.json);
      zipped['encoder/weights.bin'] = e.weights;
    }
  } finally {
    decoder.dispose();
    encoder?.dispose();
  }
  zipped['graph.json'] = strToU8(`${JSON.stringify(doc, null, 2)}\n`);
  zipped['README.txt'] = strToU8(readme(doc, facts, encoder !== undefined));
  const files: ExportFile[] = [];
  if (preview) {
    const samples = encodeSamplesPng(preview, doc, facts);
    const recon = encodeReconstructionsPng(preview, doc, facts);
    zipped['samples.png'] = samples;
    zipped['reconstructions.png'] = recon;
    files.push(
      { name: 'samples.png', mime: 'image/png', bytes: samples },
      { name: 'reconstructions.png', mime: 'image/png', bytes: recon },
    );
  }
  const base =
    doc.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'model';
  files.unshift({ name: `${base}-step${facts.steps}.zip`, mime: 'application/zip', bytes: zipSync(zipped, { level: 6 }) });
  return files;
}
