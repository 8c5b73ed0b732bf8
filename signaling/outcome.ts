import type { ErrorCode, ServerFrame } from './protocol.ts';

/**
 * What a registry decides, as data: frames to send and to whom. Registries never touch sockets,
 * so their rules are testable without a network and the server alone owns I/O and counting.
 */
export interface Delivery<P> {
  readonly to: readonly P[];
  readonly frame: ServerFrame;
}

export type Outcome<P> =
  | { readonly ok: true; readonly deliveries: readonly Delivery<P>[] }
  | { readonly ok: false; readonly code: ErrorCode; readonly reason: string };

export const accept = <P>(deliveries: readonly Delivery<P>[]): Outcome<P> => ({ ok: true, deliveries });

export const refuse = <P>(code: ErrorCode, reason: string): Outcome<P> => ({ ok: false, code, reason });
