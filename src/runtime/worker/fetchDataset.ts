/**
 * Loads a dataset asset in the browser (worker): `/generated/<id>.bin.gz`,
 * served by the app, with progress as the bytes arrive; datasets drawn in code
 * are drawn; the user's imported datasets are read from this browser's
 * IndexedDB by their hash. Decoded assets are kept for the next run.
 */
import { missingImportMessage, type DatasetId, type ImportedDatasetRef } from '../../core/datasets';
import { generatedDataset } from '../../data/generated';
import { datasetInfo } from '../../core/datasets';
import { readImportedAsset } from '../../storage/datasetDb';
import { decodeDatasetAsset, decodeDatasetBytes, isGzip, type DatasetData } from '../../data/format';

const cache = new Map<string, Promise<DatasetData>>();

export function resolveDatasetUrl(id: DatasetId, base: string): string {
  return `${base.replace(/\/?$/, '/')}generated/${id}.bin.gz`;
}

async function readWithProgress(response: Response, onProgress: (loaded: number, total: number | undefined) => void): Promise<Uint8Array> {
  // with a Content-Encoding the length counts compressed bytes, the body yields decompressed ones
  const header = response.headers.get('content-encoding') ? NaN : Number(response.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : undefined;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress(bytes.length, total);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    if (loaded - lastReport > 256 * 1024) {
      lastReport = loaded;
      onProgress(loaded, total);
    }
  }
  onProgress(loaded, total);
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export async function fetchDataset(
  id: DatasetId,
  base: string,
  onProgress: (loaded: number, total: number | undefined) => void,
): Promise<DatasetData> {
  const url = resolveDatasetUrl(id, base);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`could not download the ${datasetInfo[id].title} dataset from ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const info = datasetInfo[id];
  const howTo = info.install ?? 'run `npm run assets`';
  // a dev server answers a missing file with the app's own page
  const html = (response.headers.get('content-type') ?? '').includes('text/html');
  if (!response.ok || html) {
    throw new Error(
      `The ${info.title} dataset is not installed here (${url} ${html ? 'is not there' : `answered ${response.status}`}): ${howTo}.`,
    );
  }
  const bytes = await readWithProgress(response, onProgress);
  try {
    // servers that send .gz files with Content-Encoding: gzip hand over the decompressed bytes
    return isGzip(bytes) ? decodeDatasetAsset(bytes) : decodeDatasetBytes(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`The ${info.title} dataset file is damaged or from another program (${why}): rebuild it — ${howTo}.`);
  }
}

/** An imported dataset from IndexedDB; a clear message when this browser does not have it. */
async function readImported(
  ref: ImportedDatasetRef,
  onProgress: (loaded: number, total: number | undefined) => void,
): Promise<DatasetData> {
  let asset: Uint8Array | undefined;
  try {
    asset = await readImportedAsset(ref.hash);
  } catch (e) {
    throw new Error(`${missingImportMessage(ref)} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!asset) throw new Error(missingImportMessage(ref));
  onProgress(asset.length, asset.length);
  try {
    return decodeDatasetAsset(asset);
  } catch (e) {
    throw new Error(
      `your dataset '${ref.name}' is damaged in this browser (${e instanceof Error ? e.message : String(e)}): remove it and import it again`,
    );
  }
}

export function loadDatasetBrowser(
  id: DatasetId,
  base: string,
  onProgress: (loaded: number, total: number | undefined) => void,
  imported?: ImportedDatasetRef,
): Promise<DatasetData> {
  if (id === 'imported' && !imported) return Promise.reject(new Error('the Dataset node names no imported dataset: choose one'));
  const key = id === 'imported' && imported ? `imported:${imported.hash}` : id;
  const hit = cache.get(key);
  if (hit) {
    return hit.then((data) => {
      onProgress(1, 1);
      return data;
    });
  }
  // datasets drawn in code (shapes, faces): no download
  const draw = generatedDataset(id);
  const pending = imported
    ? readImported(imported, onProgress)
    : draw
      ? Promise.resolve().then(() => {
          const data = draw();
          onProgress(1, 1);
          return data;
        })
      : fetchDataset(id, base, onProgress);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  return pending;
}
