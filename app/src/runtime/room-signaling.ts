import { Listeners, type Unsubscribe } from '../../../core/link.ts';
import type { Rng } from '../../../core/rng.ts';
import type { Scheduler } from '../../../core/scheduler.ts';
import type { ErrorSink } from '../../../core/transport.ts';
import { createSignalingClient, type SignalingClient } from '../net/signaling-client.ts';

/**
 * This tab's seat in a signaling room: who else is present, and whether we are in. Only
 * handshakes travel here; once linked, nodes learn about each other by gossip.
 */
export type SignalingStatus = 'connecting' | 'joined' | 'disconnected' | 'refused';

export interface RoomSignalingOptions {
  readonly room: string;
  readonly id: string;
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly onError: ErrorSink;
  /** Relayed signal data from another member. */
  readonly onSignal: (from: string, data: unknown) => void;
  /** Opens the signaling socket; a new WebSocket by default. */
  readonly createSocket?: (url: string) => WebSocket;
}

export interface RoomSignaling {
  readonly client: SignalingClient;
  status(): SignalingStatus;
  /** Why the server refused us, once it has. */
  refusal(): string | null;
  /** Members present in the room now (id -> name), self excluded. */
  members(): ReadonlyMap<string, string>;
  iceServers(): readonly RTCIceServer[];
  /** Resolves on the first successful join, rejects if the join is refused. */
  readonly ready: Promise<void>;
  onChange(listener: () => void): Unsubscribe;
  close(): void;
}

export function createRoomSignaling(o: RoomSignalingOptions): RoomSignaling {
  const client = createSignalingClient({ scheduler: o.scheduler, rng: o.rng.fork(), createSocket: o.createSocket });
  const members = new Map<string, string>();
  const changed = new Listeners<[]>();
  let status: SignalingStatus = 'connecting';
  let refusal: string | null = null;
  let ice: readonly RTCIceServer[] = [];
  let settle: { resolve: () => void; reject: (err: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A refusal before anyone awaited ready() must not surface as an unhandled rejection.
  ready.catch(() => {});

  client.on('joined', (e) => {
    members.clear();
    for (const m of e.members) if (m.id !== o.id) members.set(m.id, m.name);
    ice = e.iceServers;
    status = 'joined';
    settle?.resolve();
    changed.emit();
  });
  client.on('member-joined', (m) => {
    if (m.id !== o.id) members.set(m.id, m.name);
    changed.emit();
  });
  client.on('member-left', ({ id }) => {
    members.delete(id);
    changed.emit();
  });
  client.on('signal', ({ from, data }) => o.onSignal(from, data));
  client.on('error', ({ code, reason }) => {
    if (status !== 'joined' && status !== 'refused') {
      status = 'refused';
      refusal = `${code}: ${reason}`;
      settle?.reject(new Error(`signaling refused to join room "${o.room}": ${refusal}`));
    } else {
      // After joining, errors are about single frames (a signal to a member that just left).
      o.onError('signaling', code, reason);
    }
    changed.emit();
  });
  client.on('closed', () => {
    if (status !== 'refused') status = 'disconnected';
    changed.emit();
  });
  client.join({ room: o.room, id: o.id, name: o.name });

  return {
    client,
    status: () => status,
    refusal: () => refusal,
    members: () => members,
    iceServers: () => ice,
    ready,
    onChange: (listener) => changed.add(listener),
    close() {
      client.leave();
      client.close();
    },
  };
}
