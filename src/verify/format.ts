/**
 * Format reward: does a response think in `<think>…</think>` and then answer?
 *
 * The checks, in order:
 * 1. `starts`: the response opens with the think tag (leading whitespace allowed). With
 *    `promptOpensThink` (templates whose prompt already ends in `<think>`) the response must not open
 *    another one instead.
 * 2. `tags`: exactly one opening and one closing think tag, opening before closing.
 * 3. `thinking`: the text between them is not blank (invisible characters such as U+200B count as blank).
 * 4. `answer`: the text after the closing tag is not blank (at least `minAnswerChars` visible characters).
 * 5. `answerTag` (only when `answerTags` is set, as in the R1-Zero template): the answer is exactly one
 *    `<answer>…</answer>` block with non-blank content and nothing but whitespace around it.
 *
 * Strict mode scores 1 when every check passes and 0 otherwise; soft mode scores the fraction of checks that
 * pass (so soft is 1 exactly when strict is 1). Tag names are configurable.
 */
import { answerAfterThinking, DEFAULT_THINK_TAGS } from "../core/think.js";
import type { Problem } from "../types.js";
import type { RewardFunction } from "./rubric.js";
import { ScratchpadError } from "../core/errors.js";

/** Options of the format checks. */
export interface FormatOptions {
  /** Opening tag of the reasoning block (default `<think>`). */
  openTag?: string;
  /** Closing tag of the reasoning block (default `</think>`). */
  closeTag?: string;
  /** The prompt already ends with the opening tag, so the response starts inside the reasoning (default false). */
  promptOpensThink?: boolean;
  /** Also require the answer to be one `[open, close]` block, e.g. `["<answer>", "</answer>"]`. */
  answerTags?: [string, string];
  /** Fewest non-blank characters the answer needs (default 1). */
  minAnswerChars?: number;
}

/** Names of the checks (see the file comment). */
export type FormatCheckName = "starts" | "tags" | "thinking" | "answer" | "answerTag";

/** The detailed result of `checkFormat`. */
export interface FormatCheck {
  /** Whether every check passed. */
  strict: boolean;
  /** Fraction of checks passed, in [0, 1]. */
  soft: number;
  /** Each check and whether it passed. */
  checks: Partial<Record<FormatCheckName, boolean>>;
  /** The reasoning text, when a think block was found. */
  thinking?: string;
  /** The answer text after the reasoning (or the whole response when there is no closing tag). */
  answer: string;
}

/** Invalid format options (empty tag names, a negative minimum, ...). */
export class FormatOptionsError extends ScratchpadError {
  override readonly name = "FormatOptionsError";
  constructor(message: string) {
    super("format_options", `invalid format options: ${message}`);
  }
}

function countOf(text: string, tag: string): number {
  let n = 0;
  for (let i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length)) n++;
  return n;
}

function resolve(opts: FormatOptions): Required<Omit<FormatOptions, "answerTags">> & { answerTags?: [string, string] } {
  const openTag = opts.openTag ?? DEFAULT_THINK_TAGS.open;
  const closeTag = opts.closeTag ?? DEFAULT_THINK_TAGS.close;
  const minAnswerChars = opts.minAnswerChars ?? 1;
  if (typeof openTag !== "string" || openTag === "") throw new FormatOptionsError("openTag must be a non-empty string");
  if (typeof closeTag !== "string" || closeTag === "") throw new FormatOptionsError("closeTag must be a non-empty string");
  if (openTag === closeTag) throw new FormatOptionsError("openTag and closeTag must differ");
  if (!Number.isInteger(minAnswerChars) || minAnswerChars < 0) {
    throw new FormatOptionsError(`minAnswerChars must be a non-negative integer, got ${String(opts.minAnswerChars)}`);
  }
  if (opts.answerTags !== undefined) {
    const [a, b] = opts.answerTags;
    if (typeof a !== "string" || typeof b !== "string" || !a || !b || a === b) {
      throw new FormatOptionsError('answerTags must be two different non-empty strings, e.g. ["<answer>", "</answer>"]');
    }
  }
  return { openTag, closeTag, minAnswerChars, promptOpensThink: opts.promptOpensThink ?? false, answerTags: opts.answerTags };
}

