import { describe, expect, it } from 'vitest';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import { createMountGate, joinProgress, MOUNT_QUIET_MS, MOUNT_STALL_MS, type JoinState } from './mount-gate.ts';

const joined = (others: number, openLinks: number, alive = others, linked = alive, degree = 8): JoinState => ({ signaling: 'joined', others, alive, linked, openLinks, degree });

describe('joinProgress', () => {
  it('waits for min(degree, others) open links', () => {
    expect(joinProgress(joined(3, 2))).toEqual({ settled: false, line: 'Joined; 2 of 3 links open…' });
    expect(joinProgress(joined(3, 3)).settled).toBe(true);
    expect(joinProgress(joined(15, 7)).settled).toBe(false);
    expect(joinProgress(joined(15, 8))).toEqual({ settled: true, line: 'Joined; 8 links open, every member heard from, 15 of 15 with their links…' });
  });

  it('with its links open, waits until every member is heard of alive and announces its links', () => {
    expect(joinProgress(joined(15, 8, 11))).toEqual({ settled: false, line: 'Joined; 8 links open, 11 of 15 members heard from…' });
    expect(joinProgress(joined(15, 8, 15, 9))).toEqual({ settled: false, line: 'Joined; 8 links open, every member heard from, 9 of 15 with their links…' });
    expect(joinProgress(joined(15, 8, 15, 15)).settled).toBe(true);
  });

  it('is settled alone in a room, and says so', () => {
    expect(joinProgress(joined(0, 0))).toEqual({ settled: true, line: 'Joined; no one else is in the room yet.' });
  });

  it('waits while connecting and not after a failed join', () => {
    expect(joinProgress({ signaling: 'connecting', others: 0, alive: 0, linked: 0, openLinks: 0, degree: 8 }).settled).toBe(false);
    expect(joinProgress({ signaling: 'refused', others: 0, alive: 0, linked: 0, openLinks: 0, degree: 8 }).settled).toBe(true);
    expect(joinProgress({ signaling: 'disconnected', others: 2, alive: 0, linked: 0, openLinks: 0, degree: 8 }).settled).toBe(true);
  });
});

function harness(initial: JoinState) {
  const scheduler = createVirtualScheduler();
  let state = initial;
  const lines: string[] = [];
  let mounts = 0;
  const gate = createMountGate({ scheduler, read: () => state, show: (l) => lines.push(l), mount: () => mounts++ });
  return {
    scheduler,
    gate,
    lines,
    mounts: () => mounts,
    set(next: JoinState) {
      state = next;
      gate.update();
    },
  };
}

describe('createMountGate', () => {
  it('mounts once the links have been open for the quiet time', () => {
    const h = harness(joined(2, 0));
    h.gate.update();
    h.scheduler.runFor(MOUNT_STALL_MS - 1);
    expect(h.mounts()).toBe(0);
    h.set(joined(2, 2));
    h.scheduler.runFor(MOUNT_QUIET_MS - 1);
    expect(h.mounts()).toBe(0);
    h.scheduler.runFor(1);
    expect(h.mounts()).toBe(1);
    h.set(joined(3, 2));
    h.set(joined(3, 3));
    h.scheduler.runFor(5000);
    expect(h.mounts()).toBe(1);
    expect(h.lines).toEqual(['Joined; 0 of 2 links open…', 'Joined; 2 links open, every member heard from, 2 of 2 with their links…']);
  });

  it('starts the wait again when a member arrives, and not for an unchanged state', () => {
    const h = harness(joined(2, 2));
    h.gate.update();
    h.scheduler.runFor(MOUNT_QUIET_MS - 100);
    h.gate.update();
    h.set(joined(3, 2));
    h.scheduler.runFor(MOUNT_QUIET_MS);
    expect(h.mounts()).toBe(0);
    h.set(joined(3, 3));
    h.scheduler.runFor(MOUNT_QUIET_MS - 100);
    h.gate.update();
    h.scheduler.runFor(100);
    expect(h.mounts()).toBe(1);
  });

  it('a member heard alive or linked is progress: it restarts the stall wait', () => {
    const h = harness(joined(15, 8, 10));
    h.gate.update();
    h.scheduler.runFor(MOUNT_STALL_MS - 1);
    h.set(joined(15, 8, 12));
    h.scheduler.runFor(MOUNT_STALL_MS - 1);
    h.set(joined(15, 8, 15, 13));
    h.scheduler.runFor(MOUNT_STALL_MS - 1);
    expect(h.mounts()).toBe(0);
    h.set(joined(15, 8, 15));
    h.scheduler.runFor(MOUNT_QUIET_MS);
    expect(h.mounts()).toBe(1);
  });

  it('waits while links keep opening, and mounts a join that stalls', () => {
    const h = harness(joined(15, 0));
    h.gate.update();
    // One link every 3 s: slow, but moving.
    for (let links = 1; links <= 5; links++) {
      h.scheduler.runFor(3000);
      h.set(joined(15, links));
    }
    expect(h.mounts()).toBe(0);
    h.scheduler.runFor(MOUNT_STALL_MS - 1);
    expect(h.mounts()).toBe(0);
    h.scheduler.runFor(1);
    expect(h.mounts()).toBe(1);
  });

  it('mounts when the signaling server does not answer', () => {
    const h = harness({ signaling: 'connecting', others: 0, alive: 0, linked: 0, openLinks: 0, degree: 8 });
    h.gate.update();
    h.scheduler.runFor(MOUNT_STALL_MS);
    expect(h.mounts()).toBe(1);
    expect(h.lines).toEqual(['Connecting to the signaling server…']);
  });

  it('mounts at once when the join fails', () => {
    const h = harness({ signaling: 'connecting', others: 0, alive: 0, linked: 0, openLinks: 0, degree: 8 });
    h.gate.update();
    h.set({ signaling: 'refused', others: 0, alive: 0, linked: 0, openLinks: 0, degree: 8 });
    h.scheduler.runFor(0);
    expect(h.mounts()).toBe(1);
    expect(h.lines).toEqual(['Connecting to the signaling server…', 'Could not join the room.']);
  });

  it('does nothing once stopped', () => {
    const h = harness(joined(0, 0));
    h.gate.update();
    h.gate.stop();
    h.scheduler.runFor(5000);
    expect(h.mounts()).toBe(0);
  });
});
