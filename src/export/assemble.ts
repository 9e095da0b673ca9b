/**
 * The parts of a script, gathered from its nodes' code for one target: the
 * networks they define, what the model's constructor makes, the forward pass
 * in dataflow order, the helpers they call, their weights, and how to read
 * the codes μ for the disentanglement report.
 */
import type { WeightLink } from './common';
import type { ExportModel } from './exportModel';
import type { HelperName } from './helpers';
import type { ExportTarget, NodeCode } from './nodeExport';

export interface ScriptParts {
  codes: NodeCode[];
  networks: string[][];
  init: string[];
  tracked: string[];
  forward: string[];
  helpers: Set<HelperName>;
  weights: WeightLink[];
  /** The codes μ of a batch `x`, from the encoder feeding the decoder (and its node id). */
  encode: { nodeId: string; expression: string } | undefined;
}

/** Asks every node for its code once (names claimed on the way stay claimed). */
export function assemble(model: ExportModel, target: ExportTarget): ScriptParts {
  const ctx = { target, claim: (name: string) => model.names.claim(name) };
  const codes = model.steps.map(({ step, exporter }) => exporter.code(step, ctx));
  const helpers = new Set<HelperName>();
  for (const c of codes) for (const h of c.helpers ?? []) helpers.add(h);
  const encoderId = model.plan.generation?.encoderId;
  const encoderAt = model.steps.findIndex(({ step }) => step.node.id === encoderId);
  const expression = encoderAt >= 0 ? codes[encoderAt]?.encode : undefined;
  return {
    codes,
    networks: codes.flatMap((c) => (c.network ? [c.network] : [])),
    init: codes.flatMap((c) => c.init ?? []),
    tracked: codes.flatMap((c) => c.tracked ?? []),
    forward: codes.flatMap((c) => c.forward),
    helpers,
    weights: codes.flatMap((c) => c.weights ?? []),
    encode: encoderId && expression ? { nodeId: encoderId, expression } : undefined,
  };
}
