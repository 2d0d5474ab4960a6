/**
 * `evaluate()`: the evaluation behind `scratchpad eval`. Samples k completions per problem, scores
 * pass@1 / pass@k / maj@k / best-of-N with confidence intervals, overall and per difficulty, then
 * sweeps thinking budgets (budget forcing) for the test-time scaling curve: accuracy against
 * thinking tokens across budgets and k.
 */
import type { Completion, Policy, Problem } from "../types.js";
import { generateWithBudget, type BudgetOptions } from "../scale/budget.js";
import type { AnswerKeyFn } from "../core/vote.js";
import type { ThinkTags } from "../core/think.js";
import { byDifficulty, groupMetrics, type GroupMetrics, type SampleSelector, type StrategyName } from "./metrics.js";
import { sampleProblems, type SampleRecord } from "./samples.js";

/** Options of `evaluate`. Every field has a default. */
export interface EvalOptions {
  /** Samples per problem (default 8). pass@1 is averaged over them; maj@k votes over them. */
  k?: number;
  /**
   * Thinking budgets to sweep with budget forcing (default none). All budgets share one set of
   * sample seeds, so the same sample is compared across budgets (paired, as greedy decoding is).
   */
  budgets?: number[];
  /** Samples per problem at each budget (default k). */
  budgetSamples?: number;
  /** Which strategy `accuracy` reports (default "single": pass@1). */
  strategy?: StrategyName;
  /** Sampling temperature (default 1). */
  temperature?: number;
  /** Maximum tokens per completion (default 256). */
  maxTokens?: number;
  /** Base seed (default 0). */
  seed?: number;
  /** Problem → prompt text (default: the problem's prompt). */
  template?: (p: Problem) => string;
  /** Answer → vote key (default: the math verifier's canonical key). */
  answerKey?: AnswerKeyFn;
  /** How best-of-N picks a sample (default: highest `scorer` score, then mean log-probability). */
  select?: SampleSelector;
  /** Scores every sample for best-of-N, e.g. `publicTestProblem`'s tests for code (src/scale/publicTests.ts). */
  scorer?: (p: Problem, c: Completion) => number | Promise<number>;
  /** Budget forcing details other than the budget (waits, cue, tags). */
  budgetForcing?: Omit<BudgetOptions, "budget">;
  tags?: ThinkTags;
  /** Prompts per generate call (default 32). */
  batchSize?: number;
  /** How many sample traces to keep in the report (default 6). */
  keepSamples?: number;
  /** Progress callback: phase ("samples", "budget 32", ...) and problems done of total. */
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Receives every uncapped sample, verified (records[i] belongs to problems[i]), for further analysis. */
  onSamples?: (problems: Problem[], records: SampleRecord[][]) => void;
}

/** A point of the test-time scaling curve. */
export interface CurvePoint {
  /** The thinking budget (null = uncapped). */
  budget: number | null;
  /** Samples per problem. */
  k: number;
  /** Accuracy with k samples at this budget: majority vote (best-of-N under that strategy). */
  accuracy: number;
  /** Mean thinking tokens per problem (all k samples). */
  thinking_tokens: number;
  /** Mean completion tokens per problem (all k samples). */
  tokens: number;
}

/** One row of `by_difficulty`. */
export type DifficultyRow = GroupMetrics & { difficulty: number | null };

/** One row of `budgets`. */
export interface BudgetRow extends GroupMetrics {
  budget: number;
  /** Fraction of samples whose thinking was cut at the cap. */
  forced_rate: number;
  by_difficulty: DifficultyRow[];
}

/** The report of `evaluate` (the JSON that `scratchpad eval --json` prints). */
export interface EvalReport {
  policy: string;
  strategy: StrategyName;
  k: number;
  n_problems: number;
  seed: number;
  temperature: number;
  max_tokens: number;
  "pass@1": number;
  "pass@k": number;
  "maj@k": number;
  "best-of-n": number;
  /** The strategy's accuracy. */
  accuracy: number;
  mean_thinking_tokens: number;
  mean_completion_tokens: number;
  ci: GroupMetrics["ci"];
  by_difficulty: DifficultyRow[];
  budgets: BudgetRow[];
  curve: CurvePoint[];
  samples: {
    id: string;
    difficulty: number | null;
    prompt: string;
    answer: string;
    text: string;
    reasoning?: string;
    correct: boolean;
    thinking_tokens: number;
  }[];
  /** Aliases with k spelled out ("pass@8", "maj@8"). */
  [alias: string]: unknown;
}

/** The defaults of `evaluate`'s options (the one place they are written; the CLI's help shows them). */
export const EVAL_DEFAULTS = { k: 8, strategy: "single", seed: 0, temperature: 1, maxTokens: 256 } as const;

