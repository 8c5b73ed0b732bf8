import { flushSync } from 'svelte';
import type { ChatMessageView, HeldMessageView, LinkStats, PeerInfo, TabmeshApi } from '../api-types.ts';
import type { FaultSettingsView, KvVersionView, LivenessView, MemberView, NodeViewSource, PresenceView } from '../view-source.ts';
import { attempt } from './attempt.ts';
import { browserFrameEnv, frameThrottle, type FrameThrottle } from './frame-throttle.ts';
import { keeping, sameValue } from './keep-equal.ts';

/**
 * Four repaints a second at most: as fast as anyone reads a changing number, and each repaint
 * costs every tab of a classroom laptop style, layout and paint (half a forming tab's main
 * thread at ten a second, bench:mesh).
 */
const MIN_REFRESH_MS = 250;
/** How long a repaint waits for an animation frame before it runs anyway (see frameThrottle). */
const FRAME_FALLBACK_MS = 250;
/** Most of the main thread repaints may take; the rest answers links and timers (see frameThrottle). */
const MAX_REPAINT_SHARE = 0.1;

const NO_TRAFFIC: LinkStats = Object.freeze({ sent: 0, received: 0, dropped: 0, duplicated: 0, delayed: 0 });

/**
 * The page's one reactive window onto a node. Everything is re-read from the source when it
 * signals a change; nothing here keeps protocol state, so what the page shows is what
 * `window.tabmesh` returns to a test at the same moment.
 */
export class NodeView {
  readonly source: NodeViewSource;
  /** Bumped (throttled) on every change signal; every reading below depends on it. */
  #version = $state(0);
  #throttle: FrameThrottle | null = null;
  // Each remembers the last reading handed to the page, so an unchanged row keeps its object
  // (see keepEqual). Plain memory, not state: nothing depends on it.
  readonly #keepPeers = keeping<PeerInfo>((p) => p.id);
  readonly #keepMessages = keeping<ChatMessageView>((m) => m.id);
  readonly #keepHeld = keeping<HeldMessageView>((m) => m.id);
  readonly #keepMembers = keeping<MemberView>((m) => m.id);
  readonly #keepPresence = keeping<PresenceView>((p) => p.peer);
  readonly #lastFaults = new Map<string, { out: FaultSettingsView; in: FaultSettingsView }>();

  constructor(source: NodeViewSource) {
    this.source = source;
  }

  get api(): TabmeshApi {
    return this.source.api;
  }

  /** Starts following the source; the returned function stops it (an $effect teardown). */
  connect(): () => void {
    // Synchronous, so the throttle measures what the repaint costs (Svelte would defer it to a microtask).
    const throttle = frameThrottle(() => flushSync(() => this.#version++), MIN_REFRESH_MS, FRAME_FALLBACK_MS, browserFrameEnv(), MAX_REPAINT_SHARE);
    const unsubscribe = this.source.subscribe(() => throttle.trigger());
    this.#throttle = throttle;
    return () => {
      unsubscribe();
      throttle.cancel();
      this.#throttle = null;
    };
  }

  /**
   * Runs a user action and returns why it failed, or null. The page repaints after it whether
   * or not the source signals that change, so a click always shows its effect on the next frame.
   */
  act(action: () => void): string | null {
    const error = attempt(action);
    this.#throttle?.trigger(true);
    return error;
  }

  #read<T>(read: () => T): T {
    // Reading the version makes the caller depend on it, so it re-runs after each change.
    void this.#version;
    return read();
  }

  readonly peers = $derived.by(() => this.#read(() => this.#keepPeers(this.api.peers())));
  readonly clock = $derived.by(() => this.#read(() => this.api.clock()));
  readonly chatMode = $derived.by(() => this.#read(() => this.source.chatMode()));
  readonly messages = $derived.by(() => this.#read(() => this.#keepMessages(this.api.chat.messages())));
  readonly held = $derived.by(() => this.#read(() => this.#keepHeld(this.api.chat.held())));
  readonly text = $derived.by(() => this.#read(() => this.api.text.value()));
  readonly signaling = $derived.by(() => this.#read(() => this.source.signaling()));
  readonly signalingError = $derived.by(() => this.#read(() => this.source.signalingError()));
  readonly crashed = $derived.by(() => this.#read(() => this.source.crashedByInstructor()));
  readonly errors = $derived.by(() => this.#read(() => this.source.errors()));
  readonly kvKeys = $derived.by(() => this.#read(() => this.source.kvKeys()));
  readonly #stats = $derived.by(() => this.#read(() => this.api.stats()));
  readonly members = $derived.by(() => this.#read(() => this.#keepMembers(this.source.members())));
  readonly presence = $derived.by(() => this.#read(() => this.#keepPresence(this.source.presence())));
  readonly syncedWith = $derived.by(() => this.#read(() => new Set(this.source.syncedWith())));
  readonly sharing = $derived.by(() => this.#read(() => this.source.sharing()));

  #lastNames: ReadonlyMap<string, string> = new Map();

  /**
   * Display names by node id, this node included, for clocks and chat senders. The same map
   * while no name changes: every drawn event's label reads it, and members change more often
   * (liveness, links) than their names do.
   */
  readonly names = $derived.by((): ReadonlyMap<string, string> => {
    const next = new Map([...this.members.map((m) => [m.id, m.name] as const), ...this.peers.map((p) => [p.id, p.name] as const), [this.api.id, this.api.name]]);
    const last = this.#lastNames;
    if (next.size === last.size && [...next].every(([id, name]) => last.get(id) === name)) return last;
    return (this.#lastNames = next);
  });

  stats(peerId: string): LinkStats {
    return this.#stats[peerId] ?? NO_TRAFFIC;
  }

  faults(peerId: string): { out: FaultSettingsView; in: FaultSettingsView } {
    return this.#read(() => {
      const next = this.source.faults(peerId);
      const last = this.#lastFaults.get(peerId);
      if (last !== undefined && sameValue(last, next)) return last;
      this.#lastFaults.set(peerId, next);
      return next;
    });
  }

  liveness(peerId: string): LivenessView {
    return this.#read(() => this.source.liveness(peerId));
  }

  kvValues(key: string): string[] {
    return this.#read(() => this.api.kv.get(key));
  }

  kvVersions(key: string): KvVersionView[] {
    return this.#read(() => this.source.kvVersions(key));
  }
}
