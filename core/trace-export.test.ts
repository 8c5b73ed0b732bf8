import { describe, expect, it } from 'vitest';
import type { JournalEvent } from './journal.ts';
import { createRng, type Rng } from './rng.ts';
import { SimNetwork } from './sim/sim-network.ts';
import { MAX_EXPORT_EVENTS, parseJsonExport, toJsonExport, type ExportMeta } from './trace-export.ts';

const META: ExportMeta = { node: 'n00', room: 'lab', exportedAt: '2025-01-01T00:00:00.000Z' };

function simulatedJournal(seed: number): JournalEvent[] {
  const net = new SimNetwork({ seed, nodes: 4, config: { heartbeatMs: 200 } });
  net.setAllFaults({ drop: 0.1, duplicate: 0.1, delayMs: 10, jitterMs: 10 });
  net.run(1500);
  return [...(net.journal?.events() ?? [])];
}

const EVENT: JournalEvent = { n: 1, t: 0, type: 'drop', node: 'constructor', peer: 'b', dir: 'in', msgId: 'b/1', kind: 'kv', bytes: 9, lamport: 3, vc: JSON.parse('{"__proto__":2,"b":1}') as JournalEvent['vc'], detail: 'cut' };

describe('JSON export', () => {
  it('round-trips a simulated journal, meta included', () => {
    const events = simulatedJournal(11);
    expect(events.length).toBeGreaterThan(100);
    expect(events.some((e) => e.detail !== undefined)).toBe(true);
    const parsed = parseJsonExport(toJsonExport(events, META));
    expect(parsed).toEqual({ ok: true, value: { meta: META, events } });
  });

  it('round-trips awkward node ids, a "__proto__" clock entry and an empty journal', () => {
    const parsed = parseJsonExport(toJsonExport([EVENT], META));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.events).toEqual([EVENT]);
    expect(Object.hasOwn(parsed.value.events[0]?.vc ?? {}, '__proto__')).toBe(true);
    expect(parseJsonExport(toJsonExport([], META))).toEqual({ ok: true, value: { meta: META, events: [] } });
  });

  it('writes only the known fields of an event, one event per line', () => {
    const text = toJsonExport([{ ...EVENT, extra: 1 } as JournalEvent, { ...EVENT, n: 2 }], META);
    expect(text).not.toContain('extra');
    expect(text.split('\n')).toHaveLength(5);
    expect(parseJsonExport(text).ok).toBe(true);
  });

  it('refuses to write what it could not read back', () => {
    const many = new Array<JournalEvent>(MAX_EXPORT_EVENTS + 1).fill(EVENT);
    expect(() => toJsonExport(many, META)).toThrow(/export limit/);
    expect(() => toJsonExport([], { ...META, room: 'r'.repeat(300) })).toThrow(/meta.room/);
  });
});

