import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, join } from './test-support.ts';

const harness = createHarness();
afterEach(() => harness.closeAll());

/** Three clients on one server: two subscribe to "doc", the third only publishes. */
async function threeClients() {
  const started = await harness.start();
  const [a, b, outsider] = await Promise.all([1, 2, 3].map(() => harness.connect(started.wsUrl)));
  if (!a || !b || !outsider) throw new Error('three clients expected');
  a.send({ type: 'subscribe', topics: ['doc'] });
  b.send({ type: 'subscribe', topics: ['doc', 'other'] });
  await Promise.all([a.barrier(), b.barrier()]);
  return { ...started, a, b, outsider };
}

describe('y-webrtc signaling compatibility (bin/server.js semantics)', () => {
  it('delivers a publish, verbatim plus a clients count, to every subscriber, the publisher too', async () => {
    const { a, b, outsider, server } = await threeClients();
    const announce = { type: 'publish', topic: 'doc', data: { type: 'announce', from: 'peer-1' } };
    outsider.send(announce);
    expect(await a.take({ type: 'publish' })).toEqual({ ...announce, clients: 2 });
    expect(await b.take({ type: 'publish' })).toEqual({ ...announce, clients: 2 });
    a.send({ type: 'publish', topic: 'doc', data: 'ciphertext', extra: [1, { deep: true }] });
    expect(await a.take({ type: 'publish' })).toEqual({ type: 'publish', topic: 'doc', data: 'ciphertext', extra: [1, { deep: true }], clients: 2 });
    await b.take({ type: 'publish', data: 'ciphertext' });
    await outsider.barrier();
    expect(outsider.untaken('publish')).toEqual([]);
    expect(server.stats()).toMatchObject({ topics: 2, subscriptions: 3, relayed: 4 });
  });

  it('overwrites a client-sent clients field, as bin/server.js does', async () => {
    const { a, outsider } = await threeClients();
    outsider.send({ type: 'publish', topic: 'doc', clients: 99 });
    expect(await a.take({ type: 'publish' })).toEqual({ type: 'publish', topic: 'doc', clients: 2 });
  });

  it('stops delivering after unsubscribe or close, and drops publishes to empty topics silently', async () => {
    const { a, b, outsider, server } = await threeClients();
    b.send({ type: 'unsubscribe', topics: ['doc', 'never-subscribed'] });
    await b.barrier();
    outsider.send({ type: 'publish', topic: 'doc', n: 1 });
    expect(await a.take({ type: 'publish', n: 1 })).toMatchObject({ clients: 1 });
    a.ws.close();
    await a.closed;
    outsider.send({ type: 'publish', topic: 'doc', n: 2 });
    outsider.send({ type: 'publish', topic: 'nobody', n: 3 });
    await Promise.all([b.barrier(), outsider.barrier()]);
    expect([...b.untaken('publish'), ...outsider.untaken('publish'), ...outsider.untaken('error')]).toEqual([]);
    expect(server.stats()).toMatchObject({ topics: 1, subscriptions: 1 });
  });

  it('answers the frames that crash bin/server.js with errors and keeps serving', async () => {
    const { a, b, outsider, server } = await threeClients();
    outsider.sendRaw('not json at all');
    await outsider.take({ type: 'error', code: 'bad-json' });
    outsider.sendRaw('{"type":"subscribe","topics":"room"}');
    expect(await outsider.take({ type: 'error', code: 'bad-frame' })).toMatchObject({ reason: /"topics" must be an array/ });
    outsider.send({ type: 'subscribe', topics: ['fine', 42] });
    await outsider.take({ type: 'error', code: 'bad-frame' });
    outsider.send({ type: 'publish', data: 'no topic' });
    await outsider.take({ type: 'error', code: 'bad-frame' });
    outsider.send({ type: 'publish', topic: 'doc', still: 'working' });
    await a.take({ type: 'publish', still: 'working' });
    await b.take({ type: 'publish', still: 'working' });
    expect(server.stats()).toMatchObject({ topics: 2, errors: { 'bad-json': 1, 'bad-frame': 3 } });
  });

  it('keeps topics and tabmesh rooms of the same name apart', async () => {
    const { a, b, outsider, server } = await threeClients();
    await join(outsider, 'doc', 'outsider');
    const joined = await join(a, 'doc', 'a');
    expect(joined.members).toEqual([{ id: 'outsider', name: 'name of outsider' }]);
    a.send({ type: 'publish', topic: 'doc', via: 'topic' });
    await b.take({ type: 'publish', via: 'topic' });
    a.send({ type: 'signal', to: 'outsider', data: { via: 'room' } });
    await outsider.take({ type: 'signal', data: { via: 'room' } });
    await Promise.all([outsider.barrier(), b.barrier()]);
    expect(outsider.untaken('publish')).toEqual([]);
    expect(b.untaken('signal')).toEqual([]);
    expect(server.stats()).toMatchObject({ rooms: 1, members: 2, topics: 2, subscriptions: 3 });
  });
});
