/**
 * The image importer in Node (CLI, tests): a folder, a zip or a `.bin.gz`
 * dataset file on disk becomes a dataset, with the same builder the browser
 * uses. Node decodes PNG itself (src/core/png.ts); JPEG, WebP and GIF need the
 * browser's decoders, so here they are skipped with that reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ImportedDatasetRef } from '../core/datasets';
import { decodePng, isPng } from '../core/png';
import type { DatasetData } from './format';
import { buildImageDataset, type BuildProgress, type ImportOptions, type ImportReport } from './imageDataset';
import { datasetNameFrom, packImportedDataset, readImportedFile } from './importedAsset';
import type { RgbaPicture } from './imageResize';
import { ImageImportError, importLimits, isZip, zipSources, type ImageSource, type ImportLimits } from './imageSources';

/** Decodes a picture in Node: PNG only (other formats are named in the reason). */
export async function decodePictureNode(bytes: Uint8Array): Promise<RgbaPicture> {
  if (isPng(bytes)) {
    const image = decodePng(bytes);
    return { width: image.width, height: image.height, rgba: image.pixels };
  }
  const kind =
    bytes[0] === 0xff && bytes[1] === 0xd8
      ? 'JPEG'
      : bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46
        ? 'GIF'
        : bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50
          ? 'WebP'
          : undefined;
  if (kind) throw new Error(`${kind} is decoded in the browser only; on the command line convert it to PNG`);
  throw new Error('not a picture this app can read (damaged, or another format)');
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
