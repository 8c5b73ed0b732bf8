import { describe, expect, it } from 'vitest';
import { CONTROL_OPS, MAX_COMMAND_BYTES, MAX_CONTROL_TARGETS, MAX_REPORT_BYTES } from './control-frames.ts';
import { parseClientFrame } from './protocol.ts';

const parse = (frame: unknown) => parseClientFrame(JSON.stringify(frame));
const deep = (levels: number): unknown => (levels === 0 ? {} : { x: deep(levels - 1) });

describe('parseClientFrame', () => {
  it('accepts every valid frame and returns it typed', () => {
    const valid = [
      { type: 'join', room: 'lab-1.a_b', id: 'node_7-x', name: 'Zoë 🙂 Smith' },
      { type: 'join', room: 'r', id: 'i', name: 'n', password: 'pass word' },
      { type: 'signal', to: 'b', data: { type: 'offer', sdp: 'v=0' } },
      { type: 'leave' },
      { type: 'ping' },
      { type: 'subscribe', topics: [] },
      { type: 'subscribe', topics: ['any room name: ünïcode'] },
      { type: 'unsubscribe', topics: ['a', 'b'] },
      { type: 'instructor', room: 'main', key: 'k' },
      { type: 'control', to: 'all', command: { op: 'partition', groups: [['a'], ['b', 'c']] } },
      { type: 'control', to: ['a', 'b-2'], command: { op: 'faults', drop: 0.5 } },
      { type: 'report', data: { degree: 3, links: ['b'], clock: { a: 1 } } },
    ];
    for (const frame of valid) expect(parse(frame), JSON.stringify(frame)).toEqual({ ok: true, frame });
    expect(parse({ type: 'publish', topic: 't', data: [1, 'x'] })).toEqual({
      ok: true,
      frame: { type: 'publish', topic: 't', fields: { type: 'publish', topic: 't', data: [1, 'x'] } },
    });
  });

  it('separates non-JSON, non-frames and unknown types', () => {
    expect(parseClientFrame('{')).toMatchObject({ ok: false, code: 'bad-json' });
    expect(parseClientFrame('')).toMatchObject({ ok: false, code: 'bad-json' });
    for (const text of ['null', '42', '"join"', '[{"type":"ping"}]', '{}', '{"type":7}']) {
      expect(parseClientFrame(text), text).toMatchObject({ ok: false, code: 'bad-frame' });
    }
    expect(parse({ type: 'teleport' })).toEqual({ ok: false, code: 'unknown-type', reason: 'unknown frame type "teleport"' });
    expect(parse({ type: 'toString' })).toMatchObject({ ok: false, code: 'unknown-type' });
    expect(parse({ type: '__proto__' })).toMatchObject({ ok: false, code: 'unknown-type' });
  });

  it('checks every field of a join', () => {
    const base = { type: 'join', room: 'r', id: 'i', name: 'n' };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ room: undefined }, /"room" must be .* got nothing/],
      [{ room: '' }, /"room"/],
      [{ room: 'has space' }, /"room"/],
      [{ room: 'x'.repeat(65) }, /"room"/],
      [{ room: ['r'] }, /"room" .* got an array/],
      [{ id: 'dot.ted' }, /"id"/],
      [{ id: 'x'.repeat(65) }, /"id"/],
      [{ id: 5 }, /"id" .* got 5/],
      [{ name: '' }, /"name"/],
      [{ name: '   ' }, /"name"/],
      [{ name: 'tab\there' }, /"name"/],
      [{ name: 'x'.repeat(65) }, /"name"/],
      [{ name: '\u202eevil' }, /"name"/],
      [{ password: '' }, /"password"/],
      [{ password: 7 }, /"password"/],
      [{ password: 'x'.repeat(129) }, /"password"/],
      [{ admin: true }, /unexpected field "admin"/],
    ];
    for (const [change, reason] of bad) {
      const result = parse({ ...base, ...change });
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, code: 'bad-frame', reason });
      if (!result.ok) expect(result.reason.startsWith('join: ')).toBe(true);
    }
    expect(parse({ ...base, name: '😀'.repeat(64) })).toMatchObject({ ok: true });
  });

  it('checks signal, leave, ping, subscribe and publish fields', () => {
    const bad: unknown[] = [
      { type: 'signal', to: 'b' },
      { type: 'signal', to: 'b', data: 'offer' },
      { type: 'signal', to: 'b', data: null },
      { type: 'signal', to: 'b', data: [1] },
      { type: 'signal', to: 'no spaces', data: {} },
      { type: 'signal', to: 'b', data: {}, from: 'forged' },
      { type: 'signal', to: 'b', data: deep(40) },
      { type: 'leave', room: 'r' },
      { type: 'ping', id: 1 },
      { type: 'subscribe' },
      { type: 'subscribe', topics: 'room' },
      { type: 'subscribe', topics: [''] },
      { type: 'subscribe', topics: [null] },
      { type: 'subscribe', topics: ['ctl\u0007'] },
      { type: 'subscribe', topics: Array.from({ length: 65 }, (_, i) => `t${i}`) },
      { type: 'unsubscribe', topics: {} },
      { type: 'publish' },
      { type: 'publish', topic: 5 },
      { type: 'publish', topic: 'x'.repeat(257) },
      { type: 'publish', topic: 't', data: deep(40) },
    ];
    for (const frame of bad) expect(parse(frame), JSON.stringify(frame).slice(0, 80)).toMatchObject({ ok: false, code: 'bad-frame' });
    expect(parse({ type: 'signal', to: 'b', data: deep(30) })).toMatchObject({ ok: true });
  });

  it('reports deeply nested values without serialising them', () => {
    const text = `{"type":"join","room":${'['.repeat(50_000)}${']'.repeat(50_000)},"id":"i","name":"n"}`;
    expect(parseClientFrame(text)).toMatchObject({ ok: false, code: 'bad-frame', reason: /got an array/ });
  });

  it('checks instructor, control and report frames, naming the field and never echoing a key', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'instructor', room: 'main' }, /^instructor: "key" must be 1-256 printable characters$/],
      [{ type: 'instructor', room: 'main', key: 'tab\tsecret' }, /^instructor: "key" must be 1-256 printable characters$/],
      [{ type: 'instructor', room: 'a b', key: 'k' }, /"room"/],
      [{ type: 'instructor', room: 'main', key: 'k', admin: true }, /unexpected field "admin"/],
      [{ type: 'control', command: { op: 'heal' } }, /"to" must be "all" or an array/],
      [{ type: 'control', to: 'everyone', command: { op: 'heal' } }, /"to" .* got "everyone"/],
      [{ type: 'control', to: [], command: { op: 'heal' } }, /"to"/],
      [{ type: 'control', to: ['a', 'a'], command: { op: 'heal' } }, /distinct/],
      [{ type: 'control', to: ['no spaces'], command: { op: 'heal' } }, /"to"/],
      [{ type: 'control', to: Array.from({ length: MAX_CONTROL_TARGETS + 1 }, (_, i) => `n${i}`), command: { op: 'heal' } }, /"to"/],
      [{ type: 'control', to: 'all' }, /"command" must be a JSON object/],
      [{ type: 'control', to: 'all', command: ['heal'] }, /"command" must be a JSON object/],
      [{ type: 'control', to: 'all', command: { op: 'format-disk' } }, /"command.op" must be one of partition, heal, .* got "format-disk"/],
      [{ type: 'control', to: 'all', command: { op: 'toString' } }, /"command.op"/],
      [{ type: 'control', to: 'all', command: { groups: [] } }, /"command.op" .* got nothing/],
      [{ type: 'control', to: 'all', command: { op: 'heal', x: deep(40) } }, /"command"/],
      [{ type: 'control', to: 'all', command: { op: 'heal' }, seq: 1 }, /unexpected field "seq"/],
      [{ type: 'report' }, /"data" must be a JSON object/],
      [{ type: 'report', data: 'fine' }, /"data"/],
      [{ type: 'report', data: {}, from: 'someone-else' }, /unexpected field "from"/],
    ];
    for (const [frame, reason] of bad) {
      expect(parse(frame), JSON.stringify(frame).slice(0, 80)).toMatchObject({ ok: false, code: 'bad-frame', reason, type: (frame as { type: string }).type });
    }
    for (const op of CONTROL_OPS) expect(parse({ type: 'control', to: 'all', command: { op } })).toMatchObject({ ok: true });
  });

  it('refuses a command or report over its own cap as too-large, however small the frame limit', () => {
    const command = { op: 'faults', pad: 'x'.repeat(MAX_COMMAND_BYTES) };
    expect(parse({ type: 'control', to: 'all', command })).toEqual({
      ok: false,
      code: 'too-large',
      reason: `control: "command" is ${MAX_COMMAND_BYTES + 24} bytes, over the ${MAX_COMMAND_BYTES}-byte limit`,
      type: 'control',
    });
    const fits = { op: 'faults', pad: 'x'.repeat(MAX_COMMAND_BYTES - 24) };
    expect(parse({ type: 'control', to: 'all', command: fits })).toMatchObject({ ok: true });
    // Multi-byte characters count as their UTF-8 bytes, as they travel.
    expect(parse({ type: 'report', data: { name: 'é'.repeat(MAX_REPORT_BYTES / 2) } })).toMatchObject({ ok: false, code: 'too-large', type: 'report' });
    expect(parse({ type: 'report', data: { name: 'é'.repeat(MAX_REPORT_BYTES / 2 - 12) } })).toMatchObject({ ok: true });
  });
});
