import type { Link } from './link.ts';

/**
 * What every Link implementation promises, as plain async checks: the unit tests run them
 * against the simulated wire and the fault injector, and a browser page runs them against
 * WebRTC links. No test framework here, so the same file runs in both places.
 */
export interface LinkHarness {
  /** A fresh pair of ends joined to each other, as the transport hands them out (possibly still connecting). */
  makePair(): Promise<[Link, Link]>;
  /** Resolves once cond() holds; rejects with an Error naming `what` if it does not within the harness's bound. */
  waitFor(cond: () => boolean, what: string): Promise<void>;
}

export interface ContractCheck {
  readonly name: string;
  /** Throws an Error describing the violation. */
  run(h: LinkHarness): Promise<void>;
}

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(`Link contract violated: ${message}`);
}

/** Message i of a test: its length and content both vary with i, so a swap or a truncation shows. */
function pattern(i: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = (i * 31 + k * 7 + (k >> 8)) & 0xff;
  return out;
}

/** Undefined when equal, otherwise what differs. */
function difference(got: Uint8Array, want: Uint8Array): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  for (let k = 0; k < want.length; k++) {
    if (got[k] !== want[k]) return `byte ${k} is ${got[k]}, expected ${want[k]}`;
  }
  return undefined;
}

function inbox(link: Link): Uint8Array[] {
  const got: Uint8Array[] = [];
  link.onMessage((bytes) => got.push(bytes));
  return got;
}

async function openPair(h: LinkHarness): Promise<[Link, Link]> {
  const [a, b] = await h.makePair();
  await h.waitFor(() => a.state === 'open' && b.state === 'open', `both ends of ${a.local}<->${b.local} to open`);
  return [a, b];
}

/**
 * Lets the transport's time pass without a clock of our own: a round trip on a fresh pair
 * takes at least as long as any event already queued on the links under test.
 */
async function letTimePass(h: LinkHarness): Promise<void> {
  const [a, b] = await openPair(h);
  const atB = inbox(b);
  const atA = inbox(a);
  check(a.send(pattern(1, 8)), 'probe send on an open link returned false');
  await h.waitFor(() => atB.length > 0, 'the probe message to arrive');
  check(b.send(pattern(2, 8)), 'probe reply on an open link returned false');
  await h.waitFor(() => atA.length > 0, 'the probe reply to arrive');
  a.close('probe done');
  await h.waitFor(() => a.state === 'closed' && b.state === 'closed', 'the probe pair to close');
}

