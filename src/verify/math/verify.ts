/**
 * `verifyMath(gold, response)`: extract the response's final answer, parse gold and answer, and
 * decide equivalence, within a time limit; never throws (errors become verdicts). Also the
 * `mathVerifier` object for `Problem.verifier`.
 */
import type { Problem, Verifier } from "../../types.js";
import {
  compareContext,
  DEFAULT_TIMEOUT_MS,
  letterWord,
  LOST_ESCAPE,
  parseAnswerWith,
  parsedEquivalentWith,
  wordAsProduct,
  type ParsedAnswer,
} from "./answer.js";
import { Deadline } from "./deadline.js";
import { MathTimeoutError } from "./errors.js";
import { unclosedBoxSpan } from "./boxes.js";
import { extractCandidateMatches, extractCandidates, isPlainListGold } from "./extract.js";
import { MathOptionError, resolveMathOptions, type ResolvedMathOptions } from "./options.js";
import { unevaluatedOperator } from "./restate.js";
import type { ExtractionSource, MathVerdict, MathVerifyOptions } from "./types.js";

/** Two numbers with the word "or" between them (`either 3 or 4`, `3 or possibly 4`). */
const HEDGED_NUMBERS = /\d[^\n]*?\bor\b[^\n]*?\d/i;

/** Why a verdict compared by structure: shown in `reason` and `details.fallback`. */
const FELL_BACK = "values past every numeric range; compared by structure";

/** Parsed gold answers, by gold string and options that affect parsing (RL verifies one gold many times). */
const goldCache = new Map<string, { text: string; parsed: ParsedAnswer } | null>();
const GOLD_CACHE_SIZE = 4096;

function parseGold(gold: string, budget: Deadline, options: ResolvedMathOptions): { text: string; parsed: ParsedAnswer } | null {
  const sources = options.goldExtraction;
  // every option the gold's reading depends on: Math-Verify's targets read a plain `2^{10}` as 2, the default ones as 1024
  const mv = `${options.mathVerifyTargets === true ? 1 : 0}${options.exprNumbers === true ? 1 : 0}${options.goldExprNumbers === true ? 1 : 0}|${options.extraction.join(",")}`;
  const key = `${sources.join(",")}|${mv}|${options.maxAnswerChars ?? ""}|${options.strings?.join(",") ?? ""}|${gold}`;
  const hit = goldCache.get(key);
  if (hit !== undefined) return hit;
  const goldOptions: ResolvedMathOptions = { ...options, afterThink: false, goldSide: true, exprNumbers: options.goldExprNumbers ?? options.exprNumbers };
  const cands = extractCandidates(gold, sources, goldOptions);
  let result: { text: string; parsed: ParsedAnswer } | null = null;
  let failedSpan: string | null = null;
  for (const c of cands) {
    // "F_n = \\sum_{k=0}^{n-1} …" that does not parse is not the gold "1" read out of it
    if (failedSpan !== null && c.source === "last-number" && (failedSpan.includes(c.text) || failedSpan.includes(c.text.replace(".", ",")))) continue;
    const parsed = parseAnswerWith(c.text, budget, options);
    if (!result || parsed.tree) result = { text: c.text, parsed };
    if (!parsed.tree && (c.source === "last-latex" || c.source === "whole")) failedSpan ??= unclosedBoxSpan(c.text) ?? c.text;
    // a gold with a lost escape (TAB + "ext{13}") is broken: no number is read out of it
    if (parsed.tree || LOST_ESCAPE.test(c.text)) break;
  }
  if (goldCache.size >= GOLD_CACHE_SIZE) goldCache.clear();
  if (gold.length < 10000) goldCache.set(key, result);
  return result;
}

