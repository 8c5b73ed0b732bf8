import { afterEach, describe, expect, it } from 'vitest';
import { createSignalingServer } from './server.ts';
import { createHarness, join, waitFor } from './test-support.ts';

const harness = createHarness();
afterEach(() => harness.closeAll());

describe('tabmesh rooms', () => {
  it('lists earlier members to a joiner and announces the joiner to them', async () => {
    const { wsUrl } = await harness.start({ iceServers: [{ urls: 'stun:stun.example.org:3478' }] });
    const a = await harness.connect(wsUrl);
    const b = await harness.connect(wsUrl);
    expect(await join(a, 'lab', 'a')).toEqual({
      type: 'joined',
      room: 'lab',
      id: 'a',
      members: [],
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    });
    expect((await join(b, 'lab', 'b')).members).toEqual([{ id: 'a', name: 'name of a' }]);
    await a.take({ type: 'member-joined', member: { id: 'b', name: 'name of b' } });
  });

  it('keeps members and signals of different rooms apart', async () => {
    const { wsUrl, server } = await harness.start();
    const [a1, a2, b1, b2] = await Promise.all([1, 2, 3, 4].map(() => harness.connect(wsUrl)));
    if (!a1 || !a2 || !b1 || !b2) throw new Error('four clients expected');
    await join(a1, 'red', 'x');
    await join(b1, 'blue', 'x');
    expect((await join(a2, 'red', 'y')).members).toEqual([{ id: 'x', name: 'name of x' }]);
    expect((await join(b2, 'blue', 'y')).members).toEqual([{ id: 'x', name: 'name of x' }]);
    a1.send({ type: 'signal', to: 'y', data: { sdp: 'red offer' } });
    expect(await a2.take({ type: 'signal' })).toEqual({ type: 'signal', from: 'x', data: { sdp: 'red offer' } });
    await Promise.all([a1, a2, b1, b2].map((c) => c.barrier()));
    expect(b2.untaken('signal')).toEqual([]);
    expect(b1.untaken('member-joined')).toEqual([{ type: 'member-joined', member: { id: 'y', name: 'name of y' } }]);
    expect(a1.untaken('member-joined')).toEqual([{ type: 'member-joined', member: { id: 'y', name: 'name of y' } }]);
    expect(server.stats()).toMatchObject({ sockets: 4, rooms: 2, members: 4, relayed: 1 });
  });

  it('relays a signal to the named peer only', async () => {
    const { wsUrl } = await harness.start();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => harness.connect(wsUrl)));
    if (!a || !b || !c) throw new Error('three clients expected');
    for (const [client, id] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) await join(client, 'room', id);
    a.send({ type: 'signal', to: 'b', data: { candidate: { sdpMid: '0' } } });
    await b.take({ type: 'signal', from: 'a', data: { candidate: { sdpMid: '0' } } });
    await Promise.all([a.barrier(), c.barrier()]);
    expect(c.untaken('signal')).toEqual([]);
    expect(a.untaken('signal')).toEqual([]);
  });

  it('refuses signals before joining and to peers outside the room', async () => {
    const { wsUrl, server } = await harness.start();
    const [a, b] = await Promise.all([harness.connect(wsUrl), harness.connect(wsUrl)]);
    if (!a || !b) throw new Error('two clients expected');
    a.send({ type: 'signal', to: 'b', data: {} });
    await a.take({ type: 'error', code: 'not-joined' });
    a.send({ type: 'leave' });
    await a.take({ type: 'error', code: 'not-joined' });
    await join(a, 'one', 'a');
    await join(b, 'two', 'b');
    a.send({ type: 'signal', to: 'b', data: {} });
    expect(await a.take({ type: 'error', code: 'unknown-peer' })).toMatchObject({ reason: 'no member "b" in room "one"' });
    await b.barrier();
    expect(b.untaken('signal')).toEqual([]);
    expect(server.stats().errors).toMatchObject({ 'not-joined': 2, 'unknown-peer': 1 });
  });

  it('tells the room why a member went: leave, close, or a move to another room', async () => {
    const { wsUrl, server } = await harness.start();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => harness.connect(wsUrl)));
    if (!a || !b || !c) throw new Error('three clients expected');
    for (const [client, id] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) await join(client, 'room', id);
    b.send({ type: 'leave' });
    await a.take({ type: 'member-left', id: 'b', reason: 'left' });
    c.ws.close();
    await a.take({ type: 'member-left', id: 'c', reason: 'closed' });
    await join(b, 'room', 'b');
    await join(b, 'elsewhere', 'b2');
    await a.take({ type: 'member-left', id: 'b', reason: 'left' });
    expect(server.stats()).toMatchObject({ rooms: 2, members: 2, sockets: 2 });
  });

  it('refuses a duplicate id and a wrong or missing password, keeping the refused socket where it was', async () => {
    const { wsUrl, server } = await harness.start();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => harness.connect(wsUrl)));
    if (!a || !b || !c) throw new Error('three clients expected');
    await join(a, 'class', 'teacher', { password: 's3cret' });
    await join(c, 'open', 'c');
    for (const password of [undefined, 'guess']) {
      c.send({ type: 'join', room: 'class', id: 'c', name: 'C', ...(password ? { password } : {}) });
      expect(await c.take({ type: 'error', code: 'wrong-password' })).toMatchObject({
        reason: 'room "class" is protected by a password and the one given does not match',
      });
    }
    b.send({ type: 'join', room: 'open', id: 'b', name: 'B', password: 'x' });
    expect(await b.take({ type: 'error', code: 'wrong-password' })).toMatchObject({ reason: 'room "open" has no password; join it without one' });
    b.send({ type: 'join', room: 'class', id: 'teacher', name: 'B', password: 's3cret' });
    await b.take({ type: 'error', code: 'duplicate-id' });
    expect((await join(b, 'class', 'b', { password: 's3cret' })).members).toEqual([{ id: 'teacher', name: 'name of teacher' }]);
    expect(server.stats()).toMatchObject({ rooms: 2, members: 3, errors: { 'wrong-password': 3, 'duplicate-id': 1 } });
    await a.barrier();
    expect(a.untaken('member-joined')).toEqual([{ type: 'member-joined', member: { id: 'b', name: 'name of b' } }]);
  });

  it('answers ping with pong and malformed frames with an error that names the problem', async () => {
    const { wsUrl, server } = await harness.start();
    const a = await harness.connect(wsUrl);
    a.sendRaw('{not json');
    await a.take({ type: 'error', code: 'bad-json' });
    a.send({ type: 'join', room: 'a room with spaces', id: 'a', name: 'A' });
    expect((await a.take({ type: 'error', code: 'bad-frame' })).reason).toMatch(/^join: "room" must be/);
    a.send({ type: 'teleport' });
    await a.take({ type: 'error', code: 'unknown-type', reason: 'unknown frame type "teleport"' });
    a.sendRaw(Buffer.from([1, 2, 3]), true);
    await a.take({ type: 'error', code: 'bad-frame', reason: 'binary frames are not accepted; send JSON text' });
    await a.barrier();
    expect(server.stats()).toMatchObject({ framesIn: 5, errors: { 'bad-json': 1, 'bad-frame': 2, 'unknown-type': 1 } });
  });
});

