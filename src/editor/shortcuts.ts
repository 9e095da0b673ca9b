/** The keyboard shortcuts, as listed in the help overlay. */
export interface ShortcutInfo {
  keys: string[];
  does: string;
}

export const shortcutGroups: ReadonlyArray<{ title: string; items: ReadonlyArray<ShortcutInfo> }> = [
  {
    title: 'Build',
    items: [
      { keys: ['A', 'Space'], does: 'Search for a node to add (at the pointer)' },
      { keys: ['Right-click'], does: 'Add a node here; on a node: its actions; on a wire: remove it' },
      { keys: ['Drag output → input'], does: 'Connect two ports (colours must match)' },
      { keys: ['Drag a wire off an input'], does: 'Disconnect it' },
      { keys: ['Double-click a title'], does: 'Rename the node' },
    ],
  },
  {
    title: 'Edit',
    items: [
      { keys: ['Ctrl+Z'], does: 'Undo' },
      { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], does: 'Redo' },
      { keys: ['Ctrl+C', 'Ctrl+X', 'Ctrl+V'], does: 'Copy, cut, paste nodes (as graph JSON text)' },
      { keys: ['Ctrl+D'], does: 'Duplicate the selected nodes' },
      { keys: ['Ctrl+G'], does: 'Group the selected nodes (collapsed into one node)' },
      { keys: ['Ctrl+Shift+G'], does: 'Ungroup (the nodes stay)' },
      { keys: ['Delete', 'Backspace'], does: 'Delete the selected nodes' },
      { keys: ['Ctrl+A'], does: 'Select all nodes' },
      { keys: ['Ctrl+click'], does: 'Add a node to the selection' },
      { keys: ['Arrow keys'], does: 'Nudge the selected nodes (Shift: further)' },
      { keys: ['Ctrl+S'], does: 'Save now (graphs also save themselves)' },
    ],
  },
  {
    title: 'Share',
    items: [
      { keys: ['Drop on the canvas'], does: 'Open a graph file, a Bottleneck PNG (restores its run) or a share link, as a new graph' },
      { keys: ['Ctrl+V'], does: 'With a graph file’s text or a share link copied: open it as a new graph' },
      { keys: ['Share ▾'], does: 'Download the graph, a picture of the run or a training script; copy a share link' },
    ],
  },
  {
    title: 'View',
    items: [
      { keys: ['F', '.'], does: 'Zoom to fit' },
      { keys: ['+', '−'], does: 'Zoom in, out' },
      { keys: ['Wheel', 'drag the background'], does: 'Zoom, pan' },
      { keys: ['P'], does: 'Presenter mode: large text, high contrast, panels folded' },
      { keys: ['→', 'PageDown', 'Space'], does: 'When presenting: the lesson’s next step (or the next node along the flow)' },
      { keys: ['←', 'PageUp'], does: 'When presenting: back one step; Esc leaves presenter mode' },
      { keys: ['?'], does: 'This help' },
      { keys: ['Esc'], does: 'Close menus, clear the selection' },
    ],
  },
];
