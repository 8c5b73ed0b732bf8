import { afterEach, expect, it } from 'vitest';
import { createRng, type Rng } from '../core/rng.ts';
import { CONTROL_OPS } from './control-frames.ts';
import { ERROR_CODES } from './protocol.ts';
import { createHarness, join, waitFor, type TestClient } from './test-support.ts';

/**
 * Throws thousands of hostile frames at one server from several sockets, then checks that it
 * still runs a healthy room and that its error counters match the error frames it sent.
 * Rerun a failure with the seed in its name: TABMESH_SEED=<seed> npx vitest run signaling/server-fuzz
 */
const SEED = Number(process.env.TABMESH_SEED ?? 20_251_126);
const FRAMES = 5000;
const SOCKETS = 4;
const MAX_FRAME_BYTES = 2048;
const KEY = 'fuzz-instructor-key';

const harness = createHarness();
afterEach(() => harness.closeAll());

interface Shot {
  readonly data: string | Buffer;
  readonly binary: boolean;
  /** ws itself closes the socket (bad UTF-8, past the hard size cap): no reply, one count. */
  readonly fatal: boolean;
}

const IDS = ['a', 'b', 'c', 'bad id', ''];
const ROOMS = ['r1', 'r2', 'r.3', 'no/slash'];
const TEXT_CHARS = '{}[]":,.-_ 0123456789abcdefnulltrue\\\u0000\u00e9\u{1f600}';

function randomString(rng: Rng, max: number): string {
  let s = '';
  const chars = [...TEXT_CHARS];
  for (let i = rng.int(max + 1); i > 0; i--) s += rng.pick(chars);
  return s;
}

function randomJson(rng: Rng, depth: number): unknown {
  const kind = rng.int(depth > 0 ? 7 : 5);
  if (kind === 0) return null;
  if (kind === 1) return rng.chance(0.5);
  if (kind === 2) return rng.int(2000) - 1000;
  if (kind === 3 || kind === 4) return randomString(rng, 12);
  if (kind === 5) return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [randomString(rng, 6), randomJson(rng, depth - 1)]));
}

function validFrame(rng: Rng): Record<string, unknown> {
  const id = rng.pick(IDS.slice(0, 3));
  return rng.pick([
    { type: 'join', room: rng.pick(ROOMS.slice(0, 2)), id, name: `n-${id}`, ...(rng.chance(0.3) ? { password: 'pw' } : {}) },
    { type: 'signal', to: id, data: { sdp: randomString(rng, 20) } },
    { type: 'leave' },
    { type: 'ping' },
    { type: 'subscribe', topics: [rng.pick(ROOMS)] },
    { type: 'unsubscribe', topics: [rng.pick(ROOMS)] },
    { type: 'publish', topic: rng.pick(ROOMS), data: randomJson(rng, 2) },
    { type: 'instructor', room: rng.pick(ROOMS.slice(0, 2)), key: rng.chance(0.5) ? KEY : randomString(rng, 20) },
    { type: 'control', to: rng.chance(0.5) ? 'all' : [id], command: { op: rng.pick([...CONTROL_OPS, 'reboot']), arg: randomJson(rng, 2) } },
    { type: 'report', data: { degree: rng.int(8), clock: randomJson(rng, 2) } },
  ]);
}

function mutate(rng: Rng, frame: Record<string, unknown>): string {
  const keys = [...Object.keys(frame), 'type', 'extra'];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const key = rng.pick(keys);
    const how = rng.int(4);
    if (how === 0) delete frame[key];
    else if (how === 1) frame[key] = randomJson(rng, 2);
    else if (how === 2) frame[key] = rng.pick([...IDS, ...ROOMS, 'join', 'signal', 'publish']);
    else frame[key] = rng.pick(['subscribe', 'control', 'instructor', 'report', 'x'.repeat(80)]);
  }
  const text = JSON.stringify(frame);
  return rng.chance(0.1) ? text.slice(0, rng.int(text.length)) : text;
}

