import { describe, expect, it } from 'vitest';
import { FaultyLink } from './faulty-link.ts';
import { linkContract, type LinkHarness } from './link-contract.ts';
import type { Link, LinkState, Unsubscribe } from './link.ts';
import { createRng, type Rng } from './rng.ts';
import { createSimWire } from './sim/sim-link.ts';
import { createVirtualScheduler, type VirtualScheduler } from './sim/virtual-scheduler.ts';

const STEP_MS = 1;
/** Ten virtual seconds: far beyond any latency or delay used here, small enough to fail fast. */
const MAX_STEPS = 10_000;

type Wrap = (end: Link, scheduler: VirtualScheduler, rng: Rng) => Link;

/**
 * A harness on one virtual clock: waitFor advances it in small steps until the condition holds.
 * `firstPairOnly` wraps just the pair under test, not the probe pairs the contract uses to let time pass.
 */
function simHarness(seed: number, wrap: Wrap = (end) => end, firstPairOnly = false): LinkHarness {
  const scheduler = createVirtualScheduler();
  const rng = createRng(seed);
  let pairs = 0;
  return {
    async makePair() {
      pairs += 1;
      const [a, b] = createSimWire(scheduler, `a${pairs}`, `b${pairs}`, 2);
      if (firstPairOnly && pairs > 1) return [a, b];
      return [wrap(a, scheduler, rng.fork()), wrap(b, scheduler, rng.fork())];
    },
    async waitFor(cond, what) {
      for (let step = 0; step <= MAX_STEPS; step++) {
        if (cond()) return;
        scheduler.runFor(STEP_MS);
      }
      throw new Error(`timed out after ${MAX_STEPS * STEP_MS} virtual ms waiting for ${what} (seed ${seed})`);
    },
  };
}

const variants: { name: string; harness: (seed: number) => LinkHarness }[] = [
  { name: 'sim wire', harness: (seed) => simHarness(seed) },
  {
    name: 'FaultyLink without faults over a sim wire',
    harness: (seed) => simHarness(seed, (end, scheduler, rng) => new FaultyLink(end, { scheduler, rng })),
  },
  {
    name: 'FaultyLink with a fixed 7 ms delay each way on both ends',
    harness: (seed) =>
      simHarness(seed, (end, scheduler, rng) => {
        const link = new FaultyLink(end, { scheduler, rng });
        link.setFaults({ delayMs: 7 });
        return link;
      }),
  },
];

const SEED = 20240611;

for (const variant of variants) {
  describe(`Link contract: ${variant.name}`, () => {
    for (const check of linkContract) {
      it(check.name, async () => {
        await check.run(variant.harness(SEED));
      });
    }
  });
}

/** Forwards everything to a real end; each broken link below overrides one promise. */
class Delegate implements Link {
  constructor(readonly inner: Link) {}
  get local(): string {
    return this.inner.local;
  }
  get remote(): string {
    return this.inner.remote;
  }
  get state(): LinkState {
    return this.inner.state;
  }
  send(bytes: Uint8Array): boolean {
    return this.inner.send(bytes);
  }
  onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe {
    return this.inner.onMessage(handler);
  }
  onOpen(handler: () => void): Unsubscribe {
    return this.inner.onOpen(handler);
  }
  onClose(handler: (reason: string) => void): Unsubscribe {
    return this.inner.onClose(handler);
  }
  close(reason?: string): void {
    this.inner.close(reason);
  }
}

class ClaimsSendWhileConnecting extends Delegate {
  override send(bytes: Uint8Array): boolean {
    this.inner.send(bytes);
    return this.inner.state !== 'closed';
  }
}

class SwapsPairs extends Delegate {
  private held: Uint8Array | null = null;
  override send(bytes: Uint8Array): boolean {
    if (this.held === null) {
      this.held = bytes.slice();
      return this.inner.state === 'open';
    }
    const ok = this.inner.send(bytes) && this.inner.send(this.held);
    this.held = null;
    return ok;
  }
}

class CannotUnsubscribe extends Delegate {
  override onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe {
    this.inner.onMessage(handler);
    return () => {};
  }
}

class ClosesAgainOnEveryClose extends Delegate {
  private readonly handlers: ((reason: string) => void)[] = [];
  override onClose(handler: (reason: string) => void): Unsubscribe {
    this.handlers.push(handler);
    return this.inner.onClose(handler);
  }
  override close(reason?: string): void {
    if (this.inner.state === 'closed') for (const h of this.handlers) h('closed again');
    this.inner.close(reason);
  }
}

/** Sends a token over the wire and hands the receiver the sender's own array, as a careless loopback would. */
function aliasing(): Wrap {
  const buffers = new Map<number, Uint8Array>();
  let next = 0;
  return (end) =>
    new (class extends Delegate {
      override send(bytes: Uint8Array): boolean {
        buffers.set(next, bytes);
        return this.inner.send(Uint8Array.of(next++));
      }
      override onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe {
        return this.inner.onMessage((token) => handler(buffers.get(token[0] ?? -1) ?? token));
      }
    })(end);
}

describe('the contract catches broken links', () => {
  const cases: { link: string; wrap: Wrap; check: string }[] = [
    { link: 'claims to send while connecting', wrap: (end) => new ClaimsSendWhileConnecting(end), check: 'send before open returns false and the bytes never arrive' },
    { link: 'swaps each pair of messages', wrap: (end) => new SwapsPairs(end), check: '100 messages each way arrive intact and in order' },
    { link: 'cannot unsubscribe', wrap: (end) => new CannotUnsubscribe(end), check: 'an unsubscribed onMessage handler receives nothing more' },
    { link: 'fires onClose on every close()', wrap: (end) => new ClosesAgainOnEveryClose(end), check: 'close() from one end closes both, fires each onClose once, and later sends and closes are harmless' },
    { link: "hands over the sender's array", wrap: aliasing(), check: "received bytes do not share the sender's buffer" },
  ];
  for (const c of cases) {
    it(`a link that ${c.link} fails "${c.check}"`, async () => {
      const check = linkContract.find((k) => k.name === c.check);
      expect(check, `no contract check named "${c.check}"`).toBeDefined();
      await expect(check?.run(simHarness(SEED, c.wrap, true))).rejects.toThrow(/^Link contract violated/);
    });
  }
});
