/**
 * Which generated dataset files this install has, read once from
 * /generated/datasets.json (written by `npm run assets`): datasets whose file
 * is missing are offered as unavailable, with how to get them, and refused
 * before training instead of failing on a missing download.
 */
import { reactive } from 'vue';
import { z } from 'zod';
import { datasetInfo, type DatasetId } from '../core/datasets';

const zManifest = z.record(z.string().max(64), z.object({ file: z.string().max(200), bytes: z.number().int().positive() }));

/** The files the manifest lists (undefined until read; then every option is offered as it is). */
export const datasetAssets = reactive<{ files: ReadonlySet<string> | undefined }>({ files: undefined });

export async function loadDatasetManifest(base = import.meta.env.BASE_URL): Promise<void> {
  try {
    const response = await fetch(`${base.replace(/\/?$/, '/')}generated/datasets.json`);
    const parsed = zManifest.safeParse(response.ok ? await response.json() : null);
    // an unreadable manifest says nothing: the training worker reports a missing file itself
    if (parsed.success) datasetAssets.files = new Set(Object.values(parsed.data).map((e) => e.file));
  } catch {
    // offline before the first visit, or no manifest: options stay as they are
  }
}

/** Whether a generated file is missing from this install (false while the manifest is unread). */
export const assetMissing = (file: string): boolean => datasetAssets.files !== undefined && !datasetAssets.files.has(file);

/** Why a dataset cannot be trained on here, or undefined when it can. */
export function datasetMissing(id: DatasetId): string | undefined {
  const info = datasetInfo[id];
  if (!info.asset || !assetMissing(info.asset)) return undefined;
  return `The ${info.title} dataset is not installed here: ${info.install ?? 'run `npm run assets`'}. Choose another dataset in the Dataset node meanwhile.`;
}