function shot(rng: Rng): Shot {
  const text = (data: string): Shot => ({ data, binary: false, fatal: false });
  const roll = rng.int(100);
  if (roll < 10) return { data: Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256))), binary: true, fatal: false };
  if (roll < 25) return text(randomString(rng, 40));
  if (roll < 40) return text(JSON.stringify(randomJson(rng, 4)));
  if (roll < 60) return text(JSON.stringify(validFrame(rng)));
  if (roll < 90) return text(mutate(rng, validFrame(rng)));
  if (roll < 95) return text(`{"type":"ping","pad":"${'x'.repeat(MAX_FRAME_BYTES + rng.int(MAX_FRAME_BYTES))}"}`);
  if (roll < 99) {
    const depth = 20 + rng.int(60);
    return text(`{"type":"signal","to":"a","data":${'{"d":'.repeat(depth)}1${'}'.repeat(depth)}}`);
  }
  return rng.chance(0.5)
    ? { data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false, fatal: true }
    : { data: 'x'.repeat(MAX_FRAME_BYTES * 4 + 1), binary: false, fatal: true };
}

const errorFrames = (clients: readonly TestClient[]): number =>
  clients.reduce((sum, c) => sum + c.frames.filter((f) => f.type === 'error').length, 0);

it(`survives ${FRAMES} random frames from ${SOCKETS} sockets (seed ${SEED})`, async () => {
  const rng = createRng(SEED);
  const context = `seed ${SEED}; rerun with TABMESH_SEED=${SEED} npx vitest run signaling/server-fuzz`;
  const unlimited = { maxFramesPerSecond: 1e9, frameBurst: 1e9, maxControlPerSecond: 1e9, controlBurst: 1e9, maxReportsPerSecond: 1e9, reportBurst: 1e9 };
  const { server, wsUrl } = await harness.start({ maxFrameBytes: MAX_FRAME_BYTES, instructorKey: KEY, ...unlimited });
  const everyClient: TestClient[] = [];
  const connect = async () => {
    const client = await harness.connect(wsUrl);
    everyClient.push(client);
    return client;
  };
  const live = await Promise.all(Array.from({ length: SOCKETS }, connect));
  let fatal = 0;
  for (let i = 0; i < FRAMES; i++) {
    const k = rng.int(SOCKETS);
    const { data, binary, fatal: kills } = shot(rng);
    live[k]?.sendRaw(data, binary);
    if (!kills) continue;
    fatal++;
    const { code } = (await live[k]?.closed) ?? { code: 0 };
    expect([1007, 1009], `${context}; frame ${i} closed with ${code}`).toContain(code);
    live[k] = await connect();
  }
  await waitFor(() => server.stats().framesIn === FRAMES - fatal, `all frames handled (${context})`, 8000);
  const counted = () => ERROR_CODES.reduce((sum, code) => sum + server.stats().errors[code], 0);
  await waitFor(() => errorFrames(everyClient) + fatal === counted(), `error replies matching stats (${context})`);
  const { errors } = server.stats();
  for (const code of ['bad-json', 'bad-frame', 'too-large', 'unknown-type', 'not-joined', 'forbidden', 'bad-key'] as const) {
    expect(errors[code], `${code} errors (${context})`).toBeGreaterThan(0);
  }
  expect(errors['rate-limited'], context).toBe(0);
  const stats = server.stats();
  const acceptedControl = everyClient.reduce((sum, c) => sum + c.frames.filter((f) => f.type === 'control-sent').length, 0);
  expect(acceptedControl, `control frames accepted (${context})`).toBeGreaterThan(0);
  expect(stats.reports + stats.reportsDropped, `reports handled (${context})`).toBeGreaterThan(0);
  expect(stats.forgedControl, context).toBe(errors.forbidden);

  const [a, b] = await Promise.all([connect(), connect()]);
  if (!a || !b) throw new Error('two clients expected');
  await join(a, 'after-fuzz', 'alice');
  expect((await join(b, 'after-fuzz', 'bob')).members, context).toEqual([{ id: 'alice', name: 'name of alice' }]);
  a.send({ type: 'signal', to: 'bob', data: { ok: true } });
  await b.take({ type: 'signal', from: 'alice', data: { ok: true } });
  const teacher = await connect();
  teacher.send({ type: 'instructor', room: 'after-fuzz', key: KEY });
  expect((await teacher.take({ type: 'instructor-joined' })).members, context).toHaveLength(2);
  teacher.send({ type: 'control', to: ['bob'], command: { op: 'heal' } });
  await b.take({ type: 'control', command: { op: 'heal' }, seq: 1 });
  a.send({ type: 'report', data: { degree: 1 } });
  await teacher.take({ type: 'report', from: 'alice', data: { degree: 1 } });
  // Above the 8 s of the waits inside: on a loaded 2-core machine the 5000 frames alone can take seconds.
}, 20_000);
