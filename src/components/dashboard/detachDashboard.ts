/**
 * The training dashboard in a window of its own (for a second screen or a
 * projector): the window is drawn by this page's app, with the same stores,
 * so training, controls and pictures stay one run and nothing is copied.
 */
import type { Pinia } from 'pinia';
import { createApp } from 'vue';
import DashboardPanel from './DashboardPanel.vue';

export interface DetachedDashboard {
  window: Window;
  close(): void;
}

const WINDOW_NAME = 'bottleneck-training';

/** Copies the page's styles and theme into the window, and keeps copying the ones added later. */
function mirrorStyles(target: Document): () => void {
  const copyStyles = () => {
    target.head.querySelectorAll('[data-mirrored]').forEach((n) => n.remove());
    document.querySelectorAll('style, link[rel="stylesheet"]').forEach((node) => {
      const copy = node.cloneNode(true);
      if (copy instanceof Element) copy.setAttribute('data-mirrored', '');
      target.head.appendChild(target.importNode(copy, true));
    });
  };
  const copyTheme = () => {
    for (const [key, value] of Object.entries(document.documentElement.dataset)) {
      if (value !== undefined) target.documentElement.dataset[key] = value;
    }
  };
  copyStyles();
  copyTheme();
  const styleWatch = new MutationObserver(copyStyles);
  styleWatch.observe(document.head, { childList: true, subtree: true, characterData: true });
  const themeWatch = new MutationObserver(copyTheme);
  themeWatch.observe(document.documentElement, { attributes: true });
  return () => {
    styleWatch.disconnect();
    themeWatch.disconnect();
  };
}

/**
 * Opens the dashboard in its own window. Returns null when the browser
 * blocked the window. `onClosed` runs when the user closes it.
 */
export function openDetachedDashboard(pinia: Pinia, onClosed: () => void): DetachedDashboard | null {
  const win = window.open('', WINDOW_NAME, 'popup,width=560,height=900');
  if (!win) return null;
  const doc = win.document;
  doc.title = 'Bottleneck · Training';
  doc.body.replaceChildren();
  doc.body.style.margin = '0';
  const root = doc.createElement('div');
  root.className = 'detached-dashboard';
  root.style.cssText = 'height: 100vh; overflow: auto; background: var(--panel); color: var(--text);';
  root.dataset.testid = 'detached-dashboard';
  doc.body.appendChild(root);
  const stopMirroring = mirrorStyles(doc);
  const app = createApp(DashboardPanel).use(pinia);
  app.mount(root);

  let open = true;
  const finish = () => {
    if (!open) return;
    open = false;
    app.unmount();
    stopMirroring();
    window.removeEventListener('pagehide', closeWindow);
    onClosed();
  };
  const closeWindow = () => win.close();
  win.addEventListener('pagehide', finish);
  // a page that goes away takes its window with it
  window.addEventListener('pagehide', closeWindow);
  return {
    window: win,
    close() {
      finish();
      win.close();
    },
  };
}
