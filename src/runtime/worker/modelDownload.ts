/**
 * The trained model as downloads: the encoder and decoder as tfjs-layers
 * models in one zip (with the graph and a README), and the run's pictures.
 */
import { strToU8, zipSync } from 'fflate';
import type { Program } from '../../compiler/program';
import type { GraphDoc } from '../../core/schema';
import { describeRun } from '../../share/pngEmbed';
import { encodeReconstructionsPng, encodeSamplesPng, type RunFacts } from '../../share/runPictures';
import { buildDecoderModel, buildEncoderModel, serializeModel, type TfModule } from './layersModel';
import type { DownloadFile, Preview } from '../protocol';

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
export async function modelDownloads(
  tf: TfModule,
  program: Program,
  doc: GraphDoc,
  preview: Preview | undefined,
  facts: RunFacts,
): Promise<DownloadFile[]> {
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
  const files: DownloadFile[] = [];
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
