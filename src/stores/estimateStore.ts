/**
 * The open graph's memory and time estimate, live on every edit: what it
 * takes to train with the chosen backend and batch, whether that fits the
 * budget, and about how long an epoch takes at the last measured speed.
 */
import { defineStore } from 'pinia';
import { computed, watch } from 'vue';
import { specRegistry } from '../../nodes';
import { checkBudget, epochSeconds, estimateTraining } from '../core/memoryBudget';
import { useGraphStore } from './graphStore';
import { memoryLimits, memorySettings, readGpuLimits } from './memorySettings';
import { useTrainingStore } from './trainingStore';

export const useEstimateStore = defineStore('estimate', () => {
  const graph = useGraphStore();
  const training = useTrainingStore();
  // the WebGPU adapter's buffer limits matter only once WebGPU is chosen: read then (no device is created)
  watch(
    () => training.settings.backend,
    (backend) => {
      if (backend === 'webgpu') void readGpuLimits();
    },
    { immediate: true },
  );
  const estimate = computed(() => estimateTraining(graph.doc, graph.analysis, specRegistry));
  const check = computed(() => checkBudget(graph.doc, estimate.value, memoryLimits(training.settings.backend), specRegistry));
  const epochTime = computed(() => epochSeconds(estimate.value, memorySettings.lastSpeed));
  const nodeBytes = computed(() => new Map(estimate.value.nodes.map((n) => [n.nodeId, n.bytes])));
  return { estimate, check, epochTime, nodeBytes };
});
