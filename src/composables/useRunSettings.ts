/**
 * The training settings that live in the graph document (epochs, learning
 * rate, batch size, β), read from and written to the graph store, so the
 * document stays the one source of truth. While a run is going, learning rate
 * and β changes go to the run as live values instead.
 */
import { computed } from 'vue';
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

  const datasetNode = computed(() => graph.doc.nodes.find((n) => n.type === 'Dataset'));
  const betaNodes = computed(() =>
    graph.doc.nodes
      .filter((n) => n.type === 'Beta')
      .map((n) => ({ id: n.id, label: n.label ?? n.id, beta: typeof n.params.beta === 'number' ? n.params.beta : 1 })),
  );

  const epochs = computed({
    get: () => graph.doc.training.epochs,
    set: (v: number) => {
      if (Number.isInteger(v) && v >= 1 && v <= 1000) graph.replace(withTraining(graph.doc, { epochs: v }));
    },
  });

  const batchSize = computed({
    get: () => {
      const v = datasetNode.value?.params.batchSize;
      return typeof v === 'number' ? v : 128;
    },
    set: (v: number) => {
      const node = datasetNode.value;
      if (node && Number.isInteger(v) && v >= 1 && v <= 4096) graph.replace(withNodeParam(graph.doc, node.id, 'batchSize', v));
    },
  });

  /** The learning rate in effect: the live one during a run, else the graph's. */
  const learningRate = computed(() => training.liveLearningRate ?? graph.doc.training.learningRate);

  function setLearningRate(v: number): void {
    if (!(v > 0 && v <= 1)) return;
    if (training.active) training.setLearningRate(v);
    else graph.replace(withTraining(graph.doc, { learningRate: v }));
  }

  function betaOf(nodeId: string): number {
    return training.liveBeta[nodeId] ?? betaNodes.value.find((b) => b.id === nodeId)?.beta ?? 1;
  }

  function setBeta(nodeId: string, v: number): void {
    if (!(v >= 0 && v <= 1000)) return;
    if (training.active) training.setBeta(nodeId, v);
    else graph.replace(withNodeParam(graph.doc, nodeId, 'beta', v));
  }

  return { epochs, batchSize, learningRate, setLearningRate, betaNodes, betaOf, setBeta };
}
