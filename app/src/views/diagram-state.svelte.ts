import { flushSync } from 'svelte';
import { MESSAGE_KINDS, type MessageKind } from '../../../core/envelope.ts';
import { buildSpaceTime, type SpaceTimeModel } from '../trace/space-time-model.ts';
import { browserFrameEnv, frameThrottle } from '../ui/frame-throttle.ts';
import { keepEqual, sameValue } from '../ui/keep-equal.ts';
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
const DEFAULT_WINDOW_MS = 10_000;
/** Heartbeats, presence and trace summaries flood the picture; they are a click away. */
const DEFAULT_KINDS: readonly MessageKind[] = ['gossip', 'chat', 'kv', 'yjs'];
/** The most events drawn at once, whatever the room's size: what keeps twelve tabs responsive. */
export const MAX_DIAGRAM_EVENTS = 400;
/** Four redraws a second: arrows are followed by eye, and each redraw touches every element. */
const REFRESH_MS = 250;
const FRAME_FALLBACK_MS = 500;
/** Most of the main thread redraws may take, whatever the room's size (see frameThrottle). */
const MAX_REDRAW_SHARE = 0.1;

/** What the picture is drawn from: the controls as they were at the last redraw. */
interface Drawn {
  readonly shown: boolean;
  readonly windowMs: number;
  readonly kinds: ReadonlySet<MessageKind>;
  /** The trace and time as they were when paused; null while live. */
  readonly frozen: { readonly trace: TraceView; readonly now: number } | null;
}

/**
 * Runs `run` once the browser has rendered the next frame and `waitMs` more have passed (or
 * after a fallback, in a page that gets no frames).
 */
export type AfterPaint = (run: () => void, waitMs: number) => void;

const AFTER_PAINT_FALLBACK_MS = 200;

export const afterNextPaint: AfterPaint = (run, waitMs) => {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    run();
  };
  // A timer set from an animation frame fires once the page has handed that frame over to be
  // rastered and shown; script that runs then no longer delays the frame's main-thread work.
  requestAnimationFrame(() => setTimeout(once, waitMs));
  setTimeout(once, AFTER_PAINT_FALLBACK_MS + waitMs);
};

/**
 * The live space-time diagram's state: window, kinds, pause, focus. Redraws follow the journal
 * (throttled) while connected, that is while the diagram is on screen.
 *
 * A control shows its new state at once, and the picture follows after that frame is painted:
 * redrawing hundreds of elements inside the click held a 12-node room's clicks back from their
 * next paint by up to 470 ms (bench:page, resume and filter clicks).
 */
export class DiagramState {
  readonly #view: NodeView;
  readonly #afterPaint: AfterPaint;
  readonly focus = new EventFocus();
  #tick = $state(0);
  #shown = $state(true);
  #windowMs = $state(DEFAULT_WINDOW_MS);
  /** Set at the click; the picture follows it through `#drawnFrom`. */
  #frozen = $state.raw<Drawn['frozen']>(null);
  kinds = $state.raw<ReadonlySet<MessageKind>>(new Set(DEFAULT_KINDS));
  #drawnFrom = $state.raw<Drawn>({ shown: true, windowMs: DEFAULT_WINDOW_MS, kinds: this.kinds, frozen: null });
  #applying = false;

