/**
 * Budget forcing (s1, Muennighoff et al. 2025) as a Policy wrapper: cap thinking at B tokens; at
 * the cap append the end-of-thinking delimiter (plus an optional cue such as "Final Answer:") and
 * let the model answer; optionally extend thinking by replacing an early end-of-thinking with
 * "Wait" up to N times. Needs only raw-prompt generation, so it works on the embedded engine and
 * over any server's /v1/completions.
 */
import type { Completion, GenerateOptions, Policy } from "../types.js";
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";

/** How to force a thinking budget. */
export interface BudgetOptions {
  /**
   * Maximum thinking tokens (0 = answer without thinking; Infinity = no cap). A finite budget caps
   * thinking by itself, even above the request's `maxTokens`: at the cap the end-of-thinking
   * delimiter is forced and the model always gets `answerTokens` to answer.
   */
  budget: number;
  /** How many times an early end-of-thinking is replaced by `waitText` to think longer (default 0). */
  waits?: number;
  /**
   * Text that replaces an early end-of-thinking. Default "Wait" (s1), or "wait" when the policy's
   * vocabulary has "wait" as one token but not "Wait" (scratchpad's embedded models, whose corpus
   * writes self-checks as "wait").
   */
  waitText?: string;
  /** Text appended after the forced end-of-thinking delimiter (default ""). */
  cue?: string;
  /** Thinking delimiters (default `<think>` / `</think>`). */
  tags?: ThinkTags;
  /**
   * Tokens allowed for the answer after thinking ends (default: what `maxTokens` leaves after a
   * full budget, at least 32; with no cap, `maxTokens` again). All answers of a round share it, so
   * they are generated in one batch.
   */
  answerTokens?: number;
}

/** Budget options with the wait text resolved (see `defaultWaitText`). */
type ResolvedBudget = BudgetOptions & { waitText: string };

/** The result of budget forcing on one sample: a completion plus how the budget acted on it. */
export interface BudgetedCompletion extends Completion {
  /** True when thinking was cut at the cap. */
  forcedStop: boolean;
  /** How many "Wait" extensions were inserted. */
  waitsUsed: number;
}

interface Track {
  prompt: string;
  generated: string;
  tokens: number;
  thinking: number;
  logprobs: number[] | undefined;
  phase: "think" | "answer" | "done";
  waitsLeft: number;
  waitsUsed: number;
  openCost: number;
  forcedStop: boolean;
  finish: Completion["finishReason"];
  inThinking: boolean;
}

/** Validate budget options, naming the fix. */
function checkBudget(o: BudgetOptions): void {
  if (!(o.budget >= 0)) throw new RangeError(`budget must be ≥ 0 tokens (or Infinity for no cap), got ${o.budget}`);
  if (o.waits !== undefined && !(Number.isInteger(o.waits) && o.waits >= 0)) {
    throw new RangeError(`waits must be a whole number ≥ 0, got ${o.waits}`);
  }
}

/**
 * Wrap a policy so that every completion thinks at most `budget` tokens. The wrapped policy's
 * completions carry `thinkingTokens`, `forcedStop` and `waitsUsed`; `completionTokens` counts the
 * sampled tokens of every round (forced delimiters are prompt text, not samples).
 */
export function withBudget(policy: Policy, options: BudgetOptions): Policy {
  checkBudget(options);
  return {
    name: `${policy.name} budget=${options.budget}`,
    countTokens: policy.countTokens?.bind(policy),
    close: policy.close?.bind(policy),
    generate: (prompts, opts) => generateWithBudget(policy, prompts, options, opts),
  };
}

