/** Where the exported scripts get each dataset: the framework's own loader, or drawn by the script. */
import type { DatasetId } from '../core/datasets';
import type { ExportTarget } from './helpers';

/**
 * Where the exported scripts get each dataset: downloaded by the framework's own loader, or drawn by the
 * script itself (shapes, exactly as the browser draws it, with each image's true factors).
 */
export type DatasetSource =
  { kind: 'download'; torchvision: string; keras: string } | { kind: 'generated' } | { kind: 'unavailable'; reason: string };
export const datasetSources: Record<DatasetId, DatasetSource> = {
  mnist: { kind: 'download', torchvision: 'datasets.MNIST', keras: 'keras.datasets.mnist' },
  'fashion-mnist': { kind: 'download', torchvision: 'datasets.FashionMNIST', keras: 'keras.datasets.fashion_mnist' },
  shapes: { kind: 'generated' },
  'shapes-colour': {
    kind: 'unavailable',
    reason: 'the scripts cannot draw the coloured shapes yet; train it here, or export a copy on MNIST or shapes',
  },
  imported: {
    kind: 'unavailable',
    reason: 'the scripts cannot read an imported dataset yet; train it here or with `npm run train -- --data`',
  },
};

/** The loader a framework downloads the dataset with (`datasets.MNIST`), or undefined when the script draws it. */
export function datasetLoader(id: DatasetId, target: ExportTarget): string | undefined {
  const source = datasetSources[id];
  if (source.kind !== 'download') return undefined;
  return target === 'pytorch' ? source.torchvision : source.keras;
}
