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

/** A signal for (or from) the connection with `peer`, whatever name the orchestrator gave it. */
export interface MeshSignal {
  readonly peer: string;
  readonly data: unknown;
}

/**
 * What the page exposes on `window.floorMesh`, for the idle bench's floor: any number of bare
 * simple-peer connections, one per named peer, signalled by hand like `window.floor`, that
 * carry nothing once open.
 */
export interface FloorMeshApi {
  /** Creates the connection with `peer`; the initiator makes the offer. */
  open(peer: string, initiator: boolean): void;
  /** Signals produced since the last call, each named by the peer it is for. */
  takeSignals(): MeshSignal[];
  /** Hands the connection with `peer` a signal that peer produced. */
  signal(peer: string, data: unknown): void;
  /** Connections whose data channel is open. */
  openCount(): number;
}

declare global {
  interface Window {
    floor?: FloorPageApi;
    floorMesh?: FloorMeshApi;
  }
}
