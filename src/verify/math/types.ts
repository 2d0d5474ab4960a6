/**
 * Public types of the math verifier: options, verdicts and extraction sources.
 */
import type { Verdict } from "../../types.js";

/** Where in a response an answer can be found, in the names used by `extraction` priorities. */
export type ExtractionSource =
  | "boxed"
  | "answer-tag"
  | "final-answer"
  | "answer-line"
  | "bold"
  | "last-latex"
  | "last-number"
  | "whole";

/** The default priority order used for model responses. */
export const DEFAULT_EXTRACTION: readonly ExtractionSource[] = [
  "boxed",
  "answer-tag",
  "final-answer",
  "answer-line",
  "bold",
  "last-latex",
  "whole",
  "last-number",
];

/** The priority order used for gold answers (dataset forms: raw LaTeX, `#### 18`, `\boxed{...}`, or a whole solution). */
export const GOLD_EXTRACTION: readonly ExtractionSource[] = ["boxed", "whole", "final-answer", "last-latex", "last-number"];

/** Options of `verifyMath`, `extractAnswer` and `answersEquivalent`. Every field is optional. */
export interface MathVerifyOptions {
  /** Time limit of one verification in milliseconds (default 1000). Past it the verdict is `timeout`. */
  timeoutMs?: number;
  /** Extraction sources tried in order on the response; the first that yields a parsable answer wins. */
  extraction?: readonly ExtractionSource[];
  /** Extraction sources tried on the gold answer (default: `boxed`, then the whole string). */
  goldExtraction?: readonly ExtractionSource[];
  /** Relative tolerance when a decimal is compared with an exact value (default 1e-6). */
  tolerance?: number;
  /** Only text after the last `</think>` is searched when the response has one (default true). */
  afterThink?: boolean;
  /** Responses longer than this are cut to their last `maxResponseChars` characters (default 1,000,000). */
  maxResponseChars?: number;
  /** Extracted answers longer than this are not parsed (default 4000 characters). */
  maxAnswerChars?: number;
}

/** The verdict of `verifyMath`: a `Verdict` plus where the answer came from and how long it took. */
export interface MathVerdict extends Verdict {
  /** Where the extracted answer was found in the response (absent when none was found). */
  source?: ExtractionSource;
  /** The gold answer as extracted (what was compared). */
  gold?: string;
  /** Milliseconds spent. */
  elapsedMs: number;
}

/** An answer found in a text: the answer text and where it was found. */
export interface ExtractedMathAnswer {
  /** The answer text, with math delimiters and `\boxed{}` removed. */
  text: string;
  /** The rule that found it. */
  source: ExtractionSource;
}
