/**
 * Exports the trained encoder and decoder as tfjs-layers models (model.json +
 * weights), built with tf.layers from the Plan and loaded with the trained
 * weights. The node layers keep Keras layouts (Dense [in, out], Conv2D
 * [k, k, in, out], Conv2DTranspose [k, k, out, in]), so the weights are copied
 * as they are. The result loads with `tf.loadLayersModel` (and converts to
 * Keras with the tfjs converter).
 */
import type * as tfAll from '@tensorflow/tfjs';
import { z } from 'zod';
import { Decoder, type DecoderParams } from '../../../nodes/decoder';
import { Encoder, type EncoderParams } from '../../../nodes/encoder';
import type { Activation } from '../../../nodes/layers';
import type { WeightMap } from '../../compiler/program';
import type { Plan, PlanNode } from '../../compiler/plan';

export type TfModule = typeof tfAll;
type LayersModel = tfAll.LayersModel;
type SymbolicTensor = tfAll.SymbolicTensor;

export interface ExportedModel {
  /** model.json text, with its weights file named in the manifest. */
  json: string;
  weights: Uint8Array;
}

function planNode(plan: Plan, id: string): PlanNode {
  const node = plan.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`node '${id}' is not in the compiled graph`);
  return node;
}

function known(shape: ReadonlyArray<number | null> | undefined, what: string): number[] {
  if (!shape) throw new Error(`the shape of ${what} is unknown`);
  return shape.slice(1).map((d) => {
    if (d === null) throw new Error(`the shape of ${what} has an unknown dimension`);
    return d;
  });
}

/** Applies an activation the way the node does (leaky ReLU as its own layer, slope 0.2). */
function activateLayer(tf: TfModule, x: SymbolicTensor, activation: Activation | 'linear', name: string): SymbolicTensor {
  if (activation === 'linear') return x;
  if (activation === 'leakyRelu') return applyOne(tf, tf.layers.leakyReLU({ alpha: 0.2, name }), x);
  return applyOne(tf, tf.layers.activation({ activation, name }), x);
}

function applyOne(tf: TfModule, layer: tfAll.layers.Layer, x: SymbolicTensor): SymbolicTensor {
  const out = layer.apply(x);
  if (Array.isArray(out) || out instanceof tf.Tensor) throw new Error(`layer '${layer.name}' did not return one symbolic tensor`);
  return out;
}

