/** The datasets drawn in code (no file, no download), by id: one lookup for Node, the page and the worker. */
import type { DatasetId } from '../core/datasets';
import { loadFacesDataset } from './faces';
import type { DatasetData } from './format';
import { loadShapesDataset } from './shapes';

const generated: Partial<Record<DatasetId, () => DatasetData>> = { shapes: loadShapesDataset, faces: loadFacesDataset };

/** The loader of a dataset drawn in code, or undefined when it comes from a file. */
export function generatedDataset(id: DatasetId): (() => DatasetData) | undefined {
  return generated[id];
}
