/**
 * The run history: every finished or stopped run (single or side by side) is
 * kept in IndexedDB with its graph, settings, final metrics, sharpness and
 * thumbnails; the newest RUN_HISTORY_LIMIT stay. Two can be picked and
 * compared. Runs are recorded when they end — this store watches the training
 * and comparison stores and pushes their results outward to storage.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { RunPhase } from '../runtime/page/runState';
import { deleteRuns, listRuns, saveRuns } from '../storage/runDb';
import { createRunRecord, newRunId, RUN_HISTORY_LIMIT, type RunRecord } from '../storage/runRecords';
import { useCompareStore } from './compareStore';
import { useTrainingStore } from './trainingStore';

const ended = (phase: RunPhase | undefined): phase is 'finished' | 'stopped' | 'diverged' =>
  phase === 'finished' || phase === 'stopped' || phase === 'diverged';

export const useRunHistoryStore = defineStore('runHistory', () => {
  const training = useTrainingStore();
  const compare = useCompareStore();

  /** Newest first. */
  const entries = shallowRef<RunRecord[]>([]);
  /** Picked for comparing (at most two, in the order picked). */
  const selected = ref<string[]>([]);
  /** The two runs being compared. */
  const pair = shallowRef<[RunRecord, RunRecord] | undefined>(undefined);
  const error = ref<string | undefined>(undefined);
  /** Runs dropped by the last save to stay within the limit. */
  const dropped = ref(0);
  const loaded = ref(false);

  const selectedRecords = computed(() =>
    selected.value.map((id) => entries.value.find((e) => e.id === id)).filter((r): r is RunRecord => r !== undefined),
  );

  async function refresh(): Promise<void> {
    try {
      entries.value = await listRuns();
      selected.value = selected.value.filter((id) => entries.value.some((e) => e.id === id));
      error.value = undefined;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      loaded.value = true;
    }
  }

  /** Saves one after another, so a run's interim record never lands after its ending. */
  let saving: Promise<void> = Promise.resolve();
  function add(records: ReadonlyArray<RunRecord>): Promise<void> {
    if (records.length === 0) return saving;
    saving = saving.then(async () => {
      try {
        dropped.value = await saveRuns(records, RUN_HISTORY_LIMIT);
      } catch (e) {
        error.value = `the run could not be kept: ${e instanceof Error ? e.message : String(e)}`;
        return;
      }
      await refresh();
    });
    return saving;
  }

  async function remove(ids: ReadonlyArray<string>): Promise<void> {
    await saving;
    try {
      await deleteRuns(ids);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
    selected.value = selected.value.filter((id) => !ids.includes(id));
    if (pair.value && pair.value.some((r) => ids.includes(r.id))) pair.value = undefined;
    await refresh();
  }

  function toggle(id: string): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((x) => x !== id) : [...selected.value, id].slice(-2);
  }

  /** Opens the comparison of the two picked runs. */
  function compareSelected(): void {
    const [a, b] = selectedRecords.value;
    if (!a || !b) return;
    pair.value = [a, b];
    compare.show('history');
  }

  function recordSingleRun(phase: RunRecord['status'], id: string = newRunId()): RunRecord | undefined {
    const run = training.run;
    const doc = training.trainedDoc;
    if (!doc) return undefined;
    const p = training.preview;
    return createRunRecord({
      id,
      createdAt: Date.now(),
      label: doc.name,
      doc,
      ...(run.backend ? { backend: run.backend.name } : {}),
      epochs: run.plan?.epochs,
      trainLimit: training.settings.trainLimit,
      testLimit: training.settings.testLimit,
      status: phase,
      steps: run.step,
      final: run.final,
      sharpness: run.sharpness,
      curves: { recon: run.curves.recon.train, kl: run.curves.kl.train },
      pictures: p ? { shape: p.imageShape, inputs: p.inputs, reconstructions: p.reconstructions, samples: p.samples } : undefined,
    });
  }

  function recordComparison(): RunRecord[] {
    const view = compare.view;
    if (!view) return [];
    const group = newRunId();
    const now = Date.now();
    return view.lanes.flatMap((lane, i) => {
      const doc = compare.lanes[i]?.doc;
      if (!doc || lane.status === 'waiting' || lane.status === 'training') return [];
      const p = compare.pictures[i];
      return [
        createRunRecord({
          id: `${group}-${i}`,
          // the lanes keep their order in the newest-first list
          createdAt: now - i,
          label: lane.label === 'original' ? `${doc.name} (original)` : lane.label,
          group: { id: group, kind: view.kind, lane: i, lanes: view.lanes.length },
          doc,
          ...(view.backend ? { backend: view.backend.name } : {}),
          epochs: lane.info?.epochs,
          trainLimit: compare.options?.trainLimit,
          testLimit: compare.options?.testLimit,
          status: lane.status,
          steps: lane.step,
          final: lane.final,
          sharpness: lane.sharpness,
          curves: { recon: lane.curves.recon, kl: lane.curves.kl },
          pictures: p ? { shape: p.imageShape, inputs: p.inputs, reconstructions: p.reconstructions, samples: p.samples } : undefined,
        }),
      ];
    });
  }

  /**
   * A run is kept from its first epoch on as "interrupted", so a page closed
   * mid-run leaves it listed as such; it is replaced by its ending (same id).
   */
  let liveRecord: { runId: number; id: string } | undefined;
  function keepLive(status: RunRecord['status']): void {
    const run = training.run;
    if (!liveRecord || liveRecord.runId !== run.runId) liveRecord = { runId: run.runId, id: newRunId() };
    const record = recordSingleRun(status, liveRecord.id);
    if (record) void add([record]);
  }
  watch(
    () => training.run.phase,
    (phase, before) => {
      if (ended(phase) && !ended(before) && before !== 'idle') keepLive(phase);
      else if (phase === 'cancelled' && liveRecord?.runId === training.run.runId) {
        // cancelled on purpose: nothing to keep (a failed run stays listed as interrupted, up to its last epoch)
        const id = liveRecord.id;
        liveRecord = undefined;
        void remove([id]);
      }
    },
  );
  watch(
    () => training.run.records.length,
    (epochs) => {
      if (epochs > 0 && (training.run.phase === 'training' || training.run.phase === 'paused')) keepLive('interrupted');
    },
  );
  watch(
    () => compare.view?.phase,
    (phase, before) => {
      if ((phase === 'finished' || phase === 'stopped') && !ended(before)) void add(recordComparison());
    },
  );

  return {
    entries,
    selected,
    selectedRecords,
    pair,
    error,
    dropped,
    loaded,
    refresh,
    add,
    remove,
    toggle,
    compareSelected,
    limit: RUN_HISTORY_LIMIT,
  };
});
