/**
 * Verifier building blocks for the procedural tasks: a wrapper that makes any check safe (never
 * throws, bounded input), and the answer checks the generators share (integer, digit string, list).
 */
import type { Problem, Verdict, Verifier } from "../types.js";
import { afterLastEquals, cleanAnswer, extractFinalAnswer, parseIntegerAnswer } from "./extract.js";

/** Longest response a task verifier reads (its tail); longer responses are cut, never rejected outright. */
export const MAX_RESPONSE_CHARS = 65536;

/** A synchronous check of a response against a problem. It may throw; `defineVerifier` catches it. */
export type CheckFn = (response: string, problem: Problem) => Verdict;

/**
 * Wrap a synchronous check as a `Verifier`: non-string responses, exceptions and over-long inputs
 * become verdicts with a reason, and the time taken is recorded in `details.ms`. The checks used by
 * the tasks are linear scans over at most MAX_RESPONSE_CHARS characters, which bounds their time.
 */
export function defineVerifier(name: string, check: CheckFn): Verifier {
  return {
    name,
    verify(response: string, problem: Problem): Promise<Verdict> {
      const t0 = performance.now();
      let verdict: Verdict;
      try {
        if (typeof response !== "string") {
          verdict = { correct: false, status: "invalid", score: 0, reason: "response is not a string" };
        } else {
          const text = response.length > MAX_RESPONSE_CHARS ? response.slice(-MAX_RESPONSE_CHARS) : response;
          verdict = check(text, problem);
        }
      } catch (err) {
        verdict = { correct: false, status: "error", score: 0, reason: `verifier error: ${err instanceof Error ? err.message : String(err)}` };
      }
      verdict.score ??= verdict.correct ? 1 : 0;
      verdict.details = { ...verdict.details, ms: performance.now() - t0 };
      return Promise.resolve(verdict);
    },
  };
}

/** A verdict for a response with no recognisable final answer. */
export function noAnswer(reason = `no answer found (or one longer than ${MAX_ANSWER_CHARS} characters)`): Verdict {
  return { correct: false, status: "no_answer", score: 0, reason };
}

/** Longest final answer a task verifier parses (longer ones are rejected as "answer too long"). */
export const MAX_ANSWER_CHARS = 2000;

/** Extract and clean the final answer; null when there is none or it is longer than MAX_ANSWER_CHARS. */
export function finalAnswerText(response: string): string | null {
  const found = extractFinalAnswer(response);
  if (!found || found.text.length > MAX_ANSWER_CHARS) return null;
  const cleaned = cleanAnswer(found.text);
  return cleaned === "" ? null : cleaned;
}

/**
 * Integer answers (arithmetic, equations, digit sums): the final answer (after the last "=", so
 * "12+345=357" and "x = 5" work) must be exactly one integer equal to the gold `problem.answer`.
 */
export const integerCheck: CheckFn = (response, problem) => {
  const text = finalAnswerText(response);
  if (text === null) return noAnswer();
  const value = parseIntegerAnswer(afterLastEquals(text));
  if (value === null) return { correct: false, status: "wrong", score: 0, reason: "answer is not a single integer", extracted: text };
  const gold = parseIntegerAnswer(problem.answer);
  if (gold === null) return { correct: false, status: "invalid", score: 0, reason: `gold answer "${problem.answer}" is not an integer` };
  const correct = value === gold;
  return { correct, status: correct ? "correct" : "wrong", reason: correct ? "correct" : "wrong answer", extracted: value.toString() };
};

/**
 * Digit-string answers (base conversion, reversal): the final answer, without spaces and leading
 * zeros, compared case-insensitively with the gold answer.
 */
export const digitStringCheck: CheckFn = (response, problem) => {
  const text = finalAnswerText(response);
  if (text === null) return noAnswer();
  const norm = (s: string): string => {
    const t = afterLastEquals(s).replace(/\s+/g, "").toLowerCase();
    return /^[0-9a-z]+$/.test(t) ? t.replace(/^0+(?=.)/, "") : "";
  };
  const got = norm(text);
  if (got === "") return { correct: false, status: "wrong", score: 0, reason: "answer is not a digit string", extracted: text };
  const correct = got === norm(problem.answer);
  return { correct, status: correct ? "correct" : "wrong", reason: correct ? "correct" : "wrong answer", extracted: got };
};

/** Parse "3,5,9", "3 5 9", "[3, 5, 9]" into integers; null when any item is not an integer. */
export function parseIntegerList(text: string): bigint[] | null {
  const s = text
    .trim()
    .replace(/^\[|\]$/g, "")
    .trim();
  if (s === "") return [];
  const items = s.split(/\s*,\s*|\s+/);
  const out: bigint[] = [];
  for (const item of items) {
    const v = parseIntegerAnswer(item, 100);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** Integer-list answers (sorting): same integers in the same order as the gold list. */
export const integerListCheck: CheckFn = (response, problem) => {
  const text = finalAnswerText(response);
  if (text === null) return noAnswer();
  const got = parseIntegerList(afterLastEquals(text));
  if (got === null) return { correct: false, status: "wrong", score: 0, reason: "answer is not a list of integers", extracted: text };
  const gold = parseIntegerList(problem.answer) ?? [];
  const correct = got.length === gold.length && got.every((v, i) => v === gold[i]);
  return { correct, status: correct ? "correct" : "wrong", reason: correct ? "correct" : "wrong answer", extracted: got.join(",") };
};
