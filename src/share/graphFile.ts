/**
 * Graph files: a GraphDoc written as pretty, stable, diffable JSON, and read
 * back with strict validation.
 *
 * Stable means the same graph always gives the same bytes: the document's
 * fields come in schema order, each node's params in its kind's schema order
 * (every param written out, defaults filled in), and small leaf values
 * (params, positions, connections, training) sit on one line each. Changing
 * one param is then a one-line diff.
 *
 * Reading is `parseGraphText` (parse → migrate → validate) behind a guard: it
 * never throws and names the node and field of every problem.
 */
import { specRegistry } from '../../nodes';
import type { Diagnostic } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import { parseGraphText, type ParseResult } from '../core/parse';
import type { GraphDoc, GraphEdge, GraphNode, NodeGroup } from '../core/schema';

/** Lines longer than this are broken up; shorter leaf values stay on one line. */
const LINE_WIDTH = 160;
/** Deeper values than this cannot occur in a valid graph; refuse them rather than overflow the stack. */
const MAX_DEPTH = 64;

/** The key order of a kind's params, read from its schema's defaults (undefined when some param has no default). */
function paramOrder(type: string, registry: NodeSpecRegistry): string[] | undefined {
  const spec = registry.get(type);
  if (!spec) return undefined;
  const defaults = spec.params.safeParse({});
  return defaults.success ? Object.keys(defaults.data) : undefined;
}

/**
 * A node's params, complete and in a stable order: parsed by the node kind's
 * schema when they are valid (defaults filled in, schema order); otherwise
 * kept as they are (nothing is lost), known keys first in schema order, the
 * rest sorted.
 */
function canonicalParams(node: GraphNode, registry: NodeSpecRegistry): Record<string, unknown> {
  const spec = registry.get(node.type);
  const parsed = spec?.params.safeParse(node.params);
  if (parsed?.success) return parsed.data;
  const order = paramOrder(node.type, registry) ?? [];
  const keys = Object.keys(node.params);
  const known = order.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !order.includes(k)).sort();
  return Object.fromEntries([...known, ...rest].map((k) => [k, node.params[k]]));
}

function canonicalNode(node: GraphNode, registry: NodeSpecRegistry): GraphNode {
  return {
    id: node.id,
    type: node.type,
    version: node.version,
    ...(node.label !== undefined ? { label: node.label } : {}),
    params: canonicalParams(node, registry),
    position: { x: node.position.x, y: node.position.y },
    ...(node.note !== undefined ? { note: node.note } : {}),
  };
}

function canonicalEdge(edge: GraphEdge): GraphEdge {
  return {
    id: edge.id,
    from: { node: edge.from.node, port: edge.from.port },
    to: { node: edge.to.node, port: edge.to.port },
  };
}

function canonicalGroup(group: NodeGroup): NodeGroup {
  return {
    id: group.id,
    name: group.name,
    members: [...group.members],
    collapsed: group.collapsed,
    position: { x: group.position.x, y: group.position.y },
  };
}

/** The same graph with every param written out and every object's keys in the stable order. */
export function canonicalGraph(doc: GraphDoc, registry: NodeSpecRegistry = specRegistry): GraphDoc {
  return {
    format: doc.format,
    version: doc.version,
    name: doc.name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    nodes: doc.nodes.map((n) => canonicalNode(n, registry)),
    edges: doc.edges.map(canonicalEdge),
    ...(doc.groups && doc.groups.length > 0 ? { groups: doc.groups.map(canonicalGroup) } : {}),
    training: {
      epochs: doc.training.epochs,
      optimizer: doc.training.optimizer,
      learningRate: doc.training.learningRate,
      seed: doc.training.seed,
    },
  };
}

// ---- the JSON writer ----

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function writeNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null'; // JSON has no NaN or ∞ (a valid graph never holds one)
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

function writePrimitive(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'number') return writeNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  return undefined;
}

function entriesOf(v: Record<string, unknown>): Array<[string, unknown]> {
  // like JSON.stringify: keys whose value cannot be written are left out
  return Object.keys(v)
    .map((k): [string, unknown] => [k, v[k]])
    .filter(([, val]) => val !== undefined && typeof val !== 'function' && typeof val !== 'symbol');
}