/** Evaluate a policy on problems. See `EvalOptions` for the knobs and `EvalReport` for the output. */
export async function evaluate(policy: Policy, problems: Problem[], options: EvalOptions = {}): Promise<EvalReport> {
  if (problems.length === 0) throw new RangeError("evaluate: no problems to evaluate (check --task and --n)");
  const k = options.k ?? EVAL_DEFAULTS.k;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`evaluate: k must be a whole number ≥ 1, got ${k}`);
  const strategy = options.strategy ?? EVAL_DEFAULTS.strategy;
  const seed = options.seed ?? EVAL_DEFAULTS.seed;
  const temperature = options.temperature ?? EVAL_DEFAULTS.temperature;
  const maxTokens = options.maxTokens ?? EVAL_DEFAULTS.maxTokens;
  const common = {
    temperature,
    maxTokens,
    template: options.template,
    answerKey: options.answerKey,
    tags: options.tags,
    batchSize: options.batchSize,
    logprobs: strategy === "best-of-n" || undefined,
    scorer: strategy === "best-of-n" ? options.scorer : undefined,
  };
  const records = await sampleProblems(policy, problems, {
    ...common,
    n: k,
    seed,
    onBatch: (d, t) => options.onProgress?.("samples", d, t),
  });
  options.onSamples?.(problems, records);
  const overall = groupMetrics(records, k, strategy, options.select);
  const curve = curvePoints(null, records, k, strategy, options.select);
  const budgets: BudgetRow[] = [];
  const bk = options.budgetSamples ?? k;
  // Every budget samples with the same seeds (common random numbers): sample j of a problem starts
  // from the same random stream at every budget, so a scratchpad that fits under two budgets is the
  // same scratchpad under both, and the curve measures what the budget changes rather than how two
  // independent draws differ.
  for (const budget of options.budgets ?? []) {
    const budgeted: Policy = {
      name: `${policy.name} budget=${budget}`,
      countTokens: policy.countTokens?.bind(policy),
      generate: (prompts, o) => generateWithBudget(policy, prompts, { ...options.budgetForcing, tags: options.tags, budget }, o),
    };
    let forced = 0;
    const recs = await sampleProblems(budgeted, problems, {
      ...common,
      n: bk,
      seed: seed + 1000,
      onBatch: (d, t) => options.onProgress?.(`budget ${budget}`, d, t),
    });
    for (const rs of recs) for (const r of rs) if (r.forcedStop) forced++;
    budgets.push({
      budget,
      ...groupMetrics(recs, bk, strategy, options.select),
      forced_rate: forced / (problems.length * bk),
      by_difficulty: byDifficulty(problems, recs, bk, strategy, options.select),
    });
    curve.push(...curvePoints(budget, recs, bk, strategy, options.select));
  }
  return {
    policy: policy.name,
    strategy,
    k,
    n_problems: problems.length,
    seed,
    temperature,
    max_tokens: maxTokens,
    ...overall,
    [`pass@${k}`]: overall["pass@k"],
    [`maj@${k}`]: overall["maj@k"],
    by_difficulty: byDifficulty(problems, records, k, strategy, options.select),
    budgets,
    curve,
    samples: traces(problems, records, options.keepSamples ?? 6, options.template),
  };
}

/**
 * Accuracy and tokens with 1, 2, 4, … k samples per problem (the first j samples of each), choosing
 * by majority vote (best-of-N under that strategy).
 */
function curvePoints(budget: number | null, records: SampleRecord[][], k: number, strategy: StrategyName, select?: SampleSelector): CurvePoint[] {
  const ks: number[] = [];
  for (let j = 1; j < k; j *= 2) ks.push(j);
  ks.push(k);
  return ks.map((j) => {
    // More samples only pay through a choice among them: the single strategy scales by majority vote.
    const m = groupMetrics(records, j, strategy === "single" ? "majority" : strategy, select);
    return { budget, k: j, accuracy: m.accuracy, thinking_tokens: m.mean_thinking_tokens * j, tokens: m.mean_completion_tokens * j };
  });
}

/** A few traces spread over the difficulty range, for the report. */
function traces(problems: Problem[], records: SampleRecord[][], keep: number, template?: (p: Problem) => string): EvalReport["samples"] {
  if (keep <= 0) return [];
  const order = problems.map((p, i) => i).sort((a, b) => (problems[a].difficulty ?? 0) - (problems[b].difficulty ?? 0));
  const picks = new Set<number>();
  for (let j = 0; j < Math.min(keep, order.length); j++) picks.add(order[Math.floor((j * order.length) / Math.min(keep, order.length))]);
  return [...picks].map((i) => {
    const p = problems[i];
    const r = records[i][0];
    return {
      id: p.id,
      difficulty: p.difficulty ?? null,
      prompt: template ? template(p) : p.prompt,
      answer: p.answer,
      text: r.text,
      reasoning: r.reasoning,
      correct: r.correct,
      thinking_tokens: r.thinkingTokens,
    };
  });
}
