/** App-wide UI state: messages (toasts), theme, large text, presenter mode, help overlay. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { z } from 'zod';

export type ToastKind = 'info' | 'error' | 'warning';

/** A button on a message (e.g. "Back to the previous graph"). */
export interface ToastAction {
  label: string;
  run(): void;
}

export interface Toast {
  id: number;
  text: string;
  kind: ToastKind;
  action?: ToastAction;
}

export const themeModes = ['system', 'light', 'dark'] as const;
export type ThemeMode = (typeof themeModes)[number];

const THEME_KEY = 'bottleneck.theme';
const LARGE_KEY = 'bottleneck.largeText';

/**
 * The smallest size, in CSS pixels on the screen, that node text may shrink to
 * when the canvas fits a graph: readable on a laptop, larger for a room.
 */
export const readableText = { normal: 12, large: 16, presenter: 20 } as const;

function readSetting<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = schema.safeParse(localStorage.getItem(key));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered; the choice still applies to this page
  }
}

export const useUiStore = defineStore('ui', () => {
  const toasts = ref<Toast[]>([]);
  let nextToast = 1;
  const theme = ref<ThemeMode>(readSetting(THEME_KEY, z.enum(themeModes), 'system'));
  const largeText = ref<boolean>(readSetting(LARGE_KEY, z.enum(['true', 'false']), 'false') === 'true');
  /** Presenter mode: large text, high contrast, panels folded away, the keyboard steps through the lesson. */
  const presenter = ref(false);
  const readableTextPx = computed(() =>
    presenter.value ? readableText.presenter : largeText.value ? readableText.large : readableText.normal,
  );
  const helpOpen = ref(false);
  /** The share-link dialog is open (keys and pastes belong to it). */
  const shareDialogOpen = ref(false);
  /** The Datasets dialog (import your own pictures) is open. */
  const datasetsDialogOpen = ref(false);
  /** Bumped to open the training panel (it may be collapsed to leave the canvas room). */
  const dashboardSignal = ref(0);
  /** The training panel is in a window of its own. */
  const dashboardDetached = ref(false);

  function openDashboard(): void {
    dashboardSignal.value++;
  }

  function toast(text: string, kind: ToastKind = 'info', ms = kind === 'error' ? 8000 : 4500, action?: ToastAction): void {
    const id = nextToast++;
    // the same message twice in a row replaces the first
    toasts.value = [...toasts.value.filter((t) => t.text !== text), { id, text, kind, ...(action ? { action } : {}) }].slice(-4);
    setTimeout(() => dismiss(id), ms);
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function setTheme(mode: ThemeMode): void {
    theme.value = mode;
    writeSetting(THEME_KEY, mode);
  }

  function cycleTheme(): void {
    const i = themeModes.indexOf(theme.value);
    setTheme(themeModes[(i + 1) % themeModes.length] ?? 'system');
  }

  function setLargeText(on: boolean): void {
    largeText.value = on;
    writeSetting(LARGE_KEY, String(on));
  }

  function setPresenter(on: boolean): void {
    presenter.value = on;
  }

  return {
    toasts,
    toast,
    dismiss,
    theme,
    setTheme,
    cycleTheme,
    largeText,
    setLargeText,
    presenter,
    setPresenter,
    readableTextPx,
    helpOpen,
    shareDialogOpen,
    datasetsDialogOpen,
    dashboardSignal,
    openDashboard,
    dashboardDetached,
  };
});
