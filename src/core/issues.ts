/** Turns schema issues into plain words that name the field and the value found. */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Text from a document, shortened for a message (`abc…`). */
export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return 'an object';
}

export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

const typeNames: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** One issue in plain words (without the field name). */
export function describeIssue(issue: Issue, input: unknown): string {
  const got = describeValue(valueAt(input, issue.path));
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${typeNames[issue.expected] ?? issue.expected}, got ${got}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item(s), got ${got}`;
      if (issue.origin === 'string') return `must not be shorter than ${String(issue.minimum)} character(s)`;
      return `must be ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}, got ${got}`;
    case 'too_big':
      if (issue.origin === 'array') return `allows at most ${String(issue.maximum)} item(s), got ${got}`;
      if (issue.origin === 'string') return `must not be longer than ${String(issue.maximum)} characters`;
      return `must be ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}, got ${got}`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .slice(0, 5)
        .map((k) => `'${clip(k)}'`)
        .join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}`;
    case 'invalid_format':
      return `${issue.message} (got ${got})`;
    default:
      return `${issue.message} (got ${got})`;
  }
}
