/**
 * The graph document: the single source of truth for a model. The schema is the
 * format; the types come from it.
 *
 * Node params are checked here only as a plain object; each node kind's own
 * schema (nodes/*.ts) checks them in `parseGraph`.
 */
import { z } from 'zod';

export const GRAPH_FORMAT = 'bottleneck-graph';
export const GRAPH_VERSION = 1;

/** Limits that keep imported documents sane. */
export const limits = {
  nodes: 500,
  edges: 2000,
  nameLength: 120,
  noteLength: 4000,
  descriptionLength: 8000,
  groups: 100,
  groupNameLength: 60,
  /** Bytes of JSON text accepted by the importer. */
  documentBytes: 2_000_000,
} as const;

export const zNodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id starts with a letter and uses letters, digits, _ or - (at most 64)');

export const zPosition = z.strictObject({
  x: z.number().min(-1e6).max(1e6),
  y: z.number().min(-1e6).max(1e6),
});

export const zGraphNode = z.strictObject({
  id: zNodeId,
  type: z.string().regex(/^[A-Z][A-Za-z0-9]{0,63}$/, 'a node type is a PascalCase name'),
  version: z.number().int().min(1).max(1000),
  label: z.string().max(80).optional(),
  params: z.record(z.string(), z.unknown()),
  position: zPosition,
  note: z.string().max(limits.noteLength).optional(),
});

export const zPortRef = z.strictObject({
  node: zNodeId,
  port: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/, 'a port name is a short identifier'),
});

export const zEdge = z.strictObject({
  id: zNodeId,
  from: zPortRef,
  to: zPortRef,
});

/**
 * A group: a named set of nodes drawn as one node when collapsed (e.g. "VAE
 * bottleneck" = Reparameterize + KL). A view concept only: the compiler and
 * the analysis never look at groups. `position` is where the collapsed node sits.
 */
export const zGroup = z.strictObject({
  id: zNodeId,
  name: z.string().trim().min(1).max(limits.groupNameLength),
  members: z.array(zNodeId).min(1).max(limits.nodes),
  collapsed: z.boolean(),
  position: zPosition,
});

export const optimizerKinds = ['adam', 'sgd'] as const;

export const zTraining = z.strictObject({
  epochs: z.number().int().min(1).max(1000).default(10),
  optimizer: z.enum(optimizerKinds).default('adam'),
  learningRate: z.number().gt(0).max(1).default(1e-3),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
});

export const zGraphDoc = z.strictObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string().min(1).max(limits.nameLength),
  description: z.string().max(limits.descriptionLength).optional(),
  nodes: z.array(zGraphNode).max(limits.nodes),
  edges: z.array(zEdge).max(limits.edges),
  groups: z.array(zGroup).max(limits.groups).optional(),
  training: zTraining,
});

export type GraphNode = z.infer<typeof zGraphNode>;
export type PortRef = z.infer<typeof zPortRef>;
export type GraphEdge = z.infer<typeof zEdge>;
export type NodeGroup = z.infer<typeof zGroup>;
export type TrainingSettings = z.infer<typeof zTraining>;
export type OptimizerKind = (typeof optimizerKinds)[number];
export type GraphDoc = z.infer<typeof zGraphDoc>;

export const defaultTraining: TrainingSettings = zTraining.parse({});
