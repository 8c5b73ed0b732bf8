import { createRng } from '../core/rng.ts';
import type { Mesh } from './mesh.ts';
import { describeFault, planNemesis, type Fault, type NemesisStep } from './nemesis.ts';
import type { TabNode } from './tab-node.ts';

/**
 * Runs a seeded nemesis plan against a live mesh while a workload writes chat, KV and text on
 * every node; returns when both are done and every fault is healed. The checking is the
 * caller's: `mesh.waitConverged({ complete: true })` then holds the run to the History rule.
 */
export interface NemesisRunOptions {
  readonly seed: number;
  readonly durationMs: number;
  /** Keys the workload writes: few, so puts from different nodes collide into siblings. */
  readonly keys?: number;
  readonly log?: (line: string) => void;
}

export interface NemesisRunReport {
  readonly plan: readonly NemesisStep[];
  readonly writes: { chat: number; kv: number; text: number };
  /** Writes not attempted because their node was crashing at that moment. */
  readonly refused: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runNemesis(mesh: Mesh, options: NemesisRunOptions): Promise<NemesisRunReport> {
  const slots: TabNode[] = [...mesh.nodes];
  const plan = planNemesis(options.seed, { nodes: slots.length, durationMs: options.durationMs });
  const log = options.log ?? (() => undefined);
  const start = Date.now();
  const elapsed = (): string => `${((Date.now() - start) / 1000).toFixed(1)}s`;
  const node = (slot: number): TabNode => {
    const n = slots[slot];
    if (!n) throw new RangeError(`no node in slot ${slot}`);
    return n;
  };
  const writes = { chat: 0, kv: 0, text: 0 };
  let refused = 0;
  /** The first error of either loop; the other stops at its next step. */
  let failure: { error: unknown } | undefined;

  async function apply(f: Fault): Promise<void> {
    switch (f.kind) {
      case 'halves':
        return mesh.partition([f.left.map(node), f.right.map(node)]);
      case 'isolate':
        return mesh.isolate(node(f.node));
      case 'bridge':
        return mesh.partition([[...f.left, f.bridge].map(node), [f.bridge, ...f.right].map(node)]);
      case 'drop':
        await Promise.all(f.links.map(([a, b]) => node(a).setFaults(node(b), { drop: f.drop })));
        return;
      case 'delay':
        await Promise.all(f.links.map(([a, b]) => node(a).setFaults(node(b), { delayMs: f.delayMs, jitterMs: f.jitterMs })));
        return;
      case 'crash':
        if (f.isolateFirstMs > 0) {
          await mesh.isolate(node(f.node));
          await sleep(f.isolateFirstMs);
        }
        return mesh.crash(node(f.node));
    }
  }

  async function undo(f: Fault): Promise<void> {
    await mesh.heal();
    if (f.kind === 'crash') {
      const began = Date.now();
      // Generous: on a loaded two-core machine a new tab can take many seconds to load and link.
      slots[f.node] = await mesh.restart(node(f.node), 60_000);
      log(`[${elapsed()}] restarted slot ${f.node} as ${node(f.node)} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    }
  }

  /**
   * Each fault is held for its full time and each calm gap kept, even when applying or undoing
   * one ran late (a restart under load): the run then shifts later rather than squeezing the
   * remaining faults together. No fault starts once the workload is over.
   */
  async function nemesis(): Promise<void> {
    let planEnd = 0;
    for (const [i, step] of plan.entries()) {
      await sleep(step.at - planEnd);
      if (failure) return;
      if (Date.now() - start >= options.durationMs) {
        log(`[${elapsed()}] workload over: ${plan.length - i} of ${plan.length} planned faults not run`);
        return;
      }
      log(`[${elapsed()}] ${describeFault(step.fault)} for ${step.holdMs} ms`);
      await apply(step.fault);
      await sleep(step.holdMs);
      await undo(step.fault);
      planEnd = step.at + step.holdMs;
    }
  }

  async function workload(): Promise<void> {
    // Its own stream, so the plan does not depend on how many writes fit in a run.
    const rng = createRng(options.seed ^ 0x5eed5eed);
    const keys = options.keys ?? 4;
    // Bounded by the clock; every pass awaits at least one page call and a pause.
    for (let seq = 0; !failure && Date.now() - start < options.durationMs; seq++) {
      const first = rng.int(slots.length);
      const slot = [...slots.keys()].map((i) => (first + i) % slots.length).find((i) => !node(i).crashed) ?? first;
      const target = node(slot);
      const value = `s${slot}.${seq}`;
      const op = rng.next();
      try {
        if (op < 0.4) {
          await target.say(value);
          writes.chat += 1;
        } else if (op < 0.7) {
          await target.put(`k${rng.int(keys)}`, value);
          writes.kv += 1;
        } else {
          await target.insertLine(value, rng.next());
          writes.text += 1;
        }
      } catch (err) {
        // A tab the nemesis is closing refuses writes (TabNode.write); anything else is a failure.
        if (!target.crashed) throw err;
        refused += 1;
      }
      await sleep(40 + rng.int(120));
    }
  }

  const guard = (run: Promise<void>): Promise<void> => run.catch((error: unknown) => void (failure ??= { error }));
  await Promise.all([guard(workload()), guard(nemesis())]);
  if (failure) throw failure.error;
  await mesh.heal();
  log(`[${elapsed()}] workload and nemesis done: ${writes.chat} chat, ${writes.kv} kv, ${writes.text} text writes, ${refused} refused by crashing tabs`);
  return { plan, writes, refused };
}
