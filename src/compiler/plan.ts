/**
 * compileGraph: GraphDoc → Plan. Pure (no tfjs): checks the graph, prunes what
 * does not reach the Loss, orders the nodes, and works out the roles the
 * dashboard and the generation functions need (which encoder, which decoder,
 * which terms are reconstruction and KL).
 */
import { analyzeGraph, type GraphAnalysis } from '../core/analyze';
import { datasetFacts, type BinarizeMode, type DatasetId, type ImportedDatasetRef } from '../core/datasets';
import { datasetOf, nodesWithRole, roleOf, type RoleName } from '../core/graphQueries';
import type { Diagnostic } from '../core/diagnostics';
import type { NodeSpecRegistry } from '../core/nodeSpec';
import type { GraphDoc, PortRef, TrainingSettings } from '../core/schema';
import type { Shape } from '../core/shape';

export interface PlanNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  /** Sources of each input, in edge order (one for single inputs). */
  inputs: Record<string, PortRef[]>;
  inputShapes: Record<string, Shape>;
  multiInputShapes: Record<string, Shape[]>;
  /** Inputs that take several connections (their values arrive as lists). */
  multipleInputs: string[];
  outputShapes: Record<string, Shape>;
  usedOutputs: string[];
  /** Inputs whose values depend on trainable weights: the gradient must flow back through them. */
  gradientInputs: string[];
  paramCount: number;
}

export type { BinarizeMode } from '../core/datasets';

export interface GenerationRoles {
  /** The Dataset's x output: where images are fed. */
  datasetX: PortRef;
  encoderId: string | undefined;
  /** What the encoder reads (x, or x̃ after a Noise node). */
  encoderInput: PortRef | undefined;
  mean: PortRef | undefined;
  logVar: PortRef | undefined;
  /** Reparameterize node, when the model is variational. */
  reparameterizeId: string | undefined;
  decoderId: string;
  /** The decoder's z input (overridden to decode arbitrary codes). */
  decoderZ: { node: string; port: string };
  xHat: PortRef;
  latentDim: number;
  /**
   * Where class labels [B] are fed when the encoder or decoder is conditioned on a one-hot class c (a
   * conditional VAE): the Dataset's label output, from which every c in the graph is computed.
   */
  labels: PortRef;
  /** The number of classes the decoder is conditioned on (prior samples then take a class), if it is. */
  decoderClasses: number | undefined;
  /** Whether the encoder reads a class too, q(z|x, c) (encoding then takes labels). */
  encoderConditioned: boolean;
}

export interface Plan {
  nodes: PlanNode[];
  objectiveId: string;
  /** The data source: its node, the ports images and labels are fed to, and what it feeds. */
  dataset: {
    nodeId: string;
    images: string;
    labels: string;
    id: DatasetId;
    /** The user's dataset, when `id` is 'imported'. */
    imported?: ImportedDatasetRef;
    binarize: BinarizeMode;
    batchSize: number;
  };
  imageShape: [number, number, number];
  roles: {
    recon: string[];
    kl: string[];
    beta: string[];
  };
  /** Encoder → decoder path for reconstructions, sampling, traversals; absent when the graph has none. */
  generation: GenerationRoles | undefined;
  /** Samples z (has a Reparameterize on the main path). */
  variational: boolean;
  /** Samples of z per image in the objective: 1 for the sum of its terms, k > 1 for the IWAE bound. */
  importanceSamples: number;
  training: TrainingSettings;
  totalParams: number;
  warnings: Diagnostic[];
}

export type CompileResult =
  { ok: true; plan: Plan; analysis: GraphAnalysis } | { ok: false; diagnostics: Diagnostic[]; analysis: GraphAnalysis };