  constructor(view: NodeView, afterPaint: AfterPaint = afterNextPaint) {
    this.#view = view;
    this.#afterPaint = afterPaint;
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

  /** False while the panel is hidden: the model stays as last drawn, whatever changes meanwhile. */
  get shown(): boolean {
    return this.#shown;
  }

  set shown(shown: boolean) {
    const showing = shown && !this.#shown;
    this.#shown = shown;
    // Shown again, the panel first paints the picture it had, and brings it up to date one
    // refresh later. The frame that shows a panel has all of it to raster, on a thread that a
    // laptop's busy core shares with the page: a redraw right after that frame's commit
    // (25–38 ms of script) ran alongside its raster, and the tab clicks painted 168 ms after
    // the click at the median, 336 ms at worst (bench:page, own core, a Chromium trace).
    this.#apply(showing ? REFRESH_MS : 0);
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  set windowMs(ms: number) {
    this.#windowMs = ms;
    this.#apply();
  }

  get paused(): boolean {
    return this.#frozen !== null;
  }

  togglePause(): void {
    if (this.#frozen) {
      this.#frozen = null;
    } else {
      const { local, remote } = this.#view.source.trace();
      // The local journal array grows in place; a paused picture needs its own copy. Pause stops
      // the picture on screen, at the time it was drawn for (see `selection`).
      this.#frozen = { trace: { local: local.slice(), remote }, now: this.#drawnSelection?.to ?? this.#view.source.now() };
    }
    this.#apply();
  }

  setKind(kind: MessageKind, on: boolean): void {
    const next = new Set(this.kinds);
    if (on) next.add(kind);
    else next.delete(kind);
    this.kinds = next;
    this.#apply();
  }

  /** Draws from the controls as they are now, once the frame that shows them is painted and `waitMs` have passed. */
  #apply(waitMs = 0): void {
    if (this.#applying) return;
    this.#applying = true;
    this.#afterPaint(() => {
      this.#applying = false;
      this.#drawnFrom = { shown: this.#shown, windowMs: this.#windowMs, kinds: this.kinds, frozen: this.#frozen };
    }, waitMs);
  }

  readonly #input = $derived.by(() => {
    void this.#tick;
    return this.#drawnFrom.frozen ?? { trace: this.#view.source.trace(), now: this.#view.source.now() };
  });

  /** The selection last computed, with the window and kinds it was computed for. */
  #drawnSelection: (TraceSelection & { from: number; to: number; windowMs: number; kinds: ReadonlySet<MessageKind> }) | null = null;

  readonly selection = $derived.by(() => {
    const { shown, windowMs, kinds, frozen } = this.#drawnFrom;
    const last = this.#drawnSelection;
    // Until the picture is redrawn for being shown, its time window stays the one it was drawn for.
    if (!shown && last !== null) return last;
    const input = this.#input;
    // Pausing keeps what is drawn: selecting and laying out the same picture again cost a
    // 12-node room's tab 30–60 ms inside the click (bench:page).
    if (input === frozen && last !== null && last.to === input.now && last.windowMs === windowMs && last.kinds === kinds) return last;
    const { trace, now } = input;
    const from = now - windowMs;
    return (this.#drawnSelection = { ...selectTrace(trace, { from, to: now, kinds, max: MAX_DIAGRAM_EVENTS }), from, to: now, windowMs, kinds });
  });

  #lastLanes: readonly string[] = [];

  /**
   * This node's lane first, then every member by id, so lanes keep their places as events come
   * and go. The same array while the ids are: a member's liveness or links changing must not
   * rebuild the model between redraws.
   */
  readonly lanes = $derived.by(() => {
    const self = this.#view.api.id;
    const next = [self, ...this.#view.members.map((m) => m.id).filter((id) => id !== self)];
    if (sameValue(next, this.#lastLanes)) return this.#lastLanes;
    return (this.#lastLanes = next);
  });

  /** The model last drawn: a redraw keeps its unchanged events and arrows (see keepEqual). */
  #drawn: SpaceTimeModel | null = null;

  readonly model = $derived.by(() => {
    // Hidden, it reads nothing else, so nothing (a member joining, a kind toggled) rebuilds it.
    if (!this.#drawnFrom.shown && this.#drawn !== null) return this.#drawn;
    const next = buildSpaceTime(this.selection.events, { lanes: this.lanes });
    const drawn = this.#drawn;
    if (drawn === null) return (this.#drawn = next);
    const events = keepEqual(next.events, drawn.events, (p) => p.key);
    const arrows = keepEqual(next.arrows, drawn.arrows, (a) => a.key);
    return (this.#drawn = { ...next, events, arrows, byKey: new Map(events.map((p) => [p.key, p])) });
  });
  readonly cone = $derived(this.focus.cone(this.model));
}
