import * as Y from 'yjs';
import { createChat, type Chat, type DeliveryMode } from './chat.ts';
import { createKv, type Kv } from './kv.ts';
import type { TabmeshNode } from './node.ts';
import { every, type Scheduler } from './scheduler.ts';
import { createYjsSync, type YjsSync } from './yjs-sync.ts';

/**
 * The three replicated data types a student watches diverge and converge, attached to one
 * node: causal chat (ordering), KV with version vectors (explicit conflicts) and a Yjs
 * document (automatic merge). The browser and the simulator compose nodes the same way.
 */
export interface Replicas {
  readonly chat: Chat;
  readonly kv: Kv;
  readonly doc: Y.Doc;
  readonly yjs: YjsSync;
  destroy(): void;
}

export interface ReplicaOptions {
  readonly chatMode?: DeliveryMode;
  /**
   * How often the Yjs document runs a state-vector exchange with every neighbour. Gossip
   * anti-entropy already repairs lost updates; this bounds how stale the "in sync with"
   * indicator gets and repairs a document even if the broadcast log was trimmed.
   */
  readonly yjsResyncMs?: number;
}

export function attachReplicas(node: TabmeshNode, scheduler: Scheduler, options: ReplicaOptions = {}): Replicas {
  const onError = node.errors.sink;
  const dissemination = node.gossip;
  const chat = createChat({ self: node.id, dissemination, onError, ...(options.chatMode ? { mode: options.chatMode } : {}) });
  const kv = createKv({ self: node.id, dissemination, onError });
  const doc = new Y.Doc();
  const yjs = createYjsSync({ self: node.id, doc, dissemination, neighbours: node.neighbours, onError, maxUpdateBytes: node.config.maxMessageBytes });
  const stopResync = every(scheduler, options.yjsResyncMs ?? 5000, () => {
    if (node.running) yjs.resync();
  });
  return {
    chat,
    kv,
    doc,
    yjs,
    destroy() {
      stopResync();
      yjs.destroy();
      kv.close();
      chat.close();
      doc.destroy();
    },
  };
}
