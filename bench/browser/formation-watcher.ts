import type {} from '../../app/src/api-types.ts';
import type {} from '../../e2e/pages/ywebrtc/yw-api.ts';

/**
 * In-page watcher (an init script, so it runs from the first moment of the page) that notes when
 * this tab's side of the mesh is complete, on the page's own clock: `performance.timeOrigin +
 * performance.now()`, which every tab on the machine shares. The orchestrator only reads it, so
 * its polling delay is not part of the figure. Self-contained: Playwright sends its source.
 *
 * tabmesh: every other member listed by peers() and alive, and at least `links` of them with an
 * open link (min(degree, N - 1): a room of at most degree + 1 is a full mesh). In a fresh room
 * peers() lists exactly the others, so "N - 1 alive" is "the same membership everywhere".
 * y-webrtc: the provider holds N - 1 open connections.
 */
export interface FormationArgs {
  readonly system: 'tabmesh' | 'y-webrtc';
  readonly n: number;
  readonly links: number;
  readonly everyMs: number;
}

/**
 * When the tab first reached each step (page clock), null if it has not: the app's API appeared,
 * every other member was listed (tabmesh), its target links were open, every other member was
 * alive (tabmesh). They show where a slow formation spends its time.
 */
export interface Milestones {
  readonly ready: number | null;
  readonly known: number | null;
  readonly linked: number | null;
  readonly alive: number | null;
}

export interface FormationState {
  readonly milestones: Milestones;
  /** Start of the current complete streak (page clock, ms since the epoch), null while incomplete. */
  readonly satisfiedAt: number | null;
  /** Times the tab fell back from complete to incomplete. */
  readonly lost: number;
  /** performance.timeOrigin: when this page's navigation started. */
  readonly navigationStart: number;
  /** What the tab has, for a report when the mesh does not complete. */
  readonly detail: string;
}

export interface FormationWatcher {
  state(): FormationState;
  stop(): void;
}

declare global {
  interface Window {
    __benchFormation?: FormationWatcher;
  }
}

export function installFormationWatcher(args: FormationArgs): void {
  let satisfiedAt: number | null = null;
  let lost = 0;
  let detail = 'not started';
  const milestones = { ready: null as number | null, known: null as number | null, linked: null as number | null, alive: null as number | null };
  const reach = (key: keyof typeof milestones, now: number, yes: boolean): void => {
    if (yes && milestones[key] === null) milestones[key] = now;
  };
  const check = (): void => {
    const now = performance.timeOrigin + performance.now();
    let ok = false;
    if (args.system === 'tabmesh') {
      const api = window.tabmesh;
      if (api === undefined) return;
      const peers = api.peers();
      const alive = peers.filter((p) => p.alive).length;
      const open = peers.filter((p) => p.link === 'open').length;
      reach('known', now, peers.length === args.n - 1);
      reach('linked', now, open >= args.links);
      reach('alive', now, alive === args.n - 1);
      ok = peers.length === args.n - 1 && alive === args.n - 1 && open >= args.links;
      detail = `${peers.length} peers, ${alive} alive, ${open} open links`;
    } else {
      const yw = window.yw;
      if (yw === undefined) return;
      const conns = yw.peers();
      reach('linked', now, conns >= args.n - 1);
      ok = conns >= args.n - 1;
      detail = `${conns} open connections`;
    }
    reach('ready', now, true);
    if (ok && satisfiedAt === null) satisfiedAt = now;
    if (!ok && satisfiedAt !== null) {
      satisfiedAt = null;
      lost += 1;
    }
  };
  const timer = setInterval(check, args.everyMs);
  window.__benchFormation = {
    state: () => ({ milestones: { ...milestones }, satisfiedAt, lost, navigationStart: performance.timeOrigin, detail }),
    stop: () => clearInterval(timer),
  };
}
