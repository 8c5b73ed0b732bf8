import type { Scheduler } from '../../../core/scheduler.ts';
import type { SignalingStatus } from './room-signaling.ts';

/**
 * When the page mounts. Mounting and first painting the views costs a tab about 330 ms of CPU
 * (bench:mesh's trace of an 8-tab room: script, layout, paint and raster), in long tasks.
 * Mounted as soon as signaling answered, those tasks landed in the middle of the tab's WebRTC
 * handshakes, whose offers, answers and candidates both ends must handle on their main threads:
 * on 2 cores an 8-tab room formed in 4.5–4.8 s, and in 2.6–2.9 s with the page never mounted
 * (y-webrtc's bare page: 2.2–2.5 s). So the page waits until the tab holds the links it set out
 * to open and the room has been still for a moment, and shows one line of progress until then.
 * It never waits for ever: a failed join mounts at once (the page explains it), and main.ts
 * mounts after a cap whatever happened (links that never open are what the page shows best).
 */
export interface JoinState {
  readonly signaling: SignalingStatus;
  /** Other members signaling lists in the room. */
  readonly others: number;
  readonly openLinks: number;
  readonly degree: number;
}

export interface JoinProgress {
  /** Nothing left to wait for: the tab's first links are open, or the join failed. */
  readonly settled: boolean;
  /** What the tab is doing, for the line shown before the page mounts. */
  readonly line: string;
}

export function joinProgress(s: JoinState): JoinProgress {
  const want = Math.min(s.degree, s.others);
  switch (s.signaling) {
    case 'connecting':
      return { settled: false, line: 'Connecting to the signaling server…' };
    case 'joined':
      return {
        settled: s.openLinks >= want,
        line: want === 0 ? 'Joined; no one else is in the room yet.' : `Joined; ${Math.min(s.openLinks, want)} of ${want} links open…`,
      };
    default:
      return { settled: true, line: 'Could not join the room.' };
  }
}

/**
 * How long the room must stay settled before the page mounts. Tabs of a class open together:
 * members keep arriving for a while, and a tab that mounted on its first moment of "all linked"
 * would mount in the middle of the next arrival's handshake (measured: the first tab of a room
 * mounted alone, at once, and that room formed 1 s later than with this wait).
 */
export const MOUNT_QUIET_MS = 500;

export interface MountGate {
  /** The join state may have changed: read it again. */
  update(): void;
  stop(): void;
}

/**
 * Calls `mount` once the join has stayed settled for MOUNT_QUIET_MS (at once if it failed), and
 * `show` with each new progress line before that. Only a change in what decides "settled"
 * restarts the wait: chat, clocks and heartbeats do not.
 */
export function createMountGate(o: { scheduler: Scheduler; read: () => JoinState; show: (line: string) => void; mount: () => void }): MountGate {
  let last = '';
  let cancel: (() => void) | null = null;
  let done = false;
  const stop = (): void => {
    done = true;
    cancel?.();
    cancel = null;
  };
  return {
    update() {
      if (done) return;
      const state = o.read();
      const key = `${state.signaling} ${state.others} ${state.openLinks} ${state.degree}`;
      if (key === last) return;
      last = key;
      const progress = joinProgress(state);
      o.show(progress.line);
      cancel?.();
      cancel = null;
      if (!progress.settled) return;
      cancel = o.scheduler.after(state.signaling === 'joined' ? MOUNT_QUIET_MS : 0, () => {
        cancel = null;
        stop();
        o.mount();
      });
    },
    stop,
  };
}
