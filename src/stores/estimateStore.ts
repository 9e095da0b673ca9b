/**
 * The open graph's memory and time estimate, live on every edit: what it
 * takes to train with the chosen backend and batch, whether that fits the
 * budget, and about how long an epoch takes at the last measured speed.
 */
import { defineStore } from 'pinia';
import { computed } from 'vue';
import { specRegistry } from '../../nodes';
import { checkBudget, epochSeconds, estimateTraining } from '../core/memoryBudget';
import { useGraphStore } from './graphStore';
import { memoryLimits, memorySettings } from './memorySettings';
import { useTrainingStore } from './trainingStore';

export const useEstimateStore = defineStore('estimate', () => {
  const graph = useGraphStore();
  const training = useTrainingStore();
  const estimate = computed(() => estimateTraining(graph.doc, graph.analysis, specRegistry));
  const check = computed(() => checkBudget(graph.doc, estimate.value, memoryLimits(training.settings.backend), specRegistry));
  const epochTime = computed(() => epochSeconds(estimate.value, memorySettings.lastSpeed));
  const nodeBytes = computed(() => new Map(estimate.value.nodes.map((n) => [n.nodeId, n.bytes])));
  return { estimate, check, epochTime, nodeBytes };
});
