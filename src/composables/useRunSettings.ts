/**
 * The training settings that live in the graph document (epochs, learning
 * rate, batch size, and every param a node kind offers live, such as β), read
 * from and written to the graph store, so the document stays the one source
 * of truth. While a run is going, learning rate and live-param changes go to
 * the run as live values instead.
 */
import { computed } from 'vue';
import { specRegistry } from '../../nodes';
import { datasetOf, liveParamsOf, withDataSettings } from '../core/graphQueries';
import type { GraphDoc } from '../core/schema';
import { useGraphStore } from '../stores/graphStore';
import { useTrainingStore } from '../stores/trainingStore';

/** A copy of the document with one node param changed. */
export function withNodeParam(doc: GraphDoc, nodeId: string, key: string, value: unknown): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, [key]: value } } : n)) };
}

/** A copy of the document with training settings changed. */
export function withTraining(doc: GraphDoc, patch: Partial<GraphDoc['training']>): GraphDoc {
  return { ...doc, training: { ...doc.training, ...patch } };
}

export function useRunSettings() {
  const graph = useGraphStore();
  const training = useTrainingStore();

  const dataset = computed(() => datasetOf(graph.doc.nodes, specRegistry));
  /** Every param the graph's nodes offer live (β, capacity …), with the node's label and its value in the graph. */
  const liveParams = computed(() =>
    liveParamsOf(graph.doc.nodes, specRegistry).map((p) => {
      const node = graph.doc.nodes.find((n) => n.id === p.nodeId);
      const control = specRegistry.get(node?.type ?? '')?.controls.find((c) => c.key === p.key);
      const bound = control?.kind === 'number' ? { min: control.min ?? 0, max: control.max ?? 1000, step: control.step ?? 0.1 } : undefined;
      return { ...p, nodeLabel: node?.label ?? p.nodeId, min: bound?.min ?? 0, max: bound?.max ?? 1000, step: bound?.step ?? 0.1 };
    }),
  );

  const epochs = computed({
    get: () => graph.doc.training.epochs,
    set: (v: number) => {
      if (Number.isInteger(v) && v >= 1 && v <= 1000) graph.replace(withTraining(graph.doc, { epochs: v }));
    },
  });

  const batchSize = computed({
    get: () => dataset.value?.batchSize ?? 128,
    set: (v: number) => {
      if (dataset.value && Number.isInteger(v) && v >= 1 && v <= 4096)
        graph.replace(withDataSettings(graph.doc, specRegistry, { batchSize: v }));
    },
  });

  /** The learning rate in effect: the live one during a run, else the graph's. */
  const learningRate = computed(() => training.liveLearningRate ?? graph.doc.training.learningRate);

  function setLearningRate(v: number): void {
    if (!(v > 0 && v <= 1)) return;
    if (training.active) training.setLearningRate(v);
    else graph.replace(withTraining(graph.doc, { learningRate: v }));
  }

  /** A live param's value in effect: the one sent during a run, else the graph's. */
  function liveValue(nodeId: string, key: string): number {
    return training.live[nodeId]?.[key] ?? liveParams.value.find((p) => p.nodeId === nodeId && p.key === key)?.value ?? 0;
  }

  function setLive(nodeId: string, key: string, v: number): void {
    const p = liveParams.value.find((x) => x.nodeId === nodeId && x.key === key);
    if (!p || !(v >= p.min && v <= p.max)) return;
    if (training.active) training.setLive(nodeId, key, v);
    else graph.replace(withNodeParam(graph.doc, nodeId, key, v));
  }

  return { epochs, batchSize, learningRate, setLearningRate, liveParams, liveValue, setLive };
}
