// DAPO dynamic sampling as veRL does it: full generation batches (× oversample_factor) every round,
// zero-variance groups dropped, rounds until the batch is full, cut to size; an unfilled batch after
// the last round is reported (filled: false) for the trainer to warn or raise.
import { describe, expect, it } from "vitest";
import type { Sample } from "./rollout.js";
import { collectGroups, promptsPerRound } from "./sampling.js";

/** A group of G samples with the given rewards (only `reward.reward` matters here). */
const group = (rewards: number[]): Sample[] => rewards.map((r) => ({ reward: { reward: r } }) as unknown as Sample);
const flat = group([1, 1, 1, 1]);
const varied = group([1, 0, 1, 0]);

/** A sampler whose rounds return the given patterns (true = varied group), recording the prompts asked for. */
function sampler(rounds: boolean[][]) {
  const asked: number[] = [];
  return {
    asked,
    fn: (round: number, n: number) => {
      asked.push(n);
      const pattern = rounds[round] ?? [];
      return Promise.resolve(Array.from({ length: n }, (_, i) => (pattern[i % pattern.length] ? varied : flat)));
    },
  };
}

describe("dynamic sampling (veRL's filter_groups)", () => {
  it("draws ceil(want × oversample) prompts every round, not only the shortfall", async () => {
    const s = sampler([[true, false], [true, false], [true]]);
    const r = await collectGroups({ want: 16, dynamic: true, oversampleFactor: 1, maxRounds: 3 }, s.fn);
    expect(s.asked).toEqual([16, 16]); // the old code asked for the shortfall (8) in round 2
    expect(r).toMatchObject({ rounds: 2, dropped: 16, surplus: 0, filled: true });
    expect(r.kept).toHaveLength(16);
    expect(r.sampled).toHaveLength(32);
    expect(promptsPerRound({ want: 16, dynamic: true, oversampleFactor: 3, maxRounds: 1 })).toBe(48);
    expect(promptsPerRound({ want: 16, dynamic: false, oversampleFactor: 3, maxRounds: 5 })).toBe(16);
  });

  it("cuts a full batch to size and counts the surplus", async () => {
    const s = sampler([[true, true, false]]);
    const r = await collectGroups({ want: 16, dynamic: true, oversampleFactor: 3, maxRounds: 3 }, s.fn);
    expect(s.asked).toEqual([48]);
    expect(r).toMatchObject({ rounds: 1, dropped: 16, surplus: 16, filled: true });
    expect(r.kept).toHaveLength(16);
  });

  it("reports a batch it could not fill within max rounds", async () => {
    const s = sampler([
      [true, false, false, false],
      [true, false, false, false],
    ]);
    const r = await collectGroups({ want: 16, dynamic: true, oversampleFactor: 1, maxRounds: 2 }, s.fn);
    expect(r).toMatchObject({ rounds: 2, dropped: 24, filled: false });
    expect(r.kept).toHaveLength(8);
  });

  it("keeps every group of one round without dynamic sampling", async () => {
    const s = sampler([[false]]);
    const r = await collectGroups({ want: 16, dynamic: false, oversampleFactor: 3, maxRounds: 3 }, s.fn);
    expect(s.asked).toEqual([16]);
    expect(r).toMatchObject({ rounds: 1, dropped: 0, filled: true });
    expect(r.kept).toHaveLength(16);
  });
});
