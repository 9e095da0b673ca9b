/** The saved graphs in graphs/, bundled into the app (the gallery). */
import { specRegistry } from '../nodes';
import { parseGraph } from './core/parse';
import type { GraphDoc } from './core/schema';

const files = import.meta.glob<unknown>('../graphs/*.json', { eager: true, import: 'default' });

export interface GalleryEntry {
  /** File name without .json, e.g. "vae". */
  id: string;
  doc: GraphDoc;
}

export const gallery: GalleryEntry[] = Object.entries(files)
  .map(([path, value]) => {
    const id = path.replace(/^.*\//, '').replace(/\.json$/, '');
    const parsed = parseGraph(value, specRegistry);
    if (!parsed.ok) throw new Error(`graphs/${id}.json is invalid: ${parsed.errors.map((e) => e.message).join('; ')}`);
    return { id, doc: parsed.doc };
  })
  .sort((a, b) => galleryOrder(a.id) - galleryOrder(b.id));

function galleryOrder(id: string): number {
  const order = ['ae', 'vae', 'beta-vae', 'beta-vae-shapes', 'vae-faces', 'conv-vae', 'denoising-ae', 'cvae'];
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

export function galleryGraph(id: string): GraphDoc {
  const entry = gallery.find((g) => g.id === id);
  if (!entry) throw new Error(`no saved graph '${id}'`);
  return structuredClone(entry.doc);
}
