import { describe, expect, it } from 'vitest';
import { closeEarlySocket, EARLY_SOCKET_KEY, takeEarlySocket } from './early-socket.ts';

const URL = 'ws://127.0.0.1:4000/signal';

class FakeSocket {
  closed = false;
  constructor(
    readonly url: string,
    public readyState: number,
  ) {}
  send(): void {}
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
}

describe('takeEarlySocket', () => {
  it('hands over a socket for the same url that is connecting or open, once', () => {
    for (const state of [0, 1]) {
      const socket = new FakeSocket(URL, state);
      const window: Record<string, unknown> = { [EARLY_SOCKET_KEY]: socket };
      expect(takeEarlySocket(window, URL)).toBe(socket);
      expect(socket.closed).toBe(false);
      // A reconnect must open a socket of its own.
      expect(takeEarlySocket(window, URL)).toBeNull();
    }
  });

  it('closes and refuses a socket for another url or one already closing', () => {
    const other = new FakeSocket('ws://127.0.0.1:4001/signal', 1);
    expect(takeEarlySocket({ [EARLY_SOCKET_KEY]: other }, URL)).toBeNull();
    expect(other.closed).toBe(true);
    for (const state of [2, 3]) {
      const dying = new FakeSocket(URL, state);
      expect(takeEarlySocket({ [EARLY_SOCKET_KEY]: dying }, URL)).toBeNull();
      expect(dying.closed).toBe(true);
    }
  });

  it('ignores whatever else a page put under the name', () => {
    for (const junk of [undefined, null, 'ws://x', { url: URL }, { url: URL, readyState: 1 }]) {
      const window: Record<string, unknown> = { [EARLY_SOCKET_KEY]: junk };
      expect(takeEarlySocket(window, URL)).toBeNull();
      expect(EARLY_SOCKET_KEY in window).toBe(false);
    }
  });
});

describe('closeEarlySocket', () => {
  it('closes the socket of a page that could not start', () => {
    const socket = new FakeSocket(URL, 1);
    const window: Record<string, unknown> = { [EARLY_SOCKET_KEY]: socket };
    closeEarlySocket(window);
    expect(socket.closed).toBe(true);
    expect(EARLY_SOCKET_KEY in window).toBe(false);
    closeEarlySocket(window);
  });
});
