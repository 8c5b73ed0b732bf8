import type { ChatMessageView } from '../app/src/api-types.ts';

/**
 * What the kit's node handles wrote, and who has been seen holding each write: the checker's
 * memory. The rule it serves (README, "Testing with the tabmesh kit"):
 *
 *   A write is *held* by a node whose state shows it: a text insert is a substring of its
 *   text, a chat message is among its delivered messages, a KV value is among the key's
 *   siblings or replaced by one of them (directly or through a chain of puts). The writer
 *   holds its write when it makes it; other holders are seen whenever the kit reads every
 *   node's state (each convergence poll, and just before it crashes a tab).
 *   A write is *acknowledged* once a node other than its writer has been seen holding it.
 *   A write is *required* when some node seen holding it is still alive: every write of a
 *   live node, and every acknowledged write of a crashed node unless all of its holders have
 *   crashed too. Required writes must end up held by every live node.
 */
export interface NodeState {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly chat: readonly ChatMessageView[];
  /** Siblings of every key the history has seen written. */
  readonly kv: Readonly<Record<string, readonly string[]>>;
}

interface Written {
  /** Node id of the writer. */
  readonly writer: string;
  readonly writerName: string;
}
export interface TextWrite extends Written {
  readonly kind: 'text';
  readonly token: string;
}
export interface ChatWrite extends Written {
  readonly kind: 'chat';
  readonly id: string;
  readonly text: string;
}
export interface KvWrite extends Written {
  readonly kind: 'kv';
  readonly key: string;
  readonly value: string;
  /** The siblings the writer had when it put, all of which this put supersedes. */
  readonly replaced: readonly string[];
}
export type Write = TextWrite | ChatWrite | KvWrite;

export function describeWrite(w: Write): string {
  const what = w.kind === 'text' ? `insert ${JSON.stringify(w.token)}` : w.kind === 'chat' ? `chat ${JSON.stringify(w.text)} (${w.id})` : `put ${w.key}=${JSON.stringify(w.value)}`;
  return `${what} by ${w.writerName} (${w.writer})`;
}

export class History {
  readonly writes: Write[] = [];
  private readonly holders = new Map<Write, Set<string>>();
  /** After a text delete, which inserts should remain is unknown: only agreement is checked. */
  private textDeleted = false;
  private readonly deletedKeys = new Set<string>();
  private readonly keySet = new Set<string>();
  /** replacedBy() results, keyed by key and value; cleared when a write is recorded. */
  private readonly replacedCache = new Map<string, Set<string>>();

  record(write: Write): void {
    this.replacedCache.clear();
    this.writes.push(write);
    this.holders.set(write, new Set([write.writer]));
    if (write.kind === 'kv') this.keySet.add(write.key);
  }

  noteTextDelete(): void {
    this.textDeleted = true;
  }

  noteKvDelete(key: string): void {
    this.deletedKeys.add(key);
    this.keySet.add(key);
  }

  /** Every key written or deleted through the kit, sorted. */
  keys(): string[] {
    return [...this.keySet].sort();
  }

  /** Values that `value` on `key` replaced, directly or through a chain of puts. */
  private replacedBy(key: string, value: string): Set<string> {
    const cacheKey = JSON.stringify([key, value]);
    const cached = this.replacedCache.get(cacheKey);
    if (cached) return cached;
    const out = new Set<string>();
    const queue = [value];
    for (let v = queue.pop(); v !== undefined; v = queue.pop()) {
      for (const w of this.writes) {
        if (w.kind !== 'kv' || w.key !== key || w.value !== v) continue;
        for (const r of w.replaced) {
          if (!out.has(r)) {
            out.add(r);
            queue.push(r);
          }
        }
      }
    }
    this.replacedCache.set(cacheKey, out);
    return out;
  }

  holds(state: NodeState, w: Write): boolean {
    if (w.kind === 'text') return state.text.includes(w.token);
    if (w.kind === 'chat') return state.chat.some((m) => m.id === w.id);
    const siblings = state.kv[w.key] ?? [];
    return siblings.includes(w.value) || siblings.some((s) => this.replacedBy(w.key, s).has(w.value));
  }

  /** Notes which writes each state holds. */
  observe(states: readonly NodeState[]): void {
    for (const w of this.writes) {
      const seen = this.holders.get(w);
      for (const s of states) if (!seen?.has(s.id) && this.holds(s, w)) seen?.add(s.id);
    }
  }

  acknowledged(w: Write): boolean {
    return [...(this.holders.get(w) ?? [])].some((id) => id !== w.writer);
  }

  /** Writes every one of `live` must hold (see the rule above), less those a delete made unknowable. */
  required(live: ReadonlySet<string>): Write[] {
    return this.writes.filter((w) => {
      if ((w.kind === 'text' && this.textDeleted) || (w.kind === 'kv' && this.deletedKeys.has(w.key))) return false;
      return [...(this.holders.get(w) ?? [])].some((id) => live.has(id));
    });
  }

  /** Every write with the nodes seen holding it, for a failure report. */
  toJSON(): (Write & { holders: string[] })[] {
    return this.writes.map((w) => ({ ...w, holders: [...(this.holders.get(w) ?? [])] }));
  }

  /** Counts for a run's summary. */
  summary(live: ReadonlySet<string>): { writes: number; acknowledged: number; required: number; mayBeLost: number } {
    const required = this.required(live).length;
    return {
      writes: this.writes.length,
      acknowledged: this.writes.filter((w) => this.acknowledged(w)).length,
      required,
      mayBeLost: this.writes.length - required,
    };
  }
}
