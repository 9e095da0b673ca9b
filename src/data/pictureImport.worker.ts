/**
 * The picture-import worker: decodes the user's pictures with the decoder the
 * command line uses (src/data/pictureDecode.ts: the same pixels, so the same
 * dataset hash), using the browser's own decoder for large JPEG photos (speed)
 * and for the rare file the shared one cannot read (16-bit or interlaced PNG,
 * say); builds the dataset with the shared
 * builder off the main thread and sends back only the compact asset and a
 * preview. Files are read one at a time as it goes.
 */
import webpWasmUrl from '@jsquash/webp/codec/dec/webp_dec.wasm?url';
import { buildImageDataset, type ImportReport } from './imageDataset';
import { packImportedDataset, readImportedFile } from './importedAsset';
import type { RgbaPicture } from './imageResize';
import { ImageImportError, importLimits, isZip, zipSources, type ImageSource } from './imageSources';
import { zBuildRequest, type BuildRequest, type FromImportWorker } from './pictureImportProtocol';
import type { DatasetData } from './format';
import { decodePicture, pictureFormat, PictureTooLargeError } from './pictureDecode';
import { webpDecoder } from './webpCodec';
import { jpegSize } from './exifOrientation';

const PREVIEW = 64;

const decodeWebp = webpDecoder(async () => WebAssembly.compile(await (await fetch(webpWasmUrl)).arrayBuffer()));

async function decodeWithBrowser(bytes: Uint8Array): Promise<RgbaPicture> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
  } catch {
    throw new Error('not a picture this app can read (PNG, JPEG, GIF or WebP)');
  }
  try {
    const { width, height } = bitmap;
    if (width * height > importLimits.maxPicturePixels) throw new Error(`larger than ${importLimits.maxPicturePixels / 1e6} megapixels`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no canvas to decode into');
    ctx.drawImage(bitmap, 0, 0);
    return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}

/**
 * Photos (JPEGs over this many pixels) go to the browser's decoder: about ten times faster than the shared one on a
 * 12-megapixel phone photo, which matters for a folder of them; their pixels can differ from the command line's by
 * a few levels, so such a dataset is shared as its exported file rather than rebuilt from the folder.
 */
const PHOTO_PIXELS = 2_500_000;

/** The shared decoder; for a file it cannot read, the browser's, and if that fails too, the shared one's reason. */
async function decodeInBrowser(bytes: Uint8Array): Promise<RgbaPicture> {
  const format = pictureFormat(bytes);
  const size = format === 'JPEG' ? jpegSize(bytes) : undefined;
  if (size && size.width * size.height > PHOTO_PIXELS && size.width * size.height <= importLimits.maxPicturePixels) {
    return decodeWithBrowser(bytes);
  }
  try {
    return await decodePicture(bytes, decodeWebp);
  } catch (shared) {
    if (!format || shared instanceof PictureTooLargeError) throw shared;
    try {
      return await decodeWithBrowser(bytes);
    } catch {
      throw shared;
    }
  }
}

async function sourcesOf(request: BuildRequest): Promise<ImageSource[] | Uint8Array> {
  const only = request.files.length === 1 ? request.files[0] : undefined;
  if (only) {
    const bytes = new Uint8Array(await only.file.arrayBuffer());
    if (isZip(bytes)) return zipSources(bytes);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return bytes;
  }
  return request.files.map((f) => ({ name: f.name, size: f.file.size, read: async () => new Uint8Array(await f.file.arrayBuffer()) }));
}

function previewOf(data: DatasetData): { pixels: Uint8Array; count: number } {
  const [h, w, c] = data.imageShape;
  const count = Math.min(PREVIEW, data.train.count);
  return { pixels: data.train.images.slice(0, count * h * w * c), count };
}

async function build(request: BuildRequest): Promise<FromImportWorker> {
  const sources = await sourcesOf(request);
  let data: DatasetData;
  let report: ImportReport | undefined;
  let packed: Awaited<ReturnType<typeof packImportedDataset>>;
  if (sources instanceof Uint8Array) {
    const read = await readImportedFile(sources, request.name);
    data = read.data;
    packed = read;
  } else {
    const built = await buildImageDataset(sources, request.options, decodeInBrowser, (p) =>
      self.postMessage({ type: 'progress', id: request.id, ...p } satisfies FromImportWorker),
    );
    data = built.data;
    report = built.report;
    packed = await packImportedDataset(data, request.name, report.classNames);
  }
  return { type: 'built', id: request.id, ref: packed.ref, asset: packed.asset, ...(report ? { report } : {}), preview: previewOf(data) };
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = zBuildRequest.safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    self.postMessage({ type: 'failed', id: -1, message: `bad import request: ${issue?.path.join('.')} ${issue?.message}` });
    return;
  }
  const request = parsed.data;
  build(request).then(
    (message) => {
      const transfer = message.type === 'built' ? [message.asset.buffer, message.preview.pixels.buffer] : [];
      self.postMessage(message, { transfer });
    },
    (e: unknown) => {
      const message = e instanceof ImageImportError || e instanceof Error ? e.message : String(e);
      self.postMessage({ type: 'failed', id: request.id, message } satisfies FromImportWorker);
    },
  );
});
