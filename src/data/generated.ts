/** The datasets drawn in code (no file, no download), by id: one lookup for Node, the page and the worker. */
import { datasetIds, type DatasetId } from '../core/datasets';
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

/** The dataset file (`faces.bin.gz`) the exported scripts read, for a dataset drawn in code (undefined for the others). */
export function generatedDatasetFile(fileName: string): Uint8Array | undefined {
  const id = datasetIds.find((d) => `${d}.bin.gz` === fileName);
  const draw = id ? generatedDataset(id) : undefined;
  if (!draw) return undefined;
  const { imageShape, train, test } = draw();
  return encodeDatasetAsset({ imageShape, train, test });
}