export function compileGraph(doc: GraphDoc, registry: NodeSpecRegistry): CompileResult {
  const analysis = analyzeGraph(doc, registry);
  if (!analysis.ok || !analysis.objectiveId) {
    const diagnostics = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (diagnostics.length === 0) diagnostics.push({ severity: 'error', code: 'no-objective', message: 'the graph has no Loss node' });
    return { ok: false, diagnostics, analysis };
  }
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const usedIds = analysis.order.filter((id) => analysis.nodes[id]?.used);

  const inputsOf = new Map<string, Record<string, PortRef[]>>();
  for (const e of analysis.validEdges) {
    if (!usedIds.includes(e.to.node)) continue;
    const rec = inputsOf.get(e.to.node) ?? {};
    (rec[e.to.port] ??= []).push(e.from);
    inputsOf.set(e.to.node, rec);
  }
  // outputs read by used nodes only (pruning what only unused nodes read)
  const usedOutputs = new Map<string, Set<string>>();
  for (const e of analysis.validEdges) {
    if (!usedIds.includes(e.to.node)) continue;
    const s = usedOutputs.get(e.from.node) ?? new Set<string>();
    s.add(e.from.port);
    usedOutputs.set(e.from.node, s);
  }

  // in data-flow order: a node depends on weights if it has some or reads from one that does
  const dependsOnWeights = new Set<string>();
  const nodes: PlanNode[] = usedIds.map((id) => {
    const n = byId.get(id);
    const a = analysis.nodes[id];
    if (!n || !a) throw new Error(`internal: node '${id}' missing after analysis`);
    const inputs = inputsOf.get(id) ?? {};
    const multiInputShapes: Record<string, Shape[]> = {};
    for (const [port, refs] of Object.entries(inputs)) {
      multiInputShapes[port] = refs.map((r) => {
        const s = analysis.nodes[r.node]?.outputs[r.port];
        if (!s) throw new Error(`internal: shape of ${r.node}.${r.port} missing`);
        return s;
      });
    }
    const spec = registry.get(n.type);
    // the params as the node kind reads them (defaults filled in); analysis has already checked them
    const parsed = spec?.params.safeParse(n.params);
    const gradientInputs = Object.entries(inputs)
      .filter(([, refs]) => refs.some((r) => dependsOnWeights.has(r.node)))
      .map(([port]) => port);
    if (a.paramCount > 0 || gradientInputs.length > 0) dependsOnWeights.add(id);
    return {
      id,
      type: n.type,
      params: parsed?.success ? parsed.data : n.params,
      inputs,
      multipleInputs: Object.entries(spec?.inputs ?? {})
        .filter(([, port]) => port.multiple)
        .map(([name]) => name),
      inputShapes: a.inputs,
      multiInputShapes,
      outputShapes: a.outputs,
      usedOutputs: [...(usedOutputs.get(id) ?? [])],
      gradientInputs,
      paramCount: a.paramCount,
    };
  });

  const planById = new Map(nodes.map((n) => [n.id, n]));
  const idsWith = (role: RoleName) => nodesWithRole(nodes, registry, role).map((r) => r.node.id);
  const diagnostics: Diagnostic[] = [];

  const dataset = datasetOf(nodes, registry);
  if (!dataset) {
    return {
      ok: false,
      diagnostics: [{ severity: 'error', code: 'no-dataset', message: 'no Dataset feeds the Loss: connect a Dataset to the model' }],
      analysis,
    };
  }
  if (dataset.dataset === 'imported' && !dataset.imported) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'no-dataset',
          nodeId: dataset.nodeId,
          field: 'dataset',
          message: 'the Dataset node names no imported dataset: import one (Graphs ▾ → Datasets…) and choose it',
        },
      ],
      analysis,
    };
  }
  const [h, w, c] = datasetFacts(dataset.dataset, dataset.imported).imageShape;

  const generation = findGeneration(nodes, planById, registry, {
    x: { node: dataset.nodeId, port: dataset.images },
    labels: { node: dataset.nodeId, port: dataset.labels },
  });
  if (!generation) {
    diagnostics.push({
      severity: 'warning',
      code: 'no-generation',
      message: 'no Decoder feeds a reconstruction loss, so there are no reconstructions or samples to show',
    });
  }

  const objectiveNode = planById.get(analysis.objectiveId);
  const objectiveRole = objectiveNode ? roleOf(registry, objectiveNode, 'objective') : undefined;
  const importanceSamples = (objectiveNode && objectiveRole?.importanceSamples?.(objectiveNode.params)) || 1;
  const iwaeProblem = importanceSamples > 1 ? importanceProblem(generation, idsWith('weight')) : undefined;
  if (iwaeProblem) {
    return {
      ok: false,
      diagnostics: [{ severity: 'error', code: 'iwae', nodeId: analysis.objectiveId, field: 'importanceSamples', message: iwaeProblem }],
      analysis,
    };
  }

  return {
    ok: true,
    analysis,
    plan: {
      nodes,
      objectiveId: analysis.objectiveId,
      dataset: {
        nodeId: dataset.nodeId,
        images: dataset.images,
        labels: dataset.labels,
        id: dataset.dataset,
        ...(dataset.imported ? { imported: dataset.imported } : {}),
        binarize: dataset.binarize,
        batchSize: dataset.batchSize,
      },
      imageShape: [h, w, c],
      roles: { recon: idsWith('likelihood'), kl: idsWith('divergence'), beta: idsWith('weight') },
      generation,
      variational: generation?.reparameterizeId !== undefined,
      importanceSamples,
      training: doc.training,
      totalParams: analysis.totalParams,
      warnings: [...analysis.diagnostics.filter((d) => d.severity === 'warning'), ...diagnostics],
    },
  };
}

