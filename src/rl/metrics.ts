/**
 * Step metrics, typed (`StepMetrics`); flattened to TRL's names only when written (`reward`,
 * `reward_std`, `rewards/<fn>/mean`, `frac_reward_zero_std`, `completions/...`, `kl`, `entropy`,
 * `clip_ratio/...`), plus what the reasoning story needs: accuracy
 * and thinking length per difficulty, the share of completions that think, and the rate of
 * self-checking words in thinking. Also the JSONL log they are written to.
 */
import { appendFile, readFile } from "node:fs/promises";
import { writeFileAtomic } from "../core/atomic.js";
import { meanStd } from "./advantages.js";
import type { LossStats } from "./loss.js";
import type { Sample } from "./rollout.js";

/** Mean and standard deviation of one reward function over the batch. */
export interface RewardStats {
  mean: number;
  std: number;
}

/** Accuracy and thinking at one difficulty level. */
export interface DifficultyMetrics {
  difficulty: number;
  accuracy: number;
  thinking_mean_tokens: number;
  thinking_rate: number;
}

/** Metrics of the sampled groups (`rolloutMetrics`). */
export interface RolloutMetrics {
  reward: number;
  reward_std: number;
  /** Per reward function (written as `rewards/<name>/mean` and `/std`). */
  rewards: Record<string, RewardStats>;
  frac_reward_zero_std: number;
  reward_null_count: number;
  completions: { mean_length: number; min_length: number; max_length: number; clipped_ratio: number; mean_terminated_length: number };
  accuracy: number;
  thinking: { mean_tokens: number; rate: number; self_check_rate: number };
  /** Per difficulty level, easiest first (written as `accuracy/d<N>`, `thinking/mean_tokens/d<N>`, `thinking/rate/d<N>`). */
  by_difficulty: DifficultyMetrics[];
}

/** Metrics of the loss passes (`lossMetrics`): TRL's `kl`, `entropy`, `clip_ratio/...`. */
export interface LossMetrics {
  kl: number;
  entropy: number;
  clip_ratio: { low_mean: number; high_mean: number; region_mean: number };
}

/**
 * One training step's metrics, typed. Written (metrics.jsonl, trainer_state.json's log_history)
 * flattened to TRL's names by `flattenMetrics`, and read back by `parseMetrics`.
 */
export interface StepMetrics extends RolloutMetrics {
  step: number;
  learning_rate: number;
  sampling_rounds: number;
  /** Groups trained on (the batch's prompts, fewer when dynamic sampling could not fill it). */
  groups_kept: number;
  /** Groups dynamic sampling dropped because their rewards were all equal. */
  groups_dropped: number;
  /** 1 when the batch was full, 0 when dynamic sampling ran out of rounds first. */
  batch_filled: number;
  loss: number;
  grad_norm: number;
  /** Absent when no group was kept (no update this step). */
  policy?: LossMetrics;
  num_tokens: number;
  time: { step_s: number; elapsed_s: number };
}

