/**
 * Builds a dataset from the user's own pictures (a folder tree, a zip, picked
 * files): decodes each (the decoder is passed in: the browser's or Node's),
 * resizes it to a square of 28, 32 or 64 (centre-crop or fit), grey or RGB,
 * labels it by its sub-folder, splits train/test with a fixed seed and returns
 * the same DatasetData the built-in datasets have. Files that are not pictures
 * or do not decode are skipped and listed with the reason; problems with the
 * whole import (no pictures, too many, too large) throw ImageImportError.
 */
import { z } from 'zod';
import { permutation } from '../core/random';
import type { DatasetData, ImageSet } from './format';
import { fitModes, resizePicture, type RgbaPicture } from './imageResize';
import { compareNames, ImageImportError, importLimits, type ImageSource, type ImportLimits } from './imageSources';

export const importSizes = [28, 32, 64] as const;
export const zImportOptions = z.strictObject({
  size: z.union([z.literal(28), z.literal(32), z.literal(64)]).default(28),
  channels: z.union([z.literal(1), z.literal(3)]).default(1),
  fit: z.enum(fitModes).default('crop'),
});
export type ImportOptions = z.infer<typeof zImportOptions>;

/** Decodes a picture file to RGBA; throws with the reason when it cannot. */
export type DecodePicture = (bytes: Uint8Array, name: string) => Promise<RgbaPicture>;

export interface SkippedFile {
  name: string;
  reason: string;
}

export interface ImportReport {
  count: number;
  trainCount: number;
  testCount: number;
  /** Class of each label, from the sub-folders (empty: no sub-folders, one class). */
  classNames: string[];
  /** Images per class, in the order of classNames. */
  classCounts: number[];
  skipped: SkippedFile[];
  warnings: string[];
}

/** Fixed: the same pictures always split the same way. */
export const IMPORT_SPLIT_SEED = 20261215;
export const IMPORT_TEST_FRACTION = 0.1;
export const pictureExtensions = ['png', 'jpg', 'jpeg', 'webp', 'gif'] as const;
/** Class of pictures at the top level when others are in sub-folders. */
export const TOP_LEVEL_CLASS = '(top level)';

const extensionOf = (name: string): string => (/\.([^./]+)$/.exec(name)?.[1] ?? '').toLowerCase();
const isSystemFile = (name: string): boolean => name.startsWith('__MACOSX/') || /(^|\/)\._/.test(name) || /(^|\/)\.DS_Store$/.test(name);

/** Paths without the folder every file shares (a zip of one folder, a dropped folder's own name). */
export function stripCommonFolder(names: ReadonlyArray<string>): string[] {
  let parts = names.map((n) => n.split('/').filter((p) => p.length > 0));
  for (;;) {
    const first = parts[0]?.[0];
    if (first === undefined || !parts.every((p) => p.length > 1 && p[0] === first)) break;
    parts = parts.map((p) => p.slice(1));
  }
  return parts.map((p) => p.join('/'));
}

/** The picture's class: its first folder (undefined at the top level). */
const folderOf = (path: string): string | undefined => (path.includes('/') ? path.slice(0, path.indexOf('/')) : undefined);

export interface BuildProgress {
  done: number;
  total: number;
}

