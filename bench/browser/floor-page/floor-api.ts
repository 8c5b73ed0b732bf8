/**
 * What the simple-peer floor page exposes on `window.floor`: one bare simple-peer connection
 * whose signals the orchestrator carries by hand (no signaling server), and a text that is the
 * concatenation of every string received, so the edit observer reads it like the other systems.
 */
export interface FloorPageApi {
  /** Creates the peer; the initiator makes the offer. */
  start(initiator: boolean): void;
  /** Signals produced since the last call, to hand to the other page. */
  takeSignals(): unknown[];
  signal(data: unknown): void;
  connected(): boolean;
  send(s: string): void;
  value(): string;
}

declare global {
  interface Window {
    floor?: FloorPageApi;
  }
}
