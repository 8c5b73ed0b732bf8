import { expect, type Browser, type BrowserContext } from '@playwright/test';
import { TabNode, type WriteLog } from './tab-node.ts';

/**
 * A room of tabs spread over several browser processes, with the moves a test makes on it:
 * open, partition, heal, crash, and waiting (by polling, never sleeping) until it has formed
 * or converged. When a wait times out, the failure names the nodes that differ and how.
 */
export interface MeshOptions {
  /** Browser processes to spread the tabs over (round robin); at most the number launched. */
  browsers?: number;
  room?: string;
  degree?: number;
  heartbeatMs?: number;
  suspectMs?: number;
  deadMs?: number;
  /** Wait until every node sees every other alive (default true). */
  waitFormed?: boolean;
}

export class Mesh {
  /** Live nodes, in opening order. */
  readonly nodes: TabNode[] = [];
  readonly log: WriteLog = { inserts: [], chats: [], keys: new Set() };
  private readonly contexts = new Map<Browser, Promise<BrowserContext>>();
  private opened = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly browsers: readonly Browser[],
    readonly options: Required<Pick<MeshOptions, 'room'>> & MeshOptions,
    private readonly lines: string[],
  ) {}

  get url(): string {
    const q = new URLSearchParams({ room: this.options.room });
    for (const key of ['degree', 'heartbeatMs', 'suspectMs', 'deadMs'] as const) {
      const v = this.options[key];
      if (v !== undefined) q.set(key, String(v));
    }
    return `${this.baseUrl}?${q}`;
  }

  /**
   * Opens one more node, in the next browser process round robin (or the given one).
   * `initScript` runs in the tab before the app does (to patch its timers, say).
   */
  async open(browserIndex = this.opened % this.browsers.length, initScript?: () => void): Promise<TabNode> {
    const node = await this.start(browserIndex, initScript);
    this.nodes.push(node);
    return node;
  }

  /** Opens `count` nodes concurrently; `nodes` keeps them in round-robin order. */
  async openMany(count: number): Promise<TabNode[]> {
    const indexes = Array.from({ length: count }, (_, i) => (this.opened + i) % this.browsers.length);
    const nodes = await Promise.all(indexes.map((i) => this.start(i)));
    this.nodes.push(...nodes);
    return nodes;
  }

  private start(browserIndex: number, initScript?: () => void): Promise<TabNode> {
    const browser = this.browsers[browserIndex];
    if (!browser) throw new RangeError(`browser ${browserIndex} of ${this.browsers.length}`);
    let context = this.contexts.get(browser);
    if (!context) this.contexts.set(browser, (context = browser.newContext()));
    this.opened += 1;
    return context.then((c) => TabNode.open(c, this.url, `b${browserIndex}`, this.log, this.lines, initScript));
  }

  /** Until every node sees every other alive, with open links to all of them in a full mesh. */
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

  /** Each node cuts its links to every node outside its group. */
  async partition(groups: readonly (readonly TabNode[])[]): Promise<void> {
    await Promise.all(
      groups.flatMap((group) => group.map((node) => node.partition(this.nodes.filter((n) => !group.includes(n))))),
    );
  }

  async heal(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.heal()));
  }

  /** Closes a node's tab; it is no longer part of the mesh's checks. */
  async crash(node: TabNode): Promise<void> {
    this.nodes.splice(this.nodes.indexOf(node), 1);
    await node.crash();
  }

  /**
   * What keeps the live nodes from having converged, '' once they have: the same text holding
   * every insert, the same values for every key written, and every chat message delivered.
   */
  async divergence(): Promise<string> {
    const keys = [...this.log.keys].sort();
    const states = await Promise.all(
      this.nodes.map(async (node) => ({ node, text: await node.text(), kv: await node.getAll(keys), chats: (await node.messages()).map((m) => m.text) })),
    );
    const problems: string[] = [];
    const [first] = states;
    for (const s of states) {
      const missingText = this.log.inserts.filter((i) => !s.text.includes(i));
      if (missingText.length) problems.push(`${s.node} text ${JSON.stringify(s.text)} lacks ${JSON.stringify(missingText)}`);
      const missingChat = this.log.chats.filter((c) => !s.chats.includes(c));
      if (missingChat.length) problems.push(`${s.node} has not delivered chat ${JSON.stringify(missingChat)}`);
      if (!first || s === first) continue;
      if (s.text !== first.text) problems.push(`${s.node} text ${JSON.stringify(s.text)} differs from ${first.node}'s ${JSON.stringify(first.text)}`);
      for (const key of keys) {
        const [mine, theirs] = [JSON.stringify(s.kv[key]), JSON.stringify(first.kv[key])];
        if (mine !== theirs) problems.push(`${s.node} has ${key}=${mine}, ${first.node} has ${theirs}`);
      }
    }
    return problems.join('\n');
  }

  async waitConverged(timeout = 30_000): Promise<void> {
    await expect.poll(() => this.divergence(), { timeout, message: 'nodes did not converge' }).toBe('');
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.contexts.values()].map(async (c) => (await c).close()));
    this.contexts.clear();
    this.nodes.length = 0;
  }
}