describe('heartbeat', () => {
  it('drops a socket that stops answering pings and tells its room "timeout"', async () => {
    const { wsUrl, server } = await harness.start({ heartbeatMs: 50 });
    const healthy = await harness.connect(wsUrl);
    const silent = await harness.connect(wsUrl, { autoPong: false });
    await join(healthy, 'room', 'healthy');
    await join(silent, 'room', 'silent');
    let pings = 0;
    healthy.ws.on('ping', () => pings++);
    await healthy.take({ type: 'member-left', id: 'silent', reason: 'timeout' });
    await silent.closed;
    // Several more rounds pass; the socket that answers them is never dropped.
    const seen = pings;
    await waitFor(() => pings >= seen + 4, 'four more heartbeat rounds');
    await healthy.barrier();
    expect(server.stats()).toMatchObject({ sockets: 1, members: 1 });
  });
});

describe('lifecycle and options', () => {
  it('closes idempotently, closing clients with 1001, and refuses to listen again', async () => {
    const { server, wsUrl } = await harness.start();
    const a = await harness.connect(wsUrl);
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    expect((await a.closed).code).toBe(1001);
    await expect(server.listen()).rejects.toThrow('cannot listen: the server is closed');
  });

  it('names a bad instructor key without echoing it', () => {
    expect(() => createSignalingServer({ instructorKey: 'secret!' })).toThrow('"instructorKey" must be 8-128 visible ASCII characters without spaces');
  });

  it('closes cleanly when it never listened', async () => {
    await expect(createSignalingServer().close()).resolves.toBeUndefined();
  });

  it('rejects unknown options and bad values with a TypeError', () => {
    const bad: unknown[] = [
      { heartbeat: 5 },
      { port: 70000 },
      { heartbeatMs: 0 },
      { maxFrameBytes: 10 },
      { maxFramesPerSecond: -1 },
      { frameBurst: 0.5 },
      { maxSockets: 4, maxMembersPerRoom: 8 },
      { iceServers: [{ urls: 'http://not-ice' }] },
      { iceServers: 'stun:x' },
      { instructorKey: 'short' },
      { instructorKey: 'has a space' },
      { instructorKey: 'tab\tseparated' },
      { maxControlPerSecond: 0 },
      { controlBurst: 1.5 },
      { maxReportsPerSecond: Number.POSITIVE_INFINITY },
      { reportBurst: 0 },
    ];
    for (const options of bad) {
      expect(() => createSignalingServer(options as Parameters<typeof createSignalingServer>[0]), JSON.stringify(options)).toThrow(TypeError);
    }
  });
});