/** Why the IWAE bound cannot be trained on this graph, if it cannot. */
function importanceProblem(generation: GenerationRoles | undefined, weighted: string[]): string | undefined {
  if (!generation?.reparameterizeId || !generation.logVar)
    return 'the IWAE bound (importance samples > 1) needs a posterior q(z|x), a sampler and a generator read by a likelihood';
  if (weighted.length > 0)
    return `the IWAE bound replaces the ELBO's terms, so the weight of '${weighted.join("', '")}' would not apply: remove it or set importance samples to 1`;
  return undefined;
}

/**
 * The path the pictures use: the first likelihood whose reconstruction comes
 * from a generator, the code that generator reads (a sampler's draw or a
 * posterior's mean), and the posterior behind it.
 */
function findGeneration(
  nodes: PlanNode[],
  byId: Map<string, PlanNode>,
  registry: NodeSpecRegistry,
  data: { x: PortRef; labels: PortRef },
): GenerationRoles | undefined {
  for (const { node: loss, role: likelihood } of nodesWithRole(nodes, registry, 'likelihood')) {
    const xHat = loss.inputs[likelihood.reconstruction]?.[0];
    const decoder = xHat ? byId.get(xHat.node) : undefined;
    const generator = decoder ? roleOf(registry, decoder, 'generator') : undefined;
    if (!xHat || !decoder || !generator) continue;
    const zRef = decoder.inputs[generator.code]?.[0];
    const latentDim = decoder.inputShapes[generator.code]?.[1];
    if (!zRef || typeof latentDim !== 'number') continue;
    let mean: PortRef | undefined;
    let logVar: PortRef | undefined;
    let reparameterizeId: string | undefined;
    const zNode = byId.get(zRef.node);
    const sampler = zNode ? roleOf(registry, zNode, 'sampler') : undefined;
    const posteriorOfZ = zNode ? roleOf(registry, zNode, 'posterior') : undefined;
    if (zNode && sampler) {
      reparameterizeId = zNode.id;
      mean = zNode.inputs[sampler.mean]?.[0];
      logVar = zNode.inputs[sampler.logVar]?.[0];
    } else if (zNode && posteriorOfZ) {
      mean = zRef;
      logVar = zNode.usedOutputs.includes(posteriorOfZ.logVar) ? { node: zNode.id, port: posteriorOfZ.logVar } : undefined;
    }
    const encoder = mean ? byId.get(mean.node) : undefined;
    const posterior = encoder ? roleOf(registry, encoder, 'posterior') : undefined;
    const encoderId = posterior ? encoder?.id : undefined;
    const decoderCondition = generator.condition ? decoder.inputShapes[generator.condition] : undefined;
    const encoderCondition = encoder && posterior?.condition ? encoder.inputs[posterior.condition] : undefined;
    return {
      datasetX: data.x,
      encoderId,
      encoderInput: encoderId && posterior ? encoder?.inputs[posterior.input]?.[0] : undefined,
      mean: encoderId ? mean : undefined,
      logVar: encoderId ? logVar : undefined,
      reparameterizeId,
      decoderId: decoder.id,
      decoderZ: { node: decoder.id, port: generator.code },
      xHat,
      latentDim,
      labels: data.labels,
      decoderClasses: typeof decoderCondition?.[1] === 'number' ? decoderCondition[1] : undefined,
      encoderConditioned: encoderId !== undefined && (encoderCondition?.length ?? 0) > 0,
    };
  }
  return undefined;
}
