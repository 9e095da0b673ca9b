/**
 * Says so when the open graph uses one of the user's imported datasets that
 * this browser does not have (a shared graph, link or PNG): the graph opens
 * as it is, and the message names the dataset and its hash with a way to import it.
 */
import { computed, watch } from 'vue';
import { specRegistry } from '../../nodes';
import { missingImportMessage } from '../core/datasets';
import { datasetOf } from '../core/graphQueries';
import { useGraphStore } from '../stores/graphStore';
import { useImportedDatasetsStore } from '../stores/importedDatasetsStore';
import { useUiStore } from '../stores/uiStore';

export function useMissingDatasetNotice(): void {
  const graph = useGraphStore();
  const store = useImportedDatasetsStore();
  const ui = useUiStore();
  const told = new Set<string>();
  const wanted = computed(() => datasetOf(graph.doc.nodes, specRegistry)?.imported);
  void store.refresh().then(() => {
    watch(
      [wanted, () => store.list],
      ([ref]) => {
        if (!ref || store.byHash(ref.hash) || told.has(ref.hash)) return;
        told.add(ref.hash);
        ui.toast(missingImportMessage(ref), 'warning', 15_000, { label: 'Import…', run: () => (ui.datasetsDialogOpen = true) });
      },
      { immediate: true },
    );
  });
}
