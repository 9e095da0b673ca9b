/**
 * The user's pictures as named files, from what the browser hands over: a
 * dropped folder (walked through its entries), dropped or picked files, or a
 * picked folder (each file's path inside it). Names are only ever shown as text.
 */
import type { NamedFile } from '../stores/importedDatasetsStore';

/** Whether a drop holds pictures to import rather than one graph file: a folder, a zip, a dataset file or several files. */
export function isPictureDrop(dt: DataTransfer): boolean {
  const items = Array.from(dt.items ?? []);
  if (items.some((i) => i.kind === 'file' && i.webkitGetAsEntry?.()?.isDirectory)) return true;
  const files = Array.from(dt.files);
  if (files.length > 1) return true;
  const name = files[0]?.name.toLowerCase() ?? '';
  return name.endsWith('.zip') || name.endsWith('.bin.gz');
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else {
          out.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: NamedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ name: path, file });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, path, out);
  }
}

/** Every file of a drop, folders walked (paths start with the folder's name). */
export async function filesFromDrop(dt: DataTransfer): Promise<NamedFile[]> {
  const entries = Array.from(dt.items ?? [])
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => e !== null && e !== undefined);
  if (entries.length === 0) return Array.from(dt.files, (file) => ({ name: file.name, file }));
  const out: NamedFile[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** Picked files; from a folder picker each keeps its path inside the folder. */
export function filesFromInput(files: FileList | null): NamedFile[] {
  return Array.from(files ?? [], (file) => ({ name: file.webkitRelativePath || file.name, file }));
}

/** The name a dataset gets from its files: the dropped folder's or zip's name. */
export function suggestedName(files: ReadonlyArray<NamedFile>): string {
  const first = files[0]?.name ?? '';
  const top = first.includes('/') ? first.slice(0, first.indexOf('/')) : files.length === 1 ? first : '';
  const name = top.replace(/(\.bin)?\.gz$|\.zip$/i, '').slice(0, 100);
  return name || 'my images';
}
