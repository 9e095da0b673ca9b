/**
 * The graph document: the single source of truth. The canvas is a view of it;
 * analysis (shapes, parameter counts, errors) is derived from it on every edit.
 */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../core/analyze';
import type { GraphDoc } from '../core/schema';
import { galleryGraph } from '../graphs';

export const useGraphStore = defineStore('graph', () => {
  const doc = shallowRef<GraphDoc>(galleryGraph('vae'));
  const analysis = computed(() => analyzeGraph(doc.value, specRegistry));

  function replace(next: GraphDoc): void {
    doc.value = next;
  }

  return { doc, analysis, replace };
});
