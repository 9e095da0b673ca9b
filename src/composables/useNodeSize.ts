/** Keeps a canvas node's Rete size (width, height) equal to its drawn size, for the minimap, zoom-to-fit and auto-arrange. */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

export function useNodeSize(root: Ref<HTMLElement | null>, node: { width: number; height: number }, onMeasured?: () => void): void {
  let observer: ResizeObserver | null = null;
  onMounted(() => {
    const el = root.value;
    if (!el) return;
    const measure = () => {
      // Rete lays nodes out by the size written on its node object (the one the view renders)
      node.width = el.offsetWidth;
      node.height = el.offsetHeight;
      onMeasured?.();
    };
    measure();
    observer = new ResizeObserver(measure);
    observer.observe(el);
  });
  onBeforeUnmount(() => observer?.disconnect());
}
