import type { BrowserContext, Page } from '@playwright/test';
import type { ChatMessageView, ChatMode, FaultDirection, FaultPatchInput, HeldMessageView, LinkStats, PeerInfo } from '../app/src/api-types.ts';
import type { History, NodeState } from './history.ts';

/**
 * One tab, as a test sees it: typed wrappers over window.tabmesh. Writes made through a handle
 * are recorded in its mesh's History, which is how a convergence check knows what every node
 * must end up holding. Calls made straight through `page.evaluate` are not recorded.
 */
type Peer = TabNode | string;
const idOf = (p: Peer): string => (typeof p === 'string' ? p : p.id);

/** The page-only debug hook of app/src/main.ts; not part of the public API. */
interface DebugHook {
  journal(): unknown[];
  errors(): unknown[];
}
type DebugWindow = Window & { __tabmeshDebug?: DebugHook };

export interface OpenOptions {
  readonly url: string;
  /** Which browser holds the tab, for messages: "chromium#1". */
  readonly browser: string;
  /** Position of that browser in the mesh's list, so a restart opens the tab in the same one. */
  readonly browserIndex: number;
  readonly history: History;
  readonly lines: string[];
  /** Runs in the tab before the app does (to patch its timers, say). */
  readonly initScript?: () => void;
}

export class TabNode {
  private readonly inflight = new Set<Promise<unknown>>();
  private closing = false;
  /** The node's delivery mode as last set through this handle. */
  mode: ChatMode = 'causal';

  private constructor(
    readonly page: Page,
    readonly id: string,
    readonly name: string,
    readonly browser: string,
    readonly browserIndex: number,
    private readonly history: History,
  ) {}

