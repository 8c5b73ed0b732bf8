import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, join, type Frame, type TestClient } from './test-support.ts';

const harness = createHarness();
afterEach(() => harness.closeAll());

const KEY = 'classroom-key-7';

async function teach(client: TestClient, room: string): Promise<Frame> {
  client.send({ type: 'instructor', room, key: KEY });
  return client.take({ type: 'instructor-joined', room });
}

async function clients(wsUrl: string, n: number): Promise<TestClient[]> {
  return Promise.all(Array.from({ length: n }, () => harness.connect(wsUrl)));
}

/** Every frame of `type` each client received, once all of them have heard everything sent so far. */
async function received(type: string, ...all: TestClient[]): Promise<Frame[][]> {
  await Promise.all(all.map((c) => c.barrier()));
  return all.map((c) => c.untaken(type));
}

describe('instructor key', () => {
  it('is required: a wrong key is refused and counted, and the socket gets no powers', async () => {
    const { wsUrl, server } = await harness.start({ instructorKey: KEY });
    const [teacher, student] = await clients(wsUrl, 2);
    if (!teacher || !student) throw new Error('two clients expected');
    await join(student, 'class', 'a');
    teacher.send({ type: 'instructor', room: 'class', key: 'classroom-key-8' });
    expect(await teacher.take({ type: 'error', code: 'bad-key' })).toEqual({ type: 'error', code: 'bad-key', reason: 'wrong instructor key' });
    teacher.send({ type: 'control', to: 'all', command: { op: 'crash' } });
    await teacher.take({ type: 'error', code: 'forbidden' });
    expect(await received('control', student)).toEqual([[]]);
    expect(await teach(teacher, 'class')).toEqual({ type: 'instructor-joined', room: 'class', members: [{ id: 'a', name: 'name of a' }] });
    expect(server.stats()).toMatchObject({ instructors: 1, members: 1, forgedControl: 1, errors: { 'bad-key': 1, forbidden: 1 } });
  });

  it('must be configured: without one every instructor frame is refused', async () => {
    const { wsUrl, server } = await harness.start();
    const [teacher] = await clients(wsUrl, 1);
    teacher?.send({ type: 'instructor', room: 'class', key: KEY });
    await teacher?.take({ type: 'error', code: 'no-instructor' });
    expect(server.stats()).toMatchObject({ instructors: 0, rooms: 0, errors: { 'no-instructor': 1 } });
  });
});

