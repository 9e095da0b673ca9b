/** Pictures made in tests: PNGs of known colours and sizes, laid out as class folders on disk or in a zip. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { encodePng } from '../../src/core/png';

/** A width×height PNG filled with one RGB colour, with a lighter square in one corner (so resizing shows). */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number], alpha = 255): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const corner = x < width / 4 && y < height / 4;
      pixels.set(corner ? [255, 255, 255, alpha] : [rgb[0], rgb[1], rgb[2], alpha], o);
    }
  }
  return encodePng({ width, height, channels: 4, pixels });
}

export const classColours = { cats: [200, 40, 40], dogs: [40, 40, 200], owls: [40, 200, 40] } as const;

/** name → bytes: `perClass` pictures in each class folder, of mixed sizes, under one shared top folder. */
export function classFiles(perClass: number, extra: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const [cls, rgb] of Object.entries(classColours)) {
    for (let i = 0; i < perClass; i++) files[`pets/${cls}/${cls}-${i}.png`] = solidPng(20 + i * 3, 30 + (i % 4) * 10, rgb);
  }
  for (const [name, bytes] of Object.entries(extra)) files[`pets/${name}`] = bytes;
  return files;
}

export function writeFolder(files: Record<string, Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'bottleneck-images-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), bytes);
  }
  return root;
}

export function zipOf(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files, { level: 6 });
}

export function writeZip(files: Record<string, Uint8Array>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bottleneck-zip-')), 'pets.zip');
  writeFileSync(path, zipOf(files));
  return path;
}
