import type { ChatMode, TabmeshApi } from './api-types.ts';

/** One direction's fault settings as the panel shows them (probabilities 0..1, times in ms). */
export interface FaultSettingsView {
  drop: number;
  delayMs: number;
  jitterMs: number;
  duplicate: number;
  reorder: number;
  bandwidthKbps: number | null;
  cut: boolean;
}

/** What this node's failure detector says of a member; 'unknown' once forgotten or never heard of. */
export type LivenessView = 'alive' | 'suspected' | 'dead' | 'unknown';

/**
 * What this page's views read beyond the public API: current fault settings, the chat mode,
 * rejected input, and a change signal. Views re-read on change; they hold no protocol state.
 */
export interface NodeViewSource {
  readonly api: TabmeshApi;
  /** Called after anything a view shows may have changed (links, membership, data, counters). */
  subscribe(listener: () => void): () => void;
  faults(peerId: string): { out: FaultSettingsView; in: FaultSettingsView };
  /** The API's `alive` is a yes/no; a view tells suspected (may come back) from dead apart. */
  liveness(peerId: string): LivenessView;
  /** Every key the KV store holds a live value for, sorted; the API reads one known key at a time. */
  kvKeys(): string[];
  chatMode(): ChatMode;
  /** Rejected peer input counted by "source:code". */
  errors(): Record<string, number>;
  /** Signaling connection state, for a banner when the server is unreachable. */
  signaling(): 'connecting' | 'joined' | 'disconnected' | 'refused';
  /** Why signaling refused us (wrong password, room full...), when it did. */
  signalingError(): string | null;
  /** Opens a new tab on the same room (a new node). */
  openAnotherNode(): void;
}
