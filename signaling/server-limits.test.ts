import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, join, waitFor } from './test-support.ts';

const harness = createHarness();
afterEach(() => harness.closeAll());

describe('limits', () => {
  it('maxRooms: a new room or topic past the limit is refused with too-many-rooms', async () => {
    const { wsUrl, server } = await harness.start({ maxRooms: 2 });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => harness.connect(wsUrl)));
    if (!a || !b || !c) throw new Error('three clients expected');
    await join(a, 'one', 'a');
    b.send({ type: 'subscribe', topics: ['yjs-topic'] });
    await b.barrier();
    c.send({ type: 'join', room: 'three', id: 'c', name: 'C' });
    await c.take({ type: 'error', code: 'too-many-rooms' });
    c.send({ type: 'subscribe', topics: ['another-topic'] });
    await c.take({ type: 'error', code: 'too-many-rooms' });
    // Existing rooms and topics still take members.
    await join(c, 'one', 'c');
    c.send({ type: 'subscribe', topics: ['yjs-topic'] });
    await c.barrier();
    expect(server.stats()).toMatchObject({ rooms: 1, topics: 1, subscriptions: 2, errors: { 'too-many-rooms': 2 } });
    // Moving the only member of a room into a new one frees the slot it needs.
    a.send({ type: 'leave' });
    await c.take({ type: 'member-left', id: 'a' });
    await join(c, 'fresh', 'c');
    expect(server.stats()).toMatchObject({ rooms: 1, members: 1 });
  });

  it('maxMembersPerRoom: one member too many is refused with room-full, for rooms and topics', async () => {
    const { wsUrl, server } = await harness.start({ maxMembersPerRoom: 2 });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => harness.connect(wsUrl)));
    if (!a || !b || !c) throw new Error('three clients expected');
    await join(a, 'small', 'a');
    await join(b, 'small', 'b');
    c.send({ type: 'join', room: 'small', id: 'c', name: 'C' });
    expect(await c.take({ type: 'error', code: 'room-full' })).toMatchObject({ reason: 'room "small" is full (2 members)' });
    for (const client of [a, b, c]) client.send({ type: 'subscribe', topics: ['t'] });
    await c.take({ type: 'error', code: 'room-full' });
    expect(server.stats()).toMatchObject({ members: 2, subscriptions: 2, errors: { 'room-full': 2 } });
  });

  it('maxFrameBytes: a larger frame gets too-large and the socket stays; a huge one closes it with 1009', async () => {
    const { wsUrl, server } = await harness.start({ maxFrameBytes: 2048 });
    const [a, b] = await Promise.all([harness.connect(wsUrl), harness.connect(wsUrl)]);
    if (!a || !b) throw new Error('two clients expected');
    await join(a, 'room', 'a');
    await join(b, 'room', 'b');
    a.send({ type: 'signal', to: 'b', data: { sdp: 'x'.repeat(3000) } });
    expect(await a.take({ type: 'error', code: 'too-large' })).toMatchObject({ reason: /exceeds the 2048-byte limit/ });
    a.send({ type: 'signal', to: 'b', data: { sdp: 'fits' } });
    await b.take({ type: 'signal', data: { sdp: 'fits' } });
    a.sendRaw('x'.repeat(2048 * 4 + 1));
    expect((await a.closed).code).toBe(1009);
    await b.take({ type: 'member-left', id: 'a', reason: 'closed' });
    await waitFor(() => server.stats().errors['too-large'] === 2, 'both oversized frames counted');
    const c = await harness.connect(wsUrl);
    await join(c, 'room', 'c');
  });

  it('maxFramesPerSecond: frames past the burst are dropped, counted, and answered at most once a second', async () => {
    const { wsUrl, server } = await harness.start({ maxFramesPerSecond: 5, frameBurst: 10 });
    const a = await harness.connect(wsUrl);
    const started = Date.now();
    for (let i = 0; i < 60; i++) a.send({ type: 'ping' });
    await waitFor(() => server.stats().framesIn === 60, 'all 60 frames received');
    const elapsedSeconds = (Date.now() - started) / 1000;
    const pongs = a.frames.filter((f) => f.type === 'pong').length;
    const { errors } = server.stats();
    expect(pongs).toBeGreaterThanOrEqual(10);
    expect(pongs).toBeLessThanOrEqual(10 + Math.ceil(elapsedSeconds * 5));
    expect(errors['rate-limited']).toBe(60 - pongs);
    await a.take({ type: 'error', code: 'rate-limited' });
    const notices = a.frames.filter((f) => f.code === 'rate-limited').length;
    expect(notices).toBeLessThanOrEqual(1 + Math.floor(elapsedSeconds));
  });

  it('maxSockets: the socket past the limit is told too-many-sockets and closed with 1013', async () => {
    const { wsUrl, server } = await harness.start({ maxSockets: 2, maxMembersPerRoom: 2 });
    await harness.connect(wsUrl);
    const b = await harness.connect(wsUrl);
    const c = await harness.connect(wsUrl);
    await c.take({ type: 'error', code: 'too-many-sockets' });
    expect(await c.closed).toEqual({ code: 1013, reason: 'server full' });
    b.ws.close();
    await waitFor(() => server.stats().sockets === 1, 'a freed socket slot');
    const d = await harness.connect(wsUrl);
    await d.barrier();
    expect(server.stats()).toMatchObject({ sockets: 2, errors: { 'too-many-sockets': 1 } });
  });
});
