import { describeFault, expect, runNemesis, test } from 'tabmesh/testing';

/**
 * Jepsen in real browsers: six tabs over three browser processes, a workload writing chat, KV
 * and text on every node for 45 s while a seeded nemesis partitions (halves, one node alone, a
 * bridge), drops, delays and crashes tabs (restarting them as new tabs). Then everything is
 * healed and the checker waits until the live nodes agree: every required write (History:
 * every write of a live node, every acknowledged write of a crashed one) on every node, nothing
 * nobody wrote, no message twice, chat delivered in causal order, identical state.
 *
 * Seeds: $TABMESH_NEMESIS_SEED (one, or a comma list), else the two fixed ones CI runs.
 * `npm run test:nemesis -- --seeds N --seed-base S` runs N seeds, one run each.
 */
const DEFAULT_SEEDS = [1, 2];
const WORKLOAD_MS = 45_000;
// Short failure-detector timeouts keep restarts and heals quick; the workload stays 45 s.
const detector = { heartbeatMs: 200, suspectMs: 1000, deadMs: 2500 };

function seeds(): number[] {
  const raw = process.env.TABMESH_NEMESIS_SEED;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SEEDS;
  return raw.split(',').map((s) => {
    const n = Number(s.trim());
    if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new RangeError(`TABMESH_NEMESIS_SEED must be seeds from 0 to 4294967295, comma-separated; got ${JSON.stringify(s)}`);
    return n;
  });
}

for (const seed of seeds()) {
  test(`nemesis seed ${seed}: six tabs over three browsers keep every acknowledged write through partitions, drops, delays and crashes`, async ({ mesh }, testInfo) => {
    test.setTimeout(300_000);
    const replay = `TABMESH_NEMESIS_SEED=${seed} npx playwright test e2e/nemesis.spec.ts`;
    testInfo.annotations.push({ type: 'seed', description: `${seed} (replay: ${replay})` });
    console.log(`nemesis seed ${seed}; replay with: ${replay}`);
    const started = Date.now();
    const room = await mesh(6, { browsers: 3, ...detector });

    const report = await test.step('45 s of writes under the nemesis', () =>
      runNemesis(room, { seed, durationMs: WORKLOAD_MS, log: (line) => console.log(`  ${line}`) }),
    );
    await testInfo.attach('nemesis-plan.json', { body: JSON.stringify(report.plan.map((s) => ({ ...s, what: describeFault(s.fault) })), null, 1), contentType: 'application/json' });
    const total = report.writes.chat + report.writes.kv + report.writes.text;
    // A workload that barely wrote would pass the checker without testing anything. An idle
    // machine makes 250-300 writes in 45 s; a two-core one running other suites, down to ~70.
    expect(total, `writes made (seed ${seed})`).toBeGreaterThan(30);
    expect(room.crashed.length, `tabs crashed (seed ${seed})`).toBeGreaterThan(0);

    await test.step('healed: every live node converges to the same complete state', async () => {
      await room.waitConverged({ timeout: 90_000, complete: true });
    });
    const summary = room.history.summary(new Set(room.nodes.map((n) => n.id)));
    console.log(
      `nemesis seed ${seed} passed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${total} writes (${report.writes.chat} chat, ${report.writes.kv} kv, ${report.writes.text} text), ` +
        `${summary.acknowledged} acknowledged, ${summary.required} required on every node, ${summary.mayBeLost} of crashed tabs allowed to be lost, ` +
        `${report.refused} refused by crashing tabs, ${room.crashed.length} crashes`,
    );
  });
}
