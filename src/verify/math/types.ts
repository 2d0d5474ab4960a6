/**
 * Public types of the math verifier: options, verdicts and extraction sources.
 */
import type { Verdict } from "../../types.js";

/** Where in a response an answer can be found, in the names used by `extraction` priorities. */
export type ExtractionSource = "boxed" | "answer-tag" | "final-answer" | "answer-line" | "bold" | "last-latex" | "last-number" | "whole" | "choice";

/** Math-Verify's extraction targets (`LatexExtractionConfig`, `ExprExtractionConfig`, `StringExtractionConfig`), accepted wherever sources are. */
export type MathVerifyTarget = "latex" | "expr" | "string";

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
  /**
   * Extraction sources tried in order on the response; the first that yields a parsable answer wins.
   * Math-Verify's target names `latex`, `expr` and `string` are accepted too (each stands for the
   * sources it covers, see docs/verify-math.md); given so, they apply to the gold answer as well.
   */
  extraction?: readonly (ExtractionSource | MathVerifyTarget)[];
  /** Extraction sources tried on the gold answer (default: `boxed`, then the whole string). */
  goldExtraction?: readonly (ExtractionSource | MathVerifyTarget)[];
  /** The same as `goldExtraction` (snake_case spelling, as JSONL lines and the reward server's `--math-options` write it). */
  gold_extraction?: readonly (ExtractionSource | MathVerifyTarget)[];
  /**
   * Decimal places a decimal written in an answer must agree to with an exact value (Math-Verify's
   * `float_rounding`, default 6): `0.666667` is `\frac23`, `0.3333` is not `\frac13`. Below 0.1 it
   * counts significant digits, so different tiny values never collapse to 0. An exact integer
   * (`123456789`) is only ever matched exactly.
   */
  float_rounding?: number;
  /** The same as `float_rounding` (camelCase spelling). */
  floatRounding?: number;
  /** Math-Verify's `numeric_precision`: accepted for compatibility; precision here grows as needed. */
  numeric_precision?: number;
  /**
   * Math-Verify's `strict` (default true). When false, variables are paired in the order of their names
   * (`f(x)` matches `f(y)`, `x + 1` matches `t + 1`, `y - x` matches `b - a` only; a lone letter is not
   * renamed) and a set matches a tuple with the same items.
   */
  strict?: boolean;
  /**
   * Math-Verify's `allow_set_relation_comp` (default false): a gold interval or set also matches an
   * inequality answer (`[-2, 7]` vs `-2 \le x \le 7`). A gold inequality always matches an interval answer.
   */
  allow_set_relation_comp?: boolean;
  /** The same as `allow_set_relation_comp` (camelCase spelling). */
  allowSetRelationComp?: boolean;
  /**
   * Evaluate an integral, limit, derivative, sum or product the answer leaves unevaluated, as
   * Math-Verify does (default false: such an answer restates the question, and is wrong unless the
   * gold has the same operator; see restate.ts).
   */
  evaluate_answer_operators?: boolean;
  /** The same as `evaluate_answer_operators` (camelCase spelling). */
  evaluateAnswerOperators?: boolean;
  /**
   * Math-Verify's `LatexExtractionConfig.boxed_match_priority` (default 50; an integer from -1): where
   * the response's `\boxed{}` stands among its patterns (0 "final answer is X. I hope", 50 "final answer
   * ... is X", 100 "answer: X", 200 "answer ... X", 300 any span or number; lower is tried first, equal
   * priorities by where the match ends, the last first). 0 puts a box before every phrase; -1 reads no
   * box outside a math span. Applies to the response, with Math-Verify's targets (`extraction` given).
   */
  boxed_match_priority?: number;
  /** The same as `boxed_match_priority` (camelCase spelling). */
  boxedMatchPriority?: number;
  /**
   * Math-Verify's `parse(..., extraction_mode=...)`: `"any_match"` (default) tries the response's
   * matches in priority order until one parses; `"first_match"` tries only the first match found, and
   * when it does not parse the response has no answer. Applies with Math-Verify's targets.
   */
  extraction_mode?: "any_match" | "first_match";
  /** The same as `extraction_mode` (camelCase spelling). */
  extractionMode?: "any_match" | "first_match";
  /**
   * Math-Verify's `LatexExtractionConfig` / `ExprExtractionConfig` / `StringExtractionConfig`
   * `try_extract_without_anchor` (default true). false: the response's answer is read only where
   * something marks it (a box, "final answer … is", "answer:", "answer … X", an `<answer>` tag), never
   * from a plain math span, number, bold text or the whole text; open-r1's and TRL's accuracy rewards
   * set it. Applies to the response, with Math-Verify's targets (to every target given).
   */
  try_extract_without_anchor?: boolean;
  /** The same as `try_extract_without_anchor` (camelCase spelling). */
  tryExtractWithoutAnchor?: boolean;
  /**
   * Math-Verify's `parse(..., fallback_mode=...)`: `"first_match"` (default) also keeps the text of a
   * match that does not parse, so it can still equal the gold's text; `"no_fallback"` keeps only what
   * parses: an answer that does not parse matches nothing. Applies to the response, with Math-Verify's targets.
   */
  fallback_mode?: "first_match" | "no_fallback";
  /** The same as `fallback_mode` (camelCase spelling). */
  fallbackMode?: "first_match" | "no_fallback";
  /** The letters `string` / `choice` extraction reads (default A, B, C, D). */
  strings?: readonly string[];
  /** Math-Verify's `timeout_seconds`: the same as `timeoutMs` / 1000 (`timeoutMs` wins when both are given). */
  timeout_seconds?: number;
  /**
   * The old relative tolerance for decimals (default: unset, so `float_rounding` decides). When set,
   * a decimal matches an exact value within this relative tolerance, except an exact integer, which
   * still matches only exactly.
   */
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
  /** Read outside every LaTeX math span (so no part of a span that failed to parse). */
  outsideMath?: boolean;
}
