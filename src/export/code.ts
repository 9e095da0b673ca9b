/**
 * Export a graph as a Python training script: one entry point for the CLI and
 * the editor. Never throws; an unsupported graph gives errors naming the node.
 */
import { nodeRegistry } from '../../nodes';
import type { AnyNodeDef } from '../../nodes/defineNode';
import type { GraphDoc } from '../core/schema';
import type { CodeExportOptions, CodeExportResult, ExportTarget } from './common';
import { exportKeras } from './keras';
import { exportPyTorch } from './pytorch';

export { exportTargets, targetTitle, type CodeExportOptions, type CodeExportResult, type ExportTarget, type WeightLink } from './common';

/** `registry`: the node kinds (with their exporters) the graph may use. */
export function exportCode(
  doc: GraphDoc,
  target: ExportTarget,
  options: CodeExportOptions = {},
  registry: ReadonlyMap<string, AnyNodeDef> = nodeRegistry,
): CodeExportResult {
  return target === 'pytorch' ? exportPyTorch(doc, options, registry) : exportKeras(doc, options, registry);
}
