/**
 * The graph document: the single source of truth. The canvas is a view of it;
 * analysis (shapes, parameter counts, errors) is derived from it on every edit.
 *
 * Every edit is a `GraphChange` applied by the pure `applyChange`, and recorded
 * as a whole-document snapshot for undo/redo.
 *
 * A locked graph (a workshop view opened from a share link) refuses every edit
 * to the model itself: nodes, wires, params, notes, labels and the name. Its
 * training settings stay adjustable, so it can still be trained.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../core/analyze';
import { applyChange, freshNodeId, placeFragment, type GraphChange, type GraphFragment, type Position } from '../core/changes';
import { emptyHistory, recordEdit, redoEdit, undoEdit, type History } from '../core/history';
import { checkParam, type ParamCheck } from '../core/params';
import type { GraphDoc, PortRef } from '../core/schema';
import { connectionChange, type ConnectionDecision } from '../editor/model';
import { galleryGraph } from '../graphs';

/** Why an edit was refused in a locked graph (completes "… because …"). */
export const LOCKED_REASON = 'this is a locked workshop view (make an editable copy to change it)';

/** Changes a locked graph still takes: the run settings, and opening or closing a group (a view of it). */
const allowedWhenLocked: ReadonlySet<GraphChange['type']> = new Set(['setTraining', 'setGroupCollapsed']);

export interface ApplyOptions {
  /** Edits with the same key in quick succession are one undo step. */
  coalesce?: string;
}

export const useGraphStore = defineStore('graph', () => {
  const doc = shallowRef<GraphDoc>(galleryGraph('vae'));
  const analysis = computed(() => analyzeGraph(doc.value, specRegistry));
  const history = shallowRef<History>(emptyHistory);
  const canUndo = computed(() => history.value.past.length > 0);
  const canRedo = computed(() => history.value.future.length > 0);
  /** The graph is read-only (a locked workshop view). */
  const locked = ref(false);

  function setLocked(on: boolean): void {
    locked.value = on;
  }

  /** Applies one change as one undo step; false when it changed nothing (or the graph is locked). */
  function apply(change: GraphChange, options: ApplyOptions = {}): boolean {
    if (locked.value && !allowedWhenLocked.has(change.type)) return false;
    const before = doc.value;
    const after = applyChange(before, change);
    if (after === before) return false;
    history.value = recordEdit(history.value, before, { now: Date.now(), ...options });
    doc.value = after;
    return true;
  }

  /**
   * Replaces the whole document (undoable). The training panel writes run
   * settings this way, which a locked graph also takes.
   */
  function replace(next: GraphDoc): void {
    if (next === doc.value) return;
    history.value = recordEdit(history.value, doc.value, { now: Date.now() });
    doc.value = next;
  }

  /** Opens another graph: a fresh document with an empty history. */
  function load(next: GraphDoc): void {
    history.value = emptyHistory;
    doc.value = next;
  }

  /**
   * Applies a change that is not the user's own edit (tidying a layout when a
   * graph is opened): it is not an undo step.
   */
  function settle(change: GraphChange): void {
    doc.value = applyChange(doc.value, change);
  }

  function undo(): boolean {
    const r = undoEdit(history.value, doc.value);
    if (!r) return false;
    history.value = r.history;
    doc.value = r.doc;
    return true;
  }

  function redo(): boolean {
    const r = redoEdit(history.value, doc.value);
    if (!r) return false;
    history.value = r.history;
    doc.value = r.doc;
    return true;
  }

  // ---- edits that need the node catalogue ----

  /** Adds a node of `type` with default params; returns its id. */
  function addNode(type: string, position: Position): string | null {
    if (locked.value) return null;
    const spec = specRegistry.get(type);
    if (!spec) return null;
    const id = freshNodeId(doc.value, type);
    const params = spec.params.parse({});
    apply({
      type: 'addNode',
      node: { id, type, version: spec.version, params, position: { x: Math.round(position.x), y: Math.round(position.y) } },
    });
    return id;
  }

  /** Sets a param if the value is valid for that node; otherwise says why not and changes nothing. */
  function setParam(nodeId: string, key: string, value: unknown): ParamCheck {
    const node = doc.value.nodes.find((n) => n.id === nodeId);
    const spec = node ? specRegistry.get(node.type) : undefined;
    if (!node || !spec) return { ok: false, message: `node '${nodeId}' no longer exists` };
    if (locked.value) return { ok: false, message: `${key} cannot be changed: ${LOCKED_REASON}` };
    const check = checkParam(spec, node.params, key, value);
    if (check.ok) apply({ type: 'setParam', nodeId, key, value: check.value }, { coalesce: `param:${nodeId}:${key}` });
    return check;
  }

  /** Connects an output to an input, or says why it cannot. */
  function connect(from: PortRef, to: PortRef): ConnectionDecision {
    if (locked.value) return { ok: false, reason: `nothing can be connected: ${LOCKED_REASON}` };
    const decision = connectionChange(doc.value, specRegistry, from, to);
    if (decision.ok) apply(decision.change);
    return decision;
  }

  /** Inserts a fragment (paste, duplicate); returns the new node ids. */
  function insertFragment(fragment: GraphFragment): string[] {
    if (locked.value) return [];
    const placed = placeFragment(doc.value, fragment);
    if (placed.nodes.length === 0) return [];
    apply({ type: 'addFragment', fragment: placed });
    return placed.nodes.map((n) => n.id);
  }

  return {
    doc,
    analysis,
    history,
    canUndo,
    canRedo,
    locked,
    setLocked,
    apply,
    replace,
    load,
    settle,
    undo,
    redo,
    addNode,
    setParam,
    connect,
    insertFragment,
  };
});
