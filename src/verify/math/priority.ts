/**
 * Math-Verify's targets and parse options as extraction sees them (which are in force for a text), and the
 * priorities of its patterns (parser.py's `lazy_latex_regex` / `lazy_expr_regex` / `lazy_string_regex` and
 * `extract_target_from_pred`): the priority a found candidate stands for, and where `boxed_match_priority`
 * puts the box among the candidates. Used by extract.ts.
 */
import { DEFAULT_BOXED_MATCH_PRIORITY, type ResolvedMathOptions } from "./options.js";
import type { ExtractedMathAnswer, ExtractionSource, MathVerifyOptions } from "./types.js";

/** A candidate with the position where it was found (for ordering boxed against "final answer is"). */
export interface Found {
  text: string;
  pos: number;
  /** The text was read outside every math span (Math-Verify's expr "answer" patterns). */
  outsideMath?: boolean;
  /** A phrase written with LaTeX (a math delimiter, a box or a bare fraction). */
  latex?: boolean;
  /** A math span read after the word "answer" (Math-Verify's priority 100/200 latex patterns). */
  answerWord?: boolean;
  /** "final answer … is" (Math-Verify's priority 50 pattern; "Final answer: X" is not it). */
  final?: boolean;
  /** The phrase is "answer:" (Math-Verify's priority 100 pattern), not "answer is". */
  colon?: boolean;
  /** "final answer is X. I hope": Math-Verify's priority-0 pattern. */
  hope?: boolean;
  /** A further reading tried after this one (the plain last span after an "answer" span). */
  alt?: string;
  /** Where the text after a phrase starts (phrases only). */
  after?: number;
  /** The math environment (group) right after "final answer … is": read as it stands, no other reading. */
  env?: boolean;
}

/** Whether Math-Verify's targets were asked for (resolved options carry the flag; see options.ts). */
export function mvTargets(options: MathVerifyOptions): boolean {
  return (options as Pick<ResolvedMathOptions, "mathVerifyTargets">).mathVerifyTargets === true;
}

/** Whether Math-Verify's `expr` target was asked for (numbers read as its number pattern reads them). */
export function exprNumbersOf(options: MathVerifyOptions): boolean {
  return (options as Pick<ResolvedMathOptions, "exprNumbers">).exprNumbers === true;
}

/**
 * Whether only anchored patterns read the response (Math-Verify's `try_extract_without_anchor: false`):
 * boxes, "final answer" phrases and the word "answer", never a plain span, number or whole text (priority 300).
 */
export function anchoredOnly(options: MathVerifyOptions): boolean {
  const o = options as Partial<Pick<ResolvedMathOptions, "tryExtractWithoutAnchor" | "goldSide">>;
  return mvTargets(options) && o.goldSide !== true && o.tryExtractWithoutAnchor === false;
}

/** Math-Verify's latex and expr targets together: their "answer" patterns are read by answerword.ts. */
export function mvBothTargets(options: MathVerifyOptions): boolean {
  return mvTargets(options) && exprNumbersOf(options) && options.extraction?.includes("last-latex") === true;
}

/** Math-Verify's `boxed_match_priority` in force (50 unless resolved options say otherwise; only under its targets, on the response). */
export function boxedPriorityOf(options: MathVerifyOptions): number {
  // (a response's option: the gold is read as before, as open-r1 and TRL parse golds with the default config)
  if (!mvTargets(options) || (options as Pick<ResolvedMathOptions, "goldSide">).goldSide === true) return DEFAULT_BOXED_MATCH_PRIORITY;
  return (options as Partial<Pick<ResolvedMathOptions, "boxedMatchPriority">>).boxedMatchPriority ?? DEFAULT_BOXED_MATCH_PRIORITY;
}

/**
 * The priority of Math-Verify's pattern a found candidate stands for (parser.lazy_latex_regex and
 * lazy_expr_regex): 0 "final answer is X. I hope", 50 "final answer ... is X", 100 "answer: X",
 * 200 "answer ... X" (and an `<answer>` tag, whose word is one), 300 a plain span or number; a box
 * has `boxed_match_priority`.
 */
export function patternPriority(source: ExtractionSource, f: Found, boxed: number): number {
  switch (source) {
    case "boxed":
      return boxed;
    case "final-answer":
      return f.hope ? 0 : f.final ? 50 : f.colon ? 100 : 200;
    case "answer-line":
      return 100;
    case "answer-tag":
      return 200;
    case "last-latex":
    case "last-number":
    case "choice":
      return f.answerWord ? 200 : 300;
    default:
      return 300;
  }
}

/**
 * Put the box candidate where `boxed_match_priority` ranks it (parser.extract_target_from_pred): before
 * the first candidate of a higher priority, or of the same priority that stands before it (matches of
 * one priority are tried by where they end, the last first; a candidate whose position is not kept
 * comes after the box).
 */
export function moveBox(out: ExtractedMathAnswer[], match: number[], prio: number[], pos: number[], priority: number): void {
  const from = out.findIndex((c) => c.source === "boxed");
  if (from < 0) return;
  let n = 1;
  while (from + n < out.length && match[from + n] === match[from]) n++;
  const box = { c: out.splice(from, n), m: match.splice(from, n), p: prio.splice(from, n), at: pos.splice(from, n) };
  let to = prio.findIndex((p, i) => p > priority || (p === priority && box.at[0] > pos[i]));
  if (to < 0) to = out.length;
  out.splice(to, 0, ...box.c);
  match.splice(to, 0, ...box.m);
  prio.splice(to, 0, ...box.p);
  pos.splice(to, 0, ...box.at);
}
