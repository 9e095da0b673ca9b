/** A small, strict command-line parser: `--flag value`, `--flag=value`, `--switch`, positionals. */
export interface ArgSpec {
  /** flags that take a value */
  values: ReadonlyArray<string>;
  /** flags without a value */
  switches?: ReadonlyArray<string>;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: ReadonlyArray<string>, spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.switches?.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      out.values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}

export function intArg(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = args.values.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

export function numberArg(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = args.values.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${v}'`);
  return n;
}

export function choiceArg<T extends string>(args: ParsedArgs, name: string, choices: ReadonlyArray<T>): T | undefined {
  const v = args.values.get(name);
  if (v === undefined) return undefined;
  const hit = choices.find((c) => c === v);
  if (!hit) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${v}'`);
  return hit;
}

/** Errors that are the user's to fix (a bad graph, a missing file): printed without a stack. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Runs a command's `main`, prints `usage` for --help and for usage errors, plain
 * messages for input errors, and exits with main's code (1 on any error).
 */
export function runCommand(usage: string, main: (argv: string[]) => Promise<number>): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(usage);
    return;
  }
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) console.error(`${e.message}\n\n${usage}`);
      else if (e instanceof InputError) console.error(e.message);
      else console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}

/** The one graph file a command works on. */
export function graphArg(args: ParsedArgs): string {
  const graphPath = args.positionals[0];
  if (!graphPath || args.positionals.length > 1) throw new UsageError('give exactly one graph file');
  return graphPath;
}
