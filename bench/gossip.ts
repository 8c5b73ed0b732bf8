import { disseminate } from './gossip-dissemination.ts';
import { machineLine, table, writeSection } from './results-file.ts';

/**
 * `npm run bench:gossip`: rounds and messages per node for one broadcast, gossip (push with a
 * fanout plus anti-entropy) against flooding on the same random 8-regular topology.
 * One JSON object per line on stdout; the table goes to bench/RESULTS.md.
 */
const SIZES = [16, 64, 256, 1024];
const FANOUTS = [2, 3, 4];
const DEGREE = 8;
const RUNS = 5;

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const rows: (string | number)[][] = [];
for (const n of SIZES) {
  const flood = Array.from({ length: RUNS }, (_, i) => disseminate({ n, fanout: DEGREE, degree: DEGREE, seed: 1000 + i, flood: true }));
  for (const fanout of FANOUTS) {
    const runs = Array.from({ length: RUNS }, (_, i) => disseminate({ n, fanout, degree: DEGREE, seed: 1000 + i }));
    const result = {
      n,
      fanout,
      rounds: median(runs.map((r) => r.rounds)),
      messagesPerNode: +median(runs.map((r) => r.messagesPerNode)).toFixed(2),
      floodMessagesPerNode: +median(flood.map((r) => r.messagesPerNode)).toFixed(2),
      digestsPerNode: +median(runs.map((r) => r.digestsPerNode)).toFixed(2),
      floodRounds: median(flood.map((r) => r.rounds)),
      reachedAll: runs.every((r) => r.reachedAll),
    };
    console.log(JSON.stringify(result));
    const bound = 2 * Math.log2(n);
    const pass = result.reachedAll && result.rounds <= bound && result.messagesPerNode < result.floodMessagesPerNode;
    rows.push([n, fanout, result.rounds, bound.toFixed(1), result.messagesPerNode, result.floodMessagesPerNode, result.digestsPerNode, result.floodRounds, pass ? 'PASS' : 'FAIL']);
  }
}

writeSection(
  'gossip',
  `## Gossip dissemination in the simulator

Command: \`npm run bench:gossip\` — ${machineLine()}.
One broadcast on a random ${DEGREE}-regular topology, one round = one hop latency = one anti-entropy interval; median of ${RUNS} seeds.
Messages per node count the messages that carried the broadcast (pushes and anti-entropy repairs); digests are the anti-entropy requests and replies sent until the last node had it. Flooding forwards to every neighbour on first receipt.
Target: rounds within 2 × log2(N), messages per node well below flooding.

${table(['N', 'fanout', 'rounds', '2·log2 N', 'messages/node', 'flood messages/node', 'digests/node', 'flood rounds', 'target'], rows)}`,
);
