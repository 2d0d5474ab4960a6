/**
 * The reasoning-model phenomena the main job must show, checked on two evaluations (the base model
 * and the RL-trained one, same problems, same seed):
 *   - accuracy: pass@1 at the hardest difficulty rises by ≥ 25 points;
 *   - adaptive thinking: mean thinking tokens hardest ÷ easiest is ≥ 2 after RL and ≥ 1.5× the
 *     base model's ratio;
 *   - majority vote pays: maj@k beats pass@1 by ≥ 5 points at the hardest difficulty (after RL);
 *   - budgets pay: accuracy never falls as the thinking budget grows (≥ 4 budgets) and gains ≥ 10
 *     points from the smallest budget to the largest (after RL).
 */
import type { DifficultyRow, EvalReport } from "../eval/evaluate.js";

/** One checked phenomenon. */
export interface Phenomenon {
  id: "accuracy" | "adaptive_thinking" | "majority_vote" | "budgets";
  /** What is claimed, in words. */
  claim: string;
  /** The measured numbers. */
  values: Record<string, number | number[] | null>;
  pass: boolean;
}

const row = (r: EvalReport, d: number): DifficultyRow | undefined => r.by_difficulty.find((x) => x.difficulty === d);

/** Ratio a/b with 0/0 = 1 and x/0 = Infinity. */
function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Infinity;
  return a / b;
}

/** Check every phenomenon. Both reports must cover the same difficulties. */
export function checkPhenomena(base: EvalReport, trained: EvalReport): Phenomenon[] {
  const levels = trained.by_difficulty
    .map((d) => d.difficulty)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  if (levels.length === 0) throw new RangeError("checkPhenomena: the evaluation has no difficulty levels");
  const easy = levels[0],
    hard = levels[levels.length - 1];
  const bH = row(base, hard),
    tH = row(trained, hard),
    bE = row(base, easy),
    tE = row(trained, easy);
  if (!bH || !tH || !bE || !tE) throw new RangeError(`checkPhenomena: both evaluations need difficulties ${easy} and ${hard}`);
  const gain = tH["pass@1"] - bH["pass@1"];
  const baseRatio = ratio(bH.mean_thinking_tokens, bE.mean_thinking_tokens);
  const rlRatio = ratio(tH.mean_thinking_tokens, tE.mean_thinking_tokens);
  const majGain = tH["maj@k"] - tH["pass@1"];
  const budgets = [...trained.budgets].sort((a, b) => a.budget - b.budget);
  const accs = budgets.map((b) => b.accuracy);
  const monotone = accs.every((a, i) => i === 0 || a >= accs[i - 1]);
  const budgetGain = accs.length ? accs[accs.length - 1] - accs[0] : 0;
  return [
    {
      id: "accuracy",
      claim: `pass@1 at the hardest difficulty (${hard}) rises ≥ 25 points over the base model`,
      values: { difficulty: hard, base: bH["pass@1"], trained: tH["pass@1"], gain },
      pass: gain >= 0.25,
    },
    {
      id: "adaptive_thinking",
      claim: `thinking adapts to difficulty: mean thinking tokens at ${hard} ÷ at ${easy} is ≥ 2 after RL and ≥ 1.5× the base model's ratio`,
      values: {
        base_easy: bE.mean_thinking_tokens,
        base_hard: bH.mean_thinking_tokens,
        base_ratio: finiteOrNull(baseRatio),
        trained_easy: tE.mean_thinking_tokens,
        trained_hard: tH.mean_thinking_tokens,
        trained_ratio: finiteOrNull(rlRatio),
      },
      pass: rlRatio >= 2 && rlRatio >= 1.5 * baseRatio,
    },
    {
      id: "majority_vote",
      claim: `maj@${trained.k} beats pass@1 by ≥ 5 points at the hardest difficulty (${hard})`,
      values: { difficulty: hard, "pass@1": tH["pass@1"], [`maj@${trained.k}`]: tH["maj@k"], gain: majGain },
      pass: majGain >= 0.05,
    },
    {
      id: "budgets",
      claim: "accuracy never falls as the thinking budget grows (≥ 4 budgets) and gains ≥ 10 points from the smallest to the largest",
      values: { budgets: budgets.map((b) => b.budget), accuracy: accs, gain: budgetGain },
      pass: budgets.length >= 4 && monotone && budgetGain >= 0.1,
    },
  ];
}

/** Infinity (no thinking at the easiest level) is written as null in JSON. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
