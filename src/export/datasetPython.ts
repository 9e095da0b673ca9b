/** The Python that reads the studio's dataset file (gzip of the "BNDS" asset) in the exported scripts. */
import type { ExportTarget } from './nodeExport';

/**
 * `read_dataset(path)`: the train and test pixels, channels last, as uint8 —
 * torch tensors for PyTorch, NumPy arrays for Keras — with clear exits for a
 * missing, damaged or mismatched file.
 */
export function datasetReaderPython(target: ExportTarget, labels = false): string[] {
  const asArray =
    target === 'pytorch'
      ? [
          '    buffer = bytearray(raw)  # the tensor below is a view of it until cloned',
          '    images = torch.frombuffer(buffer, dtype=torch.uint8)[28 + count:28 + count + count * pixels].reshape(count, height, width, channels).clone()',
          ...(labels ? ['    labels = torch.frombuffer(buffer, dtype=torch.uint8)[28:28 + count].long()  # a copy'] : []),
        ]
      : [
          '    images = np.frombuffer(raw, dtype=np.uint8)[28 + count:28 + count + count * pixels].reshape(count, height, width, channels)',
          ...(labels ? ['    labels = np.frombuffer(raw, dtype=np.uint8)[28:28 + count].astype("int32")'] : []),
        ];
  return [
    `DATASETS_READ = {}  # path → (train, test${labels ? ', train labels, test labels' : ''}): the file is read once`,
    '',
    '',
    'def read_dataset(path):',
    labels
      ? '    """The studio\'s dataset file: (train, test) pixels as uint8 [N, H, W, C], channels last, then their class labels [N].'
      : '    """The studio\'s dataset file: (train, test) pixels as uint8 [N, H, W, C], channels last.',
    '',
    '    The file is gzip of: "BNDS", then little-endian u32 version, count, train count, height, width,',
    '    channels; count label bytes; count·H·W·C pixel bytes (0..255). The first `train count` images are',
    "    the training split, the rest the test split (the browser's split).",
    '    """',
    '    if path in DATASETS_READ:',
    '        return DATASETS_READ[path]',
    '    if not os.path.exists(path):',
    '        raise SystemExit(',
    '            f"{path} not found: it is exported beside the script (Share ▾ → training script, or "',
    '            f"`npm run export -- graph.json --out DIR/script.py`); or give its place with --data PATH"',
    '        )',
    '    try:',
    '        with gzip.open(path, "rb") as f:',
    '            raw = f.read()',
    '    except OSError as e:',
    '        raise SystemExit(f"{path} is not a dataset file exported by Bottleneck ({e})")',
    '    if len(raw) < 28 or raw[:4] != b"BNDS":',
    '        raise SystemExit(f"{path} is not a dataset file exported by Bottleneck")',
    '    version, count, train_count, height, width, channels = struct.unpack_from("<6I", raw, 4)',
    '    if version not in (1, 2):',
    '        raise SystemExit(f"{path} is a dataset file of version {version}; this script reads versions 1 and 2")',
    '    pixels = height * width * channels',
    "    # version 2 adds the dataset's name and class names after the pixels",
    '    if len(raw) < 28 + count + count * pixels or (version == 1 and len(raw) != 28 + count + count * pixels) or train_count > count:',
    '        raise SystemExit(f"{path} is damaged (its sizes do not add up)")',
    '    if (height, width, channels) != IMAGE_HWC:',
    '        raise SystemExit(f"{path} holds {height}×{width}×{channels} images; this model was built for {IMAGE_HWC[0]}×{IMAGE_HWC[1]}×{IMAGE_HWC[2]}")',
    ...asArray,
    labels
      ? '    DATASETS_READ[path] = (images[:train_count], images[train_count:], labels[:train_count], labels[train_count:])'
      : '    DATASETS_READ[path] = (images[:train_count], images[train_count:])',
    '    return DATASETS_READ[path]',
  ];
}
