/**
 * Writing Python source safely: identifiers made from node ids, numbers,
 * and comments made from user text (graph names, notes). User text only ever
 * lands in comments, sanitised so it cannot end the comment line and become
 * code.
 */

const KEYWORDS = [
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  'match',
  'case',
  'type',
];

/** Built-ins the scripts use, and attributes of torch's nn.Module and Keras' Model that a layer name must not hide. */
const BUILTINS_AND_ATTRIBUTES = [
  'abs',
  'all',
  'any',
  'bool',
  'dict',
  'enumerate',
  'float',
  'int',
  'isinstance',
  'len',
  'list',
  'map',
  'max',
  'min',
  'object',
  'print',
  'range',
  'round',
  'set',
  'str',
  'sum',
  'super',
  'tuple',
  'zip',
  'self',
  'cls',
  // torch.nn.Module
  'add_module',
  'apply',
  'bfloat16',
  'buffers',
  'children',
  'compile',
  'cpu',
  'cuda',
  'double',
  'eval',
  'extra_repr',
  'forward',
  'get_buffer',
  'get_parameter',
  'get_submodule',
  'half',
  'ipu',
  'load_state_dict',
  'modules',
  'mtia',
  'named_buffers',
  'named_children',
  'named_modules',
  'named_parameters',
  'parameters',
  'register_buffer',
  'register_module',
  'register_parameter',
  'requires_grad_',
  'share_memory',
  'state_dict',
  'to',
  'to_empty',
  'train',
  'training',
  'xpu',
  'zero_grad',
  'dump_patches',
  'call_super_init',
  // Keras Model / Layer
  'build',
  'built',
  'call',
  'compute_loss',
  'dtype',
  'evaluate',
  'fit',
  'get_config',
  'get_weights',
  'inputs',
  'layers',
  'losses',
  'metrics',
  'name',
  'non_trainable_variables',
  'non_trainable_weights',
  'optimizer',
  'outputs',
  'predict',
  'save',
  'save_weights',
  'set_weights',
  'summary',
  'trainable',
  'trainable_variables',
  'trainable_weights',
  'variables',
  'weights',
];

/**
 * Hands out Python identifiers: each is claimed once, never a keyword, a
 * built-in the script uses, or a name the script itself defines.
 */
export class PyNames {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const k of [...KEYWORDS, ...BUILTINS_AND_ATTRIBUTES, ...reserved]) this.taken.add(k);
  }

  /** Reserves a fixed name the template uses. */
  reserve(...names: string[]): void {
    for (const n of names) this.taken.add(n);
  }

  /** A fresh identifier based on `base` (`base`, `base_2`, `base_3`, …). */
  claim(base: string): string {
    const clean = /^[A-Za-z_][A-Za-z0-9_]*$/.test(base) ? base : 'node';
    let name = clean;
    for (let i = 2; this.taken.has(name); i++) name = `${clean}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** `myEncoder-2` → `my_encoder_2`: a snake_case stem for a node id (not yet claimed). */
export function snakeCase(id: string): string {
  const s = id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(s) ? s : `n_${s || 'node'}`;
}

/** `conv-encoder` → `ConvEncoder`: a class-name stem for a node id. */
export function pascalCase(id: string): string {
  const parts = snakeCase(id).split('_').filter(Boolean);
  const s = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return /^[A-Z]/.test(s) ? s : `N${s}`;
}

/** A number as a Python literal: integers stay integers, floats keep a decimal point or exponent. */
export function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as a Python number`);
  return String(n);
}

/** A float literal (`4` → `4.0`). */
export function pyFloat(n: number): string {
  const s = pyNumber(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A Python string literal for text the script itself chooses (identifiers, fixed words). */
export function pyString(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error('only plain ASCII goes into string literals');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Text from a graph made safe for a comment: no line breaks of any kind, no
 * control characters, no lone surrogates (which cannot be written as UTF-8).
 */
export function sanitizeText(text: string): string {
  return (
    text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // control characters are exactly what this removes
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ' ')
  );
}

/** Word-wraps user text into comment lines (`# …`) at the given indent. */
export function commentLines(text: string, indent = '', width = 100): string[] {
  const out: string[] = [];
  const room = Math.max(20, width - indent.length - 2);
  for (const paragraph of sanitizeText(text).split('\n')) {
    const words = paragraph.split(/[ \t]+/).filter(Boolean);
    if (words.length === 0) {
      out.push(`${indent}#`);
      continue;
    }
    let line = '';
    for (const word of words) {
      if (line && line.length + 1 + word.length > room) {
        out.push(`${indent}# ${line}`);
        line = '';
      }
      // very long words are split so a line never grows without bound
      let w = word;
      while (w.length > room) {
        if (line) {
          out.push(`${indent}# ${line}`);
          line = '';
        }
        out.push(`${indent}# ${w.slice(0, room)}`);
        w = w.slice(room);
      }
      line = line ? `${line} ${w}` : w;
    }
    if (line) out.push(`${indent}# ${line}`);
  }
  return out;
}

/** A label that names a node in comments: `Encoder 'encoder' (my label)`. */
export function nodeTitle(node: { id: string; type: string; label?: string | undefined }): string {
  const label = node.label ? ` (${sanitizeText(node.label).replace(/\n/g, ' ')})` : '';
  return `${node.type} '${node.id}'${label}`;
}

/** `28×28` style sizes for comments. */
export const size2 = (hw: readonly [number, number]): string => `${hw[0]}×${hw[1]}`;

/** Python source, given as one block of text, as lines. */
export const pythonLines = (text: string): string[] => text.replace(/^\n/, '').replace(/\n$/, '').split('\n');
