/** The `--data`, `--size`, `--channels` and `--fit` flags shared by `train` and `dataset`: checked, then the import with its report. */
import { existsSync } from 'node:fs';
import { zImportOptions, type ImportOptions, type ImportReport } from '../data/imageDataset';
import { ImageImportError } from '../data/imageSources';
import { importDatasetPath, type NodeImport } from '../data/importNode';
import { InputError, UsageError, type ParsedArgs } from './args';

/** The import options from the flags; a bad value is refused naming its flag. */
export function importOptionsArg(args: ParsedArgs): ImportOptions {
  const raw = {
    ...(args.values.has('size') ? { size: Number(args.values.get('size')) } : {}),
    ...(args.values.has('channels') ? { channels: Number(args.values.get('channels')) } : {}),
    ...(args.values.has('fit') ? { fit: args.values.get('fit') } : {}),
  };
  const parsed = zImportOptions.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag = String(issue?.path[0] ?? 'size');
  const allowed: Record<string, string> = { size: '28, 32 or 64', channels: '1 or 3', fit: 'crop or fit' };
  throw new UsageError(`--${flag} must be ${allowed[flag] ?? 'valid'}, got '${args.values.get(flag) ?? ''}'`);
}

/** One line per fact of the report: counts, classes, warnings and every skipped file with its reason. */
export function describeReport(report: ImportReport): string[] {
  const classes =
    report.classNames.length > 0
      ? report.classNames.map((c, i) => `${c} ${report.classCounts[i] ?? 0}`).join(', ')
      : 'none (no sub-folders)';
  return [
    `${report.count} pictures: ${report.trainCount} train / ${report.testCount} test; classes: ${classes}`,
    ...report.warnings.map((w) => `warning: ${w}`),
    ...(report.skipped.length > 0 ? [`skipped ${report.skipped.length} file(s):`] : []),
    ...report.skipped.map((s) => `  ${JSON.stringify(s.name)}: ${s.reason}`),
  ];
}

/** Builds (or reads) the dataset at `path`, logging what it found; problems become plain input errors. */
export async function importForCli(path: string, options: ImportOptions, log: (line: string) => void): Promise<NodeImport> {
  if (!existsSync(path)) throw new InputError(`--data: ${path} does not exist`);
  try {
    const result = await importDatasetPath(path, options);
    const [h, w, c] = result.data.imageShape;
    log(`dataset '${result.ref.name}' (${h}×${w}×${c}, hash ${result.ref.hash.slice(0, 12)}…)`);
    if (result.report) for (const line of describeReport(result.report)) log(line);
    return result;
  } catch (e) {
    if (e instanceof ImageImportError) throw new InputError(`--data ${path}: ${e.message}`);
    throw e;
  }
}