/**
 * Characters that show nothing: format characters (zero-width space and joiners, word joiner, soft hyphen, byte order
 * mark, bidi marks and overrides), the combining grapheme joiner, and letters drawn blank (Braille blank, Hangul fillers).
 * `trim()` keeps them, so a think block or an answer of nothing else was not blank.
 */
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u2800\u3164\uffa0]/gu;

/** The text as a reader sees it: invisible characters removed, whitespace trimmed. */
function visible(text: string): string {
  return text.replace(INVISIBLE, "").trim();
}

function checkAnswerTags(answer: string, [open, close]: [string, string]): boolean {
  const t = answer.trim();
  if (!t.startsWith(open) || !t.endsWith(close) || countOf(t, open) !== 1 || countOf(t, close) !== 1) return false;
  return visible(t.slice(open.length, t.length - close.length)) !== "";
}

/** Run the format checks on a response (throws `FormatOptionsError` only for invalid options). */
export function checkFormat(response: string, options: FormatOptions = {}): FormatCheck {
  const o = resolve(options);
  const opens = countOf(response, o.openTag);
  const closes = countOf(response, o.closeTag);
  const lead = response.trimStart();
  const closeAt = response.indexOf(o.closeTag);
  const openAt = response.indexOf(o.openTag);
  const checks: FormatCheck["checks"] = {};
  let thinking: string | undefined;
  const answer = answerAfterThinking(response, { tags: { open: o.openTag, close: o.closeTag }, unclosed: "whole-text" })!.text;

  if (o.promptOpensThink) {
    checks.starts = !lead.startsWith(o.openTag);
    checks.tags = opens === 0 && closes === 1;
    if (closeAt >= 0) thinking = response.slice(0, closeAt);
  } else {
    checks.starts = lead.startsWith(o.openTag);
    checks.tags = opens === 1 && closes === 1 && openAt < closeAt;
    if (openAt >= 0 && closeAt > openAt) thinking = response.slice(openAt + o.openTag.length, closeAt);
  }
  checks.thinking = thinking !== undefined && visible(thinking) !== "";
  checks.answer = closeAt >= 0 && visible(answer).length >= Math.max(1, o.minAnswerChars);
  if (o.answerTags) checks.answerTag = closeAt >= 0 && checkAnswerTags(answer, o.answerTags);

  const values = Object.values(checks);
  const passed = values.filter(Boolean).length;
  const result: FormatCheck = { strict: passed === values.length, soft: passed / values.length, checks, answer };
  if (thinking !== undefined) result.thinking = thinking;
  return result;
}

/** Options of `formatReward`: the checks' options plus the scoring mode. */
export interface FormatRewardOptions extends FormatOptions {
  /** `"strict"` (1 or 0, default) or `"soft"` (fraction of checks passed). */
  mode?: "strict" | "soft";
}

/**
 * A reward function for the think-then-answer format: 1/0 (strict) or the fraction of checks passed (soft).
 * Options are validated here, once; the returned function never throws and returns null for a response that
 * is not a string.
 */
export function formatReward(options: FormatRewardOptions = {}): RewardFunction {
  const { mode = "strict", ...checkOpts } = options;
  if (mode !== "strict" && mode !== "soft") throw new FormatOptionsError(`mode must be "strict" or "soft", got ${JSON.stringify(mode)}`);
  resolve(checkOpts);
  return (response: string, _problem?: Problem): number | null => {
    if (typeof response !== "string") return null;
    try {
      const c = checkFormat(response, checkOpts);
      return mode === "strict" ? (c.strict ? 1 : 0) : c.soft;
    } catch {
      return null;
    }
  };
}