/** One step's metrics as written: TRL's flat names (NaN is written as null). */
export type FlatMetrics = Record<string, number | null>;

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Metrics of the sampled groups (all of them, before dynamic sampling drops any). */
export function rolloutMetrics(groups: Sample[][]): RolloutMetrics {
  const all = groups.flat();
  const rewards = all.map((s) => s.reward.reward);
  const rs = meanStd(rewards);
  const names = new Set(all.flatMap((s) => Object.keys(s.reward.components)));
  const perFn: Record<string, RewardStats> = {};
  for (const name of names) {
    const st = meanStd(all.map((s) => s.reward.components[name] ?? null));
    perFn[name] = { mean: st.mean, std: st.std };
  }
  const lengths = all.map((s) => s.tokens.length);
  const terminated = all.filter((s) => s.finishReason === "stop").map((s) => s.tokens.length);
  const thinkers = all.filter((s) => s.thought);
  const levels = [...new Set(all.map((s) => s.problem.difficulty).filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
  return {
    reward: rs.mean,
    reward_std: mean(groups.map((g) => meanStd(g.map((s) => s.reward.reward)).std)),
    rewards: perFn,
    frac_reward_zero_std: mean(groups.map((g) => (meanStd(g.map((s) => s.reward.reward)).std === 0 ? 1 : 0))),
    reward_null_count: rewards.filter((r) => r === null).length,
    completions: {
      mean_length: mean(lengths),
      min_length: Math.min(...lengths),
      max_length: Math.max(...lengths),
      clipped_ratio: mean(all.map((s) => (s.finishReason === "length" ? 1 : 0))),
      mean_terminated_length: terminated.length ? mean(terminated) : 0,
    },
    accuracy: mean(all.map((s) => (s.reward.correct ? 1 : 0))),
    thinking: {
      mean_tokens: mean(all.map((s) => s.thinkingTokens)),
      rate: mean(all.map((s) => (s.thought ? 1 : 0))),
      self_check_rate: thinkers.length ? mean(thinkers.map((s) => (s.selfCheck ? 1 : 0))) : 0,
    },
    by_difficulty: levels.map((d) => {
      const at = all.filter((s) => s.problem.difficulty === d);
      return {
        difficulty: d,
        accuracy: mean(at.map((s) => (s.reward.correct ? 1 : 0))),
        thinking_mean_tokens: mean(at.map((s) => s.thinkingTokens)),
        thinking_rate: mean(at.map((s) => (s.thought ? 1 : 0))),
      };
    }),
  };
}

/** Metrics of the loss passes (clip ratios, KL, entropy). */
export function lossMetrics(stats: LossStats): LossMetrics {
  const t = Math.max(stats.tokens, 1);
  return {
    kl: stats.klSum / t,
    entropy: stats.entropySum / t,
    clip_ratio: { low_mean: stats.lowClipped / t, high_mean: stats.highClipped / t, region_mean: (stats.lowClipped + stats.highClipped) / t },
  };
}

/** A step's metrics under TRL's names, in the order metrics.jsonl has always had. */
export function flattenMetrics(m: StepMetrics): FlatMetrics {
  const f: FlatMetrics = { step: m.step, reward: m.reward, reward_std: m.reward_std };
  for (const [name, st] of Object.entries(m.rewards)) {
    f[`rewards/${name}/mean`] = st.mean;
    f[`rewards/${name}/std`] = st.std;
  }
  f.frac_reward_zero_std = m.frac_reward_zero_std;
  f.reward_null_count = m.reward_null_count;
  for (const [k, v] of Object.entries(m.completions)) f[`completions/${k}`] = v;
  f.accuracy = m.accuracy;
  f["thinking/mean_tokens"] = m.thinking.mean_tokens;
  f["thinking/rate"] = m.thinking.rate;
  f["thinking/self_check_rate"] = m.thinking.self_check_rate;
  for (const d of m.by_difficulty) {
    f[`accuracy/d${d.difficulty}`] = d.accuracy;
    f[`thinking/mean_tokens/d${d.difficulty}`] = d.thinking_mean_tokens;
    f[`thinking/rate/d${d.difficulty}`] = d.thinking_rate;
  }
  f.learning_rate = m.learning_rate;
  f.sampling_rounds = m.sampling_rounds;
  f.groups_kept = m.groups_kept;
  f.groups_dropped = m.groups_dropped;
  f.batch_filled = m.batch_filled;
  f.loss = m.loss;
  f.grad_norm = m.grad_norm;
  if (m.policy) {
    f.kl = m.policy.kl;
    f.entropy = m.policy.entropy;
    f["clip_ratio/low_mean"] = m.policy.clip_ratio.low_mean;
    f["clip_ratio/high_mean"] = m.policy.clip_ratio.high_mean;
    f["clip_ratio/region_mean"] = m.policy.clip_ratio.region_mean;
  }
  f.num_tokens = m.num_tokens;
  f["time/step_s"] = m.time.step_s;
  f["time/elapsed_s"] = m.time.elapsed_s;
  return clean(f);
}

/** The inverse of `flattenMetrics` (a metrics.jsonl line back to typed metrics; null reads as NaN). */
export function parseMetrics(f: FlatMetrics): StepMetrics {
  const n = (k: string): number => (typeof f[k] === "number" ? f[k] : NaN);
  const rewards: Record<string, RewardStats> = {};
  const levels: number[] = [];
  for (const k of Object.keys(f)) {
    const r = /^rewards\/(.+)\/mean$/.exec(k);
    if (r) rewards[r[1]] = { mean: n(k), std: n(`rewards/${r[1]}/std`) };
    const d = /^accuracy\/d(\d+)$/.exec(k);
    if (d) levels.push(Number(d[1]));
  }
  const m: StepMetrics = {
    step: n("step"),
    reward: n("reward"),
    reward_std: n("reward_std"),
    rewards,
    frac_reward_zero_std: n("frac_reward_zero_std"),
    reward_null_count: n("reward_null_count"),
    completions: {
      mean_length: n("completions/mean_length"),
      min_length: n("completions/min_length"),
      max_length: n("completions/max_length"),
      clipped_ratio: n("completions/clipped_ratio"),
      mean_terminated_length: n("completions/mean_terminated_length"),
    },
    accuracy: n("accuracy"),
    thinking: { mean_tokens: n("thinking/mean_tokens"), rate: n("thinking/rate"), self_check_rate: n("thinking/self_check_rate") },
    by_difficulty: levels.map((d) => ({
      difficulty: d,
      accuracy: n(`accuracy/d${d}`),
      thinking_mean_tokens: n(`thinking/mean_tokens/d${d}`),
      thinking_rate: n(`thinking/rate/d${d}`),
    })),
    learning_rate: n("learning_rate"),
    sampling_rounds: n("sampling_rounds"),
    groups_kept: n("groups_kept"),
    groups_dropped: n("groups_dropped"),
    batch_filled: n("batch_filled"),
    loss: n("loss"),
    grad_norm: n("grad_norm"),
    num_tokens: n("num_tokens"),
    time: { step_s: n("time/step_s"), elapsed_s: n("time/elapsed_s") },
  };
  if ("kl" in f) {
    m.policy = {
      kl: n("kl"),
      entropy: n("entropy"),
      clip_ratio: { low_mean: n("clip_ratio/low_mean"), high_mean: n("clip_ratio/high_mean"), region_mean: n("clip_ratio/region_mean") },
    };
  }
  return m;
}

/** Replace non-finite numbers by null for JSON. */
function clean(m: FlatMetrics): FlatMetrics {
  const out: FlatMetrics = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === null || Number.isFinite(v) ? v : null;
  return out;
}

/** The metrics log of a run: one JSON object per line. */
export class MetricsLog {
  constructor(readonly file: string) {}

  /** Append one step's metrics (flattened to TRL's names). */
  async append(m: StepMetrics): Promise<void> {
    await appendFile(this.file, JSON.stringify(flattenMetrics(m)) + "\n");
  }

  /** Every complete record, as written (a torn last line, from a kill mid-write, is skipped). */
  async read(): Promise<FlatMetrics[]> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: FlatMetrics[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as FlatMetrics);
      } catch {
        // a line cut by a kill: dropped
      }
    }
    return out;
  }

  /** Keep only records of steps before `step` (after resuming from a checkpoint at `step`); returns them. */
  async truncate(step: number): Promise<StepMetrics[]> {
    const kept = (await this.read()).filter((m) => typeof m.step === "number" && m.step <= step);
    await writeFileAtomic(this.file, kept.map((m) => JSON.stringify(m) + "\n").join(""));
    return kept.map(parseMetrics);
  }
}
