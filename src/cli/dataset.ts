/**
 * npm run dataset -- path/to/folder-or.zip --out my.bin.gz [--size 28|32|64] [--channels 1|3] [--fit crop|fit]
 * Converts pictures into a dataset file once (the same builder as the browser's import and `train --data`).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, runCommand, UsageError } from './args';
import { importForCli, importOptionsArg } from './datasetArgs';

const usage = `usage: npm run dataset -- <folder | pictures.zip> --out my.bin.gz [options]

  --out FILE        the dataset file to write (.bin.gz); import it in the browser (Graphs ▾ → Datasets…) or train on it
                    with npm run train -- graph.json --data FILE
  --size N          28 (default), 32 or 64 pixels square
  --channels N      1 (grey, default) or 3 (RGB)
  --fit MODE        crop (default: the centre square) or fit (the whole picture, letterboxed on black)
  --help

Sub-folders are the classes (labels). PNG, JPEG, WebP and GIF are read, with the browser import's decoder.`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out', 'size', 'channels', 'fit'], switches: ['help'] });
  const input = args.positionals[0];
  if (!input || args.positionals.length > 1) throw new UsageError('give exactly one folder or zip');
  const out = args.values.get('out');
  if (!out) throw new UsageError('--out FILE is needed (where to write the dataset)');
  const result = await importForCli(input, importOptionsArg(args), (line) => console.log(line));
  writeFileSync(out, result.asset);
  console.log(`wrote ${out} (${(result.asset.length / 1e6).toFixed(2)} MB, sha256 ${result.ref.hash})`);
  return 0;
}

runCommand(usage, main);