describe('JSON import rejects bad input with a clear error', () => {
  const valid = JSON.parse(toJsonExport([EVENT, { ...EVENT, n: 2, type: 'send', dir: 'out' }], META)) as Record<string, unknown>;
  const variant = (patch: (doc: Record<string, unknown>) => void): string => {
    const doc = structuredClone(valid);
    patch(doc);
    return JSON.stringify(doc);
  };
  const event = (doc: Record<string, unknown>, i: number): Record<string, unknown> => (doc.events as Record<string, unknown>[])[i] as Record<string, unknown>;

  it.each([
    ['not JSON', '{"format":', 'malformed', /not JSON/],
    ['not an object', '[1,2]', 'malformed', /must be a JSON object/],
    ['another format', variant((d) => (d.format = 'har')), 'malformed', /format must be "tabmesh-journal"/],
    ['a newer version', variant((d) => (d.version = 2)), 'bad-version', /version 2 is not supported/],
    ['an unknown top-level field', variant((d) => (d.extra = 1)), 'malformed', /unknown field "extra"/],
    ['meta missing', variant((d) => delete d.meta), 'malformed', /meta must be an object/],
    ['meta.room a number', variant((d) => ((d.meta as Record<string, unknown>).room = 3)), 'malformed', /meta.room must be a string/],
    ['events not an array', variant((d) => (d.events = {})), 'malformed', /events must be an array/],
    ['too many events', `{"format":"tabmesh-journal","version":1,"meta":{"node":"a","room":"","exportedAt":""},"events":[${'0,'.repeat(MAX_EXPORT_EVENTS)}0]}`, 'oversized', /^200001 events exceed the 200000-event limit/],
    ['an event that is not an object', variant((d) => ((d.events as unknown[])[1] = 7)), 'malformed', /^event 1: event must be an object/],
    ['n of zero', variant((d) => (event(d, 1).n = 0)), 'malformed', /^event 1: n must be a positive integer, got 0/],
    ['an unknown kind', variant((d) => (event(d, 0).kind = 'email')), 'unknown-kind', /^event 0: kind must be a message kind, got "email"/],
    ['an unknown type', variant((d) => (event(d, 1).type = 'lost')), 'malformed', /^event 1: type must be one of send, deliver, drop, duplicate, delay/],
    ['a bad direction', variant((d) => (event(d, 0).dir = 'up')), 'malformed', /^event 0: dir must be "out" or "in"/],
    ['a negative clock entry', variant((d) => (event(d, 1).vc = { a: -1 })), 'malformed', /^event 1: vc must be an object of non-negative integers/],
    ['a clock entry with an empty id', variant((d) => (event(d, 1).vc = { '': 1 })), 'malformed', /^event 1: vc has an entry for ""/],
    ['a node id too long', variant((d) => (event(d, 0).node = 'x'.repeat(257))), 'malformed', /^event 0: node must be a string of 1..256 characters/],
    ['a missing msgId', variant((d) => delete event(d, 1).msgId), 'malformed', /^event 1: msgId must be a string of 1..256 characters, got nothing/],
    ['a numeric detail', variant((d) => (event(d, 0).detail = 5)), 'malformed', /^event 0: detail must be a string/],
    ['an extra event field', variant((d) => (event(d, 1).colour = 'red')), 'malformed', /^event 1: colour is not a journal event field/],
  ])('%s', (_name, text, code, message) => {
    const parsed = parseJsonExport(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toMatch(message);
  });
});

describe('JSON import is total (seeded fuzz)', () => {
  const base = toJsonExport(simulatedJournal(12).slice(0, 40), META);
  const ALPHABET = '{}[]":,0123456789-.eE truefalsnul\\abcdkindvc\n';
  const randomText = (rng: Rng): string => Array.from({ length: rng.int(80) }, () => ALPHABET[rng.int(ALPHABET.length)]).join('');
  const mutate = (rng: Rng, text: string): string => {
    let out = text;
    for (let k = 0, edits = 1 + rng.int(4); k < edits; k++) {
      const at = rng.int(out.length);
      const op = rng.int(3);
      const ch = ALPHABET[rng.int(ALPHABET.length)] ?? '';
      out = op === 0 ? out.slice(0, at) + out.slice(at + 1) : op === 1 ? out.slice(0, at) + ch + out.slice(at) : out.slice(0, at) + ch + out.slice(at + 1);
    }
    return out;
  };

  it('never throws on 3 000 random strings and 3 000 byte-level mutations; what it accepts re-exports identically', () => {
    const seed = 7101;
    const rng = createRng(seed);
    let accepted = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const text = i < 3000 ? randomText(rng) : mutate(rng, base);
      let parsed: ReturnType<typeof parseJsonExport>;
      try {
        parsed = parseJsonExport(text);
      } catch (err) {
        throw new Error(`seed ${seed}, case ${i}: threw ${String(err)} on ${JSON.stringify(text.slice(0, 200))}`);
      }
      if (!parsed.ok) {
        if (parsed.error.message.length === 0) wrong.push(`seed ${seed}, case ${i}: an empty error message`);
        continue;
      }
      accepted += 1;
      const again = parseJsonExport(toJsonExport(parsed.value.events, parsed.value.meta));
      if (JSON.stringify(again) !== JSON.stringify(parsed)) wrong.push(`seed ${seed}, case ${i}: re-export differs`);
    }
    expect(wrong).toEqual([]);
    // Some mutations only touch a digit or a string and stay valid: the accepting path ran too.
    expect(accepted, `seed ${seed}`).toBeGreaterThan(10);
  });

  it('names the event and field of 2 000 random field corruptions', () => {
    const seed = 7102;
    const rng = createRng(seed);
    const doc = JSON.parse(base) as { events: Record<string, unknown>[] };
    const fields = ['n', 't', 'type', 'node', 'peer', 'dir', 'msgId', 'kind', 'bytes', 'lamport', 'vc', 'detail'];
    // Each value is invalid for every field, so every corruption must be reported.
    const invalid: unknown[] = [null, [], -1, true, { a: -1 }, 'x'.repeat(257)];
    const wrong: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const index = rng.int(doc.events.length);
      const field = rng.pick(fields);
      const original = doc.events[index] as Record<string, unknown>;
      const events = doc.events.slice();
      events[index] = { ...original, [field]: rng.pick(invalid) };
      const parsed = parseJsonExport(JSON.stringify({ ...doc, events }));
      const message = parsed.ok ? 'accepted' : parsed.error.message;
      if (!message.startsWith(`event ${index}: ${field} `)) wrong.push(`seed ${seed}, case ${i}: ${field} of event ${index}: ${message}`);
    }
    expect(wrong).toEqual([]);
  });
});
