/** Applies the chosen theme (or the system's), the text size and presenter mode to the page. */
import { onBeforeUnmount, ref, watchEffect } from 'vue';
import { useUiStore } from '../stores/uiStore';

export function useTheme(): void {
  const ui = useUiStore();
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const systemDark = ref(query.matches);
  const onChange = (e: MediaQueryListEvent) => {
    systemDark.value = e.matches;
  };
  query.addEventListener('change', onChange);
  onBeforeUnmount(() => query.removeEventListener('change', onChange));

  watchEffect(() => {
    const dark = ui.theme === 'dark' || (ui.theme === 'system' && systemDark.value);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    document.documentElement.dataset.textSize = ui.largeText || ui.presenter ? 'large' : 'normal';
    document.documentElement.dataset.presenter = ui.presenter ? 'on' : 'off';
  });
}
