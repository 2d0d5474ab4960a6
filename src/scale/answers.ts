/**
 * The answer a response votes for: the final answer (after the thinking segment, in an
 * `<answer>` tag, a `\boxed{}`, or the last line), cleaned, then mapped to a key under which
 * equivalent answers collide.
 */
import { afterLastEquals, cleanAnswer, extractFinalAnswer } from "../tasks/extract.js";
import type { AnswerKeyFn } from "../core/vote.js";
import { mathAnswerKey } from "./answerKey.js";

/** Extracts a vote key from a response's text (null when it has no answer). */
export type AnswerExtractor = (text: string) => string | null;

/**
 * The default extractor: the tasks' final-answer rules, then the part after the last "=" when the
 * answer is an equation ("12+30=42", "x = 5"), then `key` (default `mathAnswerKey`).
 */
export function defaultAnswerExtractor(key: AnswerKeyFn = mathAnswerKey): AnswerExtractor {
  return (text) => {
    const found = extractFinalAnswer(text);
    if (!found) return null;
    let s = cleanAnswer(found.text);
    if (s.includes("=")) s = afterLastEquals(s).trim();
    if (s === "") return null;
    try {
      return key(s);
    } catch {
      return s;
    }
  };
}
