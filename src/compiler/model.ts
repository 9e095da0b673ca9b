/**
 * buildModel: Plan → a runnable model. Creates every node's weights (seeded, so
 * the same seed gives the same initial weights on every backend) and evaluates
 * the graph lazily: only the nodes needed for the requested outputs run, and
 * any port can be fed from outside (that is how decode(z) reuses the decoder).
 */
import type {
  AnyNodeDef,
  BuiltNode,
  Initializer,
  MetricName,
  PortValue,
  RunContext,
  RunMode,
  Tensor,
  TF,
  Variable,
} from '../../nodes/defineNode';
import { hashSeed, Rng } from '../core/random';
import type { PortRef } from '../core/schema';
import type { Plan, PlanNode } from './plan';

/** Variable names are global in tfjs: a counter keeps two models apart. */
let variableCounter = 0;

export const refKey = (r: PortRef): string => `${r.node}.${r.port}`;

export interface RunOptions {
  mode: RunMode;
  step: number;
  /** Distinguishes the noise of different calls at the same step (e.g. test batch 3). */
  noiseKey: string;
  /** Values fed from outside, keyed by `node.port`. */
  feeds?: ReadonlyMap<string, PortValue>;
  /** Live numeric overrides per node id (e.g. { beta: { beta: 2 } }). */
  live?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface MetricReport {
  nodeId: string;
  value: Tensor;
}

export interface Evaluation {
  get(ref: PortRef): PortValue;
  /** Runs the objective (the Loss node) and returns it. */
  objective(): Tensor;
  metrics: Map<MetricName, MetricReport[]>;
  /** The live values the nodes actually read while running, by node id and param. */
  liveRead: Record<string, Record<string, number>>;
}

export interface BuiltModel {
  plan: Plan;
  tf: TF;
  /** Trainable weights, in a stable order (node order, then creation order). */
  variables: Variable[];
  /** Weights by `nodeId/name`. */
  namedVariables: Map<string, Variable>;
  /** Must run inside the caller's tf.tidy. */
  evaluate(options: RunOptions): Evaluation;
  dispose(): void;
}

function fans(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0] as number, shape[1] as number];
  if (shape.length === 4) {
    const rf = (shape[0] as number) * (shape[1] as number);
    return [rf * (shape[2] as number), rf * (shape[3] as number)];
  }
  const n = shape.reduce((a, b) => a * b, 1);
  return [n, n];
}

/** Initial values of a weight, from the seed alone (backend-independent). */
export function initialValues(seed: number, nodeId: string, name: string, shape: number[], init: Initializer): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (init === 'zeros') return out;
  if (typeof init === 'object') return out.fill(init.constant);
  const [fanIn, fanOut] = fans(shape);
  const limit = init === 'glorotUniform' ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
  return new Rng(hashSeed(seed, 'init', nodeId, name)).fillUniform(out, -limit, limit);
}

export function buildModel(plan: Plan, tf: TF, registry: ReadonlyMap<string, AnyNodeDef>, seed: number): BuiltModel {
  const variables: Variable[] = [];
  const namedVariables = new Map<string, Variable>();
  const built = new Map<string, BuiltNode>();
  const planById = new Map(plan.nodes.map((n) => [n.id, n]));

  try {
    for (const node of plan.nodes) {
      const def = registry.get(node.type);
      if (!def) throw new Error(`unknown node type '${node.type}'`);
      built.set(
        node.id,
        def.build({
          tf,
          nodeId: node.id,
          params: node.params,
          inputShapes: node.inputShapes,
          multiInputShapes: node.multiInputShapes,
          outputShapes: node.outputShapes,
          usedOutputs: new Set(node.usedOutputs),
          inputNeedsGradient: (port) => node.gradientInputs.includes(port),
          variable(name, shape, init) {
            const key = `${node.id}/${name}`;
            if (namedVariables.has(key)) throw new Error(`node '${node.id}' created weight '${name}' twice`);
            const v = tf.tidy(() =>
              tf.variable(tf.tensor(initialValues(seed, node.id, name, shape, init), shape), true, `${key}#${++variableCounter}`),
            );
            variables.push(v);
            namedVariables.set(key, v);
            return v;
          },
        }),
      );
    }
  } catch (e) {
    for (const v of variables) v.dispose();
    throw e;
  }

  function evaluate(options: RunOptions): Evaluation {
    const values = new Map<string, PortValue>(options.feeds ?? []);
    const done = new Set<string>();
    const metrics = new Map<MetricName, MetricReport[]>();
    const liveRead: Record<string, Record<string, number>> = {};

    const runNode = (node: PlanNode): void => {
      if (done.has(node.id)) return;
      const inputs: Record<string, PortValue | PortValue[]> = {};
      for (const [port, refs] of Object.entries(node.inputs)) {
        const vals = refs.map((r) => get(r));
        // `multiple` inputs always arrive as lists
        inputs[port] = node.multipleInputs.includes(port) ? vals : (vals[0] as PortValue);
      }
      const liveParams = options.live?.[node.id];
      const ctx: RunContext = {
        tf,
        mode: options.mode,
        step: options.step,
        normal: (shape, stream) =>
          tf.tensor(new Rng(hashSeed(seed, options.noiseKey, node.id, stream)).fillNormal(new Float32Array(size(shape))), shape),
        uniform: (shape, stream) =>
          tf.tensor(new Rng(hashSeed(seed, options.noiseKey, node.id, stream, 'u')).fillUniform(new Float32Array(size(shape))), shape),
        feed: (port) => {
          const v = values.get(`${node.id}.${port}`);
          if (!v || !isTensor(v)) throw new Error(`node '${node.id}': nothing fed to '${port}'`);
          return v;
        },
        live: (key) => {
          const v = liveParams?.[key];
          if (v !== undefined) (liveRead[node.id] ??= {})[key] = v;
          return v;
        },
        report: (metric, value) => {
          const list = metrics.get(metric) ?? [];
          list.push({ nodeId: node.id, value });
          metrics.set(metric, list);
        },
      };
      const b = built.get(node.id);
      if (!b) throw new Error(`node '${node.id}' was not built`);
      const outputs = b.apply(inputs, ctx);
      for (const [port, v] of Object.entries(outputs)) {
        const k = `${node.id}.${port}`;
        if (!values.has(k)) values.set(k, v);
      }
      done.add(node.id);
    };

    const get = (ref: PortRef): PortValue => {
      const k = refKey(ref);
      const fed = values.get(k);
      if (fed) return fed;
      const node = planById.get(ref.node);
      if (!node) throw new Error(`no node '${ref.node}' in the compiled graph`);
      runNode(node);
      const v = values.get(k);
      if (!v) throw new Error(`node '${ref.node}' produced no '${ref.port}'`);
      return v;
    };

    return {
      get,
      metrics,
      liveRead,
      objective: () => {
        const loss = planById.get(plan.objectiveId);
        if (!loss) throw new Error('the objective is missing from the compiled graph');
        runNode(loss);
        const objective = metrics.get('objective')?.[0]?.value;
        if (!objective) throw new Error('the Loss node produced no objective');
        return objective;
      },
    };
  }

  return {
    plan,
    tf,
    variables,
    namedVariables,
    evaluate,
    dispose() {
      for (const v of variables) v.dispose();
      variables.length = 0;
      namedVariables.clear();
    },
  };
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isTensor(v: PortValue): v is Tensor {
  return !('logits' in v && 'mean' in v);
}
