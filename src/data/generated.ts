/** The datasets drawn in code (no file, no download), by id: one lookup for Node, the page and the worker. */
import type { DatasetId } from '../core/datasets';
import { loadFacesDataset } from './faces';
import { encodeDatasetAsset, type DatasetData } from './format';
import { loadShapesDataset } from './shapes';
import { loadColourShapesDataset } from './shapesColour';

const generated: Partial<Record<DatasetId, () => DatasetData>> = {
  shapes: loadShapesDataset,
  faces: loadFacesDataset,
  'shapes-colour': loadColourShapesDataset,
};

/** The loader of a dataset drawn in code, or undefined when it comes from a file. */
export function generatedDataset(id: DatasetId): (() => DatasetData) | undefined {
  return generated[id];
}

/** A dataset drawn in code as the dataset file the exported scripts read (undefined when it comes from a file). */
export function generatedDatasetFile(id: DatasetId): Uint8Array | undefined {
  const draw = generatedDataset(id);
  if (!draw) return undefined;
  const { imageShape, train, test } = draw();
  return encodeDatasetAsset({ imageShape, train, test });
}
