/** The datasets drawn in code (no file, no download), by id: one lookup for Node, the page and the worker. */
import type { DatasetId } from '../core/datasets';
import type { DatasetData } from './format';
import { loadShapesDataset } from './shapes';
import { loadColourShapesDataset } from './shapesColour';

const generated: Partial<Record<DatasetId, () => DatasetData>> = { shapes: loadShapesDataset, 'shapes-colour': loadColourShapesDataset };

/** The loader of a dataset drawn in code, or undefined when it comes from a file. */
export function generatedDataset(id: DatasetId): (() => DatasetData) | undefined {
  return generated[id];
}
