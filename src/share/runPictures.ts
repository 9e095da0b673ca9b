/**
 * A run's pictures as PNGs that carry the graph and the run in text chunks
 * (samples from the prior; inputs above their reconstructions), written by the
 * model download and by the dashboard's picture buttons.
 */
import { imageGrid, type ImageBatch } from '../core/imageGrid';
import type { RasterImage } from '../core/png';
import type { GraphDoc } from '../core/schema';
import { describeRun, embedExperiment, type RunInfo, type RunSummary } from './pngEmbed';
import type { Preview } from '../runtime/protocol';

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