/** Sets a layer's [kernel, bias] from the node's weights `${nodeId}/${name}/kernel|bias`. */
function loadWeights(tf: TfModule, layer: tfAll.layers.Layer, weights: WeightMap, nodeId: string, name: string): void {
  const tensors = ['kernel', 'bias'].map((part) => {
    const key = `${nodeId}/${name}/${part}`;
    const w = weights[key];
    if (!w) throw new Error(`weight '${key}' is missing`);
    return tf.tensor(w.values, w.shape);
  });
  try {
    layer.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

export function buildEncoderModel(tf: TfModule, plan: Plan, weights: WeightMap): LayersModel | undefined {
  const id = plan.generation?.encoderId;
  if (!id) return undefined;
  const node = planNode(plan, id);
  const params: EncoderParams = Encoder.params.parse(node.params);
  const inputDims = known(node.inputShapes.x, `the input of '${id}'`);
  const input = tf.input({ shape: inputDims, name: `${id}_x` });
  const toLoad: Array<{ layer: tfAll.layers.Layer; name: string }> = [];
  const add = <L extends tfAll.layers.Layer>(layer: L, name: string): L => {
    toLoad.push({ layer, name });
    return layer;
  };
  let h: SymbolicTensor = input;
  if (params.architecture === 'conv') {
    if (inputDims.length !== 3) throw new Error(`a conv encoder needs images [H×W×C]`);
    params.filters.forEach((filters, i) => {
      const conv = add(
        tf.layers.conv2d({ filters, kernelSize: params.kernelSize, strides: 2, padding: 'same', name: `${id}_conv${i}` }),
        `conv${i}`,
      );
      h = activateLayer(tf, applyOne(tf, conv, h), params.activation, `${id}_conv${i}_act`);
    });
  }
  h = applyOne(tf, tf.layers.flatten({ name: `${id}_flatten` }), h);
  params.hidden.forEach((units, i) => {
    const dense = add(tf.layers.dense({ units, name: `${id}_dense${i}` }), `dense${i}`);
    h = activateLayer(tf, applyOne(tf, dense, h), params.activation, `${id}_dense${i}_act`);
  });
  const mean = applyOne(tf, add(tf.layers.dense({ units: params.latentDim, name: `${id}_mean` }), 'mean'), h);
  const outputs = [mean];
  if (weights[`${id}/logVar/kernel`]) {
    outputs.push(applyOne(tf, add(tf.layers.dense({ units: params.latentDim, name: `${id}_logVar` }), 'logVar'), h));
  }
  const model = tf.model({ inputs: input, outputs, name: 'encoder' });
  for (const { layer, name } of toLoad) loadWeights(tf, layer, weights, id, name);
  return model;
}

export function buildDecoderModel(tf: TfModule, plan: Plan, weights: WeightMap): LayersModel {
  const gen = plan.generation;
  if (!gen) throw new Error('this graph has no decoder feeding a reconstruction loss');
  const id = gen.decoderId;
  const node = planNode(plan, id);
  const params: DecoderParams = Decoder.params.parse(node.params);
  const [h, w, c] = known(node.outputShapes.xHat, `the output of '${id}'`) as [number, number, number];
  const input = tf.input({ shape: [gen.latentDim], name: `${id}_z` });
  const toLoad: Array<{ layer: tfAll.layers.Layer; name: string }> = [];
  const conv = params.architecture === 'conv';
  const units = [...params.hidden];
  const n = params.filters.length;
  const start = conv ? { h: h / 2 ** n, w: w / 2 ** n, c: params.filters[0] ?? 1 } : null;
  units.push(start ? start.h * start.w * start.c : h * w * c);
  let x: SymbolicTensor = input;
  units.forEach((u, i) => {
    const layer = tf.layers.dense({ units: u, name: `${id}_dense${i}` });
    toLoad.push({ layer, name: `dense${i}` });
    x = applyOne(tf, layer, x);
    // the last dense layer of an MLP decoder gives the logits
    const last = i === units.length - 1 && !start;
    x = activateLayer(tf, x, last ? params.outputActivation : params.activation, `${id}_dense${i}_act`);
  });
  if (start) {
    x = applyOne(tf, tf.layers.reshape({ targetShape: [start.h, start.w, start.c], name: `${id}_reshape` }), x);
    for (let i = 0; i < n; i++) {
      const filters = i + 1 < n ? (params.filters[i + 1] as number) : c;
      const layer = tf.layers.conv2dTranspose({
        filters,
        kernelSize: params.kernelSize,
        strides: 2,
        padding: 'same',
        name: `${id}_deconv${i}`,
      });
      toLoad.push({ layer, name: `deconv${i}` });
      x = applyOne(tf, layer, x);
      x = activateLayer(tf, x, i === n - 1 ? params.outputActivation : params.activation, `${id}_deconv${i}_act`);
    }
  } else {
    x = applyOne(tf, tf.layers.reshape({ targetShape: [h, w, c], name: `${id}_reshape` }), x);
  }
  const model = tf.model({ inputs: input, outputs: x, name: 'decoder' });
  for (const { layer, name } of toLoad) loadWeights(tf, layer, weights, id, name);
  return model;
}

/** Serialises a layers model to model.json + one weights file (`weightsName`, relative to model.json). */
export async function serializeModel(tf: TfModule, model: LayersModel, weightsName: string): Promise<ExportedModel> {
  let saved: tfAll.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!saved || !saved.modelTopology || !saved.weightSpecs || saved.weightData === undefined) {
    throw new Error(`saving the ${model.name} model produced no weights`);
  }
  const json = {
    format: saved.format ?? 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy ?? null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [weightsName], weights: saved.weightSpecs }],
  };
  return { json: JSON.stringify(json), weights: new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData)) };
}

const zModelJson = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string()),
      weights: z.array(
        z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.enum(['float32', 'int32', 'bool']) }),
      ),
    }),
  ),
});

/** Reads an exported model back (what a user's page does with tf.loadLayersModel). */
export async function loadExportedModel(tf: TfModule, exported: ExportedModel): Promise<LayersModel> {
  const parsed = zModelJson.safeParse(JSON.parse(exported.json));
  if (!parsed.success) throw new Error(`model.json is not a tfjs layers model: ${parsed.error.issues[0]?.message ?? 'bad format'}`);
  const weightSpecs = parsed.data.weightsManifest.flatMap((group) => group.weights);
  const buffer = exported.weights.slice().buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parsed.data.modelTopology, weightSpecs, weightData: buffer }));
}
