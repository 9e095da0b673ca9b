/** The render signals our node component sends to Rete for its sockets and controls. */
import type { KindSocket, ParamControl } from './reteNodes';

export type RefData =
  | { type: 'socket'; side: 'input' | 'output'; key: string; nodeId: string; payload: KindSocket }
  | { type: 'control'; payload: ParamControl };

export type RenderSignal =
  { type: 'render'; data: RefData & { element: HTMLElement } } | { type: 'unmount'; data: { element: HTMLElement } };

export type RenderEmit = (signal: RenderSignal) => unknown;
