/**
 * Step metrics with TRL's names (`reward`, `reward_std`, `rewards/<fn>/mean`, `frac_reward_zero_std`,
 * `completions/...`, `kl`, `entropy`, `clip_ratio/...`) plus what the reasoning story needs: accuracy
 * and thinking length per difficulty, the share of completions that think, and the rate of
 * self-checking words in thinking. Also the JSONL log they are written to.
 */
import { appendFile, readFile } from "node:fs/promises";
import { writeFileAtomic } from "../core/atomic.js";
import { meanStd } from "./advantages.js";
import type { LossStats } from "./loss.js";
import type { Sample } from "./rollout.js";

/** One step's metrics: a flat record of numbers (JSON-friendly; NaN is written as null). */
export type StepMetrics = Record<string, number | null>;

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** Metrics of the sampled groups (all of them, before dynamic sampling drops any). */
export function rolloutMetrics(groups: Sample[][]): StepMetrics {
  const all = groups.flat();
  const m: StepMetrics = {};
  const rewards = all.map((s) => s.reward.reward);
  const rs = meanStd(rewards);
  m.reward = rs.mean;
  m.reward_std = mean(groups.map((g) => meanStd(g.map((s) => s.reward.reward)).std));
  const names = new Set(all.flatMap((s) => Object.keys(s.reward.components)));
  for (const name of names) {
    const st = meanStd(all.map((s) => s.reward.components[name] ?? null));
    m[`rewards/${name}/mean`] = st.mean;
    m[`rewards/${name}/std`] = st.std;
  }
  m.frac_reward_zero_std = mean(groups.map((g) => (meanStd(g.map((s) => s.reward.reward)).std === 0 ? 1 : 0)));
  m.reward_null_count = rewards.filter((r) => r === null).length;
  const lengths = all.map((s) => s.tokens.length);
  const terminated = all.filter((s) => s.finishReason === "stop").map((s) => s.tokens.length);
  m["completions/mean_length"] = mean(lengths);
  m["completions/min_length"] = Math.min(...lengths);
  m["completions/max_length"] = Math.max(...lengths);
  m["completions/clipped_ratio"] = mean(all.map((s) => (s.finishReason === "length" ? 1 : 0)));
  m["completions/mean_terminated_length"] = terminated.length ? mean(terminated) : 0;
  m.accuracy = mean(all.map((s) => (s.reward.correct ? 1 : 0)));
  m["thinking/mean_tokens"] = mean(all.map((s) => s.thinkingTokens));
  m["thinking/rate"] = mean(all.map((s) => (s.thought ? 1 : 0)));
  const thinkers = all.filter((s) => s.thought);
  m["thinking/self_check_rate"] = thinkers.length ? mean(thinkers.map((s) => (s.selfCheck ? 1 : 0))) : 0;
  const levels = [...new Set(all.map((s) => s.problem.difficulty).filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
  for (const d of levels) {
    const at = all.filter((s) => s.problem.difficulty === d);
    m[`accuracy/d${d}`] = mean(at.map((s) => (s.reward.correct ? 1 : 0)));
    m[`thinking/mean_tokens/d${d}`] = mean(at.map((s) => s.thinkingTokens));
    m[`thinking/rate/d${d}`] = mean(at.map((s) => (s.thought ? 1 : 0)));
  }
  return m;
}

/** Metrics of the loss passes (clip ratios, KL, entropy), TRL's names. */
export function lossMetrics(stats: LossStats): StepMetrics {
  const t = Math.max(stats.tokens, 1);
  return {
    kl: stats.klSum / t,
    entropy: stats.entropySum / t,
    "clip_ratio/low_mean": stats.lowClipped / t,
    "clip_ratio/high_mean": stats.highClipped / t,
    "clip_ratio/region_mean": (stats.lowClipped + stats.highClipped) / t,
  };
}

/** Replace non-finite numbers by null for JSON. */
function clean(m: StepMetrics): StepMetrics {
  const out: StepMetrics = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === null || Number.isFinite(v) ? v : null;
  return out;
}

/** The metrics log of a run: one JSON object per line. */
export class MetricsLog {
  constructor(readonly file: string) {}

  /** Append one step's metrics. */
  async append(m: StepMetrics): Promise<void> {
    await appendFile(this.file, JSON.stringify(clean(m)) + "\n");
  }

  /** Every complete record (a torn last line, from a kill mid-write, is skipped). */
  async read(): Promise<StepMetrics[]> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: StepMetrics[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as StepMetrics);
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
    return kept;
  }
}
