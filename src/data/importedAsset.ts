/**
 * An imported dataset as a file and as a graph names it: packed into the
 * compact asset (with its name and classes), its content hash (SHA-256 of the
 * asset bytes) and the reference a Dataset node keeps. Reading a `.bin.gz`
 * back checks everything in it before it is used.
 */
import { zImportedDatasetRef, type ImportedDatasetRef } from '../core/datasets';
import { decodeDatasetAsset, decodeDatasetBytes, encodeDatasetAsset, isGzip, type DatasetData } from './format';

/** SHA-256 of the bytes as lowercase hex (Web Crypto: the page, workers and Node alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', copy.buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The name a dataset gets from its folder or file: letters kept, path and extensions dropped, at most 100 characters. */
export function datasetNameFrom(path: string): string {
  const base =
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const name = base
    .replace(/(\.bin)?\.gz$|\.zip$/i, '')
    .trim()
    .slice(0, 100);
  return name.length > 0 ? name : 'my images';
}

function refOf(data: DatasetData, name: string, classNames: string[], hash: string): ImportedDatasetRef {
  const [height, width, channels] = data.imageShape;
  const parsed = zImportedDatasetRef.safeParse({
    name,
    hash,
    height,
    width,
    channels,
    trainCount: data.train.count,
    testCount: data.test.count,
    classNames,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the dataset cannot be used: ${issue?.path.join('.') ?? 'its description'} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** The asset bytes (gzip) of a built dataset and its reference. */
export async function packImportedDataset(
  data: DatasetData,
  name: string,
  classNames: string[],
): Promise<{ asset: Uint8Array; ref: ImportedDatasetRef }> {
  const asset = encodeDatasetAsset({ ...data, meta: { name, classNames } });
  return { asset, ref: refOf(data, name, classNames, await sha256Hex(asset)) };
}

/** Reads a dataset file (`.bin.gz`, this app's format) given by the user; `fallbackName` names one without a name. */
export async function readImportedFile(
  bytes: Uint8Array,
  fallbackName: string,
): Promise<{ data: DatasetData; ref: ImportedDatasetRef; asset: Uint8Array }> {
  const data = isGzip(bytes) ? decodeDatasetAsset(bytes) : decodeDatasetBytes(bytes);
  const classNames = data.meta?.classNames ?? [];
  const labelled = classNames.length > 0;
  for (const set of [data.train, data.test]) {
    for (const label of set.labels) {
      if (labelled && label >= classNames.length) throw new Error(`the dataset file is damaged (label ${label} has no class)`);
    }
  }
  // the hash is of the gzip bytes as stored: re-pack files that came without gzip or a name
  if (isGzip(bytes) && data.meta) return { data, asset: bytes, ref: refOf(data, data.meta.name, classNames, await sha256Hex(bytes)) };
  const packed = await packImportedDataset(data, data.meta?.name ?? fallbackName, classNames);
  return { data, ...packed };
}
