import type { DeliveryMode } from '../../../core/chat.ts';
import type { Direction, FaultPatch } from '../../../core/fault-settings.ts';
import { every, type Scheduler } from '../../../core/scheduler.ts';
import type { ErrorSink } from '../../../core/transport.ts';
import { parseCommand, type FaultScope, type NodeCommand } from './control-commands.ts';

/**
 * Applies the instructor's commands to this node, each through the node's own fault injector:
 * a partition is this node cutting its links, so the data plane fails exactly as a real network
 * would, while the command itself travels on signaling, which a partition does not cut.
 *
 * Partitions and faults are standing rules, not one-off settings: a member that appears later
 * (a late joiner, or one first heard of through gossip) gets them too. That is how a partition
 * stays whole while the teacher's view catches up: every node already in a group cuts a
 * newcomer it has no group with, so the newcomer is alone until the instructor view places it
 * into a group and sends the partition again (README, "Teaching a class").
 */
export interface ControlTarget {
  readonly self: string;
  /** Every other member this node knows of now: signaling, membership and links. */
  peers(): readonly string[];
  /** Merges a patch into the link to `peer`, now and for links opened later (node.setFaults). */
  setFaults(peer: string, patch: FaultPatch, direction: Direction): void;
  /** Clears every fault on every link (node.heal()). */
  healAll(): void;
  /** Stops sending and delivering until revive(); links and state survive. */
  crash(): void;
  revive(): void;
  setChatMode(mode: DeliveryMode): void;
  /** This node's overview for the instructor (control-report.ts). */
  report(): Readonly<Record<string, unknown>>;
  /** Sends a report frame; false when signaling is not joined. */
  sendReport(data: Readonly<Record<string, unknown>>): boolean;
}

export interface ControlPlaneOptions {
  readonly target: ControlTarget;
  readonly scheduler: Scheduler;
  readonly onError: ErrorSink;
}

export interface ControlStats {
  /** Commands applied. */
  readonly applied: number;
  /** Commands ignored as malformed (or that failed to apply). */
  readonly refused: number;
  /** seq of the last command received, 0 before any. */
  readonly lastSeq: number;
}

export interface ControlPlane {
  /** A relayed command: validated, then applied; never throws. */
  handle(command: unknown, seq: number): void;
  /** The set of known members may have changed: standing rules go to any new one. */
  notePeers(): void;
  crashed(): boolean;
  /** Whether an instructor's partition is in force here. */
  partitioned(): boolean;
  stats(): ControlStats;
  /** Stops reporting; safe to call twice. */
  close(): void;
}

interface FaultRule {
  readonly faults: FaultPatch;
  readonly direction: Direction;
  readonly scope: FaultScope;
}

/** Fault rules kept for latecomers; older ones go first (a latecomer then misses those only). */
const MAX_FAULT_RULES = 64;

export function createControlPlane({ target, scheduler, onError }: ControlPlaneOptions): ControlPlane {
  /** Peers the standing rules have been applied to. */
  const seen = new Set<string>();
  let partition: readonly (readonly string[])[] | null = null;
  let rules: FaultRule[] = [];
  let crashed = false;
  let closed = false;
  let stopReports: (() => void) | null = null;
  let applied = 0;
  let refused = 0;
  let lastSeq = 0;

  /** Whether this node keeps its link to `peer` under the partition: they share a group. */
  const together = (groups: readonly (readonly string[])[], peer: string): boolean =>
    groups.some((g) => g.includes(target.self) && g.includes(peer));

  /** A rule covers links to members in the group, or every link of a node that is itself in it. */
  const inScope = (scope: FaultScope, peer: string): boolean =>
    scope === 'all' || scope.group.includes(target.self) || scope.group.includes(peer);

  function applyRules(peer: string): void {
    for (const rule of rules) if (inScope(rule.scope, peer)) target.setFaults(peer, rule.faults, rule.direction);
    if (partition) target.setFaults(peer, { cut: !together(partition, peer) }, 'both');
  }

  /**
   * The peers a new rule goes to now. They are marked seen before it is applied, as setFaults
   * fires link changes that land in notePeers; one missing now is forgotten, so if it comes
   * back it gets every standing rule again rather than keeping what it had when it went.
   */
  function current(): string[] {
    const peers = target.peers().filter((p) => p !== target.self);
    seen.clear();
    for (const p of peers) seen.add(p);
    return peers;
  }

  function report(): void {
    try {
      target.sendReport(target.report());
    } catch (err) {
      onError('control', 'report-failed', err instanceof Error ? err.message : String(err));
    }
  }

  function reporting(on: boolean, intervalMs: number): void {
    stopReports?.();
    stopReports = null;
    if (!on || closed) return;
    report();
    stopReports = every(scheduler, intervalMs, report);
  }

  function apply(command: NodeCommand): void {
    switch (command.op) {
      case 'partition': {
        partition = command.groups;
        for (const peer of current()) target.setFaults(peer, { cut: !together(command.groups, peer) }, 'both');
        break;
      }
      case 'heal':
        partition = null;
        rules = [];
        target.healAll();
        break;
      case 'faults': {
        const rule: FaultRule = { faults: command.faults, direction: command.direction, scope: command.scope };
        rules = [...rules, rule].slice(-MAX_FAULT_RULES);
        for (const peer of current()) if (inScope(rule.scope, peer)) target.setFaults(peer, rule.faults, rule.direction);
        break;
      }
      case 'crash':
        if (!crashed) target.crash();
        crashed = true;
        break;
      case 'revive':
        if (crashed) target.revive();
        crashed = false;
        break;
      case 'chat-mode':
        target.setChatMode(command.mode);
        break;
      case 'report':
        reporting(command.on, command.intervalMs);
        break;
    }
  }

  return {
    handle(raw, seq) {
      if (closed) return;
      lastSeq = Math.max(lastSeq, seq);
      const parsed = parseCommand(raw);
      if (!parsed.ok) {
        refused++;
        onError('control', 'bad-command', `command ${seq} ignored: ${parsed.reason}`);
        return;
      }
      try {
        apply(parsed.command);
        applied++;
      } catch (err) {
        refused++;
        onError('control', 'apply-failed', `command ${seq} (${parsed.command.op}): ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    notePeers() {
      if (closed) return;
      const fresh = target.peers().filter((p) => p !== target.self && !seen.has(p));
      for (const p of fresh) seen.add(p);
      for (const p of fresh) {
        try {
          applyRules(p);
        } catch (err) {
          onError('control', 'apply-failed', `rules for ${p}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
    crashed: () => crashed,
    partitioned: () => partition !== null,
    stats: () => ({ applied, refused, lastSeq }),
    close() {
      closed = true;
      stopReports?.();
      stopReports = null;
    },
  };
}
