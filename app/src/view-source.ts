import type { JournalEvent } from '../../core/journal.ts';
import type { ShiVizExport } from '../../core/trace-export.ts';
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

/** A member as membership gossip tells it: every member the room knows, not only neighbours. */
export interface MemberView {
  readonly id: string;
  readonly name: string;
  readonly liveness: 'alive' | 'suspected' | 'dead';
  /** Its open links as it last announced them; for this node, its links now. */
  readonly links: readonly string[];
  readonly self: boolean;
}

/** Someone's presence in the shared text (awareness); indices into the current text. */
export interface PresenceView {
  readonly peer: string;
  readonly name: string;
  /** `#rrggbb` */
  readonly colour: string;
  readonly cursor: TextCursor | null;
  readonly local: boolean;
}

/** A selection in the shared text: the caret is `head`, the other end `anchor`. */
export interface TextCursor {
  readonly anchor: number;
  readonly head: number;
}

/** One sibling of a key: a value (null when deleted) with its version vector and writer. */
export interface KvVersionView {
  readonly value: string | null;
  readonly vc: Readonly<Record<string, number>>;
  readonly writer: string;
}

/** Journal events for the space-time diagram; each list oldest first per node. Never mutate. */
export interface TraceView {
  /** What this node recorded itself. */
  readonly local: readonly JournalEvent[];
  /** What other nodes shared (core/trace-share.ts), ordered by node, then event number. */
  readonly remote: readonly JournalEvent[];
}

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
  /** The instructor crashed this node (classroom mode): it neither sends nor delivers until revived. */
  crashedByInstructor(): boolean;
  /** Opens a new tab on the same room (a new node). */
  openAnotherNode(): void;
  /** Every member membership knows, this node included, by id. */
  members(): MemberView[];
  /** The time the journal stamps events with (ms), for a live diagram's "now". */
  now(): number;
  trace(): TraceView;
  /** Called (at most once per task) when the journal or the shared traces grow; not on subscribe's signal. */
  subscribeTrace(listener: () => void): () => void;
  /** Whether this node shares its trace with the room (off by default). */
  sharing(): boolean;
  setSharing(on: boolean): void;
  /** Members whose Yjs state vector equals ours, as far as this node knows (core/yjs-sync.ts). */
  syncedWith(): string[];
  /** Everyone present in the shared text, this node included. */
  presence(): PresenceView[];
  /** Where this node's caret and selection are, for the others; null when it has none. RangeError outside the text. */
  setCursor(cursor: TextCursor | null): void;
  /** Every sibling of a key, deleted ones included, in a stable order. */
  kvVersions(key: string): KvVersionView[];
  /**
   * Ends a conflict by writing `value` again: a put supersedes every sibling this node holds.
   * RangeError when `value` is no longer one of the key's live siblings (someone resolved it first).
   */
  kvResolve(key: string, value: string): void;
  /** This node's journal and the traces it was shared, as a tabmesh JSON export file. */
  exportJson(): string;
  /** The same events as a ShiViz log. */
  exportShiViz(): ShiVizExport;
}
