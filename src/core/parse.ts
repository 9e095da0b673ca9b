/**
 * parse → migrate → validate. Reads untrusted text or values into a GraphDoc,
 * or says in plain words what is wrong, naming the node and field. Never throws.
 *
 * A document that parses may still have wiring problems (a missing input, a
 * cycle, a shape mismatch); those are diagnostics from `analyzeGraph`, shown
 * on the nodes, and the graph can still be opened and fixed.
 */
import type { Diagnostic } from './diagnostics';
import { checkGroups } from './groups';
import { clip, describeIssue, formatPath } from './issues';
import { graphMigrations, type GraphMigration } from './migrations';
import type { NodeSpecRegistry } from './nodeSpec';
import { GRAPH_FORMAT, GRAPH_VERSION, limits, zGraphDoc, type GraphDoc, type GraphNode } from './schema';

export type ParseResult = { ok: true; doc: GraphDoc } | { ok: false; errors: Diagnostic[] };

export interface ParseOptions {
  /** Document migrations (defaults to the real ones; tests pass their own). */
  migrations?: ReadonlyArray<GraphMigration>;
}

const fail = (message: string, extra: Partial<Diagnostic> = {}): ParseResult => ({
  ok: false,
  errors: [{ severity: 'error', code: extra.code ?? 'format', message, ...extra }],
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses JSON text (with a size limit). */
export function parseGraphText(text: string, registry: NodeSpecRegistry, options: ParseOptions = {}): ParseResult {
  if (text.length > limits.documentBytes) {
    return fail(`the file is too large (${Math.round(text.length / 1024)} kB; the limit is ${limits.documentBytes / 1_000_000} MB)`, {
      code: 'too-large',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`this is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { code: 'json' });
  }
  return parseGraph(value, registry, options);
}

function nodeLabel(raw: unknown, index: number): { id: string | undefined; label: string } {
  if (isRecord(raw)) {
    const id = typeof raw.id === 'string' ? raw.id : undefined;
    const type = typeof raw.type === 'string' ? raw.type : undefined;
    if (id) return { id, label: `node '${clip(id)}'${type ? ` (${clip(type)})` : ''}` };
  }
  return { id: undefined, label: `node #${index + 1}` };
}

/** Parses an already-decoded value. */
export function parseGraph(input: unknown, registry: NodeSpecRegistry, options: ParseOptions = {}): ParseResult {
  if (!isRecord(input)) return fail('a graph file must contain a JSON object');
  if (input.format !== GRAPH_FORMAT) {
    return fail(
      input.format === undefined
        ? `this is not a Bottleneck graph (it has no "format": "${GRAPH_FORMAT}")`
        : `this is not a Bottleneck graph (format is ${typeof input.format === 'string' ? JSON.stringify(clip(input.format)) : 'not text'}, expected "${GRAPH_FORMAT}")`,
    );
  }
  const version = input.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return fail('the graph has no valid "version" number', { field: 'version' });
  }
  if (version > GRAPH_VERSION) {
    return fail(`this graph was saved by a newer Bottleneck (format version ${version}); this one reads up to version ${GRAPH_VERSION}`, {
      code: 'newer-version',
      field: 'version',
    });
  }

  // ---- migrate the document, one version at a time ----
  let doc: Record<string, unknown> = input;
  const migrations = options.migrations ?? graphMigrations;
  for (let v = version; v < GRAPH_VERSION; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) return fail(`cannot read format version ${v}: no migration from it`, { code: 'no-migration', field: 'version' });
    try {
      doc = { ...step.migrate(doc), version: v + 1 };
    } catch (e) {
      return fail(`upgrading the graph from version ${v} failed: ${e instanceof Error ? e.message : String(e)}`, {
        code: 'migration',
      });
    }
  }

  // ---- the document's own shape ----
  const parsed = zGraphDoc.safeParse(doc);
  if (!parsed.success) {
    const rawNodes = Array.isArray(doc.nodes) ? doc.nodes : [];
    const errors = parsed.error.issues.slice(0, 50).map((issue): Diagnostic => {
      const path = issue.path;
      if (path[0] === 'nodes' && typeof path[1] === 'number') {
        const { id, label } = nodeLabel(rawNodes[path[1]], path[1]);
        const field = formatPath(path.slice(2));
        return {
          severity: 'error',
          code: 'schema',
          message: `${label}: ${field ? `field '${field}' ` : ''}${describeIssue(issue, doc)}`,
          ...(id ? { nodeId: id } : {}),
          ...(field ? { field } : {}),
        };
      }
      const field = formatPath(path);
      return {
        severity: 'error',
        code: 'schema',
        message: `${field ? `field '${field}' ` : 'the graph '}${describeIssue(issue, doc)}`,
        ...(field ? { field } : {}),
      };
    });
    return { ok: false, errors };
  }

  const errors: Diagnostic[] = [];
  const value = parsed.data;

  // ---- ids are unique ----
  const seen = new Set<string>();
  for (const n of value.nodes) {
    if (seen.has(n.id)) errors.push({ severity: 'error', code: 'duplicate-id', message: `two nodes have the id '${n.id}'`, nodeId: n.id });
    seen.add(n.id);
  }
  const seenEdges = new Set<string>();
  for (const e of value.edges) {
    if (seenEdges.has(e.id))
      errors.push({ severity: 'error', code: 'duplicate-id', message: `two connections have the id '${e.id}'`, edgeId: e.id });
    seenEdges.add(e.id);
  }

  // ---- each node against its own kind ----
  const nodes: GraphNode[] = [];
  for (const n of value.nodes) {
    const label = `node '${n.id}' (${n.type})`;
    const spec = registry.get(n.type);
    if (!spec) {
      const known = [...registry.keys()].join(', ');
      errors.push({
        severity: 'error',
        code: 'unknown-type',
        message: `${label}: unknown node type '${n.type}' (known: ${known})`,
        nodeId: n.id,
        field: 'type',
      });
      continue;
    }
    if (n.version > spec.version) {
      errors.push({
        severity: 'error',
        code: 'newer-version',
        message: `${label}: saved by a newer Bottleneck (node version ${n.version}; this one knows up to ${spec.version})`,
        nodeId: n.id,
        field: 'version',
      });
      continue;
    }
    let params: Record<string, unknown> = n.params;
    if (n.version < spec.version) {
      if (!spec.migrate) {
        errors.push({
          severity: 'error',
          code: 'no-migration',
          message: `${label}: cannot upgrade node version ${n.version}`,
          nodeId: n.id,
          field: 'version',
        });
        continue;
      }
      try {
        params = spec.migrate(n.version, params);
      } catch (e) {
        errors.push({
          severity: 'error',
          code: 'migration',
          message: `${label}: upgrading failed: ${e instanceof Error ? e.message : String(e)}`,
          nodeId: n.id,
        });
        continue;
      }
    }
    const p = spec.params.safeParse(params);
    if (!p.success) {
      for (const issue of p.error.issues.slice(0, 10)) {
        const field = formatPath(issue.path);
        errors.push({
          severity: 'error',
          code: 'param',
          message: `${label}: ${field ? `param '${field}' ` : 'params '}${describeIssue(issue, params)}`,
          nodeId: n.id,
          ...(field ? { field } : {}),
        });
      }
      continue;
    }
    nodes.push({ ...n, version: spec.version, params: p.data });
  }

  // ---- edges point at real nodes and ports ----
  const byId = new Map(value.nodes.map((n) => [n.id, n]));
  for (const e of value.edges) {
    const from = byId.get(e.from.node);
    const to = byId.get(e.to.node);
    if (!from) {
      errors.push({
        severity: 'error',
        code: 'dangling-edge',
        message: `connection '${e.id}' starts at a node that does not exist ('${e.from.node}')`,
        edgeId: e.id,
      });
      continue;
    }
    if (!to) {
      errors.push({
        severity: 'error',
        code: 'dangling-edge',
        message: `connection '${e.id}' ends at a node that does not exist ('${e.to.node}')`,
        edgeId: e.id,
      });
      continue;
    }
    const fromSpec = registry.get(from.type);
    const toSpec = registry.get(to.type);
    if (fromSpec && !Object.hasOwn(fromSpec.outputs, e.from.port)) {
      const ports = Object.keys(fromSpec.outputs).join(', ') || 'none';
      errors.push({
        severity: 'error',
        code: 'unknown-port',
        message: `connection '${e.id}': node '${from.id}' (${from.type}) has no output '${e.from.port}' (outputs: ${ports})`,
        edgeId: e.id,
        nodeId: from.id,
        field: e.from.port,
      });
    }
    if (toSpec && !Object.hasOwn(toSpec.inputs, e.to.port)) {
      const ports = Object.keys(toSpec.inputs).join(', ') || 'none';
      errors.push({
        severity: 'error',
        code: 'unknown-port',
        message: `connection '${e.id}': node '${to.id}' (${to.type}) has no input '${e.to.port}' (inputs: ${ports})`,
        edgeId: e.id,
        nodeId: to.id,
        field: e.to.port,
      });
    }
  }

  // ---- groups name real nodes, each node in one group at most ----
  errors.push(...checkGroups(value));

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, doc: { ...value, nodes } };
}