/** Budget-forced generation: see `withBudget`. Result[i] holds `opts.n` completions of prompts[i]. */
export async function generateWithBudget(
  policy: Policy,
  prompts: string[],
  budgetOptions: BudgetOptions,
  opts: GenerateOptions = {},
): Promise<BudgetedCompletion[][]> {
  checkBudget(budgetOptions);
  const options: ResolvedBudget = { ...budgetOptions, waitText: budgetOptions.waitText ?? defaultWaitText(policy) };
  const tags = options.tags ?? DEFAULT_THINK_TAGS;
  const n = opts.n ?? 1;
  const maxTokens = opts.maxTokens ?? 256;
  const openCost = policy.countTokens?.(tags.open) ?? 1;
  const tracks: Track[] = [];
  for (const prompt of prompts) {
    const inThinking = prompt.trimEnd().endsWith(tags.open);
    for (let j = 0; j < n; j++) {
      tracks.push({
        prompt,
        generated: "",
        tokens: 0,
        thinking: 0,
        logprobs: opts.logprobs ? [] : undefined,
        phase: options.budget === 0 && inThinking ? "answer" : "think",
        waitsLeft: options.waits ?? 0,
        waitsUsed: 0,
        openCost,
        forcedStop: false,
        finish: "stop",
        inThinking,
      });
    }
  }
  // A zero budget on a prompt that already opened thinking: close it at once.
  for (const t of tracks)
    if (t.phase === "answer" && t.inThinking) {
      t.generated = tags.close + (options.cue ?? "");
      t.forcedStop = true;
    }

  // The first round samples n per prompt in one call; later rounds are one sample per track.
  await firstRound(policy, prompts, tracks, n, options, opts, openCost, maxTokens, tags);
  for (let round = 1; round < 2 * ((options.waits ?? 0) + 2); round++) {
    const active = tracks.filter((t) => t.phase !== "done");
    if (active.length === 0) break;
    await continueRound(policy, active, options, opts, maxTokens, tags, round);
  }
  return prompts.map((_, i) => tracks.slice(i * n, (i + 1) * n).map((t) => toCompletion(t)));
}

async function firstRound(
  policy: Policy,
  prompts: string[],
  tracks: Track[],
  n: number,
  options: ResolvedBudget,
  opts: GenerateOptions,
  openCost: number,
  maxTokens: number,
  tags: ThinkTags,
): Promise<void> {
  // All tracks of one prompt share the first call; zero-budget opened prompts skip it.
  const idx = prompts.map((_, i) => i).filter((i) => tracks[i * n].phase === "think");
  if (idx.length === 0) return;
  // A finite budget is the thinking cap on its own (s1): `maxTokens` bounds only uncapped thinking.
  const cap = (t: Track) => (Number.isFinite(options.budget) ? options.budget + (t.inThinking ? 0 : openCost) : maxTokens);
  const groups = groupBy(idx, (i) => cap(tracks[i * n]));
  for (const [limit, members] of groups) {
    const out = await policy.generate(
      members.map((i) => prompts[i]),
      {
        ...opts,
        n,
        maxTokens: limit,
        stop: [...(opts.stop ?? []), tags.close],
      },
    );
    members.forEach((i, m) => out[m].forEach((c, j) => absorbThinking(tracks[i * n + j], c, options, maxTokens, tags)));
  }
}

async function continueRound(
  policy: Policy,
  active: Track[],
  options: ResolvedBudget,
  opts: GenerateOptions,
  maxTokens: number,
  tags: ThinkTags,
  round: number,
): Promise<void> {
  const seed = opts.seed === undefined ? undefined : opts.seed + 7919 * round;
  // Every answer continuation of a round shares one limit, so they go out as one batch: what a
  // full thinking budget leaves of maxTokens (at least 32), or `answerTokens`.
  const answerLimit = Math.max(1, options.answerTokens ?? Math.max(32, maxTokens - (Number.isFinite(options.budget) ? options.budget + 1 : 0)));
  const limitOf = (t: Track): number => {
    if (t.phase === "answer") return answerLimit;
    return Math.max(1, Number.isFinite(options.budget) ? options.budget - t.thinking : maxTokens - t.tokens);
  };
  const groups = groupBy(active, (t) => `${t.phase}:${limitOf(t)}`);
  for (const members of groups.values()) {
    const t0 = members[0];
    const stop = t0.phase === "think" ? [...(opts.stop ?? []), tags.close] : opts.stop;
    const out = await policy.generate(
      members.map((t) => t.prompt + t.generated),
      {
        ...opts,
        n: 1,
        seed,
        maxTokens: limitOf(t0),
        stop,
      },
    );
    members.forEach((t, m) => {
      const c = out[m][0];
      if (t.phase === "think") absorbThinking(t, c, options, maxTokens, tags);
      else absorbAnswer(t, c);
    });
  }
}

