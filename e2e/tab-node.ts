import type { BrowserContext, Page } from '@playwright/test';
import type { ChatMessageView, FaultDirection, FaultPatchInput, LinkStats, PeerInfo } from '../app/src/api-types.ts';

/**
 * Page object for one tab: typed wrappers over window.tabmesh. Writes are recorded in the
 * shared WriteLog, so a convergence check knows what every node must end up holding.
 */
export interface WriteLog {
  readonly inserts: string[];
  readonly chats: string[];
  readonly keys: Set<string>;
}

type Peer = TabNode | string;
const idOf = (p: Peer): string => (typeof p === 'string' ? p : p.id);

export class TabNode {
  private constructor(
    readonly page: Page,
    readonly id: string,
    readonly name: string,
    /** Which browser process holds the tab, for messages: "b2". */
    readonly browser: string,
    private readonly log: WriteLog,
  ) {}

  /** Opens the app in a new tab and waits until it has joined its signaling room. */
  static async open(context: BrowserContext, url: string, browser: string, log: WriteLog, lines: string[], initScript?: () => void): Promise<TabNode> {
    const page = await context.newPage();
    if (initScript) await page.addInitScript(initScript);
    page.on('console', (m) => lines.push(`[${browser} ${page.url()}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`[${browser}] page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.tabmesh !== undefined);
    const { id, name } = await page.evaluate(async () => {
      await window.tabmesh.ready();
      return { id: window.tabmesh.id, name: window.tabmesh.name };
    });
    return new TabNode(page, id, name, browser, log);
  }

  toString(): string {
    return `${this.name} (${this.id} in ${this.browser})`;
  }

  peers(): Promise<PeerInfo[]> {
    return this.page.evaluate(() => window.tabmesh.peers());
  }

  /** Whether this node's failure detector says `other` is alive (false when unknown). */
  async sees(other: Peer): Promise<boolean> {
    const id = idOf(other);
    return (await this.peers()).some((p) => p.id === id && p.alive);
  }

  text(): Promise<string> {
    return this.page.evaluate(() => window.tabmesh.text.value());
  }

  async insert(index: number, s: string): Promise<void> {
    await this.page.evaluate(([i, t]) => window.tabmesh.text.insert(i, t), [index, s] as const);
    this.log.inserts.push(s);
  }

  async append(s: string): Promise<void> {
    await this.page.evaluate((t) => window.tabmesh.text.insert(window.tabmesh.text.value().length, t), s);
    this.log.inserts.push(s);
  }

  async say(text: string): Promise<void> {
    await this.page.evaluate((t) => window.tabmesh.chat.send(t), text);
    this.log.chats.push(text);
  }

  messages(): Promise<ChatMessageView[]> {
    return this.page.evaluate(() => window.tabmesh.chat.messages());
  }

  async put(key: string, value: string): Promise<void> {
    await this.page.evaluate(([k, v]) => window.tabmesh.kv.put(k, v), [key, value] as const);
    this.log.keys.add(key);
  }

  get(key: string): Promise<string[]> {
    return this.page.evaluate((k) => window.tabmesh.kv.get(k), key);
  }

  async getAll(keys: readonly string[]): Promise<Record<string, string[]>> {
    return this.page.evaluate((ks) => Object.fromEntries(ks.map((k) => [k, window.tabmesh.kv.get(k)])), [...keys]);
  }

  setFaults(peer: Peer, faults: FaultPatchInput, direction: FaultDirection = 'both'): Promise<void> {
    return this.page.evaluate(([p, f, d]) => window.tabmesh.setFaults(p, f, d), [idOf(peer), faults, direction] as const);
  }

  partition(peers: readonly Peer[]): Promise<void> {
    return this.page.evaluate((ids) => window.tabmesh.partition(ids), peers.map(idOf));
  }

  heal(peers?: readonly Peer[]): Promise<void> {
    const ids = peers?.map(idOf);
    return this.page.evaluate((list) => window.tabmesh.heal(list ?? undefined), ids ?? null);
  }

  stats(): Promise<Record<string, LinkStats>> {
    return this.page.evaluate(() => window.tabmesh.stats());
  }

  /** Closes the tab: the node crashes without a goodbye. */
  crash(): Promise<void> {
    return this.page.close();
  }
}
