import { expect, type Browser, type BrowserContext } from '@playwright/test';
import type { Engine } from './browsers.ts';
import { divergence, violations } from './checker.ts';
import { History, type NodeState } from './history.ts';
import { TabNode } from './tab-node.ts';

/**
 * A room of tabs spread over several browser processes (one context per browser), with the
 * moves a test makes on it: open, partition, isolate, heal, crash, restart, and waiting (by
 * polling, never sleeping) until it has formed or converged. When a wait times out, the
 * failure names the nodes that differ and how.
 */
export interface MeshOptions {
  /** Browser processes to spread the tabs over, round robin: a count from the pool of Chromium processes, or engines in order ('chromium', 'firefox', 'webkit'; repeat one for more processes of it). */
  browsers?: number | readonly Engine[];
  room?: string;
  degree?: number;
  heartbeatMs?: number;
  suspectMs?: number;
  deadMs?: number;
  /** 'none': nodes without their page's views, driven through window.tabmesh only (less CPU per tab). */
  ui?: 'full' | 'none';
  /** Wait until the mesh has formed before returning it (default true). */
  waitFormed?: boolean;
}

export interface Browsers {
  readonly list: readonly Browser[];
  /** "chromium#0", "firefox#0": one label per entry of `list`. */
  readonly labels: readonly string[];
}

/** Journal events kept from a crashed tab for a failure report (the live ones give all). */
const CRASHED_JOURNAL_EVENTS = 2000;

