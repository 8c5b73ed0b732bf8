import { SHIVIZ_REGEX } from './trace-export-shiviz.ts';

/**
 * Reads a ShiViz upload file the way ShiViz does and lists what ShiViz would reject, plus what
 * it would silently mis-draw: an unmatched line (a lost event), or a clock that is not the
 * join of what its event could know. Tests of the export, and the e2e download test, use it in
 * place of a browser running ShiViz. Empty result: valid.
 *
 * Checks: line 1 is SHIVIZ_REGEX and line 2 empty; every line belongs to an event; each clock
 * is a JSON object of non-negative integers holding its host's own entry; a host's own entries
 * run 1, 2, 3... in file order; an entry for another host names an event of it that appears
 * earlier in the file (so the file order is causal); and a clock dominates the clock of every
 * event it names and of its host's previous event (transitivity, as ShiViz's verifier wants).
 */
const MAX_PROBLEMS = 50;

interface Parsed {
  readonly line: number;
  readonly host: string;
  readonly clock: ReadonlyMap<string, number>;
}

export function checkShiViz(log: string): string[] {
  const problems: string[] = [];
  const report = (p: string): boolean => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
    return problems.length < MAX_PROBLEMS;
  };
  const firstBreak = log.indexOf('\n');
  const secondBreak = firstBreak < 0 ? -1 : log.indexOf('\n', firstBreak + 1);
  if (firstBreak < 0 || secondBreak < 0) return ['the file must start with the regex line and the delimiter line'];
  if (log.slice(0, firstBreak) !== SHIVIZ_REGEX) report(`line 1 must be the parsing regex ${SHIVIZ_REGEX}`);
  if (log.slice(firstBreak + 1, secondBreak).trim() !== '') report('line 2 (the multiple-executions delimiter) must be empty');
  const body = log.slice(secondBreak + 1);
  // Offsets asked for never decrease, so counting lines as we go keeps a large log linear.
  let cursor = 0;
  let cursorLine = 3;
  const lineOf = (offset: number): number => {
    for (; cursor < offset; cursor++) if (body.charCodeAt(cursor) === 10) cursorLine += 1;
    return cursorLine;
  };

  const events: Parsed[] = [];
  const re = new RegExp(SHIVIZ_REGEX, 'g');
  let consumed = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    if (body.slice(consumed, m.index).trim() !== '') report(`line ${lineOf(consumed)}: text that is not part of any event`);
    consumed = m.index + m[0].length;
    const line = lineOf(m.index) + 1;
    const clock = parseClock(m.groups?.clock ?? '');
    if (typeof clock === 'string') {
      if (!report(`line ${line}: ${clock}`)) return problems;
      continue;
    }
    events.push({ line, host: m.groups?.host ?? '', clock });
  }
  if (body.slice(consumed).trim() !== '') report(`line ${lineOf(consumed)}: text that is not part of any event`);
  if (events.length === 0) report('the log holds no events');

  const hosts = new Set(events.map((e) => e.host));
  const seen = new Map<string, ReadonlyMap<string, number>[]>();
  for (const e of events) {
    const own = e.clock.get(e.host);
    let history = seen.get(e.host);
    if (!history) seen.set(e.host, (history = []));
    if (own === undefined) {
      if (!report(`line ${e.line}: the clock has no entry for its own host "${e.host}"`)) break;
      continue;
    }
    if (own !== history.length + 1 && !report(`line ${e.line}: "${e.host}" goes from ${history.length} to ${own}; own clock values must run 1, 2, 3...`)) break;
    const previous = history[history.length - 1];
    const named: [string, ReadonlyMap<string, number>][] = previous ? [[`${e.host}:${history.length}`, previous]] : [];
    for (const [h, v] of e.clock) {
      // An entry no higher than in the host's previous event names nothing new: that event's check covered it.
      if (h === e.host || v === 0 || v <= (previous?.get(h) ?? 0)) continue;
      if (!hosts.has(h)) {
        if (!report(`line ${e.line}: the clock names "${h}", which has no events`)) return problems;
        continue;
      }
      const target = seen.get(h)?.[v - 1];
      if (!target) {
        if (!report(`line ${e.line}: the clock names ${h}:${v}, but ${h} has only ${seen.get(h)?.length ?? 0} events before this line`)) return problems;
        continue;
      }
      named.push([`${h}:${v}`, target]);
    }
    for (const [name, clock] of named) {
      for (const [h, v] of clock) {
        if ((e.clock.get(h) ?? 0) < v && !report(`line ${e.line}: the clock knows ${name} but not ${h}:${v}, which ${name} knew`)) return problems;
      }
    }
    history.push(e.clock);
  }
  return problems;
}

function parseClock(text: string): ReadonlyMap<string, number> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `the clock ${text.slice(0, 40)} is not JSON`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the clock is not a JSON object';
  const clock = new Map<string, number>();
  for (const [h, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `the clock entry for "${h}" is not a non-negative integer`;
    clock.set(h, v);
  }
  return clock;
}
