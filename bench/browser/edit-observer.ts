import type {} from '../../app/src/api-types.ts';
import type {} from '../../e2e/pages/ywebrtc/yw-api.ts';
import type {} from './floor-page/floor-api.ts';

/**
 * In-page instrument for edit latency, the same in every system's pages: once armed with a
 * marker, it notes (page clock: `performance.timeOrigin + performance.now()`, shared by every
 * tab on the machine) the first moment the page's text contains it. Neither system exposes a
 * change event on window (tabmesh's window.tabmesh has none, and nothing is added to the app),
 * so the check runs where a remote edit can land: right after every task that could carry one.
 *
 * Every 'message' handler (data channels, workers, ports, sockets) and every timer callback is
 * wrapped, so the check runs as the task that applied the edit returns ('event'); one follow-up
 * check is queued on a MessageChannel (never throttled) to catch work finished in microtasks
 * after it ('followup'); and a 4 ms poll is the backstop ('poll'). The share of each is reported:
 * a system whose edits were mostly caught by the poll would be measured late, by up to 4 ms.
 * Unarmed, the wrappers cost one comparison per task. Self-contained: Playwright sends its source.
 */
export type EditSource = 'tabmesh' | 'y-webrtc' | 'floor';
export type ObservedVia = 'event' | 'followup' | 'poll';

export interface Observation {
  readonly at: number;
  readonly via: ObservedVia;
  /** When the task that applied the edit started (its outermost wrapped handler), for 'event' catches. */
  readonly taskStart: number | null;
}

export interface EditObserver {
  /** Starts watching for `marker`; a previous marker is forgotten. */
  arm(marker: string): void;
  /** The observation of the armed marker, waiting at most `timeoutMs`; null if it never came. */
  wait(timeoutMs: number): Promise<Observation | null>;
}

declare global {
  interface Window {
    __benchObserver?: EditObserver;
  }
}

export function installEditObserver(source: EditSource): void {
  const read = (): string | undefined =>
    source === 'tabmesh' ? window.tabmesh?.text.value() : source === 'y-webrtc' ? window.yw?.value() : window.floor?.value();
  const setTimer = window.setTimeout.bind(window);
  const setRepeat = window.setInterval.bind(window);
  const clearRepeat = window.clearInterval.bind(window);
  let marker: string | null = null;
  let found: Observation | null = null;
  let poll: number | undefined;
  let waiters: ((o: Observation | null) => void)[] = [];
  let followupQueued = false;
  let depth = 0;
  let taskStart = 0;

  const settle = (via: ObservedVia): void => {
    if (marker === null || read()?.includes(marker) !== true) return;
    found = { at: performance.timeOrigin + performance.now(), via, taskStart: via === 'event' ? taskStart : null };
    marker = null;
    clearRepeat(poll);
    for (const w of waiters) w(found);
    waiters = [];
  };
  // Created and wired before the wrappers exist, so its own messages are not wrapped.
  const followup = new MessageChannel();
  followup.port1.onmessage = () => {
    followupQueued = false;
    settle('followup');
  };
  const afterTask = (): void => {
    if (marker === null) return;
    settle('event');
    if (marker !== null && !followupQueued) {
      followupQueued = true;
      followup.port2.postMessage(0);
    }
  };
  const wrap = <F>(fn: F): F => {
    if (typeof fn !== 'function') return fn;
    const inner = fn as unknown as (...a: unknown[]) => unknown;
    return function wrapped(this: unknown, ...a: unknown[]): unknown {
      if (depth === 0) taskStart = performance.timeOrigin + performance.now();
      depth += 1;
      try {
        return inner.apply(this, a);
      } finally {
        depth -= 1;
        afterTask();
      }
    } as unknown as F;
  };

  const wrappedListeners = new WeakMap<object, EventListener>();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function addWatched(type, listener, options) {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    let w = wrappedListeners.get(listener);
    if (w === undefined) wrappedListeners.set(listener, (w = wrap(listener)));
    return add.call(this, type, w, options);
  };
  EventTarget.prototype.removeEventListener = function removeWatched(type, listener, options) {
    const w = listener !== null && typeof listener === 'function' ? wrappedListeners.get(listener) : undefined;
    return remove.call(this, type, w ?? listener, options);
  };
  for (const proto of [RTCDataChannel.prototype, Worker.prototype, MessagePort.prototype, WebSocket.prototype, BroadcastChannel.prototype]) {
    const d = Object.getOwnPropertyDescriptor(proto, 'onmessage');
    if (d?.set === undefined || d.get === undefined) continue;
    const { get, set } = d;
    Object.defineProperty(proto, 'onmessage', {
      configurable: true,
      enumerable: d.enumerable ?? true,
      get() {
        return get.call(this);
      },
      set(handler: unknown) {
        set.call(this, wrap(handler));
      },
    });
  }
  const timeout = window.setTimeout;
  const interval = window.setInterval;
  window.setTimeout = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => timeout(wrap(handler), ms, ...rest)) as typeof window.setTimeout;
  window.setInterval = ((handler: TimerHandler, ms?: number, ...rest: unknown[]) => interval(wrap(handler), ms, ...rest)) as typeof window.setInterval;

  window.__benchObserver = {
    arm(m) {
      marker = m;
      found = null;
      followupQueued = false;
      clearRepeat(poll);
      poll = setRepeat(() => settle('poll'), 4);
      settle('event');
    },
    wait(timeoutMs) {
      if (found !== null || marker === null) return Promise.resolve(found);
      return new Promise((resolve) => {
        waiters.push(resolve);
        setTimer(() => resolve(found), timeoutMs);
      });
    },
  };
}
