/**
 * `npm run export -- graphs/vae.json --to pytorch --out vae.py`
 *
 * Writes a Python training script (PyTorch or Keras) for a graph given as a
 * graph JSON file, a PNG exported by Bottleneck, or a share link.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../core/diagnostics';
import { generatedDatasetFile } from '../data/generated';
import { sha256Hex } from '../data/importedAsset';
import { generatedDir } from '../data/loadNode';
import { exportCode, exportTargets, targetTitle, type ExportTarget } from '../export/code';
import { importBytes, importText, looksLikeLink, type ImportResult } from '../share/importAny';

export const exportUsage = `Usage: npm run export -- <graph> [--to pytorch|keras] [--out FILE]

Writes a self-contained Python training script for a Bottleneck graph: the same
model, loss, optimizer, learning rate, epochs, batch size and seed. With --out,
the graph's dataset file (the browser's images, e.g. mnist.bin.gz) is written
beside the script, which reads it: offline, nothing downloaded. For the shapes
dataset the script draws the images itself (the browser's, pixel for pixel) and
prints the MIG of the test codes after training. The PyTorch script also runs
under torchrun (DistributedDataParallel). Weights will differ from the browser run.

<graph>        a graph file (.json), a PNG exported by Bottleneck, or a share link
--to TARGET    pytorch (default) or keras
--out FILE     write the script to FILE (default: print it), and the dataset file beside it
--data FILE    for a graph on your own images: their dataset file (.bin.gz, from
               Datasets… → Export or \`npm run dataset\`), checked against the graph's hash
-h, --help     show this help

npm prints its own lines before the script, so write files with --out
(or run \`npx tsx src/cli/export.ts <graph> > script.py\`).
`;

export interface CliIO {
  readFile(path: string): Uint8Array;
  exists(path: string): boolean;
  writeFile(path: string, text: string): void;
  copyFile(from: string, to: string): void;
  writeBytes(path: string, bytes: Uint8Array): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const nodeIO: CliIO = {
  readFile: (p) => readFileSync(p),
  exists: (p) => existsSync(p),
  writeFile: (p, text) => writeFileSync(p, text),
  copyFile: (from, to) => copyFileSync(from, to),
  writeBytes: (p, bytes) => writeFileSync(p, bytes),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function isTarget(v: string): v is ExportTarget {
  return (exportTargets as ReadonlyArray<string>).includes(v);
}

/** The user's dataset file given with --data, if it is the one the graph names (null after saying why not). */
async function importedFile(hash: string, path: string | undefined, io: CliIO): Promise<Uint8Array | null> {
  if (!path) {
    io.stderr('this graph trains on your own images: give their dataset file with --data FILE.bin.gz, to be written beside the script\n');
    return null;
  }
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path);
  } catch (e) {
    io.stderr(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  }
  if ((await sha256Hex(bytes)) !== hash) {
    io.stderr(`${path} is not the dataset this graph names (hash ${hash.slice(0, 12)}…)\n`);
    return null;
  }
  return bytes;
}

/** Runs the command; returns the exit code (0 ok, 1 the graph cannot be exported, 2 bad usage). */
export async function runExportCli(argv: string[], io: CliIO = nodeIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        to: { type: 'string', default: 'pytorch' },
        out: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message : String(e)}\n\n${exportUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(exportUsage);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr(`${positionals.length === 0 ? 'Give the graph to export.' : 'Give one graph at a time.'}\n\n${exportUsage}`);
    return 2;
  }
  const target = values.to ?? 'pytorch';
  if (!isTarget(target)) {
    io.stderr(`--to must be ${exportTargets.join(' or ')}, not '${target}'\n`);
    return 2;
  }
  const source = positionals[0] as string;
  let imported: ImportResult;
  if (io.exists(source)) {
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(source);
    } catch (e) {
      io.stderr(`cannot read ${source}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    imported = importBytes(bytes);
  } else if (looksLikeLink(source.trim())) {
    imported = importText(source);
  } else {
    io.stderr(`no such file: ${source}\n`);
    return 1;
  }
  if (!imported.ok) {
    io.stderr(`${source} cannot be read:\n${formatDiagnostics(imported.errors)}\n`);
    return 1;
  }
  const out = values.out;
  const result = exportCode(imported.doc, target, out ? { fileName: basename(out) } : {});
  if (!result.ok) {
    io.stderr(`the graph cannot be exported to ${targetTitle[target]}:\n${formatDiagnostics(result.errors)}\n`);
    return 1;
  }
  if (!out) {
    io.stdout(result.code);
    return 0;
  }
  try {
    io.writeFile(out, result.code);
  } catch (e) {
    io.stderr(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.stderr(
    `wrote ${out}: a ${targetTitle[target]} training script for "${imported.doc.name}" (${result.totalParams.toLocaleString('en')} parameters)\n`,
  );
  if (result.datasetFile) {
    const from = join(generatedDir, result.datasetFile);
    const to = join(dirname(out), result.datasetFile);
    const generated = result.datasetHash
      ? await importedFile(result.datasetHash, values.data, io)
      : generatedDatasetFile(result.datasetFile);
    if (generated === null) return 1;
    if (!generated && !io.exists(from)) {
      io.stderr(`the graph's dataset file ${result.datasetFile} is not installed here (${from}); the script needs it beside it\n`);
      return 1;
    }
    try {
      if (generated) io.writeBytes(to, generated);
      else io.copyFile(from, to);
    } catch (e) {
      io.stderr(`cannot write ${to}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    io.stderr(`wrote ${to}: the dataset the script reads (the browser's images and split)\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `… | head` closes the pipe early; that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  void runExportCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