export class Mesh {
  /** Live nodes, in opening order. */
  readonly nodes: TabNode[] = [];
  /** Crashed nodes, in crash order, each with the end of its journal read just before the crash. */
  readonly crashed: { node: TabNode; journal: unknown[] }[] = [];
  readonly history = new History();
  private readonly contexts = new Map<Browser, Promise<BrowserContext>>();
  private opened = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly browsers: Browsers,
    readonly options: Required<Pick<MeshOptions, 'room'>> & MeshOptions,
    private readonly lines: string[],
  ) {}

  get room(): string {
    return this.options.room;
  }

  private url(name?: string): string {
    const q = new URLSearchParams({ room: this.options.room });
    for (const key of ['degree', 'heartbeatMs', 'suspectMs', 'deadMs', 'ui'] as const) {
      const v = this.options[key];
      if (v !== undefined) q.set(key, String(v));
    }
    if (name !== undefined) q.set('name', name);
    return `${this.baseUrl}?${q}`;
  }

  /** Opens one more node, in the next browser round robin (or the given one); `initScript` runs before the app. */
  async open(browserIndex = this.opened % this.browsers.list.length, initScript?: () => void): Promise<TabNode> {
    const node = await this.start(browserIndex, initScript);
    this.nodes.push(node);
    return node;
  }

  /** Opens `count` nodes concurrently; `nodes` keeps them in round-robin order. */
  async openMany(count: number): Promise<TabNode[]> {
    const indexes = Array.from({ length: count }, (_, i) => (this.opened + i) % this.browsers.list.length);
    const nodes = await Promise.all(indexes.map((i) => this.start(i)));
    this.nodes.push(...nodes);
    return nodes;
  }

  private start(browserIndex: number, initScript?: () => void, name?: string): Promise<TabNode> {
    const browser = this.browsers.list[browserIndex];
    if (!browser) throw new RangeError(`browser ${browserIndex} of ${this.browsers.list.length}`);
    let context = this.contexts.get(browser);
    if (!context) this.contexts.set(browser, (context = browser.newContext()));
    this.opened += 1;
    const label = this.browsers.labels[browserIndex] ?? `browser#${browserIndex}`;
    return context.then((c) =>
      TabNode.open(c, { url: this.url(name), browser: label, browserIndex, history: this.history, lines: this.lines, ...(initScript ? { initScript } : {}) }),
    );
  }

  /** Until every node sees every other alive, with open links to all of them when the degree allows a full mesh. */
  async waitFormed(timeout = 30_000): Promise<void> {
    const degree = this.options.degree ?? 8;
    await expect
      .poll(async () => {
        const problems: string[] = [];
        for (const node of this.nodes) {
          const peers = await node.peers();
          const others = this.nodes.filter((n) => n !== node);
          const open = peers.filter((p) => p.link === 'open').length;
          for (const other of others) {
            const p = peers.find((x) => x.id === other.id);
            if (!p?.alive) problems.push(`${node} does not see ${other} alive`);
            else if (others.length <= degree && p.link !== 'open') problems.push(`${node} has no open link to ${other} (${p.link})`);
          }
          if (others.length > 0 && open === 0) problems.push(`${node} has no open link`);
        }
        return problems.join('\n');
      }, { timeout, message: 'mesh did not form' })
      .toBe('');
  }

  /**
   * Each node cuts its links to every node it shares no group with. Groups may overlap: with
   * [[a, b, bridge], [bridge, c, d]] the bridge talks to both sides, which cannot talk to each other.
   */
  async partition(groups: readonly (readonly TabNode[])[]): Promise<void> {
    const stray = this.nodes.filter((n) => !groups.some((g) => g.includes(n)));
    if (stray.length > 0) throw new RangeError(`every live node must be in a group; missing ${stray.join(', ')}`);
    await Promise.all(
      this.nodes.map((node) => {
        const mine = groups.filter((g) => g.includes(node));
        const cut = this.nodes.filter((other) => other !== node && !mine.some((g) => g.includes(other)));
        return cut.length > 0 ? node.partition(cut) : Promise.resolve();
      }),
    );
  }

  /** Cuts `node` off from every other live node. */
  isolate(node: TabNode): Promise<void> {
    return this.partition([[node], this.nodes.filter((n) => n !== node)]);
  }

  /** Clears every fault on every live node's links. */
  async heal(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.heal()));
  }

  /**
   * Closes a node's tab. Just before, every live node's state is read, so writes of the victim
   * that another node already holds count as acknowledged (see History).
   */
  async crash(node: TabNode): Promise<void> {
    const at = this.nodes.indexOf(node);
    if (at === -1) throw new RangeError(`${node} is not a live node of this mesh`);
    this.nodes.splice(at, 1);
    await node.stopWrites();
    await this.states();
    const journal = await node.journal(CRASHED_JOURNAL_EVENTS).catch((err: unknown) => [`journal unavailable: ${String(err)}`]);
    this.crashed.push({ node, journal });
    await node.crash();
  }

  /**
   * Opens a new tab in the same browser, room and name as a crashed node and waits until the
   * mesh has formed again. A closed tab never comes back: the new node has a new id.
   */
  async restart(node: TabNode, timeout = 30_000): Promise<TabNode> {
    if (!node.crashed) throw new RangeError(`${node} has not crashed; crash it first`);
    const fresh = await this.start(node.browserIndex, undefined, node.name);
    this.nodes.push(fresh);
    await this.waitFormed(timeout);
    return fresh;
  }

  /** Every live node's state, noted in the history (which writes each holds). */
  async states(): Promise<NodeState[]> {
    const keys = this.history.keys();
    const states = await Promise.all(this.nodes.map((n) => n.state(keys)));
    this.history.observe(states);
    return states;
  }

  /** What keeps the live nodes from having converged, '' once they have (see checker.ts). */
  async divergence(): Promise<string> {
    return divergence(await this.states(), this.history).join('\n');
  }

  /**
   * Polls until every live node holds the same text, chat and KV state, with every required
   * write (History), then checks what waiting cannot fix: no message delivered twice, delivery
   * in causal order (when every node is in causal mode), and with `complete` (every write went
   * through the kit) nothing that nobody wrote.
   */
  async waitConverged(options: number | { timeout?: number; complete?: boolean } = {}): Promise<NodeState[]> {
    if (typeof options === 'number') options = { timeout: options };
    await expect.poll(() => this.divergence(), { timeout: options.timeout ?? 30_000, message: 'nodes did not converge' }).toBe('');
    const states = await this.states();
    const causal = this.nodes.every((n) => n.mode === 'causal');
    const found = violations(states, this.history, { causal, complete: options.complete ?? false });
    expect(found.join('\n'), 'converged, but wrongly').toBe('');
    return states;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.contexts.values()].map(async (c) => (await c).close()));
    this.contexts.clear();
    this.nodes.length = 0;
  }
}