function verifyInner(gold: string, response: string, options: ResolvedMathOptions, budget: Deadline): Omit<MathVerdict, "elapsedMs"> {
  const g = parseGold(gold, budget, options);
  if (!g) return { correct: false, status: "invalid", score: 0, reason: "gold answer is empty" };
  // (a gold written as a plain-text comma list lets a response's plain list answer: both are read alike)
  const { cands, match } = extractCandidateMatches(
    response,
    options.extraction,
    options.mathVerifyTargets && isPlainListGold(gold) ? { ...options, goldPlainList: true } : options,
  );
  // extraction_mode "first_match": once a match was tried and did not parse, no other match is tried
  const firstMatchOnly = options.mathVerifyTargets === true && options.extractionMode === "first_match";
  let tried: number | null = null;
  if (cands.length === 0) return { correct: false, status: "no_answer", score: 0, reason: "no answer found", gold: g.text };
  let unparsed: { text: string; source: ExtractionSource; error?: string } | null = null;
  let failedSpan: string | null = null;
  let hedged: string | null = null;
  for (const [i, c] of cands.entries()) {
    budget.tick();
    if (tried !== null && match[i] !== tried) break;
    if (hedged !== null && c.source === "last-number" && (hedged.includes(c.text) || hedged.includes(c.text.replace(".", ",")))) continue;
    // a math span that does not parse supplies no number to the fallback ("$\\sum_{k=0}^n k$" is not 0)
    if (
      failedSpan !== null &&
      !c.outsideMath &&
      (c.source === "last-number" || c.source === "final-answer" || c.source === "answer-line") &&
      (failedSpan.includes(c.text) || failedSpan.includes(c.text.replace(".", ",")))
    )
      continue;
    const pred = parseAnswerWith(c.text, budget, options);
    // (fallback_mode "no_fallback": an answer that does not parse keeps no text to compare; a run of letters on both
    // sides parses in Math-Verify, as the product of its letters, so `$xyz$` still equals `$xyz$`)
    const parses = pred.tree !== null || (letterWord(pred) !== null && letterWord(g.parsed) !== null);
    if (pred.loose === g.parsed.loose && pred.loose !== "" && (parses || options.fallbackMode !== "no_fallback")) {
      return { correct: true, status: "correct", score: 1, reason: "equivalent (same text)", extracted: c.text, source: c.source, gold: g.text };
    }
    if (wordAsProduct(g.parsed, pred)) {
      return {
        correct: true,
        status: "correct",
        score: 1,
        reason: "equivalent (a word and the product of its letters)",
        extracted: c.text,
        source: c.source,
        gold: g.text,
      };
    }
    if (!pred.tree) {
      unparsed ??= { text: c.text, source: c.source, error: pred.error };
      if (firstMatchOnly) tried = match[i];
      if (c.source === "last-latex" || ((c.source === "final-answer" || c.source === "answer-line") && c.text.includes("\\"))) failedSpan = c.text;
      // an answer sentence or bold text naming two values with "or" ("either 3 or 4") is a hedge: the last number is not
      // read out of it (its own readings still are: "3 (or maybe 4)" answers 3)
      if ((c.source === "final-answer" || c.source === "answer-line" || c.source === "bold") && HEDGED_NUMBERS.test(c.text)) hedged ??= c.text;
      // an explicit answer (a box, an answer tag) that does not parse is final: numbers inside it
      // must not be picked up by the fallbacks. Under Math-Verify's targets a box that does not parse
      // is skipped as Math-Verify skips it (other spans are tried; numbers inside it are not)
      if (c.source === "boxed" && options.mathVerifyTargets === true && !LOST_ESCAPE.test(c.text)) {
        failedSpan = c.text;
        continue;
      }
      if (c.source === "boxed" || c.source === "answer-tag" || LOST_ESCAPE.test(c.text)) break;
      continue;
    }
    // words read by a phrase rule after a box ("Answer: as above") do not replace the box
    if (pred.tree.k === "text" && (c.source === "final-answer" || c.source === "answer-line") && cands.some((x) => x.source === "boxed")) continue;
    if (!g.parsed.tree) {
      return {
        correct: false,
        status: "invalid",
        score: 0,
        reason: `gold answer could not be parsed (${g.parsed.error}); texts differ`,
        extracted: c.text,
        source: c.source,
        gold: g.text,
      };
    }
    const restated = options.evaluateAnswerOperators ? null : unevaluatedOperator(c.text, g.text);
    if (restated !== null) {
      return {
        correct: false,
        status: "wrong",
        score: 0,
        reason: `the answer leaves ${restated} unevaluated and the gold has none (it restates the question; evaluate_answer_operators: true evaluates it as Math-Verify does)`,
        extracted: c.text,
        source: c.source,
        gold: g.text,
      };
    }
    const ctx = compareContext(budget, options);
    const ok = parsedEquivalentWith(g.parsed, pred, budget, options, ctx);
    const verdict: Omit<MathVerdict, "elapsedMs"> = {
      correct: ok,
      status: ok ? "correct" : "wrong",
      score: ok ? 1 : 0,
      reason: ok ? "equivalent" : "not equivalent",
      extracted: c.text,
      source: c.source,
      gold: g.text,
    };
    if (ctx.fellBack) {
      verdict.reason += ` (${FELL_BACK})`;
      verdict.details = { fallback: "structure" };
    }
    return verdict;
  }
  const u = unparsed;
  if (!u) return { correct: false, status: "no_answer", score: 0, reason: "no answer found", gold: g.text };
  return { correct: false, status: "wrong", score: 0, reason: `answer could not be parsed (${u.error})`, extracted: u.text, source: u.source, gold: g.text };
}

/**
 * Verify a response against a gold answer, synchronously. Never throws; bounded by `options.timeoutMs`
 * (default 1000 ms): past it the verdict is `{ correct: false, reason: "timeout" }`.
 */
export function verifyMathSync(gold: string, response: string, options: MathVerifyOptions = {}): MathVerdict {
  const t0 = performance.now();
  try {
    if (typeof gold !== "string" || typeof response !== "string") {
      return { correct: false, status: "invalid", score: 0, reason: "invalid input: gold and response must be strings", elapsedMs: 0 };
    }
    let resolved: ResolvedMathOptions;
    try {
      resolved = resolveMathOptions(options);
    } catch (e) {
      if (e instanceof MathOptionError)
        return { correct: false, status: "invalid", score: 0, reason: `invalid input: ${e.message}`, elapsedMs: performance.now() - t0 };
      throw e;
    }
    const budget = new Deadline(resolved.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const v = verifyInner(gold, response, resolved, budget);
    return { ...v, elapsedMs: performance.now() - t0 };
  } catch (e) {
    const elapsedMs = performance.now() - t0;
    if (e instanceof MathTimeoutError) return { correct: false, status: "timeout", score: 0, reason: "timeout", elapsedMs, details: { limitMs: e.limitMs } };
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { correct: false, status: "error", score: 0, reason: `internal error: ${msg}`, elapsedMs };
  }
}

/**
 * Verify a model response against a gold answer (MATH-500 LaTeX, a GSM8K number or `#### 18`,
 * `\boxed{...}`, with or without `$...$`). Resolves to a verdict; never rejects.
 */
export function verifyMath(gold: string, response: string, options: MathVerifyOptions = {}): Promise<MathVerdict> {
  return Promise.resolve(verifyMathSync(gold, response, options));
}

/** Build a math `Verifier` with fixed options; it checks `problem.answer` against the response. */
export function createMathVerifier(options: MathVerifyOptions = {}): Verifier {
  return {
    name: "math",
    verify(response: string, problem: Problem) {
      return verifyMath(problem?.answer, response, options);
    },
  };
}

/** The math `Verifier` with default options (use as `Problem.verifier`). */
export const mathVerifier: Verifier = createMathVerifier();
