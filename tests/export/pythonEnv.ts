/** Python for the export tests (src/cli/python.ts), and writing the dataset file the scripts read. */
import { writeFileSync } from 'node:fs';
import { encodeDatasetAsset, type ImageSet } from '../../src/data/format';

export { pythonWith, run } from '../../src/cli/python';

/** Writes the sets as the studio's dataset file (what the exported scripts read beside themselves). */
export function writeDatasetFile(path: string, train: ImageSet, test: ImageSet, imageShape: [number, number, number]): void {
  writeFileSync(path, encodeDatasetAsset({ imageShape, train, test }));
}
