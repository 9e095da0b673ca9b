/**
 * The image importer in Node (CLI, tests): a folder, a zip or a `.bin.gz`
 * dataset file on disk becomes a dataset, with the same builder the browser
 * uses and the same picture decoder (src/data/pictureDecode.ts), so a folder gives
 * the same dataset, hash included, here and in the page.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ImportedDatasetRef } from '../core/datasets';
import type { DatasetData } from './format';
import { buildImageDataset, type BuildProgress, type ImportOptions, type ImportReport } from './imageDataset';
import { datasetNameFrom, packImportedDataset, readImportedFile } from './importedAsset';
import type { RgbaPicture } from './imageResize';
import { decodePicture } from './pictureDecode';
import { decodeWebpNode } from './webpNode';
import { ImageImportError, importLimits, isZip, zipSources, type ImageSource, type ImportLimits } from './imageSources';

/** Decodes a picture in Node: the decoder the browser's import worker uses (PNG, JPEG, GIF, WebP). */
export function decodePictureNode(bytes: Uint8Array): Promise<RgbaPicture> {
  return decodePicture(bytes, decodeWebpNode);
}

/** Every file under a folder, named by its path inside it ('/'-separated). */
export function folderSources(dir: string, limits: ImportLimits = importLimits): ImageSource[] {
  const out: ImageSource[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        out.push({ name: relative(dir, path).split(sep).join('/'), size: statSync(path).size, read: async () => readFileSync(path) });
        if (out.length > limits.maxEntries) {
          throw new ImageImportError(`the folder holds more than ${limits.maxEntries.toLocaleString('en')} files; give a smaller one`);
        }
      }
    }
  };
  walk(dir);
  return out;
}

export interface NodeImport {
  data: DatasetData;
  ref: ImportedDatasetRef;
  asset: Uint8Array;
  /** Undefined for a dataset file (nothing was decoded). */
  report?: ImportReport;
}

/** A folder, a zip of pictures or a dataset file → the dataset, its asset bytes and its reference. */
export async function importDatasetPath(
  path: string,
  options: ImportOptions,
  onProgress?: (p: BuildProgress) => void,
  limits: ImportLimits = importLimits,
): Promise<NodeImport> {
  const name = datasetNameFrom(path);
  let sources: ImageSource[];
  if (statSync(path).isDirectory()) sources = folderSources(path, limits);
  else {
    const bytes = readFileSync(path);
    if (isZip(bytes)) sources = zipSources(bytes, limits);
    else if (/\.gz$/i.test(path) || bytes[0] === 0x1f) {
      try {
        return await readImportedFile(bytes, name);
      } catch (e) {
        throw new ImageImportError(`${path} is not a dataset file of this app: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else sources = [{ name: path.split(sep).pop() ?? path, size: bytes.length, read: async () => bytes }];
  }
  const { data, report } = await buildImageDataset(sources, options, decodePictureNode, onProgress, limits);
  const packed = await packImportedDataset(data, name, report.classNames);
  return { data, report, ...packed };
}
