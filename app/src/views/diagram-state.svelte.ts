import { flushSync } from 'svelte';
import { MESSAGE_KINDS, type MessageKind } from '../../../core/envelope.ts';
import { buildSpaceTime, type SpaceTimeModel } from '../trace/space-time-model.ts';
import { browserFrameEnv, frameThrottle } from '../ui/frame-throttle.ts';
import { keepEqual } from '../ui/keep-equal.ts';
import type { NodeView } from '../ui/node-view.svelte.ts';
import type { TraceView } from '../view-source.ts';
import { EventFocus } from './event-focus.svelte.ts';
import { selectTrace, type TraceSelection } from './trace-select.ts';

export const DIAGRAM_WINDOWS: readonly { readonly ms: number; readonly label: string }[] = [
  { ms: 5_000, label: 'last 5 s' },
  { ms: 10_000, label: 'last 10 s' },
  { ms: 30_000, label: 'last 30 s' },
  { ms: 60_000, label: 'last minute' },
  { ms: 300_000, label: 'last 5 minutes' },
];
export const DIAGRAM_KINDS: readonly MessageKind[] = MESSAGE_KINDS;
/** Heartbeats, presence and trace summaries flood the picture; they are a click away. */
const DEFAULT_KINDS: readonly MessageKind[] = ['gossip', 'chat', 'kv', 'yjs'];
/** The most events drawn at once, whatever the room's size: what keeps twelve tabs responsive. */
export const MAX_DIAGRAM_EVENTS = 400;
/** Four redraws a second: arrows are followed by eye, and each redraw touches every element. */
const REFRESH_MS = 250;
const FRAME_FALLBACK_MS = 500;
/** Most of the main thread redraws may take, whatever the room's size (see frameThrottle). */
const MAX_REDRAW_SHARE = 0.1;

/**
 * The live space-time diagram's state: window, kinds, pause, focus. Redraws follow the journal
 * (throttled) while connected, that is while the diagram is on screen.
 */
export class DiagramState {
  readonly #view: NodeView;
  readonly focus = new EventFocus();
  #tick = $state(0);
  /** False while the panel is hidden: the model stays as last drawn, whatever changes meanwhile. */
  shown = $state(true);
  windowMs = $state(10_000);
  kinds = $state.raw<ReadonlySet<MessageKind>>(new Set(DEFAULT_KINDS));
  /** The trace and time as they were when paused; null while live. */
  #frozen = $state.raw<{ readonly trace: TraceView; readonly now: number } | null>(null);

  constructor(view: NodeView) {
    this.#view = view;
  }

  connect(): () => void {
    // Synchronous, so the throttle measures what the redraw costs (Svelte would defer it to a microtask).
    const throttle = frameThrottle(() => flushSync(() => this.#tick++), REFRESH_MS, FRAME_FALLBACK_MS, browserFrameEnv(), MAX_REDRAW_SHARE);
    const unsubscribe = this.#view.source.subscribeTrace(() => throttle.trigger());
    return () => {
      unsubscribe();
      throttle.cancel();
    };
  }

  get paused(): boolean {
    return this.#frozen !== null;
  }

  togglePause(): void {
    if (this.#frozen) {
      this.#frozen = null;
      return;
    }
    const { local, remote } = this.#view.source.trace();
    // The local journal array grows in place; a paused picture needs its own copy. Pause stops
    // the picture on screen, at the time it was drawn for (see `selection`).
    this.#frozen = { trace: { local: local.slice(), remote }, now: this.#drawnSelection?.to ?? this.#view.source.now() };
  }

  setKind(kind: MessageKind, on: boolean): void {
    const next = new Set(this.kinds);
    if (on) next.add(kind);
    else next.delete(kind);
    this.kinds = next;
  }

  readonly #input = $derived.by(() => {
    void this.#tick;
    return this.#frozen ?? { trace: this.#view.source.trace(), now: this.#view.source.now() };
  });

  /** The selection last computed, with the window and kinds it was computed for. */
  #drawnSelection: (TraceSelection & { from: number; to: number; windowMs: number; kinds: ReadonlySet<MessageKind> }) | null = null;

  readonly selection = $derived.by(() => {
    const input = this.#input;
    const { windowMs, kinds } = this;
    const last = this.#drawnSelection;
    // Pausing keeps what is drawn: selecting and laying out the same picture again cost a
    // 12-node room's tab 30–60 ms inside the click (bench:page).
    if (input === this.#frozen && last !== null && last.to === input.now && last.windowMs === windowMs && last.kinds === kinds) return last;
    const { trace, now } = input;
    const from = now - windowMs;
    return (this.#drawnSelection = { ...selectTrace(trace, { from, to: now, kinds, max: MAX_DIAGRAM_EVENTS }), from, to: now, windowMs, kinds });
  });

  /** This node's lane first, then every member by id, so lanes keep their places as events come and go. */
  readonly lanes = $derived.by(() => {
    const self = this.#view.api.id;
    return [self, ...this.#view.members.map((m) => m.id).filter((id) => id !== self)];
  });

  /** The model last drawn: a redraw keeps its unchanged events and arrows (see keepEqual). */
  #drawn: SpaceTimeModel | null = null;

  readonly model = $derived.by(() => {
    // Hidden, it reads nothing else, so nothing (a member joining, a kind toggled) rebuilds it.
    if (!this.shown && this.#drawn !== null) return this.#drawn;
    const next = buildSpaceTime(this.selection.events, { lanes: this.lanes });
    const drawn = this.#drawn;
    if (drawn === null) return (this.#drawn = next);
    const events = keepEqual(next.events, drawn.events, (p) => p.key);
    const arrows = keepEqual(next.arrows, drawn.arrows, (a) => a.key);
    return (this.#drawn = { ...next, events, arrows, byKey: new Map(events.map((p) => [p.key, p])) });
  });
  readonly cone = $derived(this.focus.cone(this.model));
}
