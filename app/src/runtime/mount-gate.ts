import type { Scheduler } from '../../../core/scheduler.ts';
import type { SignalingStatus } from './room-signaling.ts';

/**
 * When the page mounts. Mounting and first painting the views costs a tab about 330 ms of CPU
 * (bench:mesh's trace of an 8-tab room: script, layout, paint and raster), in long tasks.
 * Mounted as soon as signaling answered, those tasks landed in the middle of the tab's WebRTC
 * handshakes, whose offers, answers and candidates both ends must handle on their main threads:
 * on 2 cores an 8-tab room formed in 4.5–4.8 s, and in 2.6–2.9 s with the page never mounted
 * (y-webrtc's bare page: 2.2–2.5 s). So the page waits until the tab holds the links it set out
 * to open, hears every member of the room alive and announcing its links too, and the room has
 * been still for a moment, and shows one line of progress until then. Waiting for its own links
 * only was not enough in a 16-tab room: the tabs that had theirs mounted while the others still
 * formed, and on 2 cores the room formed in 11–14 s, against 5.4 s with no page mounted
 * (bench:mesh).
 * It waits only while the join moves: a failed join mounts at once and one that has stalled
 * mounts after MOUNT_STALL_MS (the page explains both), and main.ts mounts after a cap whatever
 * happened.
 */
export interface JoinState {
  readonly signaling: SignalingStatus;
  /** Other members signaling lists in the room. */
  readonly others: number;
  /** Of those, the ones membership holds alive: heard of by gossip, directly or not. */
  readonly alive: number;
  /** Of those, the ones whose heartbeats announce at least linkTarget(degree, others) open links. */
  readonly linked: number;
  readonly openLinks: number;
  readonly degree: number;
}

export interface JoinProgress {
  /** Nothing left to wait for: the tab's first links are open, or the join failed. */
  readonly settled: boolean;
  /** What the tab is doing, for the line shown before the page mounts. */
  readonly line: string;
}

/** Links a tab sets out to open, and each member is expected to announce: a full mesh in a small room. */
export const linkTarget = (degree: number, others: number): number => Math.min(degree, others);

export function joinProgress(s: JoinState): JoinProgress {
  const want = linkTarget(s.degree, s.others);
  switch (s.signaling) {
    case 'connecting':
      return { settled: false, line: 'Connecting to the signaling server…' };
    case 'joined':
      if (want === 0) return { settled: true, line: 'Joined; no one else is in the room yet.' };
      if (s.openLinks < want) return { settled: false, line: `Joined; ${s.openLinks} of ${want} links open…` };
      if (s.alive < s.others) return { settled: false, line: `Joined; ${want} links open, ${s.alive} of ${s.others} members heard from…` };
      return {
        settled: s.linked >= s.others,
        line: `Joined; ${want} links open, every member heard from, ${Math.min(s.linked, s.others)} of ${s.others} with their links…`,
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

/**
 * How long a join may go without progress (a member, a link, a member heard alive or linked, a
 * change of signaling state) before the page mounts anyway: links that do not open and members never
 * heard from are what the page shows best. A join that keeps moving is not cut short.
 */
export const MOUNT_STALL_MS = 4000;

export interface MountGate {
  /** The join state may have changed: read it again. */
  update(): void;
  stop(): void;
}

/**
 * Calls `mount` once the join has stayed settled for MOUNT_QUIET_MS (at once if it failed), or
 * unsettled and unchanged for MOUNT_STALL_MS, and `show` with each new progress line before that.
 * Only a change in what decides "settled" restarts the wait: chat, clocks and heartbeats do not.
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
      const key = `${state.signaling} ${state.others} ${state.alive} ${state.linked} ${state.openLinks} ${state.degree}`;
      if (key === last) return;
      last = key;
      const progress = joinProgress(state);
      o.show(progress.line);
      cancel?.();
      const wait = !progress.settled ? MOUNT_STALL_MS : state.signaling === 'joined' ? MOUNT_QUIET_MS : 0;
      cancel = o.scheduler.after(wait, () => {
        cancel = null;
        stop();
        o.mount();
      });
    },
    stop,
  };
}
