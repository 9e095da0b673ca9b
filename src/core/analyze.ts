/**
 * Validation and live shape inference in one pure pass. The editor calls this
 * on every edit: it returns each node's output shapes, parameter count and
 * problems (named by node and field), and the graph-level problems.
 */
import { datasetInfo } from './datasets';
import { NodeIssueError, type Diagnostic } from './diagnostics';
import type { AnyNodeSpec, NodeCost, NodeSpecRegistry } from './nodeSpec';
import type { GraphDoc, GraphEdge, GraphNode } from './schema';
import { nodesWithRole, type RoleName } from './graphQueries';
import { canConnect } from './sockets';
import { defaultCost } from './nodeCost';
import { formatShape, type Shape } from './shape';
import { describeIssue, formatPath } from './issues';

export interface NodeAnalysis {
  outputs: Record<string, Shape>;
  /** Shapes arriving at each input (single inputs). */
  inputs: Record<string, Shape>;
  paramCount: number;
  /** What one image costs inside it (for the memory and time estimate). */
  cost: NodeCost;
  issues: Diagnostic[];
  /** Reaches the Loss; unused nodes are pruned from training. */
  used: boolean;
  /** Outputs that something reads. */
  usedOutputs: string[];
}

export interface GraphAnalysis {
  nodes: Record<string, NodeAnalysis>;
  /** Every problem: node issues and graph-level ones, errors first. */
  diagnostics: Diagnostic[];
  /** Parameters of the nodes that are trained. */
  totalParams: number;
  /** Edges that are valid (known ports, compatible kinds); the rest are listed in diagnostics. */
  validEdges: GraphEdge[];
  /** Ids in dependency order (nodes in cycles left out). */
  order: string[];
  /** The Loss node, when there is exactly one. */
  objectiveId: string | undefined;
  ok: boolean;
}

/** What shape inference found for one node. */
type InferredNode = { outputs: Record<string, Shape>; inputs: Record<string, Shape>; paramCount: number; cost: NodeCost };

interface Incoming {
  edge: GraphEdge;
}

const nodeName = (n: GraphNode): string => `node '${n.id}' (${n.label ?? n.type})`;

