import { describe, expect, it } from 'vitest';
import { runReplicatedData } from './replicated-data.ts';

const SEEDS = Number(process.env.TABMESH_SEEDS ?? 20);
const BASE = Number(process.env.TABMESH_SEED_BASE ?? 1);
const NOISE = { drop: 0.2, delayMs: 20, jitterMs: 150, duplicate: 0.1, reorder: 0.1 };

describe('chat, KV and text under a nemesis', () => {
  it(`${SEEDS} seeds from ${BASE}: causal order, exactly-once chat, identical KV with exactly the concurrent siblings, identical text with every insert`, () => {
    for (let seed = BASE; seed < BASE + SEEDS; seed++) {
      const { problems, chatSent, writes, inserts } = runReplicatedData({ seed, chatMode: 'causal', noise: NOISE, partitions: true });
      const rerun = `seed ${seed} (rerun: TABMESH_SEED_BASE=${seed} TABMESH_SEEDS=1 npx vitest run core/sim/replicated-data)`;
      expect(chatSent.length + writes.length + inserts.length, rerun).toBe(60);
      expect(problems, rerun).toEqual({ causal: [], chat: [], kv: [], text: [] });
    }
  }, 120_000);

  it('the checker can fail: with delivery mode none and reordering it sees a causal violation', () => {
    let violations = 0;
    for (let seed = 1; seed <= 5 && violations === 0; seed++) {
      const { problems } = runReplicatedData({ seed, chatMode: 'none', noise: { ...NOISE, drop: 0.3, reorder: 0.5, jitterMs: 400 }, partitions: true });
      violations += problems.causal.length;
    }
    expect(violations).toBeGreaterThan(0);
  }, 60_000);
});
