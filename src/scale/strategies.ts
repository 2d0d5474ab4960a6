/**
 * Inference strategies as composable Policy wrappers (middleware, like Vercel AI SDK's
 * `wrapLanguageModel`): each takes a Policy and returns a Policy whose every completion is one
 * decision made from several samples of the inner policy.
 *
 *   compose(policy, budget({ budget: 64 }), selfConsistency({ k: 8, earlyStop: 3 }))
 *
 * A decision's `completionTokens` and `thinkingTokens` count every sample drawn for it (its cost),
 * so token accounting stays honest through any stack of wrappers.
 */
import type { Completion, GenerateOptions, Policy } from "../types.js";
import { majorityVote } from "../core/vote.js";
import { defaultAnswerExtractor, type AnswerExtractor } from "./answers.js";
import { withBudget, type BudgetOptions } from "./budget.js";
import { thinkingTokensOf } from "../core/think.js";

/** A Policy → Policy wrapper. */
export type Strategy = (policy: Policy) => Policy;

/** A completion chosen by a strategy, with what it cost and how sure the strategy is. */
export interface DecidedCompletion extends Completion {
  /** Samples drawn for this decision. */
  samples: number;
  /** Vote share of the chosen answer (votes), or the chosen sample's score (best-of-N). */
  confidence: number;
  /** The chosen answer's key (null when no sample had an answer). */
  answer: string | null;
}

/** Scores one sample of one prompt (higher is better): a verifier, a reward model, public tests. */
export type Scorer = (prompt: string, completion: Completion) => number | Promise<number>;

/** Apply wrappers left to right: `compose(p, a, b)` is `b(a(p))`. */
export function compose(policy: Policy, ...strategies: Strategy[]): Policy {
  return strategies.reduce((p, s) => s(p), policy);
}

/** Budget forcing as a strategy (see `withBudget`). */
export function budget(options: BudgetOptions): Strategy {
  return (policy) => withBudget(policy, options);
}

/** Options of self-consistency. */
export interface VoteOptions {
  /** Samples per decision (default 8). */
  k?: number;
  /** Response → answer key (default: the tasks' final answer, normalised). */
  answer?: AnswerExtractor;
  /** Vote weights: "uniform" (default), "logprob" (exp of the mean token log-probability) or a scorer. */
  weight?: "uniform" | "logprob" | Scorer;
  /** Early stopping: draw this many samples first and stop when they all agree (default: off). */
  earlyStop?: number;
}

/** Self-consistency: majority (or weighted) vote over k samples, answers grouped by equivalence. */
export function selfConsistency(options: VoteOptions = {}): Strategy {
  const k = options.k ?? 8;
  const m = options.earlyStop;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`self-consistency: k must be a whole number ≥ 1, got ${k}`);
  if (m !== undefined && !(Number.isInteger(m) && m >= 1 && m <= k)) throw new RangeError(`self-consistency: earlyStop must be between 1 and k=${k}, got ${m}`);
  const answer = options.answer ?? defaultAnswerExtractor();
  return (inner) => ({
    name: `${inner.name} vote@${k}${m ? ` stop@${m}` : ""}`,
    countTokens: inner.countTokens?.bind(inner),
    close: inner.close?.bind(inner),
    async generate(prompts, opts = {}) {
      const n = opts.n ?? 1;
      const wantLogprobs = options.weight === "logprob" || opts.logprobs;
      const first = await inner.generate(prompts, { ...opts, n: n * (m ?? k), logprobs: wantLogprobs || undefined });
      const groups = prompts.map((_, i) => Array.from({ length: n }, (_, j) => first[i].slice(j * (m ?? k), (j + 1) * (m ?? k))));
      if (m !== undefined && m < k) await topUp(inner, prompts, groups, k - m, answer, { ...opts, logprobs: wantLogprobs || undefined });
      return Promise.all(prompts.map((p, i) => Promise.all(groups[i].map((g) => decideByVote(p, g, answer, options.weight, inner)))));
    },
  });
}

