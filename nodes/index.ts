/** The node catalogue: every node kind, indexed by its type name. */
import type { NodeSpecRegistry } from '../src/core/nodeSpec';
import { Beta } from './beta';
import { Condition } from './condition';
import { Dataset } from './dataset';
import { Decoder } from './decoder';
import type { AnyNodeDef, NodeDef } from './defineNode';
import { Encoder } from './encoder';
import { KL } from './kl';
import { Loss } from './loss';
import { Noise } from './noise';
import { ReconstructionLoss } from './reconstructionLoss';
import { Reparameterize } from './reparameterize';
import { Sum } from './sum';

/**
 * Erases a def's params type so defs of different kinds sit in one list. Safe by
 * construction: every call into a def passes params parsed by that def's schema.
 */
function erase<P extends Record<string, unknown>>(def: NodeDef<P>): AnyNodeDef {
  return def as unknown as AnyNodeDef;
}

export const nodeDefs: ReadonlyArray<AnyNodeDef> = [
  erase(Dataset),
  erase(Condition),
  erase(Noise),
  erase(Encoder),
  erase(Reparameterize),
  erase(Decoder),
  erase(ReconstructionLoss),
  erase(KL),
  erase(Beta),
  erase(Loss),
  erase(Sum),
];

export const nodeRegistry: ReadonlyMap<string, AnyNodeDef> = new Map(nodeDefs.map((d) => [d.type, d]));

/** The same catalogue seen as pure specs (what the core and the editor need). */
export const specRegistry: NodeSpecRegistry = nodeRegistry;

export { Beta, Condition, Dataset, Decoder, Encoder, KL, Loss, Noise, ReconstructionLoss, Reparameterize };
