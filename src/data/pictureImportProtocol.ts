/** The messages of the picture-import worker: a build request, progress, the built dataset or why not — validated on arrival. */
import { z } from 'zod';
import { zImportedDatasetRef } from '../core/datasets';
import { zImportOptions } from './imageDataset';

const zBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes');

export const zBuildRequest = z.strictObject({
  type: z.literal('build'),
  id: z.number().int(),
  name: z.string().min(1).max(100),
  options: zImportOptions,
  files: z.array(z.strictObject({ name: z.string().max(1000), file: z.instanceof(Blob) })).max(250_000),
});
export type BuildRequest = z.infer<typeof zBuildRequest>;

const zReport = z.strictObject({
  count: z.number().int(),
  trainCount: z.number().int(),
  testCount: z.number().int(),
  classNames: z.array(z.string()),
  classCounts: z.array(z.number().int()),
  skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
});

export const zFromImportWorker = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('progress'), id: z.number().int(), done: z.number().int(), total: z.number().int() }),
  z.strictObject({
    type: z.literal('built'),
    id: z.number().int(),
    ref: zImportedDatasetRef,
    asset: zBytes,
    /** Undefined for a dataset file (nothing decoded). */
    report: zReport.optional(),
    /** The first training images (count·h·w·c bytes), for the preview grid. */
    preview: z.strictObject({ pixels: zBytes, count: z.number().int().min(0).max(256) }),
  }),
  z.strictObject({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
export type FromImportWorker = z.infer<typeof zFromImportWorker>;