  /** Opens the app in a new tab and waits until it has joined its signaling room. */
  static async open(context: BrowserContext, o: OpenOptions): Promise<TabNode> {
    const page = await context.newPage();
    if (o.initScript) await page.addInitScript(o.initScript);
    page.on('console', (m) => o.lines.push(`[${o.browser} ${page.url()}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => o.lines.push(`[${o.browser}] page error: ${e.message}`));
    await page.goto(o.url);
    await page.waitForFunction(() => window.tabmesh !== undefined);
    const { id, name } = await page.evaluate(async () => {
      await window.tabmesh.ready();
      return { id: window.tabmesh.id, name: window.tabmesh.name };
    });
    return new TabNode(page, id, name, o.browser, o.browserIndex, o.history);
  }

  toString(): string {
    return `${this.name} (${this.id} in ${this.browser})`;
  }

  get crashed(): boolean {
    return this.closing;
  }

  /** Runs a write unless the tab is being closed; crash() waits for writes already running. */
  private async write<T>(run: () => Promise<T>): Promise<T> {
    if (this.closing) throw new Error(`${this} has crashed; write to a live node`);
    const p = run();
    this.inflight.add(p);
    try {
      return await p;
    } finally {
      this.inflight.delete(p);
    }
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

  /** Inserts `s` at `index`; the checker expects `s` to stay intact, so insert between earlier inserts. */
  insert(index: number, s: string): Promise<void> {
    return this.write(async () => {
      await this.page.evaluate(([i, t]) => window.tabmesh.text.insert(i, t), [index, s] as const);
      this.history.record({ kind: 'text', token: s, writer: this.id, writerName: this.name });
    });
  }

  append(s: string): Promise<void> {
    return this.write(async () => {
      await this.page.evaluate((t) => window.tabmesh.text.insert(window.tabmesh.text.value().length, t), s);
      this.history.record({ kind: 'text', token: s, writer: this.id, writerName: this.name });
    });
  }

  /**
   * Inserts `line` plus a newline at the start of one of the text's lines, or at its end:
   * `pick` in [0, 1) chooses which. Chosen in the page, in the same task as the insert, so a
   * concurrent edit cannot move the spot into the middle of another line.
   */
  insertLine(line: string, pick: number): Promise<void> {
    if (line.includes('\n')) throw new RangeError('a line cannot contain a newline');
    const token = `${line}\n`;
    return this.write(async () => {
      await this.page.evaluate(([t, p]) => {
        const text = window.tabmesh.text.value();
        const starts = [0];
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
        window.tabmesh.text.insert(starts[Math.floor(p * starts.length)] ?? text.length, t);
      }, [token, pick] as const);
      this.history.record({ kind: 'text', token, writer: this.id, writerName: this.name });
    });
  }

  /** Deletes text. The checker then no longer knows which inserts must remain and checks agreement only. */
  deleteText(index: number, length: number): Promise<void> {
    return this.write(async () => {
      await this.page.evaluate(([i, n]) => window.tabmesh.text.delete(i, n), [index, length] as const);
      this.history.noteTextDelete();
    });
  }

  /** Sends a chat message; returns its id. */
  say(text: string): Promise<string> {
    return this.write(async () => {
      const id = await this.page.evaluate((t) => {
        window.tabmesh.chat.send(t);
        // send() delivers the message here at once: it is the last one delivered.
        const sent = window.tabmesh.chat.messages().at(-1);
        if (sent?.from !== window.tabmesh.id || sent.text !== t) throw new Error(`chat.send(${JSON.stringify(t)}) did not deliver the message locally`);
        return sent.id;
      }, text);
      this.history.record({ kind: 'chat', id, text, writer: this.id, writerName: this.name });
      return id;
    });
  }

  messages(): Promise<ChatMessageView[]> {
    return this.page.evaluate(() => window.tabmesh.chat.messages());
  }

  held(): Promise<HeldMessageView[]> {
    return this.page.evaluate(() => window.tabmesh.chat.held());
  }

  async setMode(mode: ChatMode): Promise<void> {
    await this.page.evaluate((m) => window.tabmesh.chat.setMode(m), mode);
    this.mode = mode;
  }

  /** Puts a value, superseding the siblings this node holds (read in the same task, and recorded). */
  put(key: string, value: string): Promise<void> {
    return this.write(async () => {
      const replaced = await this.page.evaluate(([k, v]) => {
        const before = window.tabmesh.kv.get(k);
        window.tabmesh.kv.put(k, v);
        return before;
      }, [key, value] as const);
      this.history.record({ kind: 'kv', key, value, replaced, writer: this.id, writerName: this.name });
    });
  }

  /** Deletes a key. The checker then checks only that nodes agree on that key. */
  del(key: string): Promise<void> {
    return this.write(async () => {
      await this.page.evaluate((k) => window.tabmesh.kv.delete(k), key);
      this.history.noteKvDelete(key);
    });
  }

  get(key: string): Promise<string[]> {
    return this.page.evaluate((k) => window.tabmesh.kv.get(k), key);
  }

  getAll(keys: readonly string[]): Promise<Record<string, string[]>> {
    return this.page.evaluate((ks) => Object.fromEntries(ks.map((k) => [k, window.tabmesh.kv.get(k)])), [...keys]);
  }

  /** Text, delivered chat and the siblings of `keys`, read in one task so they fit together. */
  async state(keys: readonly string[]): Promise<NodeState> {
    const s = await this.page.evaluate((ks) => {
      const t = window.tabmesh;
      return { text: t.text.value(), chat: t.chat.messages(), kv: Object.fromEntries(ks.map((k) => [k, t.kv.get(k)])) };
    }, [...keys]);
    return { id: this.id, name: this.name, ...s };
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

  clock(): Promise<{ lamport: number; vector: Record<string, number> }> {
    return this.page.evaluate(() => window.tabmesh.clock());
  }

  /** The node's message journal (newest `limit` events) from the page's debug hook. */
  journal(limit = Infinity): Promise<unknown[]> {
    return this.page.evaluate((n) => {
      const events = (window as DebugWindow).__tabmeshDebug?.journal() ?? [];
      return n >= events.length ? [...events] : events.slice(events.length - n);
    }, limit);
  }

  /** Recent inputs the node rejected (malformed or unexpected messages), from the debug hook. */
  rejected(): Promise<unknown[]> {
    return this.page.evaluate(() => [...((window as DebugWindow).__tabmeshDebug?.errors() ?? [])]);
  }

  /** Refuses new writes and waits for those already running: the first half of a crash. */
  async stopWrites(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inflight]);
  }

  /** Closes the tab once writes already running have finished. */
  async crash(): Promise<void> {
    await this.stopWrites();
    await this.page.close();
  }
}
