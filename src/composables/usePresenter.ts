/**
 * Presenter mode's keyboard: P turns it on and off; while on, → / PageDown / Space
 * go to the lesson's next step (or the next node along the flow when no lesson
 * is open), ← / PageUp go back, and Esc leaves it. Presentation clickers send
 * PageDown and PageUp.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { flowOrder } from '../editor/flow';
import { useEditorStore } from '../stores/editorStore';
import { useGraphStore } from '../stores/graphStore';
import { useLessonStore } from '../stores/lessonStore';
import { useUiStore } from '../stores/uiStore';

const forwardKeys = new Set(['ArrowRight', 'PageDown', ' ']);
const backKeys = new Set(['ArrowLeft', 'PageUp']);

function typingInto(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable ||
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement)
  );
}

export function usePresenter(): void {
  const ui = useUiStore();
  const lessons = useLessonStore();
  const graph = useGraphStore();
  const editorUi = useEditorStore();
  /** Where the tour of the graph's nodes stands (no lesson open). */
  let tourIndex = -1;

  function step(direction: 1 | -1): void {
    if (lessons.lesson) {
      if (direction < 0) lessons.back();
      else if (lessons.stepIndex >= lessons.lesson.steps.length - 1) ui.toast('This is the lesson’s last step.', 'info', 2500);
      else if (lessons.current?.done) lessons.next();
      else ui.toast(lessons.current?.waiting ?? 'This step is not done yet.', 'info', 3500);
      return;
    }
    const order = flowOrder(graph.doc.nodes, graph.doc.edges);
    if (order.length === 0) return;
    tourIndex = Math.max(0, Math.min(order.length - 1, tourIndex + direction));
    const id = order[tourIndex];
    if (id) void editorUi.focusNode(id);
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target) || ui.helpOpen) return;
    if (!ui.presenter) {
      if (event.key === 'p' || event.key === 'P') {
        ui.setPresenter(true);
        event.preventDefault();
      }
      return;
    }
    if (forwardKeys.has(event.key)) step(1);
    else if (backKeys.has(event.key)) step(-1);
    else if (event.key === 'Escape' || event.key === 'p' || event.key === 'P') ui.setPresenter(false);
    else return;
    // the editor's own use of these keys (nudging, the add menu) waits until presenting ends
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  onMounted(() => window.addEventListener('keydown', onKeyDown, true));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown, true));
}
