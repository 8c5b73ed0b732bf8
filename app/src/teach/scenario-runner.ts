import type { Scheduler } from '../../../core/scheduler.ts';
import type { Scenario } from './scenario.ts';

/**
 * Plays a scenario's steps on time: start, pause (the clock stops; a step due meanwhile runs on
 * resume), resume and stop. Time comes from an injected Scheduler, so a unit test plays a
 * whole scenario in virtual time; in the page it is the worker scheduler, which a hidden tab
 * does not slow down. A step that throws is reported and the scenario goes on.
 */
export type RunnerState = 'ready' | 'running' | 'paused' | 'finished' | 'stopped';

export interface RunnerStatus {
  readonly state: RunnerState;
  /** Index of the next step to run; steps.length once all have run. */
  readonly next: number;
  /** Scenario time: milliseconds since the start, not counting pauses. */
  readonly elapsedMs: number;
}

export interface ScenarioRunnerOptions {
  /** When each step is due, in ms from the start, in order. */
  readonly stepTimesMs: readonly number[];
  readonly scheduler: Scheduler;
  readonly run: (index: number) => void;
  readonly onError: (index: number, error: unknown) => void;
  readonly onChange: () => void;
}

export interface ScenarioRunner {
  /** From the first step, whatever the state. */
  start(): void;
  pause(): void;
  resume(): void;
  stop(): void;
  status(): RunnerStatus;
}

export function createScenarioRunner(o: ScenarioRunnerOptions): ScenarioRunner {
  const { scheduler, stepTimesMs: times } = o;
  let state: RunnerState = 'ready';
  let next = 0;
  /** Scenario time banked before the current run segment. */
  let banked = 0;
  let segmentStart = 0;
  let cancel: () => void = () => {};

  const elapsed = (): number => (state === 'running' ? banked + scheduler.now() - segmentStart : banked);

  function due(): void {
    const now = elapsed();
    // Bounded by the number of steps: each pass runs one and moves on.
    while (state === 'running' && next < times.length && (times[next] ?? Infinity) <= now) {
      const index = next++;
      try {
        o.run(index);
      } catch (err) {
        o.onError(index, err);
      }
    }
    if (state !== 'running') return;
    if (next >= times.length) {
      banked = now;
      state = 'finished';
    } else {
      cancel = scheduler.after(Math.max(0, (times[next] ?? 0) - now), due);
    }
    o.onChange();
  }

  function halt(to: RunnerState): void {
    banked = elapsed();
    cancel();
    state = to;
    o.onChange();
  }

  return {
    start() {
      cancel();
      next = 0;
      banked = 0;
      segmentStart = scheduler.now();
      state = 'running';
      due();
    },
    pause() {
      if (state === 'running') halt('paused');
    },
    resume() {
      if (state !== 'paused') return;
      segmentStart = scheduler.now();
      state = 'running';
      due();
    },
    stop() {
      if (state === 'running' || state === 'paused') halt('stopped');
    },
    status: () => ({ state, next, elapsedMs: elapsed() }),
  };
}

/** One line for the status display: what runs, how far, and what comes next. */
export function statusLine(status: RunnerStatus | null, scenario: Scenario | null): string {
  if (!status || !scenario) return 'no scenario running';
  const t = `${(status.elapsedMs / 1000).toFixed(1)} s`;
  const total = scenario.steps.length;
  const next = scenario.steps[status.next];
  switch (status.state) {
    case 'running':
      return next ? `running "${scenario.name}": ${status.next} of ${total} steps done, next at ${next.at} s (now ${t})` : `running "${scenario.name}" (${t})`;
    case 'paused':
      return `paused "${scenario.name}" at ${t} (${status.next} of ${total} steps done)`;
    case 'finished':
      return `finished "${scenario.name}": all ${total} steps ran`;
    case 'stopped':
      return `stopped "${scenario.name}" at ${t} (${status.next} of ${total} steps done)`;
    case 'ready':
      return `ready: "${scenario.name}"`;
  }
}
