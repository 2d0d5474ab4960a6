/**
 * Final-answer extraction for the procedural tasks: where a model's answer is in its response,
 * and how the answer text is cleaned before a task-specific check.
 *
 * Rules, in order (see docs/tasks.md):
 * 1. If the response has a `<think>` block, only the text after the last `</think>` counts; an
 *    unterminated `<think>` (the model never stopped thinking) has no answer.
 * 2. In that text (or the whole response when there is no think block), the last
 *    `<answer>...</answer>` wins (an unclosed `<answer>` runs to the end).
 * 3. Otherwise the last non-empty line.
 * Everything is linear-time string scanning on at most `maxChars` characters (the tail of the
 * response), so extraction is bounded for any input.
 */
import { answerAfterThinking, thinkTagsNamed } from "../core/think.js";

/** Where the answer text was found. */
export type AnswerSource = "answer-tag" | "after-think" | "last-line";

/** An extracted answer and where it came from. */
export interface ExtractedAnswer {
  text: string;
  source: AnswerSource;
}

/** Options of `extractFinalAnswer`. */
export interface ExtractOptions {
  /** Only the last `maxChars` characters of the response are read (default 65536). */
  maxChars?: number;
  /** Think-block tag name (default "think"). */
  thinkTag?: string;
  /** Answer tag name (default "answer"). */
  answerTag?: string;
}

function lastNonEmptyLine(text: string): string {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (line !== "") return line;
  }
  return "";
}

/** The final answer of a response, or null when there is none (see the module comment for the rules). */
export function extractFinalAnswer(response: string, opts: ExtractOptions = {}): ExtractedAnswer | null {
  if (typeof response !== "string") return null;
  const maxChars = opts.maxChars ?? 65536;
  const tail = response.length > maxChars ? response.slice(response.length - maxChars) : response;
  const tag = opts.answerTag ?? "answer";
  const part = answerAfterThinking(tail, { tags: opts.thinkTag === undefined ? undefined : thinkTagsNamed(opts.thinkTag) });
  if (part === null) return null;
  const text = part.text;
  const source: AnswerSource = part.afterThinking ? "after-think" : "last-line";
  const open = text.lastIndexOf(`<${tag}>`);
  if (open >= 0) {
    const start = open + tag.length + 2;
    const close = text.indexOf(`</${tag}>`, start);
    const inner = (close >= 0 ? text.slice(start, close) : text.slice(start)).trim();
    return inner === "" ? null : { text: inner, source: "answer-tag" };
  }
  const line = lastNonEmptyLine(text);
  return line === "" ? null : { text: line, source };
}

/** The content of the last `\boxed{...}` / `\fbox{...}` (nested braces), or null. */
export function lastBoxed(text: string): string | null {
  const i = Math.max(text.lastIndexOf("\\boxed{"), text.lastIndexOf("\\fbox{"));
  if (i < 0) return null;
  const start = text.indexOf("{", i) + 1;
  let depth = 1;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(start, j);
  }
  return null;
}

const PREFIXES = /^(?:(?:so|thus|therefore|hence)[, ]+)?(?:the\s+)?(?:final\s+)?(?:answer|result)\s*(?:is|:)\s*/i;

/** Remove trailing characters from `chars` (a loop: a regex like /[.]+$/ is quadratic on long runs). */
function stripTrailing(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

/**
 * Clean an extracted answer: take a `\boxed{}` body, drop `$`/`\(`/`\[` wrappers, markdown bold and
 * backticks, an "answer:" / "the answer is" prefix and trailing punctuation.
 */
export function cleanAnswer(text: string): string {
  let s = text.trim();
  const boxed = lastBoxed(s);
  if (boxed !== null) s = boxed.trim();
  for (let k = 0; k < 3; k++) {
    const before = s;
    s = s.replace(PREFIXES, "").trim();
    s = stripTrailing(s, ".;!").trim();
    if (s.startsWith("$") && s.endsWith("$") && s.length >= 2) s = s.replace(/^\$+|\$+$/g, "").trim();
    if (/^\\[([]/.test(s) && /\\[)\]]$/.test(s)) s = s.slice(2, -2).trim();
    if (/^\*\*.*\*\*$/.test(s) && s.length >= 4) s = s.slice(2, -2).trim();
    if (/^`[^`]*`$/.test(s)) s = s.slice(1, -1).trim();
    if (s === before) break;
  }
  return s;
}

/** The part after the last "=" ("12+345=357" -> "357", "x = 5" -> "5"); the text itself when there is none. */
export function afterLastEquals(text: string): string {
  const i = text.lastIndexOf("=");
  return i >= 0 ? text.slice(i + 1).trim() : text.trim();
}

/**
 * Parse a whole integer answer: optional sign (ASCII or unicode minus), digits, and optionally
 * correctly grouped thousands separators ("1,234"). Anything else (hedges, words, decimals with a
 * non-zero fraction) gives null. Answers longer than `maxDigits` digits give null.
 */
export function parseIntegerAnswer(text: string, maxDigits = 1000): bigint | null {
  let s = text.trim().replace(/^\u2212/, "-");
  if (/^[+-]?\d{1,3}(,\d{3})+$/.test(s)) s = s.replace(/,/g, "");
  const dec = /^([+-]?\d+)\.0*$/.exec(s);
  if (dec) s = dec[1];
  if (!/^[+-]?\d+$/.test(s) || s.replace(/^[+-]/, "").length > maxDigits) return null;
  return BigInt(s);
}
