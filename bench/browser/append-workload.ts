import type {} from '../../app/src/api-types.ts';
import type {} from '../../e2e/pages/ywebrtc/yw-api.ts';

/**
 * In-page workload of the loss bench (installed with page.evaluate once the room has formed):
 * append `count` distinct tokens to the shared text, one every `everyMs`, on the page's own
 * timer, so every tab edits at once without the orchestrator in the loop. Tokens are appended at
 * the end in one insert each, so concurrent appends never split one another.
 */
export interface AppendArgs {
  readonly system: 'tabmesh' | 'y-webrtc';
  readonly prefix: string;
  readonly count: number;
  readonly everyMs: number;
}

export interface AppendWorkload {
  inserted(): string[];
  done(): boolean;
}

declare global {
  interface Window {
    __benchAppend?: AppendWorkload;
  }
}

export function startAppending(args: AppendArgs): void {
  const inserted: string[] = [];
  const append = (token: string): void => {
    if (args.system === 'tabmesh') window.tabmesh.text.insert(window.tabmesh.text.value().length, token);
    else window.yw.insert(token);
  };
  const timer = setInterval(() => {
    if (inserted.length >= args.count) return clearInterval(timer);
    const token = `[${args.prefix}.${inserted.length}]`;
    append(token);
    inserted.push(token);
  }, args.everyMs);
  window.__benchAppend = { inserted: () => [...inserted], done: () => inserted.length >= args.count };
}
