/**
 * Where imported images come from, as a list of named files: the entries of a
 * zip (sizes read from its directory before anything is unpacked, so a zip bomb
 * is refused up front) or files the caller lists (a folder, picked files).
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';

/** One file: its path inside the folder or zip ('/'-separated), its size and how to read it. */
export interface ImageSource {
  name: string;
  /** Bytes once read (a zip entry's unpacked size as its directory declares it). */
  size: number;
  read(): Promise<Uint8Array>;
}

export const importLimits = {
  /** Images in one dataset. */
  maxImages: 200_000,
  /** Pixel bytes of the built dataset (count·size²·channels). */
  maxDatasetBytes: 1_000_000_000,
  /** Entries a zip may list (images and other files). */
  maxEntries: 250_000,
  /** Bytes all the files may unpack to. */
  maxUnpackedBytes: 2_000_000_000,
  /** Bytes of one file. */
  maxFileBytes: 64_000_000,
  /** Pixels of one decoded picture. */
  maxPicturePixels: 40_000_000,
} as const;

export type ImportLimits = { [K in keyof typeof importLimits]: number };

/** A problem with the whole import (nothing is built): the message is shown as it is. */
export class ImageImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageImportError';
  }
}

const mb = (bytes: number): string => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;

/** The order files are read and numbered in (plain code-unit order: the same on every platform). */
export const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether bytes are a zip archive (local file header or an empty archive's end record). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** The files of a zip, read lazily in windows (entries are unpacked only when the builder reaches them). */
export function zipSources(zip: Uint8Array, limits: ImportLimits = importLimits): ImageSource[] {
  const entries: UnzipFileInfo[] = [];
  let unpacked = 0;
  try {
    unzipSync(zip, {
      filter(file) {
        if (file.name.endsWith('/')) return false;
        entries.push(file);
        if (entries.length > limits.maxEntries) {
          throw new ImageImportError(`the zip lists more than ${limits.maxEntries.toLocaleString('en')} files; split it into smaller ones`);
        }
        unpacked += file.originalSize;
        return false;
      },
    });
  } catch (e) {
    if (e instanceof ImageImportError) throw e;
    throw new ImageImportError(`the zip file cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (unpacked > limits.maxUnpackedBytes) {
    throw new ImageImportError(
      `the zip would unpack to ${mb(unpacked)}, more than the ${mb(limits.maxUnpackedBytes)} limit (a zip bomb, or too many large pictures)`,
    );
  }
  // the builder reads in name order: windows follow it
  entries.sort((a, b) => compareNames(a.name, b.name));
  const index = new Map(entries.map((e, i) => [e.name, i]));
  const WINDOW = 256;
  let window = new Map<string, Uint8Array>();
  const unpack = (from: number): void => {
    const wanted = new Set(entries.slice(from, from + WINDOW).map((e) => e.name));
    // oversized entries are never unpacked: the builder skips them by their declared size
    const files = unzipSync(zip, { filter: (f) => wanted.has(f.name) && f.originalSize <= limits.maxFileBytes });
    window = new Map(Object.entries(files));
  };
  return entries.map((entry) => ({
    name: entry.name,
    size: entry.originalSize,
    read: async () => {
      let bytes = window.get(entry.name);
      if (!bytes) {
        unpack(index.get(entry.name) ?? 0);
        bytes = window.get(entry.name);
      }
      if (!bytes) throw new Error('the zip entry cannot be unpacked');
      window.delete(entry.name);
      return bytes;
    },
  }));
}
