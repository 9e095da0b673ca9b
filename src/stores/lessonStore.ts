/**
 * The guided lesson of the open graph: which lesson and step, the facts its
 * checks read (the graph, the latest run, the latest traced step, the scores)
 * and the result of every step's check. A lesson belongs to one graph in the
 * library (it is remembered per graph), so switching graphs hides it and
 * coming back resumes it. A share link with `lesson=` opens its graph in that
 * lesson at the link's step.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { galleryGraph } from '../graphs';
import { groupToOpen } from '../core/groups';
import { readLesson, writeLesson, type LessonState } from '../storage/session';
import type { LessonId } from '../workshop/lessonIds';
import { checkLesson, lessonById, type LessonFacts } from '../workshop/lessons';
import { useGraphStore } from './graphStore';
import { useLatentStore } from './latentStore';
import { useLibraryStore } from './libraryStore';
import { useShareStore } from './shareStore';
import { useTrainingStore } from './trainingStore';

export const useLessonStore = defineStore('lesson', () => {
  const library = useLibraryStore();
  const graph = useGraphStore();
  const share = useShareStore();
  const training = useTrainingStore();
  const latent = useLatentStore();

  const state = ref<LessonState | undefined>(undefined);

  function persist(): void {
    const id = library.currentId;
    if (id) writeLesson(id, state.value);
  }

  watch(
    () => library.currentId,
    (id) => {
      if (!id) {
        state.value = undefined;
        return;
      }
      const fromLink = share.takeLinkLesson();
      if (fromLink) {
        const steps = lessonById(fromLink.lesson).steps.length;
        state.value = { lesson: fromLink.lesson, step: Math.min(fromLink.step, steps) - 1 };
        persist();
        return;
      }
      state.value = readLesson(id);
    },
    { immediate: true },
  );

  const lesson = computed(() => (state.value ? lessonById(state.value.lesson) : undefined));
  const stepIndex = computed(() => state.value?.step ?? 0);
  const step = computed(() => lesson.value?.steps[stepIndex.value]);

  const facts = computed<LessonFacts>(() => {
    const trained = training.trainedDoc;
    const run = training.run;
    const traced = training.anatomy;
    return {
      doc: graph.doc,
      graphOk: graph.analysis.ok,
      run:
        trained && run.phase !== 'idle' && run.phase !== 'failed' && run.phase !== 'cancelled'
          ? { doc: trained, steps: run.step }
          : undefined,
      anatomy: traced ? { variational: traced.eps !== null } : undefined,
      scored: training.scoreLog,
      vectors: latent.attributeLog.map(({ row }) => ({
        variational: row.variational,
        factor: row.spec.by === 'factor' ? row.spec.factor : undefined,
        imageGroup: row.imageGroup,
        // the view asks for the row's α and then the slider's
        alpha: row.alphas.at(-1) ?? 0,
      })),
      moons: latent.moonLog.map(({ row }) => ({ variational: row.variational })),
    };
  });

  const passed = computed(() => new Set(state.value?.passed ?? []));
  /** Each step's check, with the steps once passed kept done. */
  const checks = computed(() =>
    lesson.value ? checkLesson(lesson.value, facts.value).map((c, i) => (!c.done && passed.value.has(i) ? { ...c, done: true } : c)) : [],
  );
  const current = computed(() => checks.value[stepIndex.value]);

  // a step whose check passes is remembered as passed
  watch(checks, (list) => {
    const s = state.value;
    if (!s) return;
    const fresh = list.flatMap((c, i) => (c.done && !passed.value.has(i) ? [i] : []));
    if (fresh.length === 0) return;
    state.value = { ...s, passed: [...(s.passed ?? []), ...fresh].sort((a, b) => a - b) };
    persist();
  });
  /** Node types the current step is about (the canvas highlights them). */
  const focusTypes = computed(() => new Set(step.value?.focus ?? []));

  // a step can show a group opened: expanded once when the step is shown or the group appears
  // (not an undo step of the learner's, who may collapse it again)
  const openedGroups = new Set<string>();
  watch(
    () => [step.value?.openGroup, graph.doc] as const,
    ([name, doc]) => {
      const group = name ? groupToOpen(doc, name) : undefined;
      const key = `${library.currentId}:${state.value?.lesson}:${stepIndex.value}:${group?.id}`;
      if (!group || openedGroups.has(key)) return;
      openedGroups.add(key);
      graph.settle({ type: 'setGroupCollapsed', groupId: group.id, collapsed: false });
    },
    { immediate: true },
  );

  /** Opens the lesson's saved graph as a new graph and starts at its first step. */
  async function start(id: LessonId): Promise<void> {
    const l = lessonById(id);
    const doc = galleryGraph(l.graph);
    await library.openAsNew({ ...doc, name: `Lesson: ${l.title}` });
    state.value = { lesson: id, step: 0, passed: [] };
    persist();
  }

  function goTo(index: number): void {
    const l = lesson.value;
    if (!l || !state.value) return;
    state.value = { ...state.value, step: Math.max(0, Math.min(l.steps.length - 1, index)) };
    persist();
  }

  const next = (): void => goTo(stepIndex.value + 1);
  const back = (): void => goTo(stepIndex.value - 1);

  function close(): void {
    state.value = undefined;
    persist();
  }

  return { state, lesson, stepIndex, step, checks, current, focusTypes, start, goTo, next, back, close };
});