/** Fold a thinking-phase sample into its track and decide the next phase. */
function absorbThinking(t: Track, c: Completion, options: ResolvedBudget, maxTokens: number, tags: ThinkTags): void {
  const before = t.generated;
  t.generated += c.text;
  t.tokens += c.completionTokens;
  if (t.logprobs && c.logprobs) t.logprobs.push(...c.logprobs);
  const opened = t.inThinking || t.generated.trimStart().startsWith(tags.open);
  if (!opened) {
    // A direct answer: keep generating only if it was cut by the round's cap, not by maxTokens.
    t.finish = c.finishReason;
    t.phase = c.finishReason === "length" && (Number.isFinite(options.budget) || t.tokens < maxTokens) ? "answer" : "done";
    return;
  }
  const openedNow = !t.inThinking && !before.trimStart().startsWith(tags.open);
  t.thinking += roundThinking(c, openedNow, t.openCost);
  if (t.generated.includes(tags.close)) {
    t.phase = "answer";
    return;
  } // the backend kept the stop text
  if (c.finishReason === "stop") {
    if (t.waitsLeft > 0 && t.thinking < options.budget && (Number.isFinite(options.budget) || t.tokens < maxTokens)) {
      t.waitsLeft--;
      t.waitsUsed++;
      t.generated += options.waitText;
      return; // think again
    }
    t.generated += tags.close;
    t.phase = "answer";
    return;
  }
  // Cut at a finite budget: force the end of thinking and let the model answer, however many tokens
  // thinking took. Cut short of a finite budget (the backend ran out of context), or uncapped
  // thinking cut by maxTokens: a truncated completion, as without forcing.
  const truncated = Number.isFinite(options.budget) ? t.thinking < options.budget : t.tokens >= maxTokens && options.answerTokens === undefined;
  if (truncated) {
    t.phase = "done";
    t.finish = "length";
    return;
  }
  t.generated += tags.close + (options.cue ?? "");
  t.forcedStop = true;
  t.phase = "answer";
}

/**
 * Thinking tokens sampled in one round: its tokens less the open tag (when this round opened the
 * segment) and less the final stop token (the end-of-thinking tag or EOS) when it stopped. Counting
 * tokens, not re-tokenised text, keeps the count exact when a model samples tokens that print as "".
 */
function roundThinking(c: Completion, openedNow: boolean, openCost: number): number {
  return Math.max(0, c.completionTokens - (openedNow ? openCost : 0) - (c.finishReason === "stop" ? 1 : 0));
}

function absorbAnswer(t: Track, c: Completion): void {
  t.generated += c.text;
  t.tokens += c.completionTokens;
  if (t.logprobs && c.logprobs) t.logprobs.push(...c.logprobs);
  t.finish = c.finishReason;
  t.phase = "done";
}

function toCompletion(t: Track): BudgetedCompletion {
  return {
    text: t.generated,
    logprobs: t.logprobs,
    finishReason: t.finish,
    completionTokens: t.tokens,
    thinkingTokens: t.thinking,
    forcedStop: t.forcedStop,
    waitsUsed: t.waitsUsed,
  };
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = m.get(k);
    if (g) g.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/**
 * The default text that extends thinking: s1's "Wait", unless the policy's vocabulary spells
 * "wait" as one token and "Wait" as several — a model that never saw "Wait" would read it as noise.
 */
export function defaultWaitText(policy: Pick<Policy, "countTokens">): string {
  const count = policy.countTokens?.bind(policy);
  if (count && count("wait") === 1 && count("Wait") > 1) return "wait";
  return "Wait";
}
