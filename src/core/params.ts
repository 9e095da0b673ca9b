/**
 * Checking a param edit before it reaches the document. An invalid value is
 * refused with a message in plain words; the document never holds it.
 */
import { describeIssue } from './issues';
import type { AnyNodeSpec, ParamControl } from './nodeSpec';

export type ParamCheck = { ok: true; value: unknown } | { ok: false; message: string };

type Control = ParamControl<Record<string, unknown>>;

function labelOf(spec: AnyNodeSpec, key: string): string {
  return spec.controls.find((c) => c.key === key)?.label ?? key;
}

/**
 * Would `params` with `key` set to `value` satisfy the node kind's schema?
 * Only problems with `key` itself refuse the edit, so one field can be fixed
 * while another is still wrong.
 */
export function checkParam(spec: AnyNodeSpec, params: Readonly<Record<string, unknown>>, key: string, value: unknown): ParamCheck {
  const next = { ...params, [key]: value };
  const parsed = spec.params.safeParse(next);
  if (parsed.success) return { ok: true, value };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys.includes(key)) {
      return { ok: false, message: `${spec.title} has no setting '${key}'` };
    }
    if (issue.path[0] === key) {
      return { ok: false, message: `${labelOf(spec, key)} ${describeIssue(issue, next)}` };
    }
  }
  return { ok: true, value };
}

/** Reads a number typed into a control ("0.5", "1e-3"). */
export function parseNumber(text: string, control: { integer?: boolean } = {}): ParamCheck {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'enter a number' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, message: `'${t}' is not a number` };
  if (control.integer && !Number.isInteger(v)) return { ok: false, message: `must be a whole number, got ${t}` };
  return { ok: true, value: v };
}

/** Reads a list of whole numbers typed as "512, 256" (spaces or commas). */
export function parseIntList(text: string, control: { min: number; max: number; maxItems: number }): ParamCheck {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length > control.maxItems) {
    return { ok: false, message: `at most ${control.maxItems} numbers, got ${parts.length}` };
  }
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v)) return { ok: false, message: `'${p}' is not a whole number` };
    if (v < control.min || v > control.max) return { ok: false, message: `${v} is outside ${control.min}..${control.max}` };
    out.push(v);
  }
  return { ok: true, value: out };
}

export function formatIntList(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '';
}

/** Controls that apply to these params (`showIf`). */
export function visibleControls(spec: AnyNodeSpec, params: Readonly<Record<string, unknown>>): Control[] {
  return spec.controls.filter((c) => {
    if (!c.showIf) return true;
    try {
      return c.showIf(params);
    } catch {
      return true;
    }
  });
}

/** Does a diagnostic's field name this param or port (`hidden`, `hidden[1]`, `x`)? */
export function fieldMatches(field: string | undefined, key: string): boolean {
  if (!field) return false;
  return field === key || field.startsWith(`${key}[`) || field.startsWith(`${key}.`);
}