export async function buildImageDataset(
  sources: ReadonlyArray<ImageSource>,
  options: ImportOptions,
  decode: DecodePicture,
  onProgress: (p: BuildProgress) => void = () => {},
  limits: ImportLimits = importLimits,
): Promise<{ data: DatasetData; report: ImportReport }> {
  const { size, channels, fit } = options;
  const skipped: SkippedFile[] = [];
  const candidates: ImageSource[] = [];
  for (const s of [...sources].sort((a, b) => compareNames(a.name, b.name))) {
    if (isSystemFile(s.name)) continue;
    const ext = extensionOf(s.name);
    if (!(pictureExtensions as ReadonlyArray<string>).includes(ext))
      skipped.push({ name: s.name, reason: 'not a picture (PNG, JPEG, WebP or GIF)' });
    else if (s.size > limits.maxFileBytes) skipped.push({ name: s.name, reason: `larger than ${limits.maxFileBytes / 1e6} MB` });
    else candidates.push(s);
  }
  if (candidates.length === 0) {
    const seen = skipped.length > 0 ? ` (${skipped.length} other file${skipped.length === 1 ? '' : 's'} skipped)` : '';
    throw new ImageImportError(`no pictures found: give PNG, JPEG, WebP or GIF files${seen}`);
  }
  if (candidates.length > limits.maxImages) {
    throw new ImageImportError(
      `${candidates.length.toLocaleString('en')} pictures is more than the ${limits.maxImages.toLocaleString('en')} a dataset may hold`,
    );
  }
  const px = size * size * channels;
  if (candidates.length * px > limits.maxDatasetBytes) {
    const gb = (candidates.length * px) / 1e9;
    throw new ImageImportError(
      `${candidates.length.toLocaleString('en')} pictures of ${size}×${size}×${channels} take ${gb.toFixed(1)} GB, more than the ` +
        `${limits.maxDatasetBytes / 1e9} GB limit: choose a smaller size, grey, or fewer pictures`,
    );
  }

  const paths = stripCommonFolder(candidates.map((c) => c.name));
  const pixels = new Uint8Array(candidates.length * px);
  /** The folder of each picture that decoded, in order. */
  const folders: Array<string | undefined> = [];
  let count = 0;
  for (let i = 0; i < candidates.length; i++) {
    const source = candidates[i] as ImageSource;
    try {
      const picture = await decode(await source.read(), source.name);
      if (picture.width * picture.height > limits.maxPicturePixels)
        throw new Error(`larger than ${limits.maxPicturePixels / 1e6} megapixels`);
      pixels.set(resizePicture(picture, size, fit, channels), count * px);
      folders.push(folderOf(paths[i] ?? ''));
      count++;
    } catch (e) {
      skipped.push({ name: source.name, reason: e instanceof Error ? e.message : String(e) });
    }
    if (i % 64 === 63 || i === candidates.length - 1) onProgress({ done: i + 1, total: candidates.length });
  }
  // classes from the pictures that decoded (a folder of only broken files is no class)
  const named = [...new Set(folders.filter((f): f is string => f !== undefined))].sort(compareNames);
  const classNames = named.length === 0 ? [] : folders.includes(undefined) ? [TOP_LEVEL_CLASS, ...named] : named;
  if (classNames.length > 256)
    throw new ImageImportError(`${classNames.length} sub-folders is more than the 256 classes a dataset may have`);
  const classIndex = new Map(classNames.map((c, i) => [c, i]));
  const labels = Uint8Array.from(folders, (f) => classIndex.get(f ?? TOP_LEVEL_CLASS) ?? 0);
  if (count < 2) {
    throw new ImageImportError(
      `${count === 0 ? 'none' : 'only one'} of the ${candidates.length} pictures could be read: a dataset needs at least 2 (one to train on, one to test)`,
    );
  }

  const testCount = Math.max(1, Math.round(count * IMPORT_TEST_FRACTION));
  const order = permutation(count, IMPORT_SPLIT_SEED);
  const take = (from: number, n: number): ImageSet => {
    const images = new Uint8Array(n * px);
    const lab = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const src = order[from + k] as number;
      lab[k] = labels[src] as number;
      images.set(pixels.subarray(src * px, (src + 1) * px), k * px);
    }
    return { images, labels: lab, count: n };
  };
  const test = take(0, testCount);
  const train = take(testCount, count - testCount);
  const classCounts = classNames.map(() => 0);
  for (let k = 0; k < count; k++) classCounts[labels[k] as number] = (classCounts[labels[k] as number] ?? 0) + 1;
  const warnings: string[] = [];
  if (train.count < 128) {
    warnings.push(`only ${train.count} training images: fewer than one batch of 128, so every step sees them all; lower the batch size`);
  }
  return {
    data: { imageShape: [size, size, channels], train, test },
    report: { count, trainCount: train.count, testCount, classNames, classCounts, skipped, warnings },
  };
}
