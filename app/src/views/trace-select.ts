import type { MessageKind } from '../../../core/envelope.ts';
import type { JournalEvent } from '../../../core/journal.ts';
import type { TraceView } from '../view-source.ts';

/**
 * Picks what a live diagram draws: the events of the chosen kinds in a time window, and of
 * those only the newest `max`, so a busy room of twelve tabs costs the page the same as a quiet
 * one. The local journal is in time order, so it is read from its end and stops at the window's
 * start; shared traces are short per node and read whole.
 */
export interface TraceWindow {
  readonly from: number;
  readonly to: number;
  readonly kinds: ReadonlySet<MessageKind>;
  readonly max: number;
}

export interface TraceSelection {
  /** At most `max` events, oldest first. */
  readonly events: readonly JournalEvent[];
  /** How many events matched before the cap. */
  readonly matched: number;
}

export function selectTrace(trace: TraceView, w: TraceWindow): TraceSelection {
  const fits = (e: JournalEvent): boolean => w.kinds.has(e.kind) && e.t >= w.from && e.t <= w.to;
  const picked: JournalEvent[] = [];
  for (let i = trace.local.length - 1; i >= 0; i--) {
    const e = trace.local[i] as JournalEvent;
    if (e.t < w.from) break;
    if (fits(e)) picked.push(e);
  }
  for (const e of trace.remote) if (fits(e)) picked.push(e);
  const matched = picked.length;
  picked.sort((a, b) => a.t - b.t);
  return { events: matched > w.max ? picked.slice(matched - w.max) : picked, matched };
}

/** Time axis marks: a round step giving at most `count` intervals, labelled in seconds from `ref`. */
export function timeTicks(from: number, to: number, count: number, ref: number): { t: number; label: string }[] {
  const span = to - from;
  if (!(span > 0) || count < 1) return [];
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  const step = steps.find((s) => span / s <= count) ?? span / count;
  const ticks: { t: number; label: string }[] = [];
  // Marks sit on multiples of the step counted from ref, so they stay put as a live window slides.
  for (let t = ref + Math.ceil((from - ref) / step) * step; t <= to && ticks.length <= count; t += step) {
    const s = (t - ref) / 1000;
    const text = step < 1000 ? s.toFixed(1) : s.toFixed(0);
    ticks.push({ t, label: `${s > 0 ? '+' : ''}${text === '-0' || text === '-0.0' ? text.slice(1) : text} s` });
  }
  return ticks;
}
