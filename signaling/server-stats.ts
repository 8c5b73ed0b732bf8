import { ERROR_CODES, type ErrorCode, type ServerFrame } from './protocol.ts';

/** What `SignalingServer.stats()` reports: gauges read from the registries, plus running totals. */
export interface ServerStats {
  /** Open WebSockets admitted under maxSockets. */
  readonly sockets: number;
  /** Tabmesh rooms, and the members across them. */
  readonly rooms: number;
  readonly members: number;
  /** Sockets that are instructors of a room (not members). */
  readonly instructors: number;
  /** y-webrtc topics, and the subscriptions across them. */
  readonly topics: number;
  readonly subscriptions: number;
  /** Every WebSocket message received, valid or not. */
  readonly framesIn: number;
  /** Signal and publish frames delivered, counted per recipient. */
  readonly relayed: number;
  /** Control frames delivered to members, counted per recipient. */
  readonly controlRelayed: number;
  /** Control frames refused because their socket is not an instructor (errors.forbidden counts nothing else). */
  readonly forgedControl: number;
  /** Member reports delivered to instructors, counted per recipient. */
  readonly reports: number;
  /** Accepted reports that reached nobody, as their room had no instructor. */
  readonly reportsDropped: number;
  /** Every refusal, by code, whether or not a reply could be sent. */
  readonly errors: Readonly<Record<ErrorCode, number>>;
}

export type Gauges = Pick<ServerStats, 'sockets' | 'rooms' | 'members' | 'instructors' | 'topics' | 'subscriptions'>;

export interface Tally {
  frameIn(): void;
  /** Counts a frame sent to `recipients` sockets by what it carries. */
  delivered(frame: ServerFrame, recipients: number): void;
  error(code: ErrorCode): void;
  snapshot(gauges: Gauges): ServerStats;
}

export function createTally(): Tally {
  const errors = Object.fromEntries(ERROR_CODES.map((code) => [code, 0])) as Record<ErrorCode, number>;
  const totals = { framesIn: 0, relayed: 0, controlRelayed: 0, reports: 0, reportsDropped: 0 };
  return {
    frameIn: () => void totals.framesIn++,
    delivered(frame, recipients) {
      if (frame.type === 'signal' || frame.type === 'publish') totals.relayed += recipients;
      else if (frame.type === 'control') totals.controlRelayed += recipients;
      else if (frame.type === 'report' && recipients === 0) totals.reportsDropped++;
      else if (frame.type === 'report') totals.reports += recipients;
    },
    error: (code) => void errors[code]++,
    snapshot: (gauges) => ({ ...gauges, ...totals, forgedControl: errors.forbidden, errors: { ...errors } }),
  };
}
