import { attachReplicas, type Replicas } from '../core/replicas.ts';
import { SimNetwork } from '../core/sim/sim-network.ts';
import { machineLine, table, writeSection } from './results-file.ts';

/**
 * `npm run bench:yjs`: 1,000 text edits spread over 32 simulated nodes on a random 8-regular
 * mesh, carried by tabmesh's gossip; against sending every Yjs update straight to every other
 * node over a full mesh (what a Yjs provider does at best), and against y-webrtc, which also
 * re-sends every update it receives to all its peers (N·(N−1) messages per edit).
 * Figures count every message on every link, heartbeats and anti-entropy included.
 */
const N = 32;
const EDITS = 1000;
const replicas = new Map<string, Replicas>();
const net = new SimNetwork({
  seed: 2026,
  nodes: N,
  topology: { kind: 'regular', k: 8 },
  latencyMs: 20,
  journal: false,
  setup: (node, _rng, scheduler) => replicas.set(node.id, attachReplicas(node, scheduler)),
});
net.run(1000);
const before = traffic();
let updateBytes = 0;
for (const r of replicas.values()) r.doc.on('update', (u: Uint8Array, origin: unknown) => {
  if (origin === null) updateBytes += u.length;
});
const rng = net.rng.fork();
for (let i = 0; i < EDITS; i++) {
  const text = (replicas.get(rng.pick(net.ids())) as Replicas).yjs.text();
  text.insert(rng.int(text.length + 1), 'x');
  net.run(20);
}
net.run(5000);
const after = traffic();
const texts = new Set([...replicas.values()].map((r) => r.yjs.text().toString()));
const measured = {
  messagesPerNode: (after.messages - before.messages) / N,
  bytesPerNode: (after.bytes - before.bytes) / N,
  yjsMessagesPerNode: (after.yjs - before.yjs) / N,
  converged: texts.size === 1,
};
const direct = { messagesPerNode: (EDITS * (N - 1)) / N, bytesPerNode: (updateBytes * (N - 1)) / N };
const reflood = { messagesPerNode: (EDITS * N * (N - 1)) / N, bytesPerNode: (updateBytes * N * (N - 1)) / N };
const result = { n: N, edits: EDITS, tabmesh: measured, directFullMesh: direct, yWebrtcReflood: reflood, updateBytes };
console.log(JSON.stringify(result));

function traffic(): { messages: number; bytes: number; yjs: number } {
  let messages = 0;
  let bytes = 0;
  let yjs = 0;
  for (const id of net.ids()) {
    for (const { link } of net.node(id).allLinks()) {
      const c = link.counters().out;
      messages += c.sent;
      bytes += c.bytes;
    }
    const g = net.node(id).gossip.stats;
    yjs += g.forwarded + g.repaired;
  }
  return { messages, bytes, yjs };
}

const f = (x: number) => x.toFixed(1);
writeSection(
  'yjs-edits',
  `## Text edits in the simulator: gossip vs direct full mesh vs y-webrtc re-flooding

Command: \`npm run bench:yjs\` — ${machineLine()}.
${EDITS} one-character edits at random positions from random nodes, ${N} nodes, random 8-regular mesh for tabmesh. tabmesh figures count every message on every link (heartbeats, anti-entropy, Yjs sync included); the other two count only the update messages they would send, computed from the same ${updateBytes} bytes of Yjs updates. Converged: ${measured.converged}.

${table(
  ['system', 'messages per node', 'bytes per node', 'update-carrying messages per node'],
  [
    ['tabmesh (gossip, fanout 3, all traffic)', f(measured.messagesPerNode), f(measured.bytesPerNode), f(measured.yjsMessagesPerNode)],
    ['every update to every node, full mesh', f(direct.messagesPerNode), f(direct.bytesPerNode), f(direct.messagesPerNode)],
    ['y-webrtc (re-sends every received update)', f(reflood.messagesPerNode), f(reflood.bytesPerNode), f(reflood.messagesPerNode)],
  ],
)}`,
);
