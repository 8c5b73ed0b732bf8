import type { FaultPatch } from './fault-settings.ts';

/**
 * One-click link settings named after the eight fallacies of distributed computing (Deutsch
 * and Gosling's list), for a learner to switch a tab's links into a world where the assumption
 * fails and watch what breaks. Applied to one node's links: 'out' is what this tab sends,
 * 'in' what it receives.
 *
 * Every link preset sets all settings except `cut`, so switching from one preset to another
 * leaves nothing of the previous one behind, yet never heals a partition the teacher made; the
 * topology preset is the one that cuts, and the panel's heal undoes it. Two fallacies are not
 * about a link's behaviour, so they carry no settings (`faults: null`) and say what tabmesh
 * shows instead.
 */
export interface FallacyPreset {
  readonly id: string;
  /** The fallacy in its usual wording. */
  readonly fallacy: string;
  /** The preset's button label. */
  readonly name: string;
  /** What to watch once it is on. */
  readonly explanation: string;
  /** False when no link setting can show this fallacy. */
  readonly applicable: boolean;
  readonly faults: { readonly out: FaultPatch; readonly in: FaultPatch } | null;
}

const CLEAR = { drop: 0, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0, bandwidthKbps: null } as const satisfies FaultPatch;
const both = (patch: FaultPatch): { out: FaultPatch; in: FaultPatch } => ({ out: { ...CLEAR, ...patch }, in: { ...CLEAR, ...patch } });

export const FALLACY_PRESETS: readonly FallacyPreset[] = Object.freeze([
  {
    id: 'lossy',
    fallacy: 'The network is reliable.',
    name: 'Lossy network',
    explanation:
      'One message in five to or from this tab vanishes and one in twenty arrives twice. Chat still converges: look for crosses in the space-time view, then for the anti-entropy round that fills each gap a second later.',
    applicable: true,
    faults: both({ drop: 0.2, duplicate: 0.05 }),
  },
  {
    id: 'high-latency',
    fallacy: 'Latency is zero.',
    name: 'High latency',
    explanation:
      'Every message waits 300 ms, give or take 100, so messages overtake each other. Watch arrows slant and cross, and a causal chat hold back a reply until the message it answers has arrived.',
    applicable: true,
    faults: both({ delayMs: 300, jitterMs: 100 }),
  },
  {
    id: 'low-bandwidth',
    fallacy: 'Bandwidth is infinite.',
    name: 'Low bandwidth',
    explanation:
      'The links carry 64 kbit/s and queue the rest. A burst of edits or a large paste now takes seconds to leave the tab, while each heartbeat queues behind it: delays grow with traffic, not with distance.',
    applicable: true,
    faults: both({ bandwidthKbps: 64 }),
  },
  {
    id: 'secure',
    fallacy: 'The network is secure.',
    name: 'Secure network',
    explanation:
      'Not a link setting: tabmesh trusts everyone in the room. What it does show is the boundary check: a frame that fails to decode, or that claims to come from someone other than the link\'s peer, is rejected and counted among the node\'s rejected input, never acted on.',
    applicable: false,
    faults: null,
  },
  {
    id: 'changing-topology',
    fallacy: 'Topology doesn\'t change.',
    name: 'Changing topology',
    explanation:
      'This tab\'s links are cut both ways until you heal them. The others first suspect it, then declare it dead, and gossip flows around the hole; on heal its heartbeats rise again and anti-entropy brings it up to date.',
    applicable: true,
    faults: { out: { cut: true }, in: { cut: true } },
  },
  {
    id: 'one-administrator',
    fallacy: 'There is one administrator.',
    name: 'One administrator',
    explanation:
      'Not a link setting: every tab already administers its own end of each link, and the teacher\'s split is one more voice. Set different faults at the two ends of a link and both apply: a message crosses its sender\'s out settings, then its receiver\'s in settings.',
    applicable: false,
    faults: null,
  },
  {
    id: 'costly-transport',
    fallacy: 'Transport cost is zero.',
    name: 'Costly transport',
    explanation:
      'A thin 128 kbit/s link where a third of messages are sent twice. The byte counters climb while nothing new arrives: duplicates, heartbeats and digests all spend the same scarce capacity as the chat.',
    applicable: true,
    faults: both({ duplicate: 0.3, bandwidthKbps: 128 }),
  },
  {
    id: 'asymmetric',
    fallacy: 'The network is homogeneous.',
    name: 'Asymmetric link',
    explanation:
      'What this tab sends takes 200 ms, what it receives arrives at once. In the space-time view its outgoing arrows slant and its incoming ones stay flat: the same link behaves differently depending on the direction you measure.',
    applicable: true,
    faults: { out: { ...CLEAR, delayMs: 200 }, in: { ...CLEAR } },
  },
]);
