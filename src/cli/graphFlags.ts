/** The argument loop of the commands that take one graph file and `--flag value` options (lab, latent). */
import type { z } from 'zod';

export type ParsedGraphFlags<T> = { ok: true; args: T } | { ok: false; message: string } | { ok: 'help' };

export interface GraphFlagsSpec<T> {
  /** `--flag` → the option it sets. */
  flags: Readonly<Record<string, keyof T>>;
  schema: z.ZodType<T>;
  usage: string;
  /** Added to the refusal of a second graph file (e.g. where a second one goes instead). */
  secondGraphHint?: string;
}

/** argv (after the script name) → options checked by the schema, or a message naming the bad flag. */
export function parseGraphFlags<T>(argv: ReadonlyArray<string>, spec: GraphFlagsSpec<T>): ParsedGraphFlags<T> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: 'help' };
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s, 2) as [string, string | undefined]) : [arg, undefined];
    if (flag.startsWith('--')) {
      const key = spec.flags[flag];
      if (!key) return { ok: false, message: `unknown option ${flag}\n\n${spec.usage}` };
      const value = inline ?? argv[++i];
      if (value === undefined) return { ok: false, message: `${flag} needs a value` };
      raw[String(key)] = value;
    } else if (raw.graph === undefined) {
      raw.graph = arg;
    } else {
      return { ok: false, message: `one graph file at a time (got '${raw.graph}' and '${arg}'${spec.secondGraphHint ?? ''})` };
    }
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('\n') };
  return { ok: true, args: parsed.data };
}
