/** A problem found in a graph, named by node and field so the editor can show it in place. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `missing-input`, `cycle`, `param`. */
  code: string;
  /** Plain words, naming the node and field. */
  message: string;
  nodeId?: string;
  /** A param key or port name on that node. */
  field?: string;
  edgeId?: string;
}

export function hasErrors(diagnostics: ReadonlyArray<Diagnostic>): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function formatDiagnostics(diagnostics: ReadonlyArray<Diagnostic>): string {
  return diagnostics.map((d) => `${d.severity === 'error' ? 'error' : 'warning'}: ${d.message}`).join('\n');
}

/** Thrown by node shape rules; becomes a diagnostic on that node and field. */
export class NodeIssueError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeIssueError';
  }
}
