/**
 * compileGraph: GraphDoc → Plan. Pure (no tfjs): checks the graph, prunes what
 * does not reach the Loss, orders the nodes, and works out the roles the
 * dashboard and the generation functions need (which encoder, which decoder,
 * which terms are reconstruction and KL).
 */
import { analyzeGraph, type GraphAnalysis } from '../core/analyze';
import { datasetInfo, type DatasetId } from '../core/datasets';
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

export type BinarizeMode = 'none' | 'static' | 'dynamic';

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
}

export interface Plan {
  nodes: PlanNode[];
  objectiveId: string;
  dataset: { nodeId: string; id: DatasetId; binarize: BinarizeMode; batchSize: number };
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
  const ofType = (t: string) => nodes.filter((n) => n.type === t);
  const diagnostics: Diagnostic[] = [];

  const datasetNode = ofType('Dataset')[0];
  if (!datasetNode) {
    return {
      ok: false,
      diagnostics: [{ severity: 'error', code: 'no-dataset', message: 'no Dataset feeds the Loss: connect a Dataset to the model' }],
      analysis,
    };
  }
  const datasetId = datasetNode.params.dataset as DatasetId;
  const [h, w, c] = datasetInfo[datasetId].imageShape;

  const generation = findGeneration(nodes, planById, datasetNode.id);
  if (!generation) {
    diagnostics.push({
      severity: 'warning',
      code: 'no-generation',
      message: 'no Decoder feeds a reconstruction loss, so there are no reconstructions or samples to show',
    });
  }

  return {
    ok: true,
    analysis,
    plan: {
      nodes,
      objectiveId: analysis.objectiveId,
      dataset: {
        nodeId: datasetNode.id,
        id: datasetId,
        binarize: datasetNode.params.binarize as BinarizeMode,
        batchSize: datasetNode.params.batchSize as number,
      },
      imageShape: [h, w, c],
      roles: {
        recon: ofType('ReconstructionLoss').map((n) => n.id),
        kl: ofType('KL').map((n) => n.id),
        beta: ofType('Beta').map((n) => n.id),
      },
      generation,
      variational: generation?.reparameterizeId !== undefined,
      training: doc.training,
      totalParams: analysis.totalParams,
      warnings: [...analysis.diagnostics.filter((d) => d.severity === 'warning'), ...diagnostics],
    },
  };
}

function findGeneration(nodes: PlanNode[], byId: Map<string, PlanNode>, datasetId: string): GenerationRoles | undefined {
  for (const loss of nodes.filter((n) => n.type === 'ReconstructionLoss')) {
    const xHat = loss.inputs.xHat?.[0];
    if (!xHat) continue;
    const decoder = byId.get(xHat.node);
    if (!decoder || decoder.type !== 'Decoder') continue;
    const zRef = decoder.inputs.z?.[0];
    const zShape = decoder.inputShapes.z;
    const latentDim = zShape?.[1];
    if (!zRef || typeof latentDim !== 'number') continue;
    let mean: PortRef | undefined;
    let logVar: PortRef | undefined;
    let reparameterizeId: string | undefined;
    const zNode = byId.get(zRef.node);
    if (zNode?.type === 'Reparameterize') {
      reparameterizeId = zNode.id;
      mean = zNode.inputs.mean?.[0];
      logVar = zNode.inputs.logVar?.[0];
    } else if (zNode?.type === 'Encoder') {
      mean = zRef;
      const used = zNode.usedOutputs.includes('logVar');
      logVar = used ? { node: zNode.id, port: 'logVar' } : undefined;
    }
    const encoder = mean ? byId.get(mean.node) : undefined;
    const encoderId = encoder?.type === 'Encoder' ? encoder.id : undefined;
    return {
      datasetX: { node: datasetId, port: 'x' },
      encoderId,
      encoderInput: encoderId ? encoder?.inputs.x?.[0] : undefined,
      mean: encoderId ? mean : undefined,
      logVar: encoderId ? logVar : undefined,
      reparameterizeId,
      decoderId: decoder.id,
      decoderZ: { node: decoder.id, port: 'z' },
      xHat,
      latentDim,
    };
  }
  return undefined;
}
