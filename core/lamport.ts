/** A Lamport clock is one counter: tick on every local event, fast-forward past every received time. */
export type Lamport = number;

export const tickLamport = (t: Lamport): Lamport => t + 1;

/** The receive rule: max(local, received) + 1, so a receive is always later than its send. */
export const receiveLamport = (local: Lamport, received: Lamport): Lamport => Math.max(local, received) + 1;
