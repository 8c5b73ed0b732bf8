import type { ChatMessageView } from '../app/src/api-types.ts';
import { compare } from '../core/vector-clock.ts';
import { describeWrite, type History, type NodeState } from './history.ts';

/**
 * The checks run over every live node's state. `divergence` is what a convergence wait polls
 * until it is empty; `violations` are faults no amount of waiting repairs, checked once the
 * nodes agree.
 */

const who = (s: NodeState): string => `${s.name} (${s.id})`;
const short = (text: string): string => (text.length <= 120 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 120))}… (${text.length} chars)`);

/** Groups nodes by a view of their state: more than one group means they disagree. */
function disagreement(states: readonly NodeState[], what: string, view: (s: NodeState) => string): string[] {
  const groups = new Map<string, NodeState[]>();
  for (const s of states) groups.set(view(s), [...(groups.get(view(s)) ?? []), s]);
  if (groups.size <= 1) return [];
  return [`${what} differs: ${[...groups].map(([v, ss]) => `${ss.map(who).join(', ')} ${ss.length > 1 ? 'have' : 'has'} ${v}`).join('; ')}`];
}

function textDifference(states: readonly NodeState[]): string[] {
  return disagreement(states, 'text', (s) => short(s.text)).map((line) => {
    const [a, ...rest] = states;
    const b = rest.find((s) => s.text !== a?.text);
    if (!a || !b) return line;
    let i = 0;
    while (i < a.text.length && a.text[i] === b.text[i]) i++;
    return `${line} (${who(a)} and ${who(b)} first differ at index ${i})`;
  });
}

/** What keeps `states` from having converged, [] once every node holds the same, complete state. */
export function divergence(states: readonly NodeState[], history: History): string[] {
  history.observe(states);
  const required = history.required(new Set(states.map((s) => s.id)));
  const problems: string[] = [];
  for (const s of states) {
    const missing = required.filter((w) => !history.holds(s, w));
    if (missing.length > 0) problems.push(`${who(s)} lacks ${missing.length}: ${missing.slice(0, 8).map(describeWrite).join('; ')}${missing.length > 8 ? '; …' : ''}`);
  }
  problems.push(...textDifference(states));
  problems.push(...disagreement(states, 'delivered chat', (s) => `${s.chat.length} messages [${s.chat.map((m) => m.id).sort().join(' ')}]`));
  for (const key of history.keys()) problems.push(...disagreement(states, `key ${JSON.stringify(key)}`, (s) => JSON.stringify(s.kv[key] ?? [])));
  return problems;
}

/** Pairs delivered against causal order: a later message that happened before an earlier one. */
export function causalViolations(messages: readonly ChatMessageView[]): string[] {
  const out: string[] = [];
  for (let j = 1; j < messages.length; j++) {
    const later = messages[j];
    if (!later) continue;
    for (let i = 0; i < j; i++) {
      const earlier = messages[i];
      if (earlier && compare(later.vc, earlier.vc) === 'before') {
        out.push(`${JSON.stringify(later.text)} ${JSON.stringify(later.vc)} happened before ${JSON.stringify(earlier.text)} ${JSON.stringify(earlier.vc)} but was delivered after it`);
      }
    }
  }
  return out;
}

export interface ViolationOptions {
  /** Every node is in causal delivery mode (the default): check delivery order. */
  readonly causal: boolean;
  /** Every write went through the kit: a chat message, insert or value it never wrote is a phantom. */
  readonly complete: boolean;
}

/** Faults in states that already agree: duplicates, causal order, and (when complete) phantoms. */
export function violations(states: readonly NodeState[], history: History, options: ViolationOptions): string[] {
  const problems: string[] = [];
  const chatIds = new Set<string>();
  const values = new Map<string, Set<string>>();
  for (const w of history.writes) {
    if (w.kind === 'chat') chatIds.add(w.id);
    if (w.kind === 'kv') values.set(w.key, (values.get(w.key) ?? new Set()).add(w.value));
  }
  for (const s of states) {
    const ids = s.chat.map((m) => m.id);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length > 0) problems.push(`${who(s)} delivered ${twice.join(', ')} more than once`);
    if (options.causal) for (const v of causalViolations(s.chat)) problems.push(`${who(s)}: ${v}`);
    if (!options.complete) continue;
    const phantoms = s.chat.filter((m) => !chatIds.has(m.id)).map((m) => `chat ${JSON.stringify(m.text)} (${m.id})`);
    for (const key of history.keys()) {
      for (const v of s.kv[key] ?? []) if (!values.get(key)?.has(v)) phantoms.push(`${key}=${JSON.stringify(v)}`);
    }
    let rest = s.text;
    for (const w of history.writes) if (w.kind === 'text') rest = rest.replace(w.token, '');
    if (rest !== '') phantoms.push(`text ${short(rest)} that no insert wrote`);
    if (phantoms.length > 0) problems.push(`${who(s)} holds what nobody wrote: ${phantoms.join('; ')}`);
  }
  return problems;
}
