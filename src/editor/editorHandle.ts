/** What the page can ask of the node editor (the canvas), without depending on how it is drawn. */
import type { Position } from '../core/changes';
import type { GraphDoc } from '../core/schema';
import type { View } from '../storage/session';

export interface NodeRect {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EditorHandle {
  /** Makes the canvas show `doc` (queued; resolves when drawn). */
  sync(doc: GraphDoc): Promise<void>;
  /** Fits the graph on screen without shrinking node text below the readable size (pans instead). */
  zoomToFit(): Promise<void>;
  /** Pans (zooming out only as far as needed) so these nodes — and `above` canvas px over them — are in view. */
  revealNodes(ids: ReadonlyArray<string>, options?: { above?: number }): Promise<void>;
  /** The lowest zoom at which node text is still readable. */
  readableZoom(): number;
  zoomBy(factor: number): Promise<void>;
  getView(): View;
  setView(view: View): Promise<void>;
  /** Canvas coordinates of a point on the screen. */
  toCanvas(clientX: number, clientY: number): Position;
  /** Canvas coordinates of the middle of what is visible. */
  viewCenter(): Position;
  nodeRects(): NodeRect[];
  selectedIds(): string[];
  select(ids: ReadonlyArray<string>): Promise<void>;
  clearSelection(): Promise<void>;
  /** Brings a node into view and selects it. */
  focusNode(id: string): Promise<void>;
  /** Lays the graph out left to right (loads the layout engine on first use). */
  arrange(): Promise<void>;
  container: HTMLElement;
  /** A layer under the nodes, in canvas coordinates, where group frames are drawn. */
  frameLayer: HTMLElement;
  destroy(): void;
}