/** Both ends send `count` messages interleaved; each side must receive exactly the other's, in order. */
async function exchange(h: LinkHarness, count: number, length: (i: number) => number): Promise<void> {
  const [a, b] = await openPair(h);
  const atA = inbox(a);
  const atB = inbox(b);
  for (let i = 0; i < count; i++) {
    check(a.send(pattern(i, length(i))), `a.send of message ${i} returned false on an open link`);
    check(b.send(pattern(i + 1000, length(i))), `b.send of message ${i} returned false on an open link`);
  }
  await h.waitFor(() => atA.length >= count && atB.length >= count, `${count} messages each way`).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (b had ${atB.length}, a had ${atA.length})`);
  });
  await letTimePass(h);
  check(atB.length === count, `b received ${atB.length} messages, expected ${count}`);
  check(atA.length === count, `a received ${atA.length} messages, expected ${count}`);
  for (let i = 0; i < count; i++) {
    const toB = difference(atB[i] as Uint8Array, pattern(i, length(i)));
    check(toB === undefined, `message ${i} from a to b arrived wrong or out of order: ${toB}`);
    const toA = difference(atA[i] as Uint8Array, pattern(i + 1000, length(i)));
    check(toA === undefined, `message ${i} from b to a arrived wrong or out of order: ${toA}`);
  }
}

const checks: ContractCheck[] = [
  {
    name: 'a new pair starts connecting or open',
    async run(h) {
      const [a, b] = await h.makePair();
      for (const end of [a, b]) check(end.state === 'connecting' || end.state === 'open', `${end.local} starts in state '${end.state}'`);
      check(a.local === b.remote && b.local === a.remote, `ends name each other wrongly: ${a.local}->${a.remote}, ${b.local}->${b.remote}`);
    },
  },
  {
    name: 'both ends open and each onOpen handler fires exactly once, with the state already open',
    async run(h) {
      const [a, b] = await h.makePair();
      // Two handlers on one end: each must fire, not just the first registered.
      const opened: Record<string, string[]> = { 'a#1': [], 'a#2': [], 'b#1': [] };
      a.onOpen(() => opened['a#1']?.push(a.state));
      a.onOpen(() => opened['a#2']?.push(a.state));
      b.onOpen(() => opened['b#1']?.push(b.state));
      await h.waitFor(() => Object.values(opened).every((s) => s.length > 0), 'every onOpen handler to fire');
      check(a.state === 'open' && b.state === 'open', `states after onOpen are ${a.state}/${b.state}`);
      // Traffic and time after opening must not fire the handlers again.
      const atB = inbox(b);
      a.send(pattern(0, 16));
      await h.waitFor(() => atB.length > 0, 'a message after opening');
      await letTimePass(h);
      for (const [handler, states] of Object.entries(opened)) {
        check(states.length === 1, `onOpen handler ${handler} fired ${states.length} times`);
        check(states[0] === 'open', `onOpen handler ${handler} saw state '${states[0]}'`);
      }
    },
  },
  {
    name: 'send before open returns false and the bytes never arrive',
    async run(h) {
      const [a, b] = await h.makePair();
      const atA = inbox(a);
      const atB = inbox(b);
      const early = [a, b].filter((end) => end.state === 'connecting');
      check(early.length > 0, 'neither end starts connecting: makePair must hand out links before they open for this check');
      for (const end of early) check(!end.send(pattern(666, 16)), `${end.local}.send while connecting returned true`);
      await h.waitFor(() => a.state === 'open' && b.state === 'open', 'both ends to open');
      check(a.send(pattern(1, 16)) && b.send(pattern(2, 16)), 'send on an open link returned false');
      await h.waitFor(() => atA.length > 0 && atB.length > 0, 'the first messages after opening');
      await letTimePass(h);
      check(atB.length === 1 && difference(atB[0] as Uint8Array, pattern(1, 16)) === undefined, `b received ${atB.length} messages; only the post-open one may arrive`);
      check(atA.length === 1 && difference(atA[0] as Uint8Array, pattern(2, 16)) === undefined, `a received ${atA.length} messages; only the post-open one may arrive`);
    },
  },
  {
    name: '100 messages each way arrive intact and in order',
    run: (h) => exchange(h, 100, (i) => 1 + ((i * 97) % 1500)),
  },
  {
    name: 'a 100 KiB message arrives intact',
    run: (h) => exchange(h, 1, () => 100 * 1024),
  },
  {
    name: 'an unsubscribed onMessage handler receives nothing more',
    async run(h) {
      const [a, b] = await openPair(h);
      const first: Uint8Array[] = [];
      const stayed = inbox(b);
      const unsubscribe = b.onMessage((bytes) => first.push(bytes));
      a.send(pattern(1, 32));
      await h.waitFor(() => first.length === 1 && stayed.length === 1, 'the first message at both handlers');
      unsubscribe();
      unsubscribe(); // a second call is harmless
      a.send(pattern(2, 32));
      a.send(pattern(3, 32));
      await h.waitFor(() => stayed.length === 3, 'the later messages at the remaining handler');
      await letTimePass(h);
      check(first.length === 1, `the unsubscribed handler received ${first.length} messages, expected 1`);
      check(stayed.length === 3, `the remaining handler received ${stayed.length} messages, expected 3`);
    },
  },
  {
    name: 'close() from one end closes both, fires each onClose once, and later sends and closes are harmless',
    async run(h) {
      const [a, b] = await openPair(h);
      const closedA: string[] = [];
      const closedB: string[] = [];
      a.onClose((reason) => closedA.push(reason));
      b.onClose((reason) => closedB.push(reason));
      a.close('contract test');
      await h.waitFor(() => a.state === 'closed' && b.state === 'closed', 'both ends to reach closed');
      await h.waitFor(() => closedA.length > 0 && closedB.length > 0, 'onClose on both ends');
      check(!a.send(pattern(1, 8)), 'send on the closing end after close returned true');
      check(!b.send(pattern(2, 8)), 'send on the far end after close returned true');
      a.close('again');
      b.close('from the far end');
      await letTimePass(h);
      check(closedA.length === 1, `a's onClose fired ${closedA.length} times`);
      check(closedB.length === 1, `b's onClose fired ${closedB.length} times`);
      for (const reason of [...closedA, ...closedB]) check(typeof reason === 'string', `onClose reason is ${typeof reason}, not a string`);
      check(a.state === 'closed' && b.state === 'closed', `states after a second close are ${a.state}/${b.state}`);
    },
  },
  {
    name: "received bytes do not share the sender's buffer",
    async run(h) {
      const [a, b] = await openPair(h);
      const atB = inbox(b);
      const sent = pattern(7, 4096);
      a.send(sent);
      sent.fill(0xee); // the sender reuses its buffer at once
      await h.waitFor(() => atB.length === 1, 'the message to arrive');
      const got = atB[0] as Uint8Array;
      const early = difference(got, pattern(7, 4096));
      check(early === undefined, `mutating the buffer after send changed what arrived: ${early}`);
      sent.fill(0x11);
      const late = difference(got, pattern(7, 4096));
      check(late === undefined, `the received bytes alias the sender's buffer: ${late}`);
    },
  },
];

export const linkContract: readonly ContractCheck[] = Object.freeze(checks);
