/**
 * The automation API on `window.tabmesh`: public, documented in README.md, and stable. Tests,
 * autograders and this page's own views all use it, so what a view shows is what a test sees.
 */
export type LinkStatus = 'none' | 'connecting' | 'open' | 'closed';
export type ChatMode = 'none' | 'fifo' | 'causal';
export type FaultDirection = 'out' | 'in' | 'both';

export interface FaultPatchInput {
  drop?: number;
  delayMs?: number;
  jitterMs?: number;
  duplicate?: number;
  reorder?: number;
  bandwidthKbps?: number | null;
  cut?: boolean;
}

export interface PeerInfo {
  id: string;
  name: string;
  link: LinkStatus;
  alive: boolean;
}

export interface LinkStats {
  sent: number;
  received: number;
  dropped: number;
  duplicated: number;
  delayed: number;
}

export interface ChatMessageView {
  id: string;
  from: string;
  text: string;
  vc: Record<string, number>;
}

export interface HeldMessageView extends ChatMessageView {
  waitingFor: { sender: string; counter: number }[];
}

export interface TabmeshApi {
  readonly id: string;
  readonly name: string;
  readonly room: string;
  ready(): Promise<void>;
  peers(): PeerInfo[];
  setFaults(peerId: string, faults: FaultPatchInput, direction?: FaultDirection): void;
  partition(peerIds: string[]): void;
  heal(peerIds?: string[]): void;
  stats(): Record<string, LinkStats>;
  clock(): { lamport: number; vector: Record<string, number> };
  chat: {
    send(text: string): void;
    messages(): ChatMessageView[];
    held(): HeldMessageView[];
    setMode(mode: ChatMode): void;
  };
  kv: {
    put(key: string, value: string): void;
    get(key: string): string[];
    delete(key: string): void;
  };
  text: {
    value(): string;
    insert(index: number, s: string): void;
    delete(index: number, length: number): void;
  };
}

declare global {
  interface Window {
    tabmesh: TabmeshApi;
  }
}
