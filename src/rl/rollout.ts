/**
 * Rollouts: G completions per prompt from the policy, scored by the training reward, with the
 * thinking split out (tokens spent thinking, whether it thought at all, whether it checked itself).
 */
import type { Completion, Problem, TrainablePolicy } from "../types.js";
import { splitThinking } from "../core/think.js";
import type { SampleReward, TrainingReward } from "./rewards.js";

/** Words that count as self-checking in the thinking ("wait", "check"). */
export const SELF_CHECK = /\b(wait|check)/i;

/** One scored completion. */
export interface Sample {
  problem: Problem;
  /** Prompt text (after the template). */
  prompt: string;
  /** Prompt token ids as the policy sees them. */
  promptIds: number[];
  /** Completion token ids (the end-of-sequence token included when generated). */
  tokens: number[];
  /** Log-probabilities of `tokens` at sampling time. */
  logprobs?: Float32Array;
  text: string;
  finishReason: Completion["finishReason"];
  reward: SampleReward;
  /** Tokens inside `<think>…</think>`. */
  thinkingTokens: number;
  /** Whether the completion opened a thinking segment. */
  thought: boolean;
  /** Whether the thinking contains a self-check word. */
  selfCheck: boolean;
}

/** Options of `rollout`. */
export interface RolloutOptions {
  groupSize: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  /** Problem → prompt text. */
  render: (p: Problem) => string;
  /** Token ids of a prompt text (the policy's own convention, e.g. with BOS). */
  promptIds: (text: string) => number[];
}

/** Sample and score one group of `groupSize` completions per problem. Result[i] is problems[i]'s group. */
export async function rollout(policy: TrainablePolicy, problems: Problem[], reward: TrainingReward, o: RolloutOptions): Promise<Sample[][]> {
  const prompts = problems.map(o.render);
  const ids = prompts.map(o.promptIds);
  const out = await policy.generateTokens(ids, {
    n: o.groupSize,
    maxTokens: o.maxTokens,
    temperature: o.temperature,
    topP: o.topP,
    seed: o.seed,
    logprobs: true,
  });
  return Promise.all(
    problems.map((problem, i) =>
      Promise.all(
        out[i].map(async (c): Promise<Sample> => {
          const tokens = c.tokens ?? policy.encode(c.text);
          const split = splitThinking(c.text);
          const thinkingTokens = c.thinkingTokens ?? (split.reasoning ? policy.encode(split.reasoning).length : 0);
          return {
            problem,
            prompt: prompts[i],
            promptIds: ids[i],
            tokens,
            logprobs: c.logprobs ? Float32Array.from(c.logprobs) : undefined,
            text: c.text,
            finishReason: c.finishReason,
            reward: await reward.score(c.text, problem, tokens.length),
            thinkingTokens,
            thought: split.opened,
            selfCheck: split.opened && SELF_CHECK.test(split.reasoning),
          };
        }),
      ),
    ),
  );
}

/** Whether every non-null reward of a group is the same (the group teaches nothing). */
export function zeroStdGroup(group: Sample[]): boolean {
  const rs = group.map((s) => s.reward.reward).filter((r): r is number => r !== null);
  return rs.length < 2 || rs.every((r) => r === rs[0]);
}