describe('control plane', () => {
  it('keeps instructors out of member lists while they hear members come and go', async () => {
    const { wsUrl, server } = await harness.start({ instructorKey: KEY });
    const [teacher, a, b] = await clients(wsUrl, 3);
    if (!teacher || !a || !b) throw new Error('three clients expected');
    expect((await teach(teacher, 'class')).members).toEqual([]);
    expect((await join(a, 'class', 'a')).members).toEqual([]);
    expect((await join(b, 'class', 'b')).members).toEqual([{ id: 'a', name: 'name of a' }]);
    await teacher.take({ type: 'member-joined', member: { id: 'a', name: 'name of a' } });
    await teacher.take({ type: 'member-joined', member: { id: 'b', name: 'name of b' } });
    b.ws.close();
    await teacher.take({ type: 'member-left', id: 'b', reason: 'closed' });
    expect(server.stats()).toMatchObject({ rooms: 1, members: 1, instructors: 1 });
    teacher.ws.close();
    await a.barrier();
    expect(a.untaken('member-left')).toEqual([{ type: 'member-left', id: 'b', reason: 'closed' }]);
  });

  it('relays a command to all or only the named members of its own room, never to another room', async () => {
    const { wsUrl, server } = await harness.start({ instructorKey: KEY });
    const [redT, blueT, rx, ry, rz, bx, bw] = await clients(wsUrl, 7);
    if (!redT || !blueT || !rx || !ry || !rz || !bx || !bw) throw new Error('seven clients expected');
    for (const [client, id] of [[rx, 'x'], [ry, 'y'], [rz, 'z']] as const) await join(client, 'red', id);
    for (const [client, id] of [[bx, 'x'], [bw, 'w']] as const) await join(client, 'blue', id);
    await teach(redT, 'red');
    await teach(blueT, 'blue');
    const split = { op: 'partition', groups: [['x'], ['y', 'z']] };
    redT.send({ type: 'control', to: 'all', command: split });
    expect(await redT.take({ type: 'control-sent' })).toEqual({ type: 'control-sent', seq: 1, to: ['x', 'y', 'z'], command: split });
    redT.send({ type: 'control', to: ['y'], command: { op: 'heal' } });
    await redT.take({ type: 'control-sent', seq: 2, to: ['y'] });
    redT.send({ type: 'control', to: ['w'], command: { op: 'crash' } });
    expect(await redT.take({ type: 'error', code: 'unknown-peer' })).toMatchObject({ reason: 'no member "w" in room "red"; the command was sent to nobody' });
    blueT.send({ type: 'control', to: ['x'], command: { op: 'chat-mode', mode: 'fifo' } });
    await blueT.take({ type: 'control-sent', seq: 1 });
    const heal = { type: 'control', command: { op: 'heal' }, seq: 2 };
    expect(await received('control', rx, ry, rz, bx, bw, redT, blueT)).toEqual([
      [{ type: 'control', command: split, seq: 1 }],
      [{ type: 'control', command: split, seq: 1 }, heal],
      [{ type: 'control', command: split, seq: 1 }],
      [{ type: 'control', command: { op: 'chat-mode', mode: 'fifo' }, seq: 1 }],
      [],
      [],
      [],
    ]);
    expect(server.stats()).toMatchObject({ controlRelayed: 5, forgedControl: 0, errors: { 'unknown-peer': 1 } });
  });

  it('refuses every control frame from a student socket as forged, well-formed or not, and relays none', async () => {
    const { wsUrl, server } = await harness.start({ instructorKey: KEY });
    const [teacher, a, b, loner] = await clients(wsUrl, 4);
    if (!teacher || !a || !b || !loner) throw new Error('four clients expected');
    await teach(teacher, 'class');
    await join(a, 'class', 'a');
    await join(b, 'class', 'b');
    const forgeries: [TestClient, unknown][] = [
      [a, { type: 'control', to: 'all', command: { op: 'partition', groups: [['a'], ['b']] } }],
      [a, { type: 'control', to: ['b'], command: { op: 'crash' } }],
      [b, { type: 'control', to: 5, command: 'nonsense' }],
      [loner, { type: 'control', to: 'all', command: { op: 'heal' } }],
    ];
    for (const [client, frame] of forgeries) {
      client.send(frame);
      expect(await client.take({ type: 'error', code: 'forbidden' })).toMatchObject({ reason: /only from a socket that sent a valid instructor frame/ });
    }
    expect(await received('control', a, b, loner)).toEqual([[], [], []]);
    expect(await received('control-sent', teacher)).toEqual([[]]);
    expect(server.stats()).toMatchObject({ forgedControl: 4, controlRelayed: 0, errors: { forbidden: 4, 'bad-frame': 0 } });
  });

  it('rate limits control frames per instructor socket and reports per member socket', async () => {
    // A rate this low refills nothing during the test, so exactly the burst gets through.
    const limits = { maxControlPerSecond: 0.001, controlBurst: 3, maxReportsPerSecond: 0.001, reportBurst: 2 };
    const { wsUrl, server } = await harness.start({ instructorKey: KEY, ...limits });
    const [teacher, assistant, a] = await clients(wsUrl, 3);
    if (!teacher || !assistant || !a) throw new Error('three clients expected');
    await teach(teacher, 'class');
    await join(a, 'class', 'a');
    for (let i = 0; i < 10; i++) teacher.send({ type: 'control', to: 'all', command: { op: 'report', i } });
    await teacher.barrier();
    expect(teacher.untaken('control-sent').map((f) => f.seq)).toEqual([1, 2, 3]);
    expect(teacher.untaken('error').map((f) => f.code)).toEqual(Array(7).fill('rate-limited'));
    await teach(assistant, 'class');
    assistant.send({ type: 'control', to: ['a'], command: { op: 'heal' } });
    await assistant.take({ type: 'control-sent', seq: 4 });
    for (let i = 0; i < 3; i++) a.send({ type: 'report', data: { i } });
    await a.take({ type: 'error', code: 'rate-limited', reason: 'more than 0.001 reports per second; this one was dropped' });
    expect((await received('control', a))[0]?.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    expect((await received('report', teacher))[0]?.map((f) => f.data)).toEqual([{ i: 0 }, { i: 1 }]);
    expect(server.stats()).toMatchObject({ controlRelayed: 4, reports: 4, errors: { 'rate-limited': 8 } });
  });

  it('forwards a report to its own room\'s instructors only, and counts reports nobody was there to read', async () => {
    const { wsUrl, server } = await harness.start({ instructorKey: KEY });
    const [redT, redT2, blueT, rx, bx] = await clients(wsUrl, 5);
    if (!redT || !redT2 || !blueT || !rx || !bx) throw new Error('five clients expected');
    await join(rx, 'red', 'x');
    await join(bx, 'blue', 'x');
    rx.send({ type: 'report', data: { degree: 0 } });
    await rx.barrier();
    expect(server.stats()).toMatchObject({ reports: 0, reportsDropped: 1 });
    await teach(redT, 'red');
    await teach(redT2, 'red');
    await teach(blueT, 'blue');
    const data = { degree: 1, alive: ['x'], links: { x: ['y'] }, clock: { lamport: 4 } };
    rx.send({ type: 'report', data });
    await redT.take({ type: 'report', from: 'x', data });
    await redT2.take({ type: 'report', from: 'x', data });
    redT.send({ type: 'report', data });
    await redT.take({ type: 'error', code: 'not-joined', reason: 'join a room as a member before sending reports' });
    expect(await received('report', blueT, bx, rx, redT, redT2)).toEqual([[], [], [], [], []]);
    expect(server.stats()).toMatchObject({ reports: 2, reportsDropped: 1, instructors: 3 });
  });
});