/** One-line form with spaces inside braces: `{ "x": 0, "y": 160 }`, `[400, 20]`. */
function writeInline(v: unknown, depth: number, pretty: boolean): string {
  if (depth > MAX_DEPTH) throw new Error('the graph is nested too deeply to save');
  const p = writePrimitive(v);
  if (p !== undefined) return p;
  const sep = pretty ? ', ' : ',';
  const colon = pretty ? ': ' : ':';
  if (Array.isArray(v)) return `[${v.map((x) => writeInline(x, depth + 1, pretty)).join(sep)}]`;
  if (isPlainObject(v)) {
    const entries = entriesOf(v);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, val]) => `${JSON.stringify(k)}${colon}${writeInline(val, depth + 1, pretty)}`).join(sep);
    return pretty ? `{ ${body} }` : `{${body}}`;
  }
  return 'null';
}

/** Paths that are always written one item per line: the document, its node list, each node, the edge and group lists. */
function mustExpand(path: ReadonlyArray<string | number>): boolean {
  if (path.length === 0) return true;
  if (path.length === 1) return path[0] === 'nodes' || path[0] === 'edges' || path[0] === 'groups';
  return path.length === 2 && path[0] === 'nodes';
}

function writePretty(v: unknown, indent: string, path: ReadonlyArray<string | number>): string {
  if (path.length > MAX_DEPTH) throw new Error('the graph is nested too deeply to save');
  const p = writePrimitive(v);
  if (p !== undefined) return p;
  if (!mustExpand(path)) {
    const inline = writeInline(v, path.length, true);
    if (indent.length + inline.length <= LINE_WIDTH) return inline;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x, i) => `${inner}${writePretty(x === undefined ? null : x, inner, [...path, i])}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (isPlainObject(v)) {
    const entries = entriesOf(v);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, val]) => `${inner}${JSON.stringify(k)}: ${writePretty(val, inner, [...path, k])}`);
    return `{\n${items.join(',\n')}\n${indent}}`;
  }
  return 'null';
}

export interface SerializeOptions {
  registry?: NodeSpecRegistry;
  /** One line, no spaces (for links); the default is the pretty file form. */
  compact?: boolean;
}

/**
 * The graph as JSON text: pretty and stable by default (ends with a newline),
 * compact for links. Reading it back gives the same graph.
 */
export function serializeGraph(doc: GraphDoc, options: SerializeOptions = {}): string {
  const canonical = canonicalGraph(doc, options.registry ?? specRegistry);
  return options.compact ? writeInline(canonical, 0, false) : `${writePretty(canonical, '', [])}\n`;
}

/**
 * Reads graph JSON text (a file's content, a paste). Never throws: the result
 * is the graph or plain-words errors naming nodes and fields.
 */
export function readGraphText(text: string, registry: NodeSpecRegistry = specRegistry): ParseResult {
  try {
    // editors on some systems start UTF-8 files with a byte-order mark
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return parseGraphText(body, registry);
  } catch (e) {
    return { ok: false, errors: [internalError('reading the graph', e)] };
  }
}

/**
 * The graph's text for a link or a picture, or the problems that would stop
 * it from being opened again (invalid params, unknown node kinds). Wiring
 * problems do not count: such graphs open and can be fixed.
 */
export function shareableText(
  doc: GraphDoc,
  registry: NodeSpecRegistry,
  compact: boolean,
): { ok: true; text: string } | { ok: false; errors: Diagnostic[] } {
  const text = serializeGraph(doc, { registry, compact });
  const check = readGraphText(text, registry);
  if (check.ok) return { ok: true, text };
  return {
    ok: false,
    errors: check.errors.map((d) => ({ ...d, message: `fix this first, or the graph cannot be opened again: ${d.message}` })),
  };
}

export function internalError(what: string, e: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'internal',
    message: `${what} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`,
  };
}

/** A file name for the graph: its name in lower-case words joined by dashes, e.g. `vae-mlp-bernoulli`. */
export function graphFileStem(doc: GraphDoc): string {
  const stem = doc.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return stem || 'graph';
}

/** MIME type of graph files. */
export const GRAPH_MIME = 'application/json';
