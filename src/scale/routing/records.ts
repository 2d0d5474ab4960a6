/**
 * Routing records: run every option (a Policy with its prices) on a labelled set of problems and
 * keep, per query, which options answered right and what they spent. Routers are trained and
 * evaluated on these records offline, so one sampling pass prices every threshold.
 */
import type { Completion, Policy, Problem } from "../../types.js";
import { defaultAnswerExtractor, type AnswerExtractor } from "../answers.js";
import { voteConfidence, type ConfidenceMeasure } from "../router.js";
import type { OptionOutcome, QueryRecord } from "./frontier.js";

/** Options of `collectQueryRecords`. */
export interface CollectRecordsOptions {
  /** Probe router: cheap samples per query whose vote (and confidence) the cascade uses; 0 = none (default 0). */
  probes?: number;
  /** How the probes' confidence is measured (default "agreement"). */
  confidence?: ConfidenceMeasure;
  /** Problem → prompt (default the problem's own prompt). */
  template?: (p: Problem) => string;
  maxTokens?: number;
  temperature?: number;
  /** Per-option sampling temperature (default `temperature` for every option). */
  temperatures?: (number | undefined)[];
  seed?: number;
  answer?: AnswerExtractor;
  /** Prompts per generate call (default 32). */
  batchSize?: number;
  /** Called after each batch with the number of problems done. */
  onProgress?: (done: number, total: number) => void;
}

/** Samples drawn for one decision (strategies report it; a plain completion is one sample). */
function samplesOf(c: Completion): number {
  const s = (c as Completion & { samples?: number }).samples;
  return typeof s === "number" && s > 0 ? s : 1;
}

/** Prompt tokens under a policy's tokenizer (about 4 characters a token when it has none). */
function promptTokens(policy: Policy, prompt: string): number {
  return policy.countTokens ? policy.countTokens(prompt) : Math.ceil(prompt.length / 4);
}

/**
 * Run each policy once per problem (the first, cheapest, also `probes` times when a probe router is
 * wanted) and verify every answer. Option k samples with its own seed stream, so options never share
 * random numbers.
 */
export async function collectQueryRecords(policies: Policy[], problems: Problem[], o: CollectRecordsOptions = {}): Promise<QueryRecord[]> {
  if (policies.length < 2) throw new RangeError(`routing needs at least two options, got ${policies.length}`);
  const probes = o.probes ?? 0;
  const measure = o.confidence ?? "agreement";
  const answer = o.answer ?? defaultAnswerExtractor();
  const prompt = o.template ?? ((p: Problem) => p.prompt);
  const gen = { maxTokens: o.maxTokens ?? 256, temperature: o.temperature ?? 1 };
  const bs = o.batchSize ?? 32;
  const out: QueryRecord[] = [];
  for (let s = 0; s < problems.length; s += bs) {
    const batch = problems.slice(s, s + bs);
    const prompts = batch.map(prompt);
    // Option k's stream starts 1_000_003·k apart; prompt i of a call samples from seed + i·n + j, so
    // batches advance by s·n and no two samples of one option share a stream.
    const seedOf = (k: number, n: number) => (o.seed ?? 0) + 1_000_003 * k + s * n;
    const results: Completion[][][] = [];
    for (const [k, policy] of policies.entries()) {
      const n = k === 0 ? Math.max(1, probes) : 1;
      const temperature = o.temperatures?.[k] ?? gen.temperature;
      results.push(
        await policy.generate(prompts, { ...gen, temperature, n, seed: seedOf(k, n), logprobs: (k === 0 && probes > 0 && measure === "logprob") || undefined }),
      );
    }
    for (const [i, p] of batch.entries()) {
      const outcomes: OptionOutcome[] = [];
      for (const [k, policy] of policies.entries()) {
        const c = results[k][i][0];
        const verdict = await p.verifier.verify(c.text, p);
        outcomes.push({ correct: verdict.correct, outputTokens: c.completionTokens, inputTokens: promptTokens(policy, prompts[i]) * samplesOf(c) });
      }
      const rec: QueryRecord = { prompt: prompts[i], difficulty: p.difficulty, outcomes };
      if (probes > 0) {
        const samples = results[0][i];
        const keys = samples.map((c) => answer(c.text));
        const vote = voteConfidence(samples, keys, measure);
        const correct = vote.key !== null && (vote.correctAt === 0 ? outcomes[0].correct : (await p.verifier.verify(samples[vote.correctAt].text, p)).correct);
        rec.probe = {
          correct,
          confidence: vote.confidence,
          outputTokens: samples.reduce((a, c) => a + c.completionTokens, 0),
          inputTokens: promptTokens(policies[0], prompts[i]) * samples.length,
        };
      }
      out.push(rec);
    }
    o.onProgress?.(Math.min(problems.length, s + bs), problems.length);
  }
  return out;
}

/** Options of `measureSuccessRates`. */
export type SuccessRateOptions = Pick<
  CollectRecordsOptions,
  "template" | "maxTokens" | "temperature" | "temperatures" | "seed" | "batchSize" | "onProgress"
> & {
  /** Samples per problem and option (at least 1). */
  samples: number;
};

/**
 * Each option's success rate on each problem, from `samples` fresh samples per problem and option
 * (`rates[i][k]`). This is what a router deciding from the prompt alone would most like to know: the
 * prompt oracle routes by these rates, and its APGR estimates the best any prompt-only router can
 * expect on these policies. The seed streams are disjoint from `collectQueryRecords`' (they start
 * 7_000_003 apart), so the rates are independent of the outcomes the routers are scored on.
 */
export async function measureSuccessRates(policies: Policy[], problems: Problem[], o: SuccessRateOptions): Promise<number[][]> {
  const K = o.samples;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`success rates need a whole number of samples ≥ 1, got ${K}`);
  const prompt = o.template ?? ((p: Problem) => p.prompt);
  const maxTokens = o.maxTokens ?? 256;
  const bs = o.batchSize ?? 32;
  const rates: number[][] = problems.map(() => []);
  for (let s = 0; s < problems.length; s += bs) {
    const batch = problems.slice(s, s + bs);
    const prompts = batch.map(prompt);
    for (const [k, policy] of policies.entries()) {
      const temperature = o.temperatures?.[k] ?? o.temperature ?? 1;
      const seed = (o.seed ?? 0) + 7_000_003 + 1_000_003 * k + s * K;
      const out = await policy.generate(prompts, { maxTokens, temperature, n: K, seed });
      for (const [i, p] of batch.entries()) {
        let right = 0;
        for (const c of out[i]) if ((await p.verifier.verify(c.text, p)).correct) right++;
        rates[s + i][k] = right / out[i].length;
      }
    }
    o.onProgress?.(Math.min(problems.length, s + bs), problems.length);
  }
  return rates;
}
