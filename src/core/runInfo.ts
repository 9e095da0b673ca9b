/**
 * What an exported picture says about the run that made it. PNGs carry two
 * text chunks: `bottleneck:graph` (the graph document as JSON) and
 * `bottleneck:run` (this record as JSON), so a picture can be opened again as
 * the graph and run that made it.
 */
import { z } from 'zod';

export const PNG_GRAPH_KEY = 'bottleneck:graph';
export const PNG_RUN_KEY = 'bottleneck:run';

export const zRunInfo = z.strictObject({
  format: z.literal('bottleneck-run'),
  version: z.literal(1),
  /** What the picture shows. */
  image: z.enum(['samples', 'reconstructions']),
  graphName: z.string(),
  seed: z.number().int().min(0),
  dataset: z.string(),
  backend: z.string(),
  steps: z.number().int().min(0),
  epochs: z.number().min(0),
  /** Test metrics of the weights that made the picture (per example, nats), when measured. */
  final: z
    .strictObject({
      elbo: z.number(),
      recon: z.number(),
      kl: z.number(),
      activeUnits: z.number().int().min(0),
    })
    .nullable(),
  createdAt: z.string(),
});
export type RunInfo = z.infer<typeof zRunInfo>;

/** Reads the run record from PNG text chunks (see readPngText); undefined when absent or malformed. */
export function parseRunInfo(text: Readonly<Record<string, string>>): RunInfo | undefined {
  const raw = text[PNG_RUN_KEY];
  if (raw === undefined) return undefined;
  try {
    const parsed = zRunInfo.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
