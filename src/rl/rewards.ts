/**
 * The training reward: a `Rubric` of an accuracy reward (the problem's verifier: 1 for the right
 * final answer, else 0) and, when weighted, the think-then-answer format reward, plus DAPO's soft
 * overlong penalty, a per-token length cost on right answers and AdaptThink's bonus for answering
 * without thinking. A verifier error scores null (logged, never thrown into the trainer); a sample
 * whose accuracy is null has a null reward and takes no part in its group's advantages.
 */
import { ScratchpadError } from "../core/errors.js";
import type { Problem, Verdict } from "../types.js";
import { Rubric, type RubricComponent } from "../verify/rubric.js";
import { formatReward } from "../verify/format.js";
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";
import type { TrainConfig } from "./config.js";

/** Per-sample reward details. */
export interface SampleReward {
  /** The total reward (null when the accuracy reward failed). */
  reward: number | null;
  /** Each reward function's value (`rewards/<name>/mean` in the metrics). */
  components: Record<string, number | null>;
  /** Whether the final answer was right. */
  correct: boolean;
  /** Errors of reward functions, by name. */
  errors: Record<string, string>;
}

/** The problem's verdict on a response; a verdict with status "error" (the verifier failed) throws (→ null). */
async function accuracy(response: string, problem: Problem): Promise<Verdict> {
  const v = await problem.verifier.verify(response, problem);
  if (v.status === "error") throw new ScratchpadError("verifier_failed", v.reason);
  return v;
}

/**
 * DAPO's soft overlong penalty: 0 up to max − buffer tokens, then a linear ramp down to −1 at
 * max tokens (and −1 beyond).
 */
export function overlongPenalty(length: number, maxLength: number, buffer: number): number {
  const free = maxLength - buffer;
  if (length <= free) return 0;
  if (length <= maxLength) return (free - length) / buffer;
  return -1;
}

/**
 * The length cost: −`perToken` × tokens for a right answer, 0 for a wrong one (as in the
 * efficiency rewards of Arora & Zanette 2025 and Kimi k1.5, a wrong short answer never beats a
 * right long one while `perToken` × max length < 1). Where answering directly is as reliable as
 * thinking, the shorter right answer earns more; where thinking is needed, rightness dominates.
 */
export function lengthCost(correct: boolean, length: number, perToken: number): number {
  return correct ? -perToken * length : 0;
}

/**
 * True when a completion has no thinking at all: neither tag of `tags` appears anywhere in it (a
 * completion that answers, then opens `<think>` further on, does think). Whether it gave an answer
 * is the verifier's business (see `TrainingReward`: the bonus also needs a parsed answer).
 */
export function answersWithoutThinking(response: string, tags: ThinkTags = DEFAULT_THINK_TAGS): boolean {
  return !response.includes(tags.open) && !response.includes(tags.close);
}

/** Scores completions for training, as configured. */
export class TrainingReward {
  private readonly format: RubricComponent | null;

  constructor(
    private readonly cfg: TrainConfig,
    private readonly onError?: (name: string, message: string) => void,
  ) {
    this.format = cfg.format_weight > 0 ? { name: "format", fn: formatReward(), weight: cfg.format_weight, timeoutMs: 10_000 } : null;
  }

  /**
   * The reward of one completion of `length` tokens. AdaptThink's bonus goes only to a completion
   * with no think tags at all whose final answer the verifier parsed (right or wrong): an empty
   * completion, or one that answers and then thinks (`7<think>…</think>191`), earns none.
   */
  async score(response: string, problem: Problem, length: number): Promise<SampleReward> {
    // One rubric per call, so the accuracy component can hand back its verdict (calls run concurrently).
    let parsed = false;
    const acc: RubricComponent = {
      name: "accuracy",
      weight: this.cfg.accuracy_weight,
      timeoutMs: 10_000,
      fn: async (r, p) => {
        const v = await accuracy(r, p);
        // An answer was found (right or wrong): not "no_answer", "invalid" or "timeout" (an error throws above).
        parsed = v.status === "correct" || v.status === "wrong";
        return v.correct ? 1 : 0;
      },
    };
    const rubric = new Rubric(this.format ? [acc, this.format] : [acc], { onError: this.onError });
    const s = await rubric.score(response, problem);
    const components = { ...s.components };
    let reward: number | null = components.accuracy === null ? null : s.total;
    if (this.cfg.overlong_penalty) {
      const pen = overlongPenalty(length, this.cfg.max_completion_length, this.cfg.overlong_buffer);
      components.overlong = pen;
      if (reward !== null) reward += pen;
    }
    if (this.cfg.length_penalty > 0) {
      const cost = lengthCost(components.accuracy === 1, length, this.cfg.length_penalty);
      components.length = cost;
      if (reward !== null) reward += cost;
    }
    if (this.cfg.direct_answer_bonus > 0) {
      const bonus = parsed && answersWithoutThinking(response) ? this.cfg.direct_answer_bonus : 0;
      components.direct_answer = bonus;
      if (reward !== null) reward += bonus;
    }
    return { reward, components, correct: components.accuracy === 1, errors: s.errors };
  }
}
