import type { ErrorSink } from './transport.ts';

export interface RejectedInput {
  readonly source: string;
  readonly code: string;
  readonly detail: string;
}

/**
 * Rejected peer input, counted by source and code, with the most recent few kept for the UI.
 * A node never throws on bad input; it records it here.
 */
export class ErrorLog {
  private readonly counts = new Map<string, number>();
  private readonly recentList: RejectedInput[] = [];

  constructor(private readonly keep = 50) {}

  readonly sink: ErrorSink = (source, code, detail) => {
    const key = `${source}:${code}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.recentList.push({ source, code, detail: detail.slice(0, 300) });
    if (this.recentList.length > this.keep) this.recentList.shift();
  };

  /** Counts keyed "source:code". */
  totals(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  recent(): readonly RejectedInput[] {
    return this.recentList;
  }
}
