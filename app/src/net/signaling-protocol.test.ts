import { describe, expect, it } from 'vitest';
import { MAX_FRAME_CHARS, parseServerFrame } from './signaling-protocol.ts';

const parse = (v: unknown): ReturnType<typeof parseServerFrame> => parseServerFrame(JSON.stringify(v));

describe('parseServerFrame', () => {
  it('accepts every frame of the protocol', () => {
    const joined = {
      type: 'joined',
      room: 'lab',
      id: 'a',
      members: [{ id: 'b', name: 'Bea' }],
      iceServers: [{ urls: 'turn:10.0.0.1', username: 'u', credential: 'c' }, { urls: ['stun:10.0.0.1'] }],
    };
    expect(parse(joined)).toEqual({
      ok: true,
      frame: { ...joined, iceServers: [{ urls: ['turn:10.0.0.1'], username: 'u', credential: 'c' }, { urls: ['stun:10.0.0.1'] }] },
    });
    expect(parse({ type: 'member-joined', member: { id: 'c', name: '' } })).toEqual({ ok: true, frame: { type: 'member-joined', member: { id: 'c', name: '' } } });
    expect(parse({ type: 'member-left', id: 'c', reason: 'timeout' })).toMatchObject({ ok: true });
    expect(parse({ type: 'signal', from: 'b', data: { type: 'offer', sdp: 'v=0' } })).toMatchObject({ ok: true, frame: { from: 'b' } });
    expect(parse({ type: 'error', code: 'room-full', reason: 'the room is full' })).toMatchObject({ ok: true });
    expect(parse({ type: 'pong' })).toEqual({ ok: true, frame: { type: 'pong' } });
    expect(parse({ type: 'control', command: { op: 'crash' }, seq: 1 })).toEqual({ ok: true, frame: { type: 'control', command: { op: 'crash' }, seq: 1 } });
  });

  it('drops fields the protocol does not have', () => {
    expect(parse({ type: 'member-joined', member: { id: 'c', name: 'C', admin: true }, extra: 1 })).toEqual({
      ok: true,
      frame: { type: 'member-joined', member: { id: 'c', name: 'C' } },
    });
  });

  it.each([
    ['binary', new Uint8Array([1])],
    ['not JSON', '{"type":'],
    ['a JSON array', '[1]'],
    ['an unknown type', JSON.stringify({ type: 'subscribe', topics: 'room' })],
    ['a joined frame without members', JSON.stringify({ type: 'joined', room: 'r', id: 'a', iceServers: [] })],
    ['a member with an empty id', JSON.stringify({ type: 'joined', room: 'r', id: 'a', members: [{ id: '', name: 'x' }], iceServers: [] })],
    ['an ICE server without urls', JSON.stringify({ type: 'joined', room: 'r', id: 'a', members: [], iceServers: [{}] })],
    ['a numeric member id', JSON.stringify({ type: 'member-joined', member: { id: 7, name: 'x' } })],
    ['a member-left without reason', JSON.stringify({ type: 'member-left', id: 'a' })],
    ['a signal without data', JSON.stringify({ type: 'signal', from: 'a' })],
    ['an error without code', JSON.stringify({ type: 'error', reason: 'x' })],
    ['a control frame whose command is not an object', JSON.stringify({ type: 'control', command: ['crash'], seq: 1 })],
    ['a control frame with a seq of 0', JSON.stringify({ type: 'control', command: { op: 'crash' }, seq: 0 })],
    ['an oversized frame', JSON.stringify({ type: 'signal', from: 'a', data: 'x'.repeat(MAX_FRAME_CHARS) })],
  ])('rejects %s', (_, raw) => {
    const res = parseServerFrame(raw);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason.length).toBeGreaterThan(0);
  });
});
