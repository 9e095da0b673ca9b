/**
 * Memory of importing 60,000 pictures of 28×28 (a zip of PNGs, the builder the browser and CLI share), measured in
 * Node: peak resident memory and array-buffer bytes while building. `npx tsx scripts/importMemory.ts [count]`
 */
import { zipSync } from 'fflate';
import { encodePng } from '../src/core/png';
import { buildImageDataset } from '../src/data/imageDataset';
import { packImportedDataset } from '../src/data/importedAsset';
import { zipSources } from '../src/data/imageSources';
import { decodePictureNode } from '../src/data/importNode';

const count = Number(process.argv[2] ?? 60_000);
const files: Record<string, Uint8Array> = {};
for (let i = 0; i < count; i++) {
  const pixels = new Uint8Array(28 * 28).map((_, p) => (p * 7 + i * 13) % 256);
  files[`digits/${i % 10}/${i}.png`] = encodePng({ width: 28, height: 28, channels: 1, pixels });
}
const zip = zipSync(files, { level: 6 });
for (const k of Object.keys(files)) delete files[k];
global.gc?.();
const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
const before = process.memoryUsage();
let peakRss = before.rss;
let peakBuffers = before.arrayBuffers;
const sample = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
};
const timer = setInterval(sample, 20);
const started = Date.now();
const { data, report } = await buildImageDataset(zipSources(zip), { size: 28, channels: 1, fit: 'crop' }, decodePictureNode, sample);
const { asset } = await packImportedDataset(data, 'digits', report.classNames);
sample();
clearInterval(timer);
console.log(
  JSON.stringify({
    pictures: report.count,
    zipBytes: mb(zip.length),
    assetBytes: mb(asset.length),
    seconds: (Date.now() - started) / 1000,
    rssBefore: mb(before.rss),
    peakRss: mb(peakRss),
    peakRssAboveStart: mb(peakRss - before.rss),
    peakArrayBuffers: mb(peakBuffers),
  }),
);
