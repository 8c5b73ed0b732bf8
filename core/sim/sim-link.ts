import { Listeners, type Link, type LinkState, type Unsubscribe } from '../link.ts';
import type { Scheduler } from '../scheduler.ts';

/**
 * A simulated wire between two nodes: reliable and in order, with a fixed latency. Loss, jitter
 * and partitions are not the wire's business; they come from the FaultyLink each node wraps
 * around its end, exactly as in a browser.
 */
class SimEnd implements Link {
  state: LinkState = 'connecting';
  other!: SimEnd;
  readonly messages = new Listeners<[Uint8Array]>();
  readonly opens = new Listeners<[]>();
  readonly closes = new Listeners<[string]>();

  constructor(
    readonly local: string,
    readonly remote: string,
    private readonly scheduler: Scheduler,
    private readonly latencyMs: number,
  ) {}

  send(bytes: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    // Copy: the sender may reuse its buffer, a real wire would not notice.
    const copy = bytes.slice();
    const other = this.other;
    this.scheduler.after(this.latencyMs, () => {
      if (other.state === 'open') other.messages.emit(copy);
    });
    return true;
  }

  onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe {
    return this.messages.add(handler);
  }

  onOpen(handler: () => void): Unsubscribe {
    return this.opens.add(handler);
  }

  onClose(handler: (reason: string) => void): Unsubscribe {
    return this.closes.add(handler);
  }

  close(reason = 'closed'): void {
    if (this.state === 'closed') return;
    this.shut(reason);
    const other = this.other;
    this.scheduler.after(this.latencyMs, () => other.shut(`closed by ${this.local}`));
  }

  open(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.opens.emit();
    this.opens.clear();
  }

  shut(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closes.emit(reason);
    this.closes.clear();
    this.opens.clear();
    this.messages.clear();
  }
}

/** Creates both ends of a wire; they open after one latency, as a handshake would take. */
export function createSimWire(scheduler: Scheduler, a: string, b: string, latencyMs = 1): [Link, Link] {
  const endA = new SimEnd(a, b, scheduler, latencyMs);
  const endB = new SimEnd(b, a, scheduler, latencyMs);
  endA.other = endB;
  endB.other = endA;
  scheduler.after(latencyMs, () => {
    endA.open();
    endB.open();
  });
  return [endA, endB];
}
