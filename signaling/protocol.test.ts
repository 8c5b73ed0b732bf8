import { describe, expect, it } from 'vitest';
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
    expect(parse({ type: 'control' })).toEqual({ ok: false, code: 'unknown-type', reason: 'unknown frame type "control"' });
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
});