/** Early stopping's second round: groups whose first samples disagree get `more` samples each. */
async function topUp(inner: Policy, prompts: string[], groups: Completion[][][], more: number, answer: AnswerExtractor, opts: GenerateOptions): Promise<void> {
  const need: { i: number; j: number }[] = [];
  groups.forEach((gs, i) =>
    gs.forEach((g, j) => {
      const keys = g.map((c) => answer(c.text));
      if (keys.some((x) => x === null || x !== keys[0])) need.push({ i, j });
    }),
  );
  if (need.length === 0) return;
  const seed = opts.seed === undefined ? undefined : opts.seed + 104729;
  const extra = await inner.generate(
    need.map(({ i }) => prompts[i]),
    { ...opts, n: more, seed },
  );
  need.forEach(({ i, j }, x) => groups[i][j].push(...extra[x]));
}

async function decideByVote(
  prompt: string,
  samples: Completion[],
  answer: AnswerExtractor,
  weight: VoteOptions["weight"],
  inner: Policy,
): Promise<DecidedCompletion> {
  const keys = samples.map((c) => answer(c.text));
  const weights = await Promise.all(
    samples.map(async (c) => {
      if (weight === undefined || weight === "uniform") return 1;
      if (weight === "logprob") return c.logprobs && c.logprobs.length > 0 ? Math.exp(c.logprobs.reduce((a, b) => a + b, 0) / c.logprobs.length) : 1e-6;
      return Math.max(0, await weight(prompt, c));
    }),
  );
  const vote = majorityVote(keys.map((key, i) => ({ key, weight: weights[i] })));
  return decided(samples, Math.max(0, vote.index), vote.agreement, vote.key, inner);
}

/** Options of best-of-N. */
export interface BestOfNOptions {
  /** Samples per decision (default 8). */
  n?: number;
  /** Scores a sample (a verifier on public tests, a reward model, ...). */
  scorer: Scorer;
  /** Response → answer key, reported on the decision (default: the tasks' final answer). */
  answer?: AnswerExtractor;
}

/** Best-of-N: draw N samples and keep the one the scorer ranks highest (ties: the first). */
export function bestOfN(options: BestOfNOptions): Strategy {
  const N = options.n ?? 8;
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`best-of-n: n must be a whole number ≥ 1, got ${N}`);
  const answer = options.answer ?? defaultAnswerExtractor();
  return (inner) => ({
    name: `${inner.name} best-of-${N}`,
    countTokens: inner.countTokens?.bind(inner),
    close: inner.close?.bind(inner),
    async generate(prompts, opts = {}) {
      const n = opts.n ?? 1;
      const all = await inner.generate(prompts, { ...opts, n: n * N });
      return Promise.all(
        prompts.map((p, i) =>
          Promise.all(
            Array.from({ length: n }, async (_, j) => {
              const g = all[i].slice(j * N, (j + 1) * N);
              const scores = await Promise.all(g.map(async (c) => options.scorer(p, c)));
              let best = 0;
              scores.forEach((s, x) => {
                if (s > scores[best]) best = x;
              });
              return decided(g, best, scores[best], answer(g[best].text), inner);
            }),
          ),
        ),
      );
    },
  });
}

/** One sample as a decision of its own (confidence 1): the baseline strategy. */
export function single(options: { answer?: AnswerExtractor } = {}): Strategy {
  const answer = options.answer ?? defaultAnswerExtractor();
  return (inner) => ({
    name: inner.name,
    countTokens: inner.countTokens?.bind(inner),
    close: inner.close?.bind(inner),
    async generate(prompts, opts) {
      const out = await inner.generate(prompts, opts);
      return out.map((cs) => cs.map((c) => decided([c], 0, 1, answer(c.text), inner)));
    },
  });
}

function decided(samples: Completion[], index: number, confidence: number, key: string | null, inner: Policy): DecidedCompletion {
  const chosen = samples[index];
  const count = inner.countTokens?.bind(inner);
  return {
    ...chosen,
    completionTokens: samples.reduce((a, c) => a + c.completionTokens, 0),
    thinkingTokens: samples.reduce((a, c) => a + thinkingTokensOf(c, count), 0),
    samples: samples.reduce((a, c) => a + ((c as Partial<DecidedCompletion>).samples ?? 1), 0),
    confidence,
    answer: key,
  };
}
