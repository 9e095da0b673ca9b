/** Where the exported scripts get each dataset: a file the studio exports beside them, or drawn by the script. */
import type { DatasetId, ImportedDatasetRef } from '../core/datasets';

/**
 * Where the exported scripts get each dataset: the studio's own dataset file (the same images the browser
 * trains on, exported beside the script: offline, no download), or drawn by the script itself (shapes,
 * exactly as the browser draws it, with each image's true factors).
 */
export type DatasetSource = { kind: 'file' } | { kind: 'generated' } | { kind: 'unavailable'; reason: string };
export const datasetSources: Record<DatasetId, DatasetSource> = {
  mnist: { kind: 'file' },
  'fashion-mnist': { kind: 'file' },
  shapes: { kind: 'generated' },
  // drawn in code here; the export writes the images it draws into the file beside the script
  faces: { kind: 'file' },
  'shapes-colour': { kind: 'file' },
  // the user's own images: the studio writes their file (from this browser, or --data) beside the script
  imported: { kind: 'file' },
};

/** The dataset file a script reads (exported beside it), or undefined when the script draws its data. */
export function datasetFileName(id: DatasetId, imported?: ImportedDatasetRef): string | undefined {
  if (datasetSources[id].kind !== 'file') return undefined;
  if (id !== 'imported') return `${id}.bin.gz`;
  // the dataset's own name, as a safe file name
  const stem = (imported?.name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || 'dataset'}.bin.gz`;
}
