/**
 * Socket kinds: what flows along an edge. Connections are only allowed between
 * an output and an input of the same kind; the refusal explains why.
 */
export const socketKinds = ['image', 'labels', 'latent', 'logvar', 'reconstruction', 'scalar'] as const;
export type SocketKind = (typeof socketKinds)[number];

export interface SocketInfo {
  title: string;
  /** One line for tooltips and refusal messages. */
  describes: string;
  /** CSS colour token used by the editor. */
  color: string;
}

export const socketInfo: Record<SocketKind, SocketInfo> = {
  image: { title: 'image', describes: 'a batch of images', color: '#3b82f6' },
  labels: { title: 'labels', describes: 'class labels of a batch', color: '#94a3b8' },
  latent: { title: 'latent', describes: 'a latent code (a mean or a sample z)', color: '#a855f7' },
  logvar: { title: 'log-variance', describes: 'the log-variance of the latent distribution', color: '#ec4899' },
  reconstruction: {
    title: 'reconstruction',
    describes: "the decoder's reconstruction x̂ (with its logits)",
    color: '#22c55e',
  },
  scalar: { title: 'scalar', describes: 'a loss term (one number per batch)', color: '#f59e0b' },
};

export function canConnect(from: SocketKind, to: SocketKind): { ok: true } | { ok: false; reason: string } {
  if (from === to) return { ok: true };
  return {
    ok: false,
    reason: `this output is ${socketInfo[from].describes} (${from}), but the input expects ${socketInfo[to].describes} (${to})`,
  };
}
