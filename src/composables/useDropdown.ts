/**
 * A top-bar menu that opens a panel under its button: toggling focuses the
 * panel's first control matching `focus`, Escape (`close`) returns focus to
 * the button, and a press anywhere outside closes it.
 */
import { nextTick, onBeforeUnmount, ref } from 'vue';

export function useDropdown(options: { focus: string; onOpen?: () => void }) {
  const open = ref(false);
  const panel = ref<HTMLElement | null>(null);
  const button = ref<HTMLButtonElement | null>(null);

  async function toggle(): Promise<void> {
    open.value = !open.value;
    if (!open.value) return;
    options.onOpen?.();
    await nextTick();
    panel.value?.querySelector<HTMLElement>(options.focus)?.focus();
  }

  function close(): void {
    open.value = false;
    button.value?.focus();
  }

  function onOutside(event: PointerEvent): void {
    const t = event.target as Node;
    if (open.value && !panel.value?.contains(t) && !button.value?.contains(t)) open.value = false;
  }
  document.addEventListener('pointerdown', onOutside, true);
  onBeforeUnmount(() => document.removeEventListener('pointerdown', onOutside, true));

  return { open, panel, button, toggle, close };
}
