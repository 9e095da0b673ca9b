/**
 * Keeps the Rete canvas equal to the document: reads what the canvas shows,
 * plans the difference (pure, see model.ts) and applies it. Runs one sync at a
 * time; while it runs, `isSyncing()` is true so the canvas's own events
 * (node translated, connection removed) are not mistaken for user edits.
 */
import type { NodeEditor } from 'rete';
import type { Position } from '../core/changes';
import { planSync, type EditorModel, type EditorState, type SyncPlan } from './model';
import { createConnectionView, createNodeView, type Schemes } from './reteNodes';

/** Where nodes sit on the canvas (the area plugin's node views; a plain map in tests). */
export interface NodePositions {
  get(id: string): Position | undefined;
  set(id: string, position: Position): Promise<unknown>;
}

export function readEditorState(editor: NodeEditor<Schemes>, positions: NodePositions): EditorState {
  return {
    nodes: editor.getNodes().map((n) => ({
      id: n.id,
      type: n.type,
      position: positions.get(n.id) ?? { x: 0, y: 0 },
      ...(n.model.portsKey !== undefined ? { portsKey: n.model.portsKey } : {}),
    })),
    connections: editor.getConnections().map((c) => ({
      id: c.id,
      source: c.source,
      sourceOutput: String(c.sourceOutput),
      target: c.target,
      targetInput: String(c.targetInput),
    })),
  };
}

export async function applySyncPlan(editor: NodeEditor<Schemes>, positions: NodePositions, plan: SyncPlan): Promise<void> {
  for (const id of plan.removeConnections) if (editor.getConnection(id)) await editor.removeConnection(id);
  for (const id of plan.removeNodes) if (editor.getNode(id)) await editor.removeNode(id);
  for (const model of plan.addNodes) {
    await editor.addNode(createNodeView(model));
    await positions.set(model.id, model.position);
  }
  for (const m of plan.moveNodes) await positions.set(m.id, m.position);
  for (const c of plan.addConnections) {
    const source = editor.getNode(c.source);
    const target = editor.getNode(c.target);
    if (source && target) await editor.addConnection(createConnectionView(c, source, target));
  }
}

export interface Syncer {
  /** Makes the canvas show `model`; resolves when done (calls are queued). */
  sync(model: EditorModel): Promise<SyncPlan>;
  isSyncing(): boolean;
}

export function createSyncer(editor: NodeEditor<Schemes>, positions: NodePositions): Syncer {
  let queue: Promise<unknown> = Promise.resolve();
  let depth = 0;
  let latest: EditorModel | null = null;
  return {
    sync(model) {
      latest = model;
      const run = queue.then(async () => {
        depth++;
        try {
          // a queued sync goes straight to the newest document
          const plan = planSync(readEditorState(editor, positions), latest ?? model);
          await applySyncPlan(editor, positions, plan);
          return plan;
        } finally {
          depth--;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    isSyncing: () => depth > 0,
  };
}