export function analyzeGraph(doc: GraphDoc, registry: NodeSpecRegistry): GraphAnalysis {
  const graphDiagnostics: Diagnostic[] = [];
  const nodeIssues = new Map<string, Diagnostic[]>();
  const addIssue = (node: GraphNode, field: string | undefined, message: string, code: string, severity: 'error' | 'warning' = 'error') => {
    const list = nodeIssues.get(node.id) ?? [];
    list.push({ severity, code, message: `${nodeName(node)}: ${message}`, nodeId: node.id, ...(field ? { field } : {}) });
    nodeIssues.set(node.id, list);
  };

  // ---- nodes, specs, params ----
  const nodes = new Map<string, GraphNode>();
  const specs = new Map<string, AnyNodeSpec>();
  const params = new Map<string, Record<string, unknown>>();
  for (const n of doc.nodes) {
    if (nodes.has(n.id)) {
      graphDiagnostics.push({ severity: 'error', code: 'duplicate-id', message: `two nodes have the id '${n.id}'`, nodeId: n.id });
      continue;
    }
    nodes.set(n.id, n);
    const spec = registry.get(n.type);
    if (!spec) {
      addIssue(n, 'type', `unknown node type '${n.type}'`, 'unknown-type');
      continue;
    }
    specs.set(n.id, spec);
    const p = spec.params.safeParse(n.params);
    if (!p.success) {
      for (const issue of p.error.issues.slice(0, 5)) {
        const field = formatPath(issue.path);
        addIssue(n, field || undefined, `param '${field}' ${describeIssue(issue, n.params)}`, 'param');
      }
      continue;
    }
    params.set(n.id, p.data);
  }

  // ---- edges ----
  const incoming = new Map<string, Map<string, Incoming[]>>();
  const outgoing = new Map<string, GraphEdge[]>();
  const validEdges: GraphEdge[] = [];
  const seenEdgeIds = new Set<string>();
  for (const e of doc.edges) {
    if (seenEdgeIds.has(e.id)) {
      graphDiagnostics.push({ severity: 'error', code: 'duplicate-id', message: `two connections have the id '${e.id}'`, edgeId: e.id });
      continue;
    }
    seenEdgeIds.add(e.id);
    const from = nodes.get(e.from.node);
    const to = nodes.get(e.to.node);
    if (!from || !to) {
      graphDiagnostics.push({
        severity: 'error',
        code: 'dangling-edge',
        message: `connection '${e.id}' refers to a node that does not exist ('${from ? e.to.node : e.from.node}')`,
        edgeId: e.id,
      });
      continue;
    }
    const fs = specs.get(from.id);
    const ts = specs.get(to.id);
    if (!fs || !ts) continue;
    // own ports only: a port named like an Object method ('constructor', 'toString') is unknown
    const outPort = Object.hasOwn(fs.outputs, e.from.port) ? fs.outputs[e.from.port] : undefined;
    const inPort = Object.hasOwn(ts.inputs, e.to.port) ? ts.inputs[e.to.port] : undefined;
    if (!outPort) {
      addIssue(from, e.from.port, `has no output '${e.from.port}'`, 'unknown-port');
      continue;
    }
    if (!inPort) {
      addIssue(to, e.to.port, `has no input '${e.to.port}'`, 'unknown-port');
      continue;
    }
    if (from.id === to.id) {
      addIssue(to, e.to.port, 'is connected to itself', 'cycle');
      continue;
    }
    const compat = canConnect(outPort.kind, inPort.kind);
    if (!compat.ok) {
      addIssue(to, e.to.port, `input '${inPort.label}' cannot take ${from.id}.${outPort.label}: ${compat.reason}`, 'socket-kind');
      continue;
    }
    const ports = incoming.get(to.id) ?? new Map<string, Incoming[]>();
    const list = ports.get(e.to.port) ?? [];
    if (list.length > 0 && !inPort.multiple) {
      addIssue(to, e.to.port, `input '${inPort.label}' takes one connection but has several`, 'multiple-connections');
      continue;
    }
    list.push({ edge: e });
    ports.set(e.to.port, list);
    incoming.set(to.id, ports);
    const outs = outgoing.get(from.id) ?? [];
    outs.push(e);
    outgoing.set(from.id, outs);
    validEdges.push(e);
  }

  // ---- cycles (iterative DFS, white/grey/black) ----
  const inCycle = new Set<string>();
  const order: string[] = [];
  {
    const state = new Map<string, 1 | 2>();
    const preds = (id: string): string[] => {
      const ports = incoming.get(id);
      if (!ports) return [];
      const out: string[] = [];
      for (const list of ports.values()) for (const i of list) out.push(i.edge.from.node);
      return out;
    };
    for (const start of nodes.keys()) {
      if (state.has(start)) continue;
      const stack: Array<{ id: string; next: number; preds: string[] }> = [{ id: start, next: 0, preds: preds(start) }];
      state.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as (typeof stack)[number];
        if (top.next < top.preds.length) {
          const p = top.preds[top.next++] as string;
          const s = state.get(p);
          if (s === undefined) {
            state.set(p, 1);
            stack.push({ id: p, next: 0, preds: preds(p) });
          } else if (s === 1) {
            // found a cycle: the part of the stack from p to top
            const at = stack.findIndex((f) => f.id === p);
            const cyc = stack.slice(at).map((f) => f.id);
            for (const id of cyc) inCycle.add(id);
            const pathText = [...cyc]
              .reverse()
              .concat(cyc[cyc.length - 1] ?? p)
              .join(' → ');
            for (const id of cyc) {
              const n = nodes.get(id);
              if (n) addIssue(n, undefined, `is part of a cycle (${pathText}); data must flow one way`, 'cycle');
            }
          }
        } else {
          state.set(top.id, 2);
          order.push(top.id);
          stack.pop();
        }
      }
    }
  }
  const acyclicOrder = order.filter((id) => !inCycle.has(id));

  // ---- dataset shape (graph-wide fallback for decoders) ----
  const results = new Map<string, InferredNode | null>();
  const inProgress = new Set<string>();

  const dataSources = nodesWithRole(
    doc.nodes.filter((n) => specs.has(n.id)),
    registry,
    'dataSource',
  );
  const onlySource = dataSources.length === 1 ? dataSources[0] : undefined;
  const datasetImageShape = (): Shape | undefined => onlySource && compute(onlySource.node.id)?.outputs[onlySource.role.images];
  const sourceParams = onlySource && params.get(onlySource.node.id);
  const datasetClasses = (): number | undefined =>
    onlySource && sourceParams ? datasetInfo[onlySource.role.dataset(sourceParams)].classNames.length : undefined;

  const sourceShape = (edge: GraphEdge): Shape | undefined => compute(edge.from.node)?.outputs[edge.from.port];

  function compute(id: string): InferredNode | null {
    if (results.has(id)) return results.get(id) ?? null;
    if (inProgress.has(id) || inCycle.has(id)) return null;
    const node = nodes.get(id);
    const spec = specs.get(id);
    const p = params.get(id);
    if (!node || !spec || !p) {
      results.set(id, null);
      return null;
    }
    inProgress.add(id);
    const ports = incoming.get(id);
    const inputs: Record<string, Shape | undefined> = {};
    const multiInputs: Record<string, Shape[]> = {};
    let blocked = false;
    for (const [portName, port] of Object.entries(spec.inputs)) {
      const list = ports?.get(portName) ?? [];
      if (list.length === 0) {
        if (!port.optional && !port.multiple) {
          addIssue(node, portName, `input '${port.label}' is not connected`, 'missing-input');
          blocked = true;
        }
        if (port.multiple) multiInputs[portName] = [];
        continue;
      }
      const shapes = list.map((i) => sourceShape(i.edge));
      if (shapes.some((s) => s === undefined)) {
        blocked = true; // upstream has its own error; don't repeat it here
        continue;
      }
      if (port.multiple) multiInputs[portName] = shapes as Shape[];
      else inputs[portName] = shapes[0];
    }
    let result: InferredNode | null = null;
    if (!blocked) {
      const usedOutputs = new Set((outgoing.get(id) ?? []).map((e) => e.from.port));
      const expected = (outPort: string): Shape | undefined => {
        for (const e of outgoing.get(id) ?? []) {
          if (e.from.port !== outPort) continue;
          const consumer = nodes.get(e.to.node);
          const cspec = specs.get(e.to.node);
          const cparams = params.get(e.to.node);
          if (!consumer || !cspec?.expectInput || !cparams) continue;
          const cports = incoming.get(consumer.id);
          const shape = cspec.expectInput(e.to.port, {
            params: cparams,
            inputShape: (port) => {
              const first = cports?.get(port)?.[0];
              return first ? sourceShape(first.edge) : undefined;
            },
          });
          if (shape) return shape;
        }
        return undefined;
      };
      try {
        const r = spec.infer({ params: p, inputs, multiInputs, usedOutputs, expected, datasetImageShape, datasetClasses });
        for (const issue of r.issues ?? []) addIssue(node, issue.field, issue.message, 'shape', issue.severity ?? 'error');
        if (!(r.issues ?? []).some((i) => (i.severity ?? 'error') === 'error')) {
          const knownInputs: Record<string, Shape> = {};
          for (const [k, v] of Object.entries(inputs)) if (v) knownInputs[k] = v;
          result = {
            outputs: r.outputs,
            inputs: knownInputs,
            paramCount: r.paramCount,
            cost: r.cost ?? defaultCost(r.outputs, r.paramCount),
          };
        }
      } catch (e) {
        if (e instanceof NodeIssueError) addIssue(node, e.field, e.message, 'shape');
        else addIssue(node, undefined, `could not work out shapes: ${e instanceof Error ? e.message : String(e)}`, 'internal');
      }
    }
    inProgress.delete(id);
    results.set(id, result);
    return result;
  }

  for (const id of acyclicOrder) compute(id);

  // ---- graph-level rules ----
  const countByType = new Map<string, GraphNode[]>();
  for (const n of nodes.values()) {
    const list = countByType.get(n.type) ?? [];
    list.push(n);
    countByType.set(n.type, list);
  }
  for (const [type, list] of countByType) {
    const spec = registry.get(type);
    if (spec?.maxPerGraph !== undefined && list.length > spec.maxPerGraph) {
      for (const n of list.slice(spec.maxPerGraph)) {
        addIssue(
          n,
          undefined,
          `a graph can have only ${spec.maxPerGraph} ${spec.title} node${spec.maxPerGraph > 1 ? 's' : ''}; remove this one`,
          'too-many',
        );
      }
    }
  }
  const objectives = nodesWithRole([...nodes.values()], registry, 'objective');
  const objective = objectives.length === 1 ? objectives[0]?.node : undefined;
  if (objectives.length === 0 && nodes.size > 0) {
    graphDiagnostics.push({
      severity: 'error',
      code: 'no-objective',
      message: 'the graph has no Loss node: add one and connect the loss terms to it',
    });
  }
  if (dataSources.length === 0 && nodes.size > 0) {
    graphDiagnostics.push({ severity: 'error', code: 'no-dataset', message: 'the graph has no Dataset node: add one to feed images in' });
  }

  // nodes that reach the objective
  const used = new Set<string>();
  if (objective) {
    const stack = [objective.id];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (used.has(id)) continue;
      used.add(id);
      for (const list of incoming.get(id)?.values() ?? []) for (const i of list) stack.push(i.edge.from.node);
    }
    for (const n of nodes.values()) {
      if (!used.has(n.id))
        addIssue(n, undefined, 'is not connected to the Loss, so it is not trained (it will be left out)', 'unused', 'warning');
    }
  }

  // teaching hints: what each node kind says about its wiring
  const trains = (role: RoleName): boolean => nodesWithRole([...nodes.values()], registry, role).some((r) => used.has(r.node.id));
  for (const n of nodes.values()) {
    const spec = specs.get(n.id);
    const p = params.get(n.id);
    if (!spec?.hints || !p || !used.has(n.id)) continue;
    const hints = spec.hints({
      params: p,
      source: (port) => {
        const from = incoming.get(n.id)?.get(port)?.[0]?.edge.from.node;
        const fromParams = from ? params.get(from) : undefined;
        return from && fromParams ? { id: from, params: fromParams } : undefined;
      },
      trainsWith: trains,
    });
    for (const h of hints) addIssue(n, h.field || undefined, h.message, h.code ?? 'hint', h.severity ?? 'warning');
  }

  // ---- assemble ----
  const out: Record<string, NodeAnalysis> = {};
  let totalParams = 0;
  const all: Diagnostic[] = [...graphDiagnostics];
  for (const n of nodes.values()) {
    const r = results.get(n.id) ?? null;
    const issues = nodeIssues.get(n.id) ?? [];
    all.push(...issues);
    const isUsed = objective ? used.has(n.id) : true;
    if (r && isUsed) totalParams += r.paramCount;
    out[n.id] = {
      outputs: r?.outputs ?? {},
      inputs: r?.inputs ?? {},
      paramCount: r?.paramCount ?? 0,
      cost: r?.cost ?? defaultCost({}, 0),
      issues,
      used: isUsed,
      usedOutputs: [...new Set((outgoing.get(n.id) ?? []).map((e) => e.from.port))],
    };
  }
  all.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return {
    nodes: out,
    diagnostics: all,
    totalParams,
    validEdges,
    order: acyclicOrder,
    objectiveId: objective?.id,
    ok: !all.some((d) => d.severity === 'error'),
  };
}

/** "x: [B×28×28×1]" lines for a node's outputs (for tooltips and the CLI). */
export function describeOutputs(a: NodeAnalysis): string {
  return Object.entries(a.outputs)
    .map(([port, shape]) => `${port}: ${formatShape(shape)}`)
    .join(', ');
}
