/**
 * The Rete side of the canvas: one socket class per value kind, a control per
 * node param, and a node class that carries its document id and kind. These
 * objects only mirror the document; the document itself lives in the store.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { MinimapExtra } from 'rete-minimap-plugin';
import type { VueArea2D } from 'rete-vue-plugin';
import { socketKinds, type SocketKind } from '../core/sockets';
import type { ConnectionModel, NodeModel, PortModel } from './model';

/** A socket that knows what kind of value flows through it. */
export class KindSocket extends ClassicPreset.Socket {
  constructor(readonly kind: SocketKind) {
    super(kind);
  }
}

const sockets = new Map<SocketKind, KindSocket>(socketKinds.map((k) => [k, new KindSocket(k)]));

export function socketFor(kind: SocketKind): KindSocket {
  const s = sockets.get(kind);
  if (!s) throw new Error(`unknown socket kind '${kind}'`);
  return s;
}

/** The control for one param of one node; its component reads and writes the store. */
export class ParamControl extends ClassicPreset.Control {
  constructor(
    readonly nodeId: string,
    readonly key: string,
  ) {
    super();
    this.id = `${nodeId}:${key}`;
  }
}

/** Default size before the node has been measured (the component measures itself). */
export const NODE_WIDTH = 249;

export class GraphNodeView extends ClassicPreset.Node<
  Record<string, KindSocket>,
  Record<string, KindSocket>,
  Record<string, ParamControl>
> {
  width = NODE_WIDTH;
  height = 180;
  readonly inputPorts: PortModel[];
  readonly outputPorts: PortModel[];

  constructor(readonly model: NodeModel) {
    super(model.title);
    this.id = model.id;
    this.inputPorts = model.inputs;
    this.outputPorts = model.outputs;
  }

  get type(): string {
    return this.model.type;
  }
}

export class GraphConnectionView extends ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node> {}

export type Schemes = GetSchemes<GraphNodeView, GraphConnectionView>;

export function createNodeView(model: NodeModel): GraphNodeView {
  const node = new GraphNodeView(model);
  model.inputs.forEach((p, index) => {
    // every input accepts several wires on the canvas; the document decides
    // whether a new wire replaces the old one (see connectionChange)
    const input = new ClassicPreset.Input(socketFor(p.kind), p.label, true);
    input.index = index;
    node.addInput(p.key, input);
  });
  model.outputs.forEach((p, index) => {
    const output = new ClassicPreset.Output(socketFor(p.kind), p.label, true);
    output.index = index;
    node.addOutput(p.key, output);
  });
  model.controls.forEach((key, index) => {
    const control = new ParamControl(model.id, key);
    control.index = index;
    node.addControl(key, control);
  });
  return node;
}

export function createConnectionView(model: ConnectionModel, source: GraphNodeView, target: GraphNodeView): GraphConnectionView {
  const c = new GraphConnectionView(source, model.sourceOutput, target, model.targetInput);
  c.id = model.id;
  return c;
}

/** What the area plugin renders besides nodes: Vue views and the minimap. */
export type AreaExtra = VueArea2D<Schemes> | MinimapExtra;
